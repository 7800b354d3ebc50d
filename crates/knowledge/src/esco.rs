//! ESCO v1.1.1 in French (European Commission), the slices the product embeds
//! (`data/esco/`): every occupation with its labels (descriptions for the ICT ones), and the
//! skills of the occupations the crosswalk names.

use serde::{Deserialize, Deserializer, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::{KnowledgeError, closest};

/// The source, as it must be named wherever its data is shown or exported.
pub const ATTRIBUTION: &str = "ESCO – European Commission, v1.1.1";
/// The version of the embedded slices.
pub const VERSION: &str = "v1.1.1 (français)";
/// The terms of reuse.
pub const LICENCE: &str = "réutilisation libre avec mention de la source (décision 2011/833/UE)";
/// The prefix of every ESCO occupation URI.
pub const OCCUPATION_PREFIX: &str = "http://data.europa.eu/esco/occupation/";

/// Whether a text is shaped like an ESCO occupation URI (the prefix and a UUID).
pub fn is_occupation_uri(s: &str) -> bool {
    s.strip_prefix(OCCUPATION_PREFIX).is_some_and(|id| {
        id.len() == 36
            && id.char_indices().all(|(i, c)| {
                if [8, 13, 18, 23].contains(&i) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            })
    })
}

/// ` | `-separated labels as a list.
fn labels<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let s = String::deserialize(d)?;
    Ok(s.split(" | ")
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// An ESCO occupation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscoOccupation {
    pub uri: String,
    pub code: String,
    pub isco_group: String,
    pub preferred_label: String,
    #[serde(deserialize_with = "labels")]
    pub alt_labels: Vec<String>,
    /// For the ICT occupations (empty otherwise).
    pub description: String,
}

/// An ESCO skill or knowledge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscoSkill {
    pub uri: String,
    pub preferred_label: String,
    #[serde(deserialize_with = "labels")]
    pub alt_labels: Vec<String>,
    /// `skill/competence` or `knowledge` (rarely empty).
    pub skill_type: String,
    pub description: String,
}

/// That an occupation needs a skill, essentially or optionally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscoRelation {
    pub occupation_uri: String,
    /// `essential` or `optional`.
    pub relation: String,
    pub skill_uri: String,
}

impl EscoRelation {
    pub fn is_essential(&self) -> bool {
        self.relation == "essential"
    }
}

/// The embedded ESCO slices, indexed. The lists are private: the indexes hold positions
/// in them, so only the loader writes them; readers get slices.
#[derive(Debug, Clone)]
pub struct Esco {
    occupations: Vec<EscoOccupation>,
    skills: Vec<EscoSkill>,
    relations: Vec<EscoRelation>,
    by_uri: HashMap<String, usize>,
    skill_by_uri: HashMap<String, usize>,
    /// Folded label → the occupations that bear it, built on first use
    /// ([`Esco::occupations_named`]).
    by_label: OnceLock<HashMap<String, Vec<usize>>>,
}

impl Esco {
    /// The slices embedded in the binary.
    pub fn embedded() -> Result<Esco, KnowledgeError> {
        use crate::embedded::{self, text};
        Esco::from_csv(
            &text(embedded::ESCO_OCCUPATIONS)?,
            &text(embedded::ESCO_SKILLS)?,
            &text(embedded::ESCO_OCCUPATION_SKILLS)?,
        )
    }

    /// Slices read from their CSV texts (the columns of `data/esco/README.md`).
    pub fn from_csv(
        occupations: &str,
        skills: &str,
        relations: &str,
    ) -> Result<Esco, KnowledgeError> {
        let occupations: Vec<EscoOccupation> =
            crate::read_csv("data/esco/occupations.csv", occupations)?;
        let skills: Vec<EscoSkill> = crate::read_csv("data/esco/skills.csv", skills)?;
        Ok(Esco {
            by_uri: occupations
                .iter()
                .enumerate()
                .map(|(i, o)| (o.uri.clone(), i))
                .collect(),
            skill_by_uri: skills
                .iter()
                .enumerate()
                .map(|(i, s)| (s.uri.clone(), i))
                .collect(),
            occupations,
            skills,
            relations: crate::read_csv("data/esco/occupation_skills.csv", relations)?,
            by_label: OnceLock::new(),
        })
    }

    /// Every occupation, in the file's order.
    pub fn occupations(&self) -> &[EscoOccupation] {
        &self.occupations
    }

    /// The occupation of a URI.
    pub fn occupation(&self, uri: &str) -> Option<&EscoOccupation> {
        self.by_uri.get(uri).map(|&i| &self.occupations[i])
    }

    /// The occupations whose preferred or alternative label is this text (case and accents
    /// ignored), either whole or one of the two forms that ESCO writes in one label
    /// (« développeur web/développeuse web »).
    pub fn occupations_named(&self, text: &str) -> Vec<&EscoOccupation> {
        self.by_label
            .get_or_init(|| {
                // The labels whole, and each of the forms that a label joins by « / ».
                crate::labels_index(&self.occupations, |o| {
                    std::iter::once(&o.preferred_label)
                        .chain(&o.alt_labels)
                        .flat_map(|l| std::iter::once(l.as_str()).chain(l.split('/')))
                        .map(str::to_owned)
                        .collect::<Vec<_>>()
                })
            })
            .get(&crate::fold(text))
            .map(|v| v.iter().map(|&i| &self.occupations[i]).collect())
            .unwrap_or_default()
    }

    /// The skill of a URI.
    pub fn skill(&self, uri: &str) -> Option<&EscoSkill> {
        self.skill_by_uri.get(uri).map(|&i| &self.skills[i])
    }

    /// The skills of an occupation, essential ones first.
    pub fn skills_of<'a>(&'a self, occupation_uri: &str) -> Vec<(&'a EscoSkill, bool)> {
        let mut out: Vec<(&EscoSkill, bool)> = self
            .relations
            .iter()
            .filter(|r| r.occupation_uri == occupation_uri)
            .filter_map(|r| self.skill(&r.skill_uri).map(|s| (s, r.is_essential())))
            .collect();
        out.sort_by_key(|(_, essential)| !essential);
        out
    }

    /// The `n` occupation URIs closest to a text (a mistyped URI, or words of a label).
    pub fn closest_uris(&self, query: &str, n: usize) -> Vec<&str> {
        closest(
            query,
            self.occupations
                .iter()
                .map(|o| (o.uri.as_str(), [o.uri.as_str(), o.preferred_label.as_str()])),
            n,
        )
    }
}
