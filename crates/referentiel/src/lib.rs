//! The référentiel des métiers et compétences SIC as typed records.
//!
//! - [`model`]: [`Referentiel`], [`Occupation`], [`Education`], [`ActivityGroup`],
//!   [`Activity`] and the stable [`OccupationId`].
//! - [`parser`]: [`parse_text`] turns the published text into records plus
//!   [`Diagnostic`]s; it never panics and never rejects a whole edition.
//! - [`diagnostic`]: what the parser and the checks report, each [`Diagnostic`] with its
//!   [`Severity`].
//! - [`validate()`]: structural and data-quality checks, whatever the source.
//! - [`export`]: canonical JSON (which loads back unchanged), CSV and Markdown.
//! - [`registry`]: the [`Registry`](registry::Registry) of ids across editions
//!   (`data/identifiants.toml`), so that a renamed fiche keeps its id.
//! - [`diff()`](diff::diff): what changed from one edition to the next.
//!
//! The crate does no I/O: it works on the text or bytes it is given. The published edition
//! is embedded ([`published`]).

pub mod diagnostic;
pub mod diff;
pub mod export;
pub mod model;
pub mod parser;
pub mod registry;
pub mod text;
pub mod validate;

pub use diagnostic::{Diagnostic, Severity};
pub use model::{
    Activity, ActivityGroup, Edition, Education, InvalidId, Occupation, OccupationId, Referentiel,
    UnknownOccupation,
};
pub use parser::{Parsed, parse_text};
pub use validate::validate;

/// The published text, verbatim (see `data/README.md` for its provenance).
pub const PUBLISHED_TEXT: &str = include_str!("../../../data/referentiel-sic.txt");

/// Identifier of the embedded edition.
pub const PUBLISHED_EDITION_ID: &str = "jurisconforme";

/// Title of the embedded edition.
pub const PUBLISHED_EDITION_TITLE: &str =
    "Référentiel interministériel des métiers et compétences SIC (texte publié par Jurisconforme)";

/// Parses the embedded published edition.
pub fn published() -> Parsed {
    parse_text(
        PUBLISHED_TEXT,
        PUBLISHED_EDITION_ID,
        PUBLISHED_EDITION_TITLE,
    )
}

/// Why an edition could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "le fichier n’est pas encodé en UTF-8 (octet invalide à la position {0}) : enregistrez-le en UTF-8 et recommencez"
    )]
    NotUtf8(usize),
    #[error("JSON canonique illisible, ligne {line}, colonne {column} : {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
}

/// Loads an edition from bytes: the canonical JSON (first non-blank character `{`) or the
/// published text format. `edition_id` names a text edition (a JSON edition names itself).
pub fn load(bytes: &[u8], edition_id: &str) -> Result<Parsed, LoadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::NotUtf8(e.valid_up_to()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        let referentiel = export::from_json(text)?;
        let diagnostics = validate(&referentiel);
        Ok(Parsed {
            referentiel,
            diagnostics,
        })
    } else {
        let title = format!("Édition « {edition_id} »");
        Ok(parse_text(text, edition_id, &title))
    }
}
