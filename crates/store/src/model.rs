//! The records of a workspace as the store returns them.

use serde::Serialize;

/// Where a position stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The matcher is not confident (or found nothing): a person must decide.
    ToReview,
    /// The matcher is confident; not yet checked by a person.
    Proposed,
    /// A reviewer kept the matcher's first suggestion.
    Confirmed,
    /// A reviewer chose another occupation.
    Corrected,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::ToReview,
        Status::Proposed,
        Status::Confirmed,
        Status::Corrected,
    ];

    /// The value stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::ToReview => "to_review",
            Status::Proposed => "proposed",
            Status::Confirmed => "confirmed",
            Status::Corrected => "corrected",
        }
    }

    /// The French label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Status::ToReview => "à revoir",
            Status::Proposed => "proposé",
            Status::Confirmed => "confirmé",
            Status::Corrected => "corrigé",
        }
    }

    /// Parses a stored value or a French label (`a-revoir`, `à revoir`, `to_review`…).
    pub fn parse(s: &str) -> Option<Status> {
        let key: String = deunicode::deunicode(s.trim())
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        match key.as_str() {
            "to_review" | "a_revoir" => Some(Status::ToReview),
            "proposed" | "propose" => Some(Status::Proposed),
            "confirmed" | "confirme" => Some(Status::Confirmed),
            "corrected" | "corrige" => Some(Status::Corrected),
            _ => None,
        }
    }

    /// Whether a person has decided.
    pub fn is_reviewed(self) -> bool {
        matches!(self, Status::Confirmed | Status::Corrected)
    }
}

/// One position of the workspace with its classification and decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Position {
    /// Number of the position in this workspace.
    pub id: i64,
    /// The identifier given by the organisation's file, if any.
    pub external_id: Option<String>,
    pub title: String,
    pub missions: Option<String>,
    pub service: Option<String>,
    /// Number of agents or FTE.
    pub headcount: Option<f64>,
    /// The matcher's suggestions, best first (at most 3).
    pub matches: Vec<crate::Candidate>,
    /// Whether the matcher was confident.
    pub confident: bool,
    /// The occupation retained: the matcher's first until a reviewer decides.
    pub occupation_id: Option<String>,
    pub status: Status,
    pub reviewer: Option<String>,
    pub reviewed_at: Option<String>,
    /// Line of the source file it was last imported from.
    pub source_line: Option<i64>,
    pub updated_at: String,
    /// Every column of the file it was last imported from, in the file's order, with its
    /// header and value exactly as read (empty for positions imported before columns were
    /// kept).
    pub columns: Vec<OriginalColumn>,
    /// What the file's HR columns weighed on the suggestions, in French (catégorie against
    /// the education level of the fiches, code ROME through the crosswalk).
    pub evidence: Vec<String>,
}

/// Une colonne du fichier importé, telle que lue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OriginalColumn {
    /// L’en-tête de la colonne (« Colonne C » sans en-tête, « Site (2) » pour un en-tête répété).
    pub header: String,
    /// La valeur de la cellule, telle quelle (sauts de ligne compris).
    pub value: String,
}

impl Position {
    /// The matcher's score for the retained occupation, if the matcher suggested it.
    pub fn score(&self) -> Option<f32> {
        let occ = self.occupation_id.as_deref()?;
        self.matches
            .iter()
            .find(|c| c.occupation_id == occ)
            .map(|c| c.score)
    }
}

/// One recorded decision (the history is append-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub id: i64,
    pub position_id: i64,
    pub reviewer: String,
    pub reviewed_at: String,
    pub previous_occupation_id: Option<String>,
    pub previous_status: String,
    pub new_occupation_id: String,
    pub new_status: String,
}

/// A title the workspace taught the matcher: "this title is that occupation".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LearnedTitle {
    pub occupation_id: String,
    pub title: String,
}

/// A learned title as stored, with where it comes from and, if removed, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredLearned {
    pub id: i64,
    pub title: String,
    pub occupation_id: String,
    pub source_position_id: Option<i64>,
    pub learned_by: String,
    pub learned_at: String,
    pub removed_by: Option<String>,
    pub removed_at: Option<String>,
}

/// Which positions to list.
#[derive(Debug, Clone, Default)]
pub struct PositionFilter {
    pub status: Option<Status>,
    /// Only positions whose retained occupation is this one.
    pub occupation_id: Option<String>,
    /// Words that the title must contain (case-insensitive for ASCII letters).
    pub text: Option<String>,
    /// Only positions not yet decided by a person.
    pub unreviewed: bool,
    pub offset: i64,
    /// At most this many (capped at 1,000; 0 means 50).
    pub limit: i64,
}

/// One page of positions.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PositionPage {
    pub total: i64,
    pub offset: i64,
    pub positions: Vec<Position>,
}
