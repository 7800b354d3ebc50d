//! Which occupation is this text? French search, free-text matching and similarity over the
//! référentiel des métiers SIC.
//!
//! - [`Engine`]: built once from a [`Referentiel`] (an in-memory tantivy index with a French
//!   analyzer, whose BM25 scores are read once into a table, plus the curated vocabulary
//!   `data/vocabulaire.toml`), then immutable and
//!   shared between threads. [`Engine::search`] ranks occupations for a query with the
//!   matching activities highlighted, [`Engine::suggest`] completes titles,
//!   [`Engine::match_text`] says which occupation a job title, an ad or a CV is, with a score
//!   in [0, 1] and whether it is [`MatchResult::confident`], [`Engine::similar`] lists the
//!   closest occupations of one (shared activities and headings, education step).
//! - [`analysis`]: the French analyzer chain (accents, elisions, stop words, inclusive and
//!   feminine forms, stemming) and the expansion of abbreviations.
//! - [`eval`]: measures the matcher on a labelled JSONL file.
//!
//! The crate knows nothing of HTTP or SQL.

pub mod analysis;
mod bm25;
pub mod calibration;
mod engine;
pub mod eval;
mod memo;
pub mod reading;
mod repertories;
pub mod vocabulary;

use metiers_referentiel::OccupationId;
use serde::{Deserialize, Serialize};

pub use calibration::{Calibration, Certainty, TextKind};
pub use engine::{Engine, Learned, Mode, TITLE_MAX_WORDS};
pub use metiers_referentiel::Referentiel;

/// Why an engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("vocabulaire illisible : {0}")]
    Vocabulary(#[from] toml::de::Error),
    #[error("le vocabulaire cite un métier inconnu « {id} » (entrée « {term} »)")]
    UnknownOccupation { id: String, term: String },
    #[error("index de recherche : {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("répertoires embarqués : {0}")]
    Knowledge(#[from] metiers_knowledge::KnowledgeError),
}

/// The occupations that fit a text, best first.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatchResult {
    /// The text as given.
    pub query: String,
    /// Whether the first match can be trusted without a human look.
    pub confident: bool,
    /// Best first; empty when nothing in the text relates to any occupation.
    pub matches: Vec<Match>,
    /// For a long text: the title it was read with, its first line when it opens with one,
    /// else the title a sentence gives the post (« En tant qu’ingénieur data, vous … »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_line: Option<String>,
    /// For a long text: the sentences set aside as describing the employer, the offer, the
    /// place or the application rather than the job.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_aside: Vec<String>,
    /// How sure the engine is of the first match, before the thresholds of « confident »
    /// (for calibration; not part of the API's answer).
    #[serde(skip)]
    pub certainty: Certainty,
    /// The first match is the occupation a person of the organisation decided for this very
    /// title (a learned title of the same normalised form). Not part of the API's answer.
    #[serde(skip)]
    pub decided: bool,
}

impl MatchResult {
    /// Whether the engine read the text as a long text (an ad, a CV) rather than a title.
    /// Known for a result the engine gave, not for one read back from JSON (`certainty` is
    /// not serialised).
    pub fn is_long(&self) -> bool {
        self.certainty.kind != TextKind::Title
    }
}

/// One occupation that fits a text.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Match {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: OccupationId,
    pub title: String,
    /// In [0, 1], comparable across queries.
    pub score: f32,
    /// What matched, strongest first.
    pub evidence: Vec<Evidence>,
    /// For a long text: its sentences that decided for this occupation (those closest to
    /// its activities), best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sentences: Vec<String>,
}

/// Something of the fiche (or of the vocabulary) that the text matched.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// The title, alternative title, vocabulary term or activity that matched.
    pub text: String,
    /// The heading of the activity, for `activity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// The words of the query that matched, as written in the query.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
    /// How a repertory's label reaches the occupation (« via ROME M1805, très proche »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Title,
    AltTitle,
    LearnedTitle,
    Activity,
    Heading,
    Vocabulary,
    Term,
    /// An appellation of a ROME fiche that the crosswalk relates to the occupation.
    RomeAppellation,
    /// A label of an ESCO occupation that the crosswalk relates to the occupation.
    EscoLabel,
}

/// One occupation found by [`Engine::search`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: OccupationId,
    pub title: String,
    /// In [0, 1].
    pub score: f32,
    /// The activities that contain words of the query, best first.
    pub highlights: Vec<Highlight>,
}

/// An activity with the words of the query marked.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Highlight {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    pub text: String,
    /// Byte ranges of `text` that matched, in order, not overlapping.
    pub ranges: Vec<ByteRange>,
}

/// A byte range `[start, end)` of a text.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ByteRange {
    pub start: usize,
    pub end: usize,
}

/// A completion of a prefix by a title or alternative title.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: OccupationId,
    pub title: String,
    /// The title or alternative title that matched the prefix.
    pub label: String,
}

/// An occupation close to another one.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Similar {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: OccupationId,
    pub title: String,
    /// In [0, 1]: how much of their activities the two fiches share, by meaning.
    pub score: f32,
    /// Headings found in both fiches.
    pub shared_headings: Vec<String>,
    /// Pairs of activities that say much the same thing, closest first.
    pub shared_activities: Vec<SharedActivity>,
    /// Highest Bac+N of the other fiche minus that of this one (`None` when unknown).
    pub education_step: Option<i8>,
    /// Why they are close, in French.
    pub reason: String,
}

/// Two activities, one of each fiche, that share their meaningful words.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedActivity {
    /// The activity of the fiche asked about.
    pub from: String,
    /// The activity of the close fiche.
    pub to: String,
    /// The stems they share.
    pub terms: Vec<String>,
}

/// A title an organisation attached to an occupation, used as an extra alternative title.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LearnedTitle {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: OccupationId,
    pub title: String,
}
