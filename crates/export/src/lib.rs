//! The référentiel for the ecosystem and for HR work: exports in the formats of the field,
//! job descriptions and gap analysis.
//!
//! - [`skos`]: the edition as a SKOS thesaurus, as ESCO publishes its occupations:
//!   [`skos::to_turtle`] (written with oxttl) and [`skos::to_jsonld`] (compact JSON-LD with a
//!   fixed `@context`), with stable URIs built from the ids under a [`skos::SkosOptions`]
//!   base URI.
//! - [`crosswalk`]: the table of correspondences with ROME and ESCO, as CSV and JSON.
//! - [`format::Format`]: every bulk format of an edition, defined once (name, media type,
//!   extension, rendering) for the CLI, the API and the pages.
//! - [`xlsx`]: [`xlsx::to_xlsx`], a workbook with a sheet of occupations and a sheet of
//!   activities.
//! - [`poste`]: [`poste::JobDescription`], a draft fiche de poste from an occupation and the
//!   activities a manager ticks, in Markdown or printable HTML, with marked places for what
//!   is specific to the position.
//! - [`ecart`]: [`ecart::GapAnalyzer`], "de A vers B" (which activities of B an occupation A
//!   already covers, by meaning, with the French analysis of `metiers-search`) and the
//!   occupations ranked for the activities a person practises.
//!
//! No I/O: every function returns the text or bytes to write.

pub mod crosswalk;
pub mod ecart;
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
    #[error("la fiche « {occupation} » n’a pas d’activité n° {number} (elle en compte {count})")]
    UnknownActivity {
        occupation: String,
        number: usize,
        count: usize,
    },
    #[error("aucune activité choisie : indiquez des numéros d’activités ou « all »")]
    NoActivity,
    #[error("la table des correspondances n’est pas chargée : cet export en a besoin")]
    NoCrosswalk,
}
