//! The référentiel in the language of the repertories that HR systems and job boards speak.
//!
//! - [`rome::Rome`]: ROME 4.0 (France Travail), the embedded slices: fiches, all 13,120
//!   appellations, the skills and mobilities of the fiches the crosswalk names.
//! - [`esco::Esco`]: ESCO v1.1.1 in French (European Commission): every occupation and its
//!   labels, the skills of the occupations the crosswalk names.
//! - [`crosswalk::Crosswalk`]: `data/correspondances.toml`, the curated correspondences of
//!   each occupation with ROME fiches and ESCO occupations (SKOS relation and reason).
//! - [`skills::Skills`]: `data/competences.toml`, the skills graph: the activities of the
//!   fiches grouped into shared skills with the ROME and ESCO skills that say the same thing;
//!   per occupation, its skills (core or secondary) and their [`level::Level`].
//! - [`Knowledge`] holds them and answers the reverse lookups: which occupations correspond
//!   to a ROME code, an appellation (OGR code or text) or an ESCO URI.
//!
//! Everything is embedded in the binary (it works offline); [`SOURCES`] says how each
//! repertory must be named wherever its data is shown or exported. No I/O.

pub mod crosswalk;
mod embedded;
pub mod esco;
pub mod level;
pub mod rome;
pub mod skills;

pub use crosswalk::{Correspondence, Crosswalk, Relation, Scheme, Unmapped};
pub use level::Level;
pub use skills::{Skill, SkillKind, Skills};

use metiers_referentiel::{Occupation, Referentiel};
use serde::Serialize;
use std::sync::{Arc, OnceLock};

/// Why the embedded data could not be read (a broken build, or a bad file in a test).
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("{file} illisible : {message}")]
    Csv { file: &'static str, message: String },
    #[error(
        "data/correspondances.toml illisible{} : {message}",
        line.map(|l| format!(" (ligne {l})")).unwrap_or_default()
    )]
    Crosswalk {
        message: String,
        line: Option<usize>,
    },
    #[error(
        "data/competences.toml illisible{} : {message}",
        line.map(|l| format!(" (ligne {l})")).unwrap_or_default()
    )]
    Skills {
        message: String,
        line: Option<usize>,
    },
}

/// A repertory whose data the product shows: how to name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Source {
    /// `rome` or `esco`.
    pub scheme: &'static str,
    /// The sentence to show wherever the data appears.
    pub attribution: &'static str,
    pub version: &'static str,
    pub licence: &'static str,
}

/// The repertories whose data the product embeds.
pub const SOURCES: [Source; 2] = [
    Source {
        scheme: "rome",
        attribution: rome::ATTRIBUTION,
        version: rome::VERSION,
        licence: rome::LICENCE,
    },
    Source {
        scheme: "esco",
        attribution: esco::ATTRIBUTION,
        version: esco::VERSION,
        licence: esco::LICENCE,
    },
];

/// The repertories and the crosswalk.
#[derive(Debug, Clone)]
pub struct Knowledge {
    pub rome: rome::Rome,
    pub esco: esco::Esco,
    pub crosswalk: Crosswalk,
    pub skills: Skills,
}

/// What a reverse lookup asked for, once recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// A ROME fiche, by its code.
    Rome(String),
    /// A ROME appellation, by its OGR code.
    Appellation(String),
    /// An ESCO occupation, by its URI.
    Esco(String),
}

/// Why a reverse lookup has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// The text is not shaped like what was asked (400).
    #[error("{0}")]
    Malformed(String),
    /// Well formed, but not in the embedded repertory (404), with the closest known ones.
    #[error("{message}")]
    Unknown {
        message: String,
        closest: Vec<String>,
    },
}

/// Un métier du référentiel qui correspond à ce qui a été cherché.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// Named apart from the matcher's `Match` in the OpenAPI document: two schemas of one name
// overwrite each other there.
#[cfg_attr(feature = "openapi", schema(as = CrosswalkMatch))]
pub struct Match {
    /// Identifiant du métier du référentiel.
    pub occupation_id: String,
    /// La correspondance qui relie le métier à ce qui a été cherché.
    pub correspondence: Correspondence,
    /// Par où passe la correspondance quand ce n’est pas directement : la fiche mère d’une
    /// sous-fiche ROME, ou la fiche ROME d’une appellation.
    pub via: Option<String>,
}

/// La réponse d’une recherche inverse : ce qui a été reconnu et les métiers qui y
/// correspondent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lookup {
    /// `rome`, `appellation` ou `esco`.
    pub kind: &'static str,
    /// Le code ROME, le code OGR de l’appellation ou l’URI ESCO.
    pub code: String,
    /// L’intitulé de la fiche ROME, de l’appellation ou de la profession ESCO.
    pub label: String,
    /// Les métiers du référentiel qui y correspondent, les plus proches d’abord.
    pub occupations: Vec<Match>,
    /// Pourquoi aucun métier ne correspond, quand la table le dit (fiches ROME de la famille
    /// informatique hors du référentiel).
    pub none_because: Option<String>,
}

/// Tout ce que le service sait d’un métier : la fiche telle que publiée, ses
/// correspondances avec ROME et ESCO, ses compétences.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationDetail {
    #[serde(flatten)]
    pub occupation: Occupation,
    /// Les fiches ROME et professions ESCO qui correspondent au métier, avec la relation et
    /// sa raison (table de correspondances du service, hors référentiel).
    pub crosswalks: Vec<Correspondence>,
    /// Les compétences du métier, celles du cœur d’abord (graphe des compétences du
    /// service, hors référentiel).
    pub skills: Vec<OccupationSkill>,
}

/// Une compétence d’un métier.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationSkill {
    /// Identifiant stable de la compétence (voir `/api/v1/skills/{id}`).
    pub id: String,
    pub label: String,
    /// `savoir-faire`, `savoir` ou `savoir-etre`.
    pub kind: SkillKind,
    /// Compétence qui définit le métier (sinon secondaire).
    pub core: bool,
    /// Niveau que les activités du métier permettent de lire (`contribuer`, `realiser`,
    /// `piloter-encadrer`, `expertise`) ; absent pour un savoir ou un savoir-être.
    pub level: Option<Level>,
    /// D’où vient la compétence : les activités de la fiche d’abord, puis les éléments ROME
    /// et les compétences ESCO qui disent la même chose.
    pub sources: Vec<SkillSource>,
}

/// Une source d’une compétence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillSource {
    /// `referentiel`, `rome` ou `esco`.
    pub scheme: &'static str,
    /// `métier/n` (n-ième activité de la fiche, `métier/n.k` pour une sous-activité), code
    /// OGR ROME ou URI ESCO.
    #[serde(rename = "ref")]
    pub reference: String,
    /// La phrase de la fiche, ou le libellé ROME ou ESCO.
    pub label: String,
}

impl Knowledge {
    /// The repertories and the crosswalk embedded in the binary.
    pub fn embedded() -> Result<Knowledge, KnowledgeError> {
        Ok(Knowledge {
            rome: rome::Rome::embedded()?,
            esco: esco::Esco::embedded()?,
            crosswalk: Crosswalk::embedded()?,
            skills: Skills::embedded()?,
        })
    }

    /// The embedded repertories and crosswalk, read once per process and shared.
    pub fn shared() -> Result<Arc<Knowledge>, KnowledgeError> {
        static SHARED: OnceLock<Arc<Knowledge>> = OnceLock::new();
        if let Some(k) = SHARED.get() {
            return Ok(k.clone());
        }
        let k = Arc::new(Knowledge::embedded()?);
        Ok(SHARED.get_or_init(|| k).clone())
    }

    /// An occupation of the edition `r` with its correspondences and its skills.
    pub fn detail(&self, r: &Referentiel, o: &Occupation) -> OccupationDetail {
        OccupationDetail {
            occupation: o.clone(),
            crosswalks: self.crosswalk.of(o.id.as_str()).to_vec(),
            skills: self.occupation_skills(r, o),
        }
    }

    /// The skills of an occupation, core first, with their level and sources.
    pub fn occupation_skills(&self, r: &Referentiel, o: &Occupation) -> Vec<OccupationSkill> {
        self.skills
            .of_occupation(r, o.id.as_str())
            .into_iter()
            .map(|h| OccupationSkill {
                id: h.skill.id.clone(),
                label: h.skill.label.clone(),
                kind: h.skill.kind,
                core: h.core,
                level: h.level,
                sources: self.sources(o, h.skill, &h.activities),
            })
            .collect()
    }

    /// The sources of a skill in an occupation: its activities there, then the ROME items and
    /// ESCO skills that say the same thing.
    fn sources(
        &self,
        o: &Occupation,
        skill: &Skill,
        activities: &[&skills::ActivityRef],
    ) -> Vec<SkillSource> {
        let mut out: Vec<SkillSource> = activities
            .iter()
            .filter_map(|a| {
                skills::quote(o, a).map(|q| SkillSource {
                    scheme: "referentiel",
                    reference: a.to_string(),
                    label: q.text.to_owned(),
                })
            })
            .collect();
        for code in &skill.rome {
            if let Some(item) = self.rome.skill(code) {
                out.push(SkillSource {
                    scheme: "rome",
                    reference: code.clone(),
                    label: item.label.clone(),
                });
            }
        }
        for uri in &skill.esco {
            if let Some(s) = self.esco.skill(uri) {
                out.push(SkillSource {
                    scheme: "esco",
                    reference: uri.clone(),
                    label: s.preferred_label.clone(),
                });
            }
        }
        out
    }

    /// Reads the value of a column of an HR file: a ROME code or an OGR appellation code
    /// (`esco` false), or the URI of an ESCO occupation (`esco` true), and looks it up. The
    /// error is a French sentence that names the value and what was expected.
    pub fn lookup_code(&self, value: &str, esco: bool) -> Result<Lookup, String> {
        let query = match (Self::parse_query(value), esco) {
            (Ok(q @ (Query::Rome(_) | Query::Appellation(_))), false) => q,
            (Ok(q @ Query::Esco(_)), true) => q,
            (_, false) => {
                return Err(format!(
                    "Code ROME « {} » illisible (attendu une lettre et quatre chiffres, ex. M1805, ou un code OGR d’appellation).",
                    shown(value.trim())
                ));
            }
            (_, true) => {
                return Err(format!(
                    "URI ESCO « {} » illisible (attendu {}…).",
                    shown(value.trim()),
                    esco::OCCUPATION_PREFIX
                ));
            }
        };
        self.lookup(&query).map_err(|e| {
            let scheme = if esco { "Profession ESCO" } else { "Code ROME" };
            format!("{scheme} : {e}")
        })
    }

    /// Recognises what a text is: a ROME code, an OGR code, an ESCO URI; anything else is
    /// malformed.
    pub fn parse_query(text: &str) -> Result<Query, LookupError> {
        let t = text.trim();
        if rome::is_code(&t.to_ascii_uppercase()) {
            Ok(Query::Rome(t.to_ascii_uppercase()))
        } else if rome::is_ogr(t) {
            Ok(Query::Appellation(t.to_owned()))
        } else if esco::is_occupation_uri(t) {
            Ok(Query::Esco(t.to_owned()))
        } else {
            Err(LookupError::Malformed(format!(
                "« {} » n’est ni un code ROME (une lettre et quatre chiffres, ex. M1805), ni un code OGR d’appellation (des chiffres), ni une URI de profession ESCO ({}…).",
                shown(t),
                esco::OCCUPATION_PREFIX
            )))
        }
    }

    /// Which occupations correspond to a ROME code, an OGR code or an ESCO URI.
    pub fn lookup(&self, query: &Query) -> Result<Lookup, LookupError> {
        match query {
            Query::Rome(code) => self.lookup_rome(code),
            Query::Appellation(ogr) => self.lookup_appellation(ogr),
            Query::Esco(uri) => self.lookup_esco(uri),
        }
    }

    /// Which occupations correspond to a ROME fiche (through its main fiche when the
    /// crosswalk names only that one).
    pub fn lookup_rome(&self, code: &str) -> Result<Lookup, LookupError> {
        let f = self.rome.fiche(code).ok_or_else(|| LookupError::Unknown {
            message: format!(
                "Aucune fiche ROME {} dans la version {}.",
                shown(code),
                rome::VERSION
            ),
            closest: self
                .rome
                .closest_codes(code, 3)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        })?;
        let mut occupations = self.matches(&f.code, None);
        if occupations.is_empty() && f.parent != f.code {
            let via = self
                .rome
                .fiche(&f.parent)
                .map(|p| format!("fiche mère {} « {} »", p.code, p.label));
            occupations = self.matches(&f.parent, via);
        }
        Ok(Lookup {
            kind: "rome",
            none_because: self.none_because(&f.code, &occupations),
            code: f.code.clone(),
            label: f.label.clone(),
            occupations,
        })
    }

    /// Which occupations correspond to a ROME appellation, through its fiche.
    pub fn lookup_appellation(&self, ogr: &str) -> Result<Lookup, LookupError> {
        let a = self
            .rome
            .appellation(ogr)
            .ok_or_else(|| LookupError::Unknown {
                message: format!(
                    "Aucune appellation ROME n’a le code OGR {} dans la version {}.",
                    shown(ogr),
                    rome::VERSION
                ),
                closest: Vec::new(),
            })?;
        let fiche = self.lookup_rome(&a.code)?;
        let via = format!(
            "appellation de la fiche ROME {} « {} »",
            fiche.code, fiche.label
        );
        Ok(Lookup {
            kind: "appellation",
            code: a.ogr.clone(),
            label: a.label.clone(),
            none_because: fiche.none_because,
            occupations: fiche
                .occupations
                .into_iter()
                .map(|m| Match {
                    via: Some(match m.via {
                        Some(v) => format!("{via}, {v}"),
                        None => via.clone(),
                    }),
                    ..m
                })
                .collect(),
        })
    }

    /// Which occupations correspond to the appellations of a text (its long or short label,
    /// case and accents ignored): the appellation's lookup, or, when several appellations
    /// bear that label, theirs merged.
    pub fn lookup_appellation_text(&self, text: &str) -> Result<Lookup, LookupError> {
        let found = self.appellations_named(text)?;
        let mut merged: Option<Lookup> = None;
        for a in found {
            let l = self.lookup_appellation(&a.ogr)?;
            merged = Some(match merged {
                None => l,
                Some(mut m) => {
                    m.code = format!("{}, {}", m.code, l.code);
                    for o in l.occupations {
                        if !m
                            .occupations
                            .iter()
                            .any(|x| x.occupation_id == o.occupation_id)
                        {
                            m.occupations.push(o);
                        }
                    }
                    m.none_because = m.none_because.filter(|_| m.occupations.is_empty());
                    m
                }
            });
        }
        merged.ok_or_else(|| LookupError::Unknown {
            message: format!(
                "Aucune appellation ROME n’a l’intitulé « {} ».",
                shown(text)
            ),
            closest: Vec::new(),
        })
    }

    /// Whether a text is, word for word (case, accents and punctuation aside), a job title
    /// of the repertories: a ROME appellation ([`rome::Rome::appellations_named`]) or the
    /// label of an ESCO occupation ([`esco::Esco::occupations_named`]). The evaluation sets
    /// hold many such titles, which the engine knows as labels; their other texts measure
    /// how the matcher generalises.
    pub fn is_repertory_label(&self, text: &str) -> bool {
        !self.rome.appellations_named(text).is_empty()
            || !self.esco.occupations_named(text).is_empty()
    }

    /// The appellations of a text (its long or short label, case and accents ignored), or
    /// the closest ones.
    pub fn appellations_named(&self, text: &str) -> Result<Vec<&rome::Appellation>, LookupError> {
        let found = self.rome.appellations_named(text);
        if found.is_empty() {
            return Err(LookupError::Unknown {
                message: format!(
                    "Aucune appellation ROME n’a l’intitulé « {} ».",
                    shown(text)
                ),
                closest: self.rome.closest_appellations(text, 3),
            });
        }
        Ok(found)
    }

    /// Which occupations correspond to an ESCO occupation.
    pub fn lookup_esco(&self, uri: &str) -> Result<Lookup, LookupError> {
        let o = self
            .esco
            .occupation(uri)
            .ok_or_else(|| LookupError::Unknown {
                message: format!(
                    "Aucune profession ESCO {} dans la version {}.",
                    shown(uri),
                    esco::VERSION
                ),
                closest: self
                    .esco
                    .closest_uris(uri, 3)
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            })?;
        Ok(Lookup {
            kind: "esco",
            code: o.uri.clone(),
            label: o.preferred_label.clone(),
            occupations: self.matches(&o.uri, None),
            none_because: None,
        })
    }

    /// The correspondences naming `code`, strongest relation first.
    fn matches(&self, code: &str, via: Option<String>) -> Vec<Match> {
        let mut out: Vec<Match> = self
            .crosswalk
            .occupations_of(code)
            .into_iter()
            .map(|(id, c)| Match {
                occupation_id: id.to_owned(),
                correspondence: c.clone(),
                via: via.clone(),
            })
            .collect();
        out.sort_by(|a, b| {
            b.correspondence
                .relation
                .strength()
                .total_cmp(&a.correspondence.relation.strength())
        });
        out
    }

    fn none_because(&self, code: &str, found: &[Match]) -> Option<String> {
        if !found.is_empty() {
            return None;
        }
        self.crosswalk
            .rome_without_occupation
            .iter()
            .find(|u| u.code == code)
            .map(|u| u.note.clone())
            .or_else(|| {
                Some(
                    "La table des correspondances ne rattache cette fiche à aucun métier du référentiel SIC : elle n’est pas un métier des systèmes d’information et de communication."
                        .to_owned(),
                )
            })
    }
}

/// What a message shows of a text from outside: at most 100 characters.
fn shown(s: &str) -> String {
    let mut out: String = s.chars().take(100).collect();
    if s.chars().nth(100).is_some() {
        out.push('…');
    }
    out
}

/// Lower case, accents and punctuation folded to single spaces (the key of a label).
pub fn fold(s: &str) -> String {
    metiers_referentiel::text::fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Folded label → the positions of the items that bear it, each item once per label;
/// `labels` gives an item's labels as written (empty ones are no key).
fn labels_index<T, L: AsRef<str>>(
    items: &[T],
    labels: impl Fn(&T) -> Vec<L>,
) -> std::collections::HashMap<String, Vec<usize>> {
    let mut by_label: std::collections::HashMap<String, Vec<usize>> = Default::default();
    for (i, item) in items.iter().enumerate() {
        let mut keys: Vec<String> = labels(item)
            .iter()
            .map(|l| fold(l.as_ref()))
            .filter(|k| !k.is_empty())
            .collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            by_label.entry(key).or_default().push(i);
        }
    }
    by_label
}

/// The keys of the `n` candidates whose texts are closest to `query` (Jaro-Winkler on folded
/// texts), best first.
fn closest<'a, const N: usize>(
    query: &str,
    candidates: impl Iterator<Item = (&'a str, [&'a str; N])>,
    n: usize,
) -> Vec<&'a str> {
    let q = fold(query);
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|(key, texts)| {
            let best = texts
                .iter()
                .map(|t| strsim::jaro_winkler(&q, &fold(t)))
                .fold(0.0, f64::max);
            (best, key)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, k)| k).collect()
}

/// Reads a CSV text into records (a broken embedded file is a build error, reported).
fn read_csv<T: serde::de::DeserializeOwned>(
    file: &'static str,
    text: &str,
) -> Result<Vec<T>, KnowledgeError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| KnowledgeError::Csv {
            file,
            message: e.to_string(),
        })
}
