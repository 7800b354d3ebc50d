//! The référentiel for the ecosystem: exports in the formats of the field (job descriptions,
//! gaps and mobility are `metiers-hr`'s).
//!
//! - [`skos`]: the edition as a SKOS thesaurus, as ESCO publishes its occupations:
//!   [`skos::to_turtle`] (written with oxttl) and [`skos::to_jsonld`] (compact JSON-LD with a
//!   fixed `@context`), with stable URIs built from the ids under a [`skos::SkosOptions`]
//!   base URI.
//! - [`crosswalk`]: the table of correspondences with ROME and ESCO, as CSV and JSON.
//! - [`format::Format`]: every bulk format of an edition, defined once (name, media type,
//!   extension, rendering) for the CLI, the API and the pages.
//! - [`xlsx`]: [`xlsx::to_xlsx`], a workbook with sheets of occupations, activities and,
//!   with the crosswalk, correspondences and sources.
//!
//! No I/O: every function returns the text or bytes to write.

pub mod crosswalk;
pub mod format;
pub mod skos;
pub mod xlsx;

pub use format::{Format, RenderOptions};

/// Why an export could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "URI de base invalide « {0} » : attendu une URI absolue finissant par « / », sans « # » (ex. https://exemple.gouv.fr/referentiel/)"
    )]
    BaseUri(String),
    #[error("écriture du classeur XLSX impossible : {0}")]
    Xlsx(String),
    #[error("écriture Turtle impossible : {0}")]
    Turtle(String),
    #[error("la table des correspondances n’est pas chargée : cet export en a besoin")]
    NoCrosswalk,
}
