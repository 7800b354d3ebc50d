//! The registry of occupation identifiers: stable ids across editions.
//!
//! The parser derives an id from each title (a slug). A renamed fiche would then get a new
//! id and a removed one could hand its id to a later, different fiche. The [`Registry`]
//! (`data/identifiants.toml`, embedded) prevents both: it maps each id to every title it has
//! had, and keeps the ids of removed fiches so that they are never given again.
//! [`Registry::reconcile`] rewrites the ids of an edition through it, and says what it did.
//!
//! Pure functions: the registry is parsed from the text it is given.

use crate::model::{OccupationId, Referentiel};
use crate::text::slug;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The registry shipped with the project (`data/identifiants.toml`).
pub const EMBEDDED_REGISTRY: &str = include_str!("../../../data/identifiants.toml");

/// Every id ever given, with its titles over time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    entries: Vec<RegistryEntry>,
}

/// One id of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryEntry {
    pub id: OccupationId,
    /// Every title the fiche has had, oldest first.
    pub titles: Vec<String>,
    /// The edition that removed the fiche; its id is never given again.
    pub removed_in: Option<String>,
}

/// Why a registry file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("registre des identifiants illisible : {0}")]
    Syntax(String),
    #[error(
        "registre des identifiants : identifiant invalide « {0} » (minuscules ASCII et tirets)"
    )]
    InvalidId(String),
    #[error("registre des identifiants : l’identifiant « {0} » apparaît deux fois")]
    DuplicateId(String),
    #[error("registre des identifiants : l’identifiant « {0} » n’a aucun intitulé")]
    NoTitle(String),
    #[error(
        "registre des identifiants : l’intitulé « {title} » est attribué à « {first} » et à « {second} »"
    )]
    SharedTitle {
        title: String,
        first: String,
        second: String,
    },
}

/// What [`Registry::reconcile`] did to one occupation of the edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IdNote {
    /// The title is a known title of another id (a renamed fiche keeps its id).
    Kept {
        parsed: OccupationId,
        id: OccupationId,
        title: String,
    },
    /// The title is in no entry of the registry: the fiche is new and keeps its slug id,
    /// which should be added to the registry.
    Unregistered { id: OccupationId, title: String },
    /// The slug id of a new fiche belongs to another fiche (current or removed): a fresh id
    /// was given.
    Reassigned {
        parsed: OccupationId,
        id: OccupationId,
        title: String,
    },
}

impl IdNote {
    /// The note in French, for a person.
    pub fn message(&self) -> String {
        match self {
            IdNote::Kept { parsed, id, title } => format!(
                "« {title} » : ancien intitulé d’une fiche connue, identifiant « {id} » conservé (au lieu de « {parsed} »)"
            ),
            IdNote::Unregistered { id, title } => format!(
                "« {title} » : fiche absente du registre des identifiants, identifiant « {id} » à y ajouter"
            ),
            IdNote::Reassigned { parsed, id, title } => format!(
                "« {title} » : l’identifiant « {parsed} » appartient à une autre fiche (actuelle ou retirée), identifiant « {id} » attribué"
            ),
        }
    }
}

/// An edition whose ids went through the registry.
#[derive(Debug, Clone)]
pub struct Reconciled {
    pub referentiel: Referentiel,
    pub notes: Vec<IdNote>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(default)]
    occupation: Vec<EntryFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    id: String,
    titles: Vec<String>,
    #[serde(default)]
    removed_in: Option<String>,
    // Why the entry changed (a rename, a removal): for the maintainers, not used.
    #[serde(default)]
    #[allow(dead_code)]
    why: Option<String>,
}

impl Registry {
    /// Parses and checks a registry file (TOML, `[[occupation]]` tables).
    pub fn parse(text: &str) -> Result<Self, RegistryError> {
        let file: RegistryFile =
            toml::from_str(text).map_err(|e| RegistryError::Syntax(e.message().to_owned()))?;
        let mut ids = HashSet::new();
        let mut owners: HashMap<String, String> = HashMap::new();
        let mut entries = Vec::with_capacity(file.occupation.len());
        for e in file.occupation {
            let id =
                OccupationId::parse(&e.id).map_err(|_| RegistryError::InvalidId(e.id.clone()))?;
            if !ids.insert(e.id.clone()) {
                return Err(RegistryError::DuplicateId(e.id));
            }
            let titles: Vec<String> = e
                .titles
                .iter()
                .map(|t| crate::text::normalize_ws(t))
                .filter(|t| !slug(t).is_empty())
                .collect();
            if titles.is_empty() {
                return Err(RegistryError::NoTitle(e.id));
            }
            for t in &titles {
                if let Some(first) = owners.insert(slug(t), e.id.clone())
                    && first != e.id
                {
                    return Err(RegistryError::SharedTitle {
                        title: t.clone(),
                        first,
                        second: e.id,
                    });
                }
            }
            entries.push(RegistryEntry {
                id,
                titles,
                removed_in: e.removed_in,
            });
        }
        Ok(Self { entries })
    }

    /// The registry shipped with the project.
    pub fn embedded() -> Result<Self, RegistryError> {
        Self::parse(EMBEDDED_REGISTRY)
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[RegistryEntry] {
        &self.entries
    }

    /// The entry that has had this title (case, accents and punctuation ignored).
    pub fn entry_for_title(&self, title: &str) -> Option<&RegistryEntry> {
        let key = slug(title);
        self.entries
            .iter()
            .find(|e| e.titles.iter().any(|t| slug(t) == key))
    }

    /// The entry of an id.
    pub fn entry(&self, id: &str) -> Option<&RegistryEntry> {
        self.entries.iter().find(|e| e.id.as_str() == id)
    }

    /// Gives every occupation of the edition its registered id: a fiche whose title (current
    /// or former) is registered gets that id; a new fiche keeps its slug unless the slug
    /// belongs to another fiche, current or removed, in which case it gets `slug-2`, `slug-3`…
    /// An edition whose fiches are all registered under their own slug comes back unchanged,
    /// with no note.
    pub fn reconcile(&self, referentiel: &Referentiel) -> Reconciled {
        let mut r = referentiel.clone();
        let mut notes = Vec::new();
        let mut claimed: HashSet<String> = HashSet::new();
        // First the fiches the registry knows by their title, then those that carry a live
        // registered id (a canonical JSON edition), so that a new fiche never takes their id.
        let mut pending: Vec<usize> = Vec::new();
        let mut by_id: Vec<usize> = Vec::new();
        for (i, o) in r.occupations.iter_mut().enumerate() {
            match self
                .entry_for_title(&o.title)
                .filter(|e| !claimed.contains(e.id.as_str()))
            {
                Some(e) => {
                    claimed.insert(e.id.as_str().to_owned());
                    if e.id != o.id {
                        notes.push((
                            i,
                            IdNote::Kept {
                                parsed: o.id.clone(),
                                id: e.id.clone(),
                                title: o.title.clone(),
                            },
                        ));
                        o.id = e.id.clone();
                    }
                }
                None => by_id.push(i),
            }
        }
        for i in by_id {
            let Some(o) = r.occupations.get(i) else {
                continue;
            };
            let live = self
                .entry(o.id.as_str())
                .is_some_and(|e| e.removed_in.is_none() && !claimed.contains(e.id.as_str()));
            if live {
                claimed.insert(o.id.as_str().to_owned());
            } else {
                pending.push(i);
            }
        }
        for i in pending {
            let Some(o) = r.occupations.get_mut(i) else {
                continue;
            };
            let taken = |id: &str| claimed.contains(id) || self.entry(id).is_some();
            if !taken(o.id.as_str()) {
                claimed.insert(o.id.as_str().to_owned());
                notes.push((
                    i,
                    IdNote::Unregistered {
                        id: o.id.clone(),
                        title: o.title.clone(),
                    },
                ));
                continue;
            }
            let fresh = (2..)
                .map(|n| format!("{}-{n}", o.id))
                .find(|id| !taken(id))
                .and_then(|id| OccupationId::parse(&id).ok());
            if let Some(fresh) = fresh {
                claimed.insert(fresh.as_str().to_owned());
                notes.push((
                    i,
                    IdNote::Reassigned {
                        parsed: o.id.clone(),
                        id: fresh.clone(),
                        title: o.title.clone(),
                    },
                ));
                o.id = fresh;
            }
        }
        notes.sort_by_key(|(i, _)| *i);
        Reconciled {
            referentiel: r,
            notes: notes.into_iter().map(|(_, n)| n).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edition, Occupation};

    fn edition(titles: &[&str]) -> Referentiel {
        Referentiel {
            edition: Edition {
                id: "test".into(),
                title: "Test".into(),
                preamble: vec![],
                source_sha256: None,
            },
            occupations: titles
                .iter()
                .filter_map(|t| {
                    Some(Occupation {
                        id: OccupationId::from_title(t)?,
                        title: (*t).to_owned(),
                        alt_titles: vec![],
                        education: None,
                        summary: vec![],
                        activity_groups: vec![],
                    })
                })
                .collect(),
        }
    }

    const REGISTRY: &str = r#"
[[occupation]]
id = "testeur"
titles = ["Testeur", "Testeur logiciel"]

[[occupation]]
id = "webmestre"
titles = ["Webmestre"]
removed_in = "2030"
"#;

    fn ids(r: &Referentiel) -> Vec<&str> {
        r.occupations.iter().map(|o| o.id.as_str()).collect()
    }

    #[test]
    fn a_renamed_fiche_keeps_its_id() {
        let reg = Registry::parse(REGISTRY).expect("registre");
        let out = reg.reconcile(&edition(&["Testeur logiciel"]));
        assert_eq!(ids(&out.referentiel), ["testeur"]);
        assert!(
            matches!(&out.notes[..], [IdNote::Kept { .. }]),
            "{:?}",
            out.notes
        );
    }

    #[test]
    fn a_removed_id_is_never_given_again() {
        let reg = Registry::parse(REGISTRY).expect("registre");
        // A new fiche whose title slugs to the id of the removed « Webmestre »… under
        // another spelling that the registry does not list as a title.
        let mut r = edition(&["Testeur", "Nouveau"]);
        r.occupations[1].id = OccupationId::parse("webmestre").expect("id");
        r.occupations[1].title = "Webmestre (nouvelle fiche)".into();
        let out = reg.reconcile(&r);
        assert_eq!(ids(&out.referentiel), ["testeur", "webmestre-2"]);
        assert!(
            matches!(&out.notes[..], [IdNote::Reassigned { .. }]),
            "{:?}",
            out.notes
        );
    }

    #[test]
    fn a_new_fiche_keeps_its_slug_and_is_reported() {
        let reg = Registry::parse(REGISTRY).expect("registre");
        let out = reg.reconcile(&edition(&["Testeur", "Ingénieur cloud"]));
        assert_eq!(ids(&out.referentiel), ["testeur", "ingenieur-cloud"]);
        assert!(
            matches!(&out.notes[..], [IdNote::Unregistered { id, .. }] if id.as_str() == "ingenieur-cloud")
        );
    }

    #[test]
    fn bad_registries_are_refused_with_the_reason() {
        let twice = "[[occupation]]\nid = \"a\"\ntitles = [\"A\"]\n[[occupation]]\nid = \"a\"\ntitles = [\"B\"]\n";
        assert_eq!(
            Registry::parse(twice),
            Err(RegistryError::DuplicateId("a".into()))
        );
        let shared = "[[occupation]]\nid = \"a\"\ntitles = [\"A\"]\n[[occupation]]\nid = \"b\"\ntitles = [\"a\"]\n";
        assert!(matches!(
            Registry::parse(shared),
            Err(RegistryError::SharedTitle { .. })
        ));
        assert!(matches!(
            Registry::parse("[[occupation]]\nid = \"A B\"\ntitles = [\"x\"]"),
            Err(RegistryError::InvalidId(_))
        ));
        assert!(matches!(
            Registry::parse("[[occupation]]\nid = \"a\"\ntitles = []"),
            Err(RegistryError::NoTitle(_))
        ));
        assert!(matches!(
            Registry::parse("nope = "),
            Err(RegistryError::Syntax(_))
        ));
    }

    #[test]
    fn the_published_edition_is_fully_registered() {
        let reg = Registry::embedded().expect("registre embarqué valide");
        let published = crate::published().referentiel;
        let out = reg.reconcile(&published);
        assert!(out.notes.is_empty(), "{:?}", out.notes);
        assert_eq!(out.referentiel, published);
        assert_eq!(reg.entries().len(), published.occupations.len());
    }
}
