//! The typed records of one edition of the référentiel.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One published edition: its metadata and its occupations, in published order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referentiel {
    pub edition: Edition,
    pub occupations: Vec<Occupation>,
}

/// Where an edition comes from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edition {
    /// Short identifier of the edition (e.g. `2017-jurisconforme`).
    pub id: String,
    /// Human title of the edition.
    pub title: String,
    /// Paragraphs of the published text that precede the fiches.
    #[serde(default)]
    pub preamble: Vec<String>,
    /// SHA-256 of the source text, in hex, when the edition was parsed from text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sha256: Option<String>,
}

/// One fiche métier.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occupation {
    /// Stable identifier: ASCII slug of the title (see [`OccupationId`]).
    pub id: OccupationId,
    /// Title as published, whitespace normalised.
    pub title: String,
    /// Other titles ("autres appellations"), in published order.
    #[serde(default)]
    pub alt_titles: Vec<String>,
    /// Education ("cursus/formation"); `None` where the fiche gives none.
    #[serde(default)]
    pub education: Option<Education>,
    /// Introductory sentences that precede the activities.
    #[serde(default)]
    pub summary: Vec<String>,
    /// Main activities, grouped under headings.
    #[serde(default)]
    pub activity_groups: Vec<ActivityGroup>,
}

/// Education expected for an occupation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Education {
    /// The first line stating a level, as published (e.g. `Bac + 2 à 4`).
    pub text: String,
    /// Lowest N of Bac+N stated by the fiche (0 for the bac itself).
    pub min_level: Option<u8>,
    /// Highest N of Bac+N stated by the fiche; `None` when open-ended (`Bac + 2 minimum`).
    pub max_level: Option<u8>,
    /// The other lines of the education column, verbatim and in order
    /// (`(BTS ou DUT) ou ingénieur`, `ou Bac + 5`, `sans expérience`…).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A heading and the activities under it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityGroup {
    /// Heading as published without its trailing colon; `None` where the fiche has none.
    pub heading: Option<String>,
    /// A line that introduces the bullets inside the group (`Conduire les entretiens`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subheading: Option<String>,
    pub activities: Vec<Activity>,
}

/// One `•` bullet and its `–` sub-items.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub text: String,
    #[serde(default)]
    pub details: Vec<String>,
}

/// No occupation has this id, title or alternative title.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "aucune fiche ne correspond à « {query} ». Identifiants les plus proches : {} (« metiers list » les affiche tous)",
    closest.iter().map(OccupationId::as_str).collect::<Vec<_>>().join(", ")
)]
pub struct UnknownOccupation {
    pub query: String,
    pub closest: Vec<OccupationId>,
}

/// The stable identifier of an occupation: lowercase ASCII words joined by `-`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OccupationId(String);

/// Why a string is not a valid [`OccupationId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "identifiant de métier invalide « {0} » : attendu des mots en minuscules ASCII séparés par des tirets"
)]
pub struct InvalidId(pub String);

impl OccupationId {
    /// Validates an existing identifier.
    pub fn parse(s: &str) -> Result<Self, InvalidId> {
        let ok = !s.is_empty()
            && s.split('-').all(|w| {
                !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidId(s.to_owned()))
        }
    }

    /// Derives the identifier of a title: accents folded, lowercase, words joined by `-`
    /// (`Concepteur -Développeur` → `concepteur-developpeur`). `None` for a title with no
    /// letter or digit.
    pub fn from_title(title: &str) -> Option<Self> {
        let slug = crate::text::slug(title);
        (!slug.is_empty()).then_some(Self(slug))
    }

    /// Wraps a slug produced by [`crate::text::slug`], which is valid by construction.
    pub(crate) fn from_slug(slug: String) -> Self {
        debug_assert!(Self::parse(&slug).is_ok(), "invalid slug {slug}");
        Self(slug)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OccupationId {
    type Error = InvalidId;
    fn try_from(s: String) -> Result<Self, InvalidId> {
        Self::parse(&s)
    }
}

impl From<OccupationId> for String {
    fn from(id: OccupationId) -> String {
        id.0
    }
}

impl fmt::Display for OccupationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for OccupationId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Referentiel {
    /// Number of activities over all the fiches.
    pub fn activity_count(&self) -> usize {
        self.occupations
            .iter()
            .map(|o| o.activities().count())
            .sum()
    }

    /// Number of sub-items (details) of activities over all the fiches.
    pub fn detail_count(&self) -> usize {
        self.occupations
            .iter()
            .flat_map(|o| o.activities())
            .map(|a| a.details.len())
            .sum()
    }

    /// The occupation with this id.
    pub fn get(&self, id: &str) -> Option<&Occupation> {
        self.occupations.iter().find(|o| o.id.as_str() == id)
    }

    /// The occupation named by an id, a title or an alternative title (case, accents and
    /// punctuation ignored).
    pub fn find(&self, query: &str) -> Option<&Occupation> {
        let key = crate::text::slug(query);
        if key.is_empty() {
            return None;
        }
        self.get(&key)
            .or_else(|| {
                self.occupations
                    .iter()
                    .find(|o| crate::text::slug(&o.title) == key)
            })
            .or_else(|| {
                self.occupations
                    .iter()
                    .find(|o| o.alt_titles.iter().any(|t| crate::text::slug(t) == key))
            })
    }

    /// The occupation named by an id, a title or an alternative title ([`Self::find`]), or
    /// an error naming the three closest ids.
    pub fn resolve(&self, query: &str) -> Result<&Occupation, UnknownOccupation> {
        self.find(query).ok_or_else(|| UnknownOccupation {
            query: query.to_owned(),
            closest: self.closest_ids(query, 3).into_iter().cloned().collect(),
        })
    }

    /// The ids closest to a query that matched nothing, best first (for "did you mean").
    pub fn closest_ids(&self, query: &str, n: usize) -> Vec<&OccupationId> {
        let key = crate::text::slug(query);
        let mut scored: Vec<(f64, &OccupationId)> = self
            .occupations
            .iter()
            .map(|o| {
                let best = std::iter::once(o.id.as_str().to_owned())
                    .chain(o.alt_titles.iter().map(|t| crate::text::slug(t)))
                    .map(|cand| {
                        let sim = strsim::jaro_winkler(&key, &cand);
                        // A query contained in a title is a strong hint.
                        if !key.is_empty() && cand.contains(&key) {
                            sim.max(0.9)
                        } else {
                            sim
                        }
                    })
                    .fold(0.0, f64::max);
                (best, &o.id)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(n).map(|(_, id)| id).collect()
    }
}

impl Occupation {
    /// Every activity of the fiche, in published order.
    pub fn activities(&self) -> impl Iterator<Item = &Activity> {
        self.activity_groups
            .iter()
            .flat_map(|g| g.activities.iter())
    }

    /// Headings of the fiche, in order (groups without heading skipped).
    pub fn headings(&self) -> impl Iterator<Item = &str> {
        self.activity_groups
            .iter()
            .filter_map(|g| g.heading.as_deref())
    }
}
