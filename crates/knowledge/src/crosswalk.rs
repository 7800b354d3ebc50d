//! The crosswalk (`data/correspondances.toml`): for each occupation of the référentiel, its
//! ROME fiches and ESCO occupations, each with a SKOS mapping relation and a reason; and the
//! ROME fiches of the IT family that no occupation corresponds to, with why.
//!
//! [`Crosswalk::validate`] checks the file against the référentiel and the embedded
//! repertories (`metiers check` reports what it finds); the reverse lookups (by ROME code,
//! appellation or ESCO URI) are [`crate::Knowledge`]'s.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

use metiers_referentiel::Referentiel;

use crate::KnowledgeError;
use crate::esco::Esco;
use crate::rome::{self, Rome};

/// A SKOS mapping relation, read from our occupation towards the repertory's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Relation {
    /// The same occupation.
    ExactMatch,
    /// Largely the same, interchangeable for most uses.
    CloseMatch,
    /// The repertory's occupation is broader: ours is a case of it.
    BroadMatch,
    /// The repertory's occupation is narrower: a specialty of ours.
    NarrowMatch,
    /// Associated; neither includes the other.
    RelatedMatch,
}

impl Relation {
    pub const ALL: [Relation; 5] = [
        Relation::ExactMatch,
        Relation::CloseMatch,
        Relation::BroadMatch,
        Relation::NarrowMatch,
        Relation::RelatedMatch,
    ];

    /// The SKOS property's local name (`closeMatch`).
    pub fn name(self) -> &'static str {
        match self {
            Relation::ExactMatch => "exactMatch",
            Relation::CloseMatch => "closeMatch",
            Relation::BroadMatch => "broadMatch",
            Relation::NarrowMatch => "narrowMatch",
            Relation::RelatedMatch => "relatedMatch",
        }
    }

    /// The relation of a local name.
    pub fn parse(name: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.name() == name.trim())
    }

    /// The relation in words, for a person.
    pub fn label(self) -> &'static str {
        match self {
            Relation::ExactMatch => "équivalent",
            Relation::CloseMatch => "très proche",
            Relation::BroadMatch => "plus large que le métier",
            Relation::NarrowMatch => "plus spécialisé que le métier",
            Relation::RelatedMatch => "apparenté",
        }
    }

    /// How much a correspondence of this relation says that a text of the repertory's
    /// occupation is ours (the matcher's weight of evidence reached through it).
    pub fn strength(self) -> f32 {
        match self {
            Relation::ExactMatch => 1.0,
            Relation::CloseMatch => 0.85,
            Relation::NarrowMatch => 0.8,
            Relation::BroadMatch => 0.55,
            Relation::RelatedMatch => 0.35,
        }
    }
}

/// The repertory of a correspondence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    Rome,
    Esco,
}

impl Scheme {
    /// The repertory's name and version, as it is cited.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Rome => "ROME 4.0",
            Scheme::Esco => "ESCO",
        }
    }
}

/// Une correspondance d’un métier du référentiel avec une fiche ROME ou une profession ESCO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Correspondence {
    /// `rome` ou `esco`.
    pub scheme: Scheme,
    /// Code ROME (`M1805`) ou URI ESCO de la profession.
    pub code: String,
    /// Intitulé de la fiche ROME ou libellé préféré ESCO, tel que publié.
    pub label: String,
    /// Relation SKOS, vue du métier du référentiel : `exactMatch`, `closeMatch`,
    /// `broadMatch` (la cible est plus large), `narrowMatch` (plus étroite), `relatedMatch`.
    pub relation: Relation,
    /// Pourquoi : ce que les deux métiers partagent et ce qui les distingue.
    pub note: String,
    /// URI de la cible : celle d’ESCO ; pour ROME, la page de la fiche sur le site de France
    /// Travail (`https://candidat.francetravail.fr/metierscope/fiche-metier/CODE`).
    pub uri: String,
    /// Rang de la cible dans les propositions calculées avant relecture ; absent quand la
    /// relecture l’a ajoutée.
    pub rank: Option<u32>,
}

/// A ROME fiche of the IT family that no occupation of the référentiel corresponds to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unmapped {
    pub code: String,
    pub label: String,
    /// Why no occupation corresponds.
    pub note: String,
}

/// How the crosswalk was established.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Method {
    /// How the candidates were computed.
    pub proposal: String,
    /// How they were reviewed.
    pub review: String,
}

/// The whole crosswalk.
#[derive(Debug, Clone)]
pub struct Crosswalk {
    pub method: Method,
    /// Occupation id → its correspondences, ROME first, in the file's order.
    entries: Vec<(String, Vec<Correspondence>)>,
    index: HashMap<String, usize>,
    pub rome_without_occupation: Vec<Unmapped>,
}

// ----- the file ------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    method: Method,
    #[serde(default)]
    occupation: Vec<FileOccupation>,
    #[serde(default)]
    rome_without_occupation: Vec<Unmapped>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOccupation {
    id: String,
    #[serde(default)]
    rome: Vec<FileRome>,
    #[serde(default)]
    esco: Vec<FileEsco>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRome {
    code: String,
    label: String,
    relation: Relation,
    note: String,
    rank: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEsco {
    uri: String,
    label: String,
    relation: Relation,
    note: String,
    rank: Option<u32>,
}

impl Crosswalk {
    /// The crosswalk embedded in the binary.
    pub fn embedded() -> Result<Crosswalk, KnowledgeError> {
        Crosswalk::parse(include_str!("../../../data/correspondances.toml"))
    }

    /// A crosswalk read from the text of `data/correspondances.toml`.
    pub fn parse(text: &str) -> Result<Crosswalk, KnowledgeError> {
        let file: File = toml::from_str(text).map_err(|e| KnowledgeError::Crosswalk {
            message: e.message().to_owned(),
            line: e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1)),
        })?;
        let mut entries = Vec::new();
        for o in file.occupation {
            let mut list: Vec<Correspondence> = o
                .rome
                .into_iter()
                .map(|r| Correspondence {
                    scheme: Scheme::Rome,
                    uri: rome::uri(&r.code),
                    code: r.code,
                    label: r.label,
                    relation: r.relation,
                    note: r.note,
                    rank: r.rank,
                })
                .collect();
            list.extend(o.esco.into_iter().map(|e| Correspondence {
                scheme: Scheme::Esco,
                uri: e.uri.clone(),
                code: e.uri,
                label: e.label,
                relation: e.relation,
                note: e.note,
                rank: e.rank,
            }));
            entries.push((o.id, list));
        }
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (id.clone(), i))
            .collect();
        Ok(Crosswalk {
            method: file.method,
            entries,
            index,
            rome_without_occupation: file.rome_without_occupation,
        })
    }

    /// The correspondences of an occupation, ROME first (none for an unknown id).
    pub fn of(&self, occupation_id: &str) -> &[Correspondence] {
        self.index
            .get(occupation_id)
            .map(|&i| self.entries[i].1.as_slice())
            .unwrap_or_default()
    }

    /// Every occupation id and its correspondences, in the file's order.
    pub fn all(&self) -> impl Iterator<Item = (&str, &[Correspondence])> {
        self.entries
            .iter()
            .map(|(id, l)| (id.as_str(), l.as_slice()))
    }

    /// The occupations a ROME code or an ESCO URI corresponds to (`code` as written in the
    /// crosswalk), with each correspondence.
    pub fn occupations_of(&self, code: &str) -> Vec<(&str, &Correspondence)> {
        self.all()
            .flat_map(|(id, list)| list.iter().map(move |c| (id, c)))
            .filter(|(_, c)| c.code == code)
            .collect()
    }

    /// What is wrong with the crosswalk against an edition and the repertories: unknown
    /// occupation ids, codes or URIs, labels that are not the repertory's, duplicates,
    /// occupations without a ROME or an ESCO correspondence, IT fiches of ROME left without
    /// an answer. Each problem is a French sentence.
    pub fn validate(&self, r: &Referentiel, rome: &Rome, esco: &Esco) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen_ids = HashSet::new();
        for (id, list) in self.all() {
            if !seen_ids.insert(id) {
                problems.push(format!(
                    "correspondances : le métier « {id} » apparaît deux fois"
                ));
            }
            if r.get(id).is_none() {
                problems.push(format!(
                    "correspondances : aucun métier n’a l’identifiant « {id} » dans l’édition « {} »",
                    r.edition.id
                ));
            }
            let mut seen = HashSet::new();
            for c in list {
                if !seen.insert((c.scheme, c.code.as_str())) {
                    problems.push(format!(
                        "correspondances : « {id} » → {} {} en double",
                        c.scheme.name(),
                        c.code
                    ));
                }
                let known = match c.scheme {
                    Scheme::Rome => rome.fiche(&c.code).map(|f| f.label.as_str()),
                    Scheme::Esco => esco.occupation(&c.code).map(|o| o.preferred_label.as_str()),
                };
                match known {
                    None => problems.push(format!(
                        "correspondances : « {id} » → {} « {} » inconnu de la version embarquée",
                        c.scheme.name(),
                        c.code
                    )),
                    Some(label) if label != c.label => problems.push(format!(
                        "correspondances : « {id} » → {} {} : libellé « {} » au lieu de « {label} »",
                        c.scheme.name(),
                        c.code,
                        c.label
                    )),
                    Some(_) => {}
                }
                if c.note.trim().is_empty() {
                    problems.push(format!(
                        "correspondances : « {id} » → {} {} sans raison (note)",
                        c.scheme.name(),
                        c.code
                    ));
                }
            }
            for scheme in [Scheme::Rome, Scheme::Esco] {
                if !list.iter().any(|c| c.scheme == scheme) {
                    problems.push(format!(
                        "correspondances : « {id} » n’a aucune correspondance {}",
                        scheme.name()
                    ));
                }
            }
        }
        for o in &r.occupations {
            if !self.index.contains_key(o.id.as_str()) {
                problems.push(format!(
                    "correspondances : le métier « {} » n’a pas de correspondances",
                    o.id
                ));
            }
        }
        let mapped: HashSet<&str> = self
            .all()
            .flat_map(|(_, l)| l.iter())
            .filter(|c| c.scheme == Scheme::Rome)
            .map(|c| c.code.as_str())
            .collect();
        let mut answered = HashSet::new();
        for u in &self.rome_without_occupation {
            if rome.fiche(&u.code).is_none() {
                problems.push(format!(
                    "correspondances : fiche ROME « {} » sans métier inconnue de la version embarquée",
                    u.code
                ));
            }
            if mapped.contains(u.code.as_str()) {
                problems.push(format!(
                    "correspondances : la fiche ROME {} est à la fois rattachée à un métier et déclarée sans métier",
                    u.code
                ));
            }
            if !answered.insert(u.code.as_str()) {
                problems.push(format!(
                    "correspondances : la fiche ROME {} est déclarée deux fois sans métier",
                    u.code
                ));
            }
        }
        for f in rome.fiches().iter().filter(|f| f.code.starts_with("M18")) {
            if !mapped.contains(f.code.as_str()) && !answered.contains(f.code.as_str()) {
                problems.push(format!(
                    "correspondances : la fiche ROME {} « {} » de la famille informatique n’est rattachée à aucun métier et n’est pas déclarée sans métier",
                    f.code, f.label
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_round_trip_through_their_names() {
        for r in Relation::ALL {
            assert_eq!(Relation::parse(r.name()), Some(r));
        }
        assert_eq!(Relation::parse("sameAs"), None);
    }

    #[test]
    fn a_bad_relation_is_refused_with_its_line() {
        let text = "[method]\nproposal = \"p\"\nreview = \"r\"\n\n[[occupation]]\nid = \"x\"\n\n[[occupation.rome]]\ncode = \"M1805\"\nlabel = \"l\"\nrelation = \"sameAs\"\nnote = \"n\"\n";
        match Crosswalk::parse(text) {
            Err(KnowledgeError::Crosswalk { line, .. }) => assert_eq!(line, Some(11)),
            other => panic!("{other:?}"),
        }
    }
}
