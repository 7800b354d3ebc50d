//! What the parser and the checks report about an edition: a [`Diagnostic`] per finding,
//! with its [`Severity`].

use std::fmt;

use serde::Serialize;

use crate::model::OccupationId;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// An irregularity of the text that the parser interpreted (a glued title, a bullet
    /// continued on the next line).
    Info,
    /// A data-quality finding (a fiche without education, a duplicated heading).
    Warning,
    /// Something that could not be represented faithfully (a line that fits nowhere,
    /// two fiches with the same identifier).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "avertissement",
            Severity::Error => "erreur",
        })
    }
}

/// One finding of the parser, tied to a line of the source (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Line of the source text (1-based); `None` for a canonical JSON edition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The fiche concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occupation: Option<OccupationId>,
    pub severity: Severity,
    /// What was found and how it was interpreted, in French.
    pub message: String,
}
