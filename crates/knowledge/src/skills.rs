//! The skills graph (`data/competences.toml`): the activities of the fiches grouped into
//! shared skills (savoir-faire, savoir, savoir-être), each with the ROME items and ESCO skills
//! that say the same thing; per occupation, its skills, core or secondary, and the level the
//! text supports ([`crate::level`]).
//!
//! Every skill says which sentences of the fiches it comes from: [`ActivityRef`]s, resolved
//! against an edition by [`Skills::of_occupation`] and [`Skills::quotes`].

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

use metiers_referentiel::{Occupation, Referentiel};

use crate::level::{self, Level};
use crate::{KnowledgeError, closest, esco::Esco, rome::Rome};

/// What a skill is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SkillKind {
    /// Know-how, from the activities of the fiches.
    #[serde(rename = "savoir-faire")]
    SavoirFaire,
    /// Knowledge.
    #[serde(rename = "savoir")]
    Savoir,
    /// Professional behaviour.
    #[serde(rename = "savoir-etre")]
    SavoirEtre,
}

impl SkillKind {
    pub const ALL: [SkillKind; 3] = [
        SkillKind::SavoirFaire,
        SkillKind::Savoir,
        SkillKind::SavoirEtre,
    ];

    /// The kind's name in data and URLs.
    pub fn name(self) -> &'static str {
        match self {
            SkillKind::SavoirFaire => "savoir-faire",
            SkillKind::Savoir => "savoir",
            SkillKind::SavoirEtre => "savoir-etre",
        }
    }

    /// The kind in words.
    pub fn label(self) -> &'static str {
        match self {
            SkillKind::SavoirFaire => "Savoir-faire",
            SkillKind::Savoir => "Savoir",
            SkillKind::SavoirEtre => "Savoir-être",
        }
    }

    pub fn parse(name: &str) -> Option<SkillKind> {
        SkillKind::ALL.into_iter().find(|k| k.name() == name.trim())
    }
}

/// An activity of a fiche (`occupation/n`), or a sub-item of it (`occupation/n.k`): n is the
/// activity's number in the fiche (1-based, across headings), k the sub-item's in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActivityRef {
    pub occupation: String,
    pub activity: usize,
    pub detail: Option<usize>,
}

impl ActivityRef {
    /// Reads `occupation/n` or `occupation/n.k`.
    pub fn parse(s: &str) -> Option<ActivityRef> {
        let (occupation, rest) = s.rsplit_once('/')?;
        let (n, k) = match rest.split_once('.') {
            Some((n, k)) => (n, Some(k.parse().ok().filter(|&k: &usize| k > 0)?)),
            None => (rest, None),
        };
        let activity = n.parse().ok().filter(|&n: &usize| n > 0)?;
        (!occupation.is_empty()).then(|| ActivityRef {
            occupation: occupation.to_owned(),
            activity,
            detail: k,
        })
    }
}

impl std::fmt::Display for ActivityRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.detail {
            Some(k) => write!(f, "{}/{}.{k}", self.occupation, self.activity),
            None => write!(f, "{}/{}", self.occupation, self.activity),
        }
    }
}

/// A sentence of a fiche, found from its reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote<'a> {
    pub heading: Option<&'a str>,
    pub text: &'a str,
    /// For a sub-item: its activity's text.
    pub parent: Option<&'a str>,
}

/// The sentence an activity reference points to in an occupation, if it exists.
pub fn quote<'a>(o: &'a Occupation, r: &ActivityRef) -> Option<Quote<'a>> {
    let (group, activity) = o
        .activity_groups
        .iter()
        .flat_map(|g| g.activities.iter().map(move |a| (g, a)))
        .nth(r.activity.checked_sub(1)?)?;
    let heading = group.heading.as_deref();
    match r.detail {
        None => Some(Quote {
            heading,
            text: &activity.text,
            parent: None,
        }),
        Some(k) => activity.details.get(k.checked_sub(1)?).map(|d| Quote {
            heading,
            text: d,
            parent: Some(&activity.text),
        }),
    }
}

/// A skill of the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skill {
    pub id: String,
    pub label: String,
    pub kind: SkillKind,
    pub description: String,
    pub activities: Vec<ActivityRef>,
    /// OGR codes of ROME items saying the same thing.
    pub rome: Vec<String>,
    /// URIs of ESCO skills saying the same thing.
    pub esco: Vec<String>,
    /// Why activities of several occupations are one skill.
    pub merge: Option<String>,
    /// Why a close skill is kept apart.
    pub split: Option<String>,
}

/// How the graph was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillsMethod {
    pub proposal: String,
    pub review: String,
    /// How the level of a skill in an occupation is derived.
    pub level_rule: String,
}

/// A skill in an occupation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held<'a> {
    pub skill: &'a Skill,
    pub core: bool,
    /// The level the occupation's activities in the skill support (none for a savoir or a
    /// savoir-être, or a skill without activity of this occupation).
    pub level: Option<Level>,
    /// This occupation's activities in the skill.
    pub activities: Vec<&'a ActivityRef>,
}

/// The whole graph.
#[derive(Debug, Clone)]
pub struct Skills {
    pub method: SkillsMethod,
    pub skills: Vec<Skill>,
    index: HashMap<String, usize>,
    /// Occupation id → (skill index, core), core first.
    assignments: HashMap<String, Vec<(usize, bool)>>,
    assignment_order: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    method: SkillsMethod,
    #[serde(default)]
    skill: Vec<FileSkill>,
    #[serde(default)]
    assignment: Vec<FileAssignment>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSkill {
    id: String,
    label: String,
    kind: SkillKind,
    description: String,
    #[serde(default)]
    activities: Vec<String>,
    #[serde(default)]
    rome: Vec<String>,
    #[serde(default)]
    esco: Vec<String>,
    merge: Option<String>,
    split: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileAssignment {
    occupation: String,
    #[serde(default)]
    core: Vec<String>,
    #[serde(default)]
    secondary: Vec<String>,
}

impl Skills {
    /// The graph embedded in the binary.
    pub fn embedded() -> Result<Skills, KnowledgeError> {
        Skills::parse(include_str!("../../../data/competences.toml"))
    }

    /// A graph read from the text of `data/competences.toml`. Unknown skill ids in the
    /// assignments and malformed activity references are errors here; the rest is
    /// [`Skills::validate`]'s.
    pub fn parse(text: &str) -> Result<Skills, KnowledgeError> {
        let error = |message: String, line: Option<usize>| KnowledgeError::Skills { message, line };
        let file: File = toml::from_str(text).map_err(|e| {
            error(
                e.message().to_owned(),
                e.span()
                    .map(|s| text[..s.start.min(text.len())].lines().count().max(1)),
            )
        })?;
        let mut skills = Vec::new();
        for s in file.skill {
            let mut activities = Vec::new();
            for a in &s.activities {
                activities.push(ActivityRef::parse(a).ok_or_else(|| {
                    error(
                        format!("compétence « {} » : référence d’activité « {a} » mal formée (attendu métier/n ou métier/n.k)", s.id),
                        None,
                    )
                })?);
            }
            skills.push(Skill {
                id: s.id,
                label: s.label,
                kind: s.kind,
                description: s.description,
                activities,
                rome: s.rome,
                esco: s.esco,
                merge: s.merge.filter(|m| !m.trim().is_empty()),
                split: s.split.filter(|m| !m.trim().is_empty()),
            });
        }
        let index: HashMap<String, usize> = skills
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let mut assignments = HashMap::new();
        let mut assignment_order = Vec::new();
        for a in file.assignment {
            let mut list = Vec::new();
            for (ids, core) in [(&a.core, true), (&a.secondary, false)] {
                for id in ids {
                    let i = *index.get(id).ok_or_else(|| {
                        error(
                            format!(
                                "affectation de « {} » : compétence « {id} » inconnue",
                                a.occupation
                            ),
                            None,
                        )
                    })?;
                    list.push((i, core));
                }
            }
            assignment_order.push(a.occupation.clone());
            assignments.insert(a.occupation, list);
        }
        Ok(Skills {
            method: file.method,
            skills,
            index,
            assignments,
            assignment_order,
        })
    }

    /// The skill of an id.
    pub fn get(&self, id: &str) -> Option<&Skill> {
        self.index.get(id).map(|&i| &self.skills[i])
    }

    /// The `n` skill ids closest to a text (a mistyped id, or words of a label).
    pub fn closest_ids(&self, query: &str, n: usize) -> Vec<&str> {
        closest(
            query,
            self.skills
                .iter()
                .map(|s| (s.id.as_str(), [s.id.as_str(), s.label.as_str()])),
            n,
        )
    }

    /// The skills of an occupation, core first then secondary (each in the file's order),
    /// with the level its activities support in the edition `r`.
    pub fn of_occupation<'a>(&'a self, r: &Referentiel, occupation_id: &str) -> Vec<Held<'a>> {
        let o = r.get(occupation_id);
        self.assignments
            .get(occupation_id)
            .map(|list| {
                list.iter()
                    .map(|&(i, core)| {
                        let skill = &self.skills[i];
                        let activities = activities_in(skill, occupation_id);
                        let level = o.and_then(|o| level_in(skill, o, &activities));
                        Held {
                            skill,
                            core,
                            level,
                            activities,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The level at which an occupation of the edition `r` holds a skill, when its
    /// activities support one (savoir-faire only); `None` when it does not hold it.
    pub fn level_of(&self, r: &Referentiel, occupation_id: &str, skill: &Skill) -> Option<Level> {
        let o = r.get(occupation_id)?;
        level_in(skill, o, &activities_in(skill, occupation_id))
    }

    /// The skills whose label or description holds every word of `query` (accents and case
    /// aside), of one kind when given, in the file's order.
    pub fn search(&self, query: &str, kind: Option<SkillKind>) -> Vec<&Skill> {
        let words: Vec<String> = crate::fold(query)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        self.skills
            .iter()
            .filter(|s| kind.is_none_or(|k| s.kind == k))
            .filter(|s| {
                let hay = crate::fold(&format!("{} {}", s.label, s.description));
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect()
    }

    /// The occupations holding a skill, in the file's order, each with whether it is core.
    pub fn holders(&self, skill_id: &str) -> Vec<(&str, bool)> {
        let Some(&i) = self.index.get(skill_id) else {
            return Vec::new();
        };
        self.assignment_order
            .iter()
            .filter_map(|o| {
                self.assignments
                    .get(o)
                    .and_then(|l| l.iter().find(|(j, _)| *j == i))
                    .map(|&(_, core)| (o.as_str(), core))
            })
            .collect()
    }

    /// The sentences of the fiches a skill comes from, in the edition `r`.
    pub fn quotes<'a>(
        &self,
        r: &'a Referentiel,
        skill: &Skill,
    ) -> Vec<(&'a Occupation, Quote<'a>)> {
        skill
            .activities
            .iter()
            .filter_map(|a| {
                let o = r.get(&a.occupation)?;
                quote(o, a).map(|q| (o, q))
            })
            .collect()
    }

    /// What is wrong with the graph against an edition and the repertories: references to
    /// activities that do not exist, activities in no skill or in two, duplicate or badly
    /// shaped ids, multi-occupation skills without their reason, unknown ROME or ESCO codes,
    /// occupations without an assignment, skills with activities of an occupation that does
    /// not hold them. Each problem is a French sentence.
    pub fn validate(&self, r: &Referentiel, rome: &Rome, esco: &Esco) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen_ids = HashSet::new();
        let mut cited: HashMap<ActivityRef, &str> = HashMap::new();
        let rome_items: HashSet<&str> = rome.skills().iter().map(|s| s.code_ogr.as_str()).collect();
        for s in &self.skills {
            if !seen_ids.insert(s.id.as_str()) {
                problems.push(format!(
                    "compétences : l’identifiant « {} » est en double",
                    s.id
                ));
            }
            if s.id.is_empty()
                || !s.id.split('-').all(|p| {
                    !p.is_empty()
                        && p.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                })
            {
                problems.push(format!(
                    "compétences : l’identifiant « {} » n’est pas en minuscules ASCII et tirets",
                    s.id
                ));
            }
            if s.label.trim().is_empty() {
                problems.push(format!("compétences : « {} » sans libellé", s.id));
            }
            for a in &s.activities {
                match r.get(&a.occupation) {
                    None => problems.push(format!(
                        "compétences : « {} » cite « {a} », d’un métier inconnu de l’édition « {} »",
                        s.id, r.edition.id
                    )),
                    Some(o) if quote(o, a).is_none() => problems.push(format!(
                        "compétences : « {} » cite « {a} », qui n’existe pas dans la fiche",
                        s.id
                    )),
                    Some(_) => {}
                }
                if let Some(other) = cited.insert(a.clone(), &s.id) {
                    problems.push(format!(
                        "compétences : l’activité « {a} » est dans deux compétences (« {other} » et « {} »)",
                        s.id
                    ));
                }
            }
            let occupations: HashSet<&str> =
                s.activities.iter().map(|a| a.occupation.as_str()).collect();
            if occupations.len() > 1 && s.merge.is_none() {
                problems.push(format!(
                    "compétences : « {} » réunit des activités de {} métiers sans dire pourquoi (merge)",
                    s.id,
                    occupations.len()
                ));
            }
            for code in &s.rome {
                if !rome_items.contains(code.as_str()) {
                    problems.push(format!(
                        "compétences : « {} » cite l’élément ROME {code}, absent de data/rome/competences.csv",
                        s.id
                    ));
                }
            }
            for uri in &s.esco {
                if esco.skill(uri).is_none() {
                    problems.push(format!(
                        "compétences : « {} » cite la compétence ESCO {uri}, absente de data/esco/skills.csv",
                        s.id
                    ));
                }
            }
            for occupation in &occupations {
                let held = self
                    .assignments
                    .get(*occupation)
                    .is_some_and(|l| l.iter().any(|&(i, _)| self.skills[i].id == s.id));
                if !held {
                    problems.push(format!(
                        "compétences : « {} » porte des activités de « {occupation} », qui ne l’a ni en cœur ni en secondaire",
                        s.id
                    ));
                }
            }
        }
        for o in &r.occupations {
            if !self.assignments.contains_key(o.id.as_str()) {
                problems.push(format!(
                    "compétences : le métier « {} » n’a pas d’affectation",
                    o.id
                ));
            }
            for (n, a) in o.activities().enumerate() {
                let r = ActivityRef {
                    occupation: o.id.to_string(),
                    activity: n + 1,
                    detail: None,
                };
                if !cited.contains_key(&r) {
                    problems.push(format!(
                        "compétences : l’activité « {r} » (« {} ») n’est dans aucune compétence",
                        a.text
                    ));
                }
            }
        }
        for occupation in self.assignments.keys() {
            if r.get(occupation).is_none() {
                problems.push(format!(
                    "compétences : affectation d’un métier inconnu « {occupation} »"
                ));
            }
        }
        problems
    }
}

/// The activities of a skill that come from one occupation's fiche.
fn activities_in<'a>(skill: &'a Skill, occupation_id: &str) -> Vec<&'a ActivityRef> {
    skill
        .activities
        .iter()
        .filter(|a| a.occupation == occupation_id)
        .collect()
}

/// The highest level that an occupation's activities of a skill support (savoir-faire only).
fn level_in(skill: &Skill, o: &Occupation, activities: &[&ActivityRef]) -> Option<Level> {
    if skill.kind != SkillKind::SavoirFaire {
        return None;
    }
    activities
        .iter()
        .filter_map(|a| quote(o, a))
        .map(|q| level::of_activity(q.text, q.heading, q.parent))
        .max()
}
