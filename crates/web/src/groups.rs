//! Our grouping of the occupations, a reading aid kept in `data/groupes.toml`.
//!
//! The published référentiel has no families: this grouping is the project's, shown as such
//! on the pages. Ids the edition does not know are ignored; occupations no group cites are
//! gathered in « Autres métiers », so that every occupation appears exactly once.

use metiers_referentiel::Referentiel;
use serde::Deserialize;
use std::collections::HashSet;

/// The embedded grouping file.
pub const GROUPS_TOML: &str = include_str!("../../../data/groupes.toml");

/// Groups of an edition, in the file's order, each occupation in exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Groups {
    /// Says that the grouping is ours (shown beside it).
    pub note: String,
    pub groups: Vec<Group>,
}

/// One group: its id, French title, why it gathers its occupations, and their ids in the
/// edition's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: String,
    pub title: String,
    pub reason: String,
    pub occupations: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct File {
    note: String,
    group: Vec<FileGroup>,
}

#[derive(Debug, Deserialize)]
struct FileGroup {
    id: String,
    title: String,
    reason: String,
    occupations: Vec<String>,
}

/// Why a grouping file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("fichier de groupes illisible : {0}")]
pub struct GroupsError(#[from] toml::de::Error);

impl Groups {
    /// The embedded grouping applied to an edition.
    pub fn embedded(r: &Referentiel) -> Self {
        // The embedded file is checked by a test; should it ever fail, one group holds all.
        Self::parse(GROUPS_TOML, r).unwrap_or_else(|e| {
            tracing::error!("{e}");
            Self::parse("note = \"\"\ngroup = []", r).unwrap_or(Self {
                note: String::new(),
                groups: Vec::new(),
            })
        })
    }

    /// A grouping file applied to an edition.
    pub fn parse(text: &str, r: &Referentiel) -> Result<Self, GroupsError> {
        let file: File = toml::from_str(text)?;
        let known: HashSet<&str> = r.occupations.iter().map(|o| o.id.as_str()).collect();
        let mut placed: HashSet<String> = HashSet::new();
        let mut groups = Vec::new();
        for g in file.group {
            let occupations: Vec<String> = g
                .occupations
                .into_iter()
                .filter(|id| known.contains(id.as_str()) && placed.insert(id.clone()))
                .collect();
            if !occupations.is_empty() {
                groups.push(Group {
                    id: g.id,
                    title: g.title,
                    reason: g.reason,
                    occupations,
                });
            }
        }
        let rest: Vec<String> = r
            .occupations
            .iter()
            .map(|o| o.id.as_str().to_owned())
            .filter(|id| !placed.contains(id))
            .collect();
        if !rest.is_empty() {
            groups.push(Group {
                id: "autres".to_owned(),
                title: "Autres métiers".to_owned(),
                reason: "Fiches de l’édition qu’aucun groupe ne cite.".to_owned(),
                occupations: rest,
            });
        }
        Ok(Self {
            note: file.note,
            groups,
        })
    }

    /// The group of an occupation.
    pub fn of(&self, id: &str) -> Option<&Group> {
        self.groups
            .iter()
            .find(|g| g.occupations.iter().any(|o| o == id))
    }

    /// Index of the group of an occupation (for colours of the map).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.groups
            .iter()
            .position(|g| g.occupations.iter().any(|o| o == id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_published_occupation_is_in_exactly_one_named_group() {
        let r = metiers_referentiel::published().referentiel;
        let groups = Groups::parse(GROUPS_TOML, &r).expect("data/groupes.toml se lit");
        assert!(groups.note.contains("aide à la lecture"));
        assert!(
            groups.groups.iter().all(|g| g.id != "autres"),
            "fiche non classée"
        );
        let total: usize = groups.groups.iter().map(|g| g.occupations.len()).sum();
        assert_eq!(total, r.occupations.len());
        assert_eq!(groups.groups.len(), 9);
        assert_eq!(
            groups.of("webmestre").map(|g| g.title.as_str()),
            Some("Web")
        );
    }

    #[test]
    fn unknown_ids_are_ignored_and_unplaced_occupations_gathered() {
        let r = metiers_referentiel::published().referentiel;
        let text = "note = \"n\"\n[[group]]\nid = \"g\"\ntitle = \"G\"\nreason = \"r\"\noccupations = [\"testeur\", \"inconnu\", \"testeur\"]\n";
        let groups = Groups::parse(text, &r).expect("parse");
        assert_eq!(groups.groups[0].occupations, vec!["testeur".to_owned()]);
        assert_eq!(groups.groups[1].id, "autres");
        assert_eq!(groups.groups[1].occupations.len(), r.occupations.len() - 1);
    }

    #[test]
    fn a_malformed_file_is_an_error() {
        let r = metiers_referentiel::published().referentiel;
        assert!(Groups::parse("group = 3", &r).is_err());
    }
}
