//! The occupations as weighted sets of skills, and how close two skills are: what mobility,
//! gaps and profiles are computed on.
//!
//! - An occupation holds each of its skills ([`metiers_knowledge::Skills`]) with a weight:
//!   its role (core [`CORE`], secondary [`SECONDARY`]) × the skill's rarity (`ln(1 + N/n)`,
//!   N occupations, n of them holding it) × the level's weight when the text gives one
//!   ([`Level::weight`]).
//! - Two different skills are related when they say close things: the cosine of their French
//!   stems (label, description, the activities they group, the ROME and ESCO skills they
//!   cite) or the share of ROME and ESCO skills they both cite, whichever is higher; below
//!   [`RELATED_FLOOR`] they are unrelated, above it one counts for the other at
//!   [`RELATED_CREDIT`] × that closeness (having a close skill is worth part of having the
//!   skill).
//! - The repertories' skills reached through the crosswalk complete each occupation: the
//!   ROME items of its ROME fiches (core items weigh more) and the ESCO skills of its ESCO
//!   occupations (essential ones weigh more), each weighted by the relation's strength and its
//!   rarity. Closeness and coverage mix the graph's skills and these, the repertories
//!   weighing [`REPERTORY_SHARE`] of closeness and [`REPERTORY_COVERAGE`] of coverage.

use std::collections::{BTreeSet, HashMap, HashSet};

use metiers_knowledge::{Knowledge, Level, SkillKind};
use metiers_referentiel::Referentiel;

/// Weight of a core skill of an occupation.
pub const CORE: f64 = 1.0;
/// Weight of a secondary skill.
pub const SECONDARY: f64 = 0.5;
/// Closeness below which two different skills count as unrelated.
pub const RELATED_FLOOR: f64 = 0.3;
/// What a related skill is worth, at most, for another.
pub const RELATED_CREDIT: f64 = 0.6;
/// Share of the repertories' skills in the closeness of two occupations.
pub const REPERTORY_SHARE: f64 = 0.3;
/// Share of the repertories' skills in the coverage of an occupation by another.
pub const REPERTORY_COVERAGE: f64 = 0.5;
/// Weight of a ROME item that ROME does not mark « cœur de métier », of an optional ESCO
/// skill (core items and essential skills weigh 1).
pub const REPERTORY_SECONDARY: f64 = 0.6;

/// A skill of the graph, as the space uses it.
#[derive(Debug, Clone)]
pub struct SkillInfo {
    pub id: String,
    pub label: String,
    pub kind: SkillKind,
    /// `ln(1 + N/n)`: rarer skills weigh more.
    pub rarity: f64,
}

/// A skill an occupation holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Held {
    pub skill: usize,
    pub core: bool,
    pub level: Option<Level>,
    pub weight: f64,
}

/// An occupation as weighted skills.
#[derive(Debug, Clone)]
pub struct Profile {
    pub id: metiers_referentiel::OccupationId,
    pub title: String,
    pub held: Vec<Held>,
    /// The repertories' skills reached through the crosswalk (`rome:OGR`, `esco:URI`),
    /// weighted.
    pub repertory: HashMap<String, f64>,
}

/// The weights of the space (the constants above by default).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    pub core: f64,
    pub secondary: f64,
    pub related_floor: f64,
    pub related_credit: f64,
    pub repertory_share: f64,
    pub repertory_coverage: f64,
    pub repertory_secondary: f64,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            core: CORE,
            secondary: SECONDARY,
            related_floor: RELATED_FLOOR,
            related_credit: RELATED_CREDIT,
            repertory_share: REPERTORY_SHARE,
            repertory_coverage: REPERTORY_COVERAGE,
            repertory_secondary: REPERTORY_SECONDARY,
        }
    }
}

/// The space: every occupation of an edition, every skill, their closeness.
#[derive(Debug, Clone)]
pub struct SkillSpace {
    pub tuning: Tuning,
    pub skills: Vec<SkillInfo>,
    pub occupations: Vec<Profile>,
    skill_index: HashMap<String, usize>,
    occupation_index: HashMap<String, usize>,
    /// For each skill, the related skills and the credit one gives for the other.
    related: Vec<HashMap<usize, f64>>,
}

impl SkillSpace {
    /// The space of an edition and the skills graph.
    pub fn new(r: &Referentiel, k: &Knowledge) -> SkillSpace {
        SkillSpace::with_tuning(r, k, Tuning::default())
    }

    /// The space with other weights (for measuring them).
    pub fn with_tuning(r: &Referentiel, k: &Knowledge, tuning: Tuning) -> SkillSpace {
        let graph = &k.skills;
        let n = r.occupations.len().max(1) as f64;
        let skills: Vec<SkillInfo> = graph
            .skills
            .iter()
            .map(|s| {
                let holders = graph.holders(&s.id).len().max(1) as f64;
                SkillInfo {
                    id: s.id.clone(),
                    label: s.label.clone(),
                    kind: s.kind,
                    rarity: (1.0 + n / holders).ln(),
                }
            })
            .collect();
        let skill_index: HashMap<String, usize> = skills
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let occupations: Vec<Profile> = r
            .occupations
            .iter()
            .map(|o| Profile {
                id: o.id.clone(),
                title: o.title.clone(),
                held: graph
                    .of_occupation(r, o.id.as_str())
                    .into_iter()
                    .filter_map(|h| {
                        let i = *skill_index.get(&h.skill.id)?;
                        let role = if h.core {
                            tuning.core
                        } else {
                            tuning.secondary
                        };
                        let level = h.level.map_or(1.0, Level::weight);
                        Some(Held {
                            skill: i,
                            core: h.core,
                            level: h.level,
                            weight: role * skills[i].rarity * level,
                        })
                    })
                    .collect(),
                repertory: HashMap::new(),
            })
            .collect();
        let mut occupations = occupations;
        repertory_skills(k, &mut occupations, tuning.repertory_secondary);
        let occupation_index = occupations
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.to_string(), i))
            .collect();
        let related = related_skills(r, k, &tuning);
        SkillSpace {
            tuning,
            skills,
            occupations,
            skill_index,
            occupation_index,
            related,
        }
    }

    /// The profile of an occupation id.
    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.occupation_index.get(id).map(|&i| &self.occupations[i])
    }

    /// The index of a skill id.
    pub fn skill(&self, id: &str) -> Option<usize> {
        self.skill_index.get(id).copied()
    }

    /// What having skill `a` is worth for skill `b`: 1 for the same skill, the credit of a
    /// related one, 0 otherwise.
    pub fn credit(&self, a: usize, b: usize) -> f64 {
        if a == b {
            1.0
        } else {
            self.related
                .get(a)
                .and_then(|m| m.get(&b))
                .copied()
                .unwrap_or(0.0)
        }
    }

    /// The skills related to one, closest first.
    pub fn related(&self, skill: usize) -> Vec<(usize, f64)> {
        let mut out: Vec<(usize, f64)> = self
            .related
            .get(skill)
            .map(|m| m.iter().map(|(&i, &c)| (i, c)).collect())
            .unwrap_or_default();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// The other occupations, closest to `a` first, with their exact similarity (ties by
    /// id). What « Métiers proches » shows and what `eval` measures: ranked on the exact
    /// value, not the two decimals shown, which tie often.
    pub fn closest(&self, a: &Profile) -> Vec<(f64, &Profile)> {
        let mut out: Vec<(f64, &Profile)> = self
            .occupations
            .iter()
            .filter(|b| b.id != a.id)
            .map(|b| (self.similarity(a, b), b))
            .collect();
        out.sort_by(|(sx, x), (sy, y)| sy.total_cmp(sx).then_with(|| x.id.cmp(&y.id)));
        out
    }

    /// How close two occupations are, in [0, 1]: the soft cosine of their weighted skills
    /// (related skills count for each other at their credit), mixed with the cosine of
    /// their repertories' skills.
    pub fn similarity(&self, a: &Profile, b: &Profile) -> f64 {
        let cross = self.soft_dot(&a.held, &b.held);
        let norm = (self.soft_dot(&a.held, &a.held) * self.soft_dot(&b.held, &b.held)).sqrt();
        let graph = if norm > 0.0 {
            (cross / norm).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let t = self.tuning.repertory_share;
        (1.0 - t) * graph + t * cosine(&a.repertory, &b.repertory)
    }

    /// How much of occupation `target` occupation `from` already covers, in [0, 1]: the
    /// coverage of its skills ([`SkillSpace::coverage`]) mixed with that of its repertories'
    /// skills.
    pub fn occupation_coverage(&self, from: &Profile, target: &Profile) -> f64 {
        let t = self.tuning.repertory_coverage;
        (1.0 - t) * self.coverage(&from.held, &target.held)
            + t * weighted_share(&from.repertory, &target.repertory)
    }

    fn soft_dot(&self, a: &[Held], b: &[Held]) -> f64 {
        a.iter()
            .flat_map(|x| b.iter().map(move |y| (x, y)))
            .map(|(x, y)| x.weight * y.weight * self.credit(x.skill, y.skill))
            .sum()
    }

    /// How much of `target`'s skills `from` already has, in [0, 1]: the weighted share of
    /// the target's skills, each credited with the best skill of `from` for it (the same
    /// skill, or a related one), reduced when `from` holds it at a lower level.
    pub fn coverage(&self, from: &[Held], target: &[Held]) -> f64 {
        let total: f64 = target.iter().map(|t| t.weight).sum();
        if total <= 0.0 {
            return 0.0;
        }
        let got: f64 = target
            .iter()
            .map(|t| t.weight * self.best_credit(from, t).0)
            .sum();
        (got / total).clamp(0.0, 1.0)
    }

    /// The best credit `from` gives for the target's skill `t`, and the skill that gives it.
    pub fn best_credit(&self, from: &[Held], t: &Held) -> (f64, Option<usize>) {
        from.iter()
            .map(|f| {
                let level = match (f.level, t.level) {
                    (Some(a), Some(b)) if a < b => (a.weight() / b.weight()).min(1.0),
                    _ => 1.0,
                };
                (self.credit(f.skill, t.skill) * level, Some(f.skill))
            })
            .fold((0.0, None), |best, c| if c.0 > best.0 { c } else { best })
    }
}

/// For each skill, the other skills close to it and the credit one gives for the other.
fn related_skills(r: &Referentiel, k: &Knowledge, tuning: &Tuning) -> Vec<HashMap<usize, f64>> {
    let graph = &k.skills;
    let analyzer = metiers_search::analysis::french_analyzer(&[]);
    let stems = |text: &str| -> Vec<String> {
        metiers_search::analysis::analyze(&analyzer, text)
            .into_iter()
            .map(|t| t.stem)
            .collect()
    };
    // Each skill's text: label, description, the sentences it groups, the ROME and ESCO
    // skills it cites.
    let texts: Vec<Vec<String>> = graph
        .skills
        .iter()
        .map(|s| stems(&skill_text(r, k, s, false)))
        .collect();
    let mut df: HashMap<&str, f64> = HashMap::new();
    for t in &texts {
        for s in t.iter().map(String::as_str).collect::<BTreeSet<_>>() {
            *df.entry(s).or_default() += 1.0;
        }
    }
    let n = texts.len().max(1) as f64;
    let vectors: Vec<HashMap<&str, f64>> = texts
        .iter()
        .map(|t| {
            let mut v: HashMap<&str, f64> = HashMap::new();
            for s in t {
                *v.entry(s.as_str()).or_default() += 1.0;
            }
            for (s, w) in v.iter_mut() {
                *w = (1.0 + w.ln()) * (n / df.get(s).copied().unwrap_or(1.0)).ln().max(0.0);
            }
            v
        })
        .collect();
    let norms: Vec<f64> = vectors
        .iter()
        .map(|v| v.values().map(|w| w * w).sum::<f64>().sqrt())
        .collect();
    let refs: Vec<HashSet<&str>> = graph
        .skills
        .iter()
        .map(|s| s.rome.iter().chain(&s.esco).map(String::as_str).collect())
        .collect();
    let mut out = vec![HashMap::new(); graph.skills.len()];
    for i in 0..graph.skills.len() {
        for j in (i + 1)..graph.skills.len() {
            let dot: f64 = vectors[i]
                .iter()
                .filter_map(|(s, w)| vectors[j].get(s).map(|x| w * x))
                .sum();
            let cosine = if norms[i] > 0.0 && norms[j] > 0.0 {
                dot / (norms[i] * norms[j])
            } else {
                0.0
            };
            let union = refs[i].union(&refs[j]).count();
            let shared = if union > 0 {
                refs[i].intersection(&refs[j]).count() as f64 / union as f64
            } else {
                0.0
            };
            let closeness = cosine.max(shared);
            if closeness >= tuning.related_floor {
                let credit = tuning.related_credit * closeness.min(1.0);
                out[i].insert(j, credit);
                out[j].insert(i, credit);
            }
        }
    }
    out
}

/// A skill's words: its label and description, the sentences of the fiches it groups, the
/// ROME and ESCO skills it cites (with ESCO's other labels when `alt_labels`).
pub(crate) fn skill_text(
    r: &Referentiel,
    k: &Knowledge,
    s: &metiers_knowledge::skills::Skill,
    alt_labels: bool,
) -> String {
    let mut t = format!("{} {}", s.label, s.description);
    for (_, q) in k.skills.quotes(r, s) {
        t.push(' ');
        t.push_str(q.text);
    }
    for code in &s.rome {
        if let Some(item) = k.rome.skill(code) {
            t.push(' ');
            t.push_str(&item.label);
        }
    }
    for uri in &s.esco {
        if let Some(e) = k.esco.skill(uri) {
            t.push(' ');
            t.push_str(&e.preferred_label);
            if alt_labels {
                for alt in &e.alt_labels {
                    t.push(' ');
                    t.push_str(alt);
                }
            }
        }
    }
    t
}

/// The repertories' skills of each occupation, through the crosswalk.
fn repertory_skills(k: &Knowledge, occupations: &mut [Profile], secondary: f64) {
    for p in occupations.iter_mut() {
        for c in k.crosswalk.of(p.id.as_str()) {
            let strength = f64::from(c.relation.strength());
            let mut put = |key: String, w: f64| {
                let e = p.repertory.entry(key).or_insert(0.0);
                *e = e.max(w);
            };
            match c.scheme {
                metiers_knowledge::Scheme::Rome => {
                    for item in k.rome.skills_of(&c.code) {
                        let role = if item.is_core() { 1.0 } else { secondary };
                        put(format!("rome:{}", item.code_ogr), strength * role);
                    }
                }
                metiers_knowledge::Scheme::Esco => {
                    for (skill, essential) in k.esco.skills_of(&c.code) {
                        let role = if essential { 1.0 } else { secondary };
                        put(format!("esco:{}", skill.uri), strength * role);
                    }
                }
            }
        }
    }
    let mut df: HashMap<String, f64> = HashMap::new();
    for p in occupations.iter() {
        for key in p.repertory.keys() {
            *df.entry(key.clone()).or_default() += 1.0;
        }
    }
    let n = occupations.len().max(1) as f64;
    for p in occupations.iter_mut() {
        for (key, w) in p.repertory.iter_mut() {
            *w *= (1.0 + n / df.get(key).copied().unwrap_or(1.0)).ln();
        }
    }
}

fn cosine(a: &HashMap<String, f64>, b: &HashMap<String, f64>) -> f64 {
    let dot: f64 = a.iter().filter_map(|(k, w)| b.get(k).map(|x| w * x)).sum();
    let na = a.values().map(|w| w * w).sum::<f64>().sqrt();
    let nb = b.values().map(|w| w * w).sum::<f64>().sqrt();
    if na > 0.0 && nb > 0.0 {
        (dot / (na * nb)).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The weighted share of `target`'s keys that `from` has (each at most at its own weight).
fn weighted_share(from: &HashMap<String, f64>, target: &HashMap<String, f64>) -> f64 {
    let total: f64 = target.values().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let got: f64 = target
        .iter()
        .map(|(k, w)| from.get(k).map_or(0.0, |x| x.min(*w)))
        .sum();
    (got / total).clamp(0.0, 1.0)
}
