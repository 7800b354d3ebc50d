//! « Mon profil »: a person's skills — ticked, taken from the activities they practise in
//! their occupation, or found in what they write of their work — and the occupations ranked
//! by how much of them the person covers, with what is missing for each, and the missing
//! skills as training needs with the fiches where they appear (no invented course).

use std::collections::{BTreeSet, HashMap};

use metiers_search::analysis::TextAnalyzer as TantivyAnalyzer;

use serde::Serialize;

use metiers_knowledge::skills::quote;
use metiers_knowledge::{Knowledge, Level, SkillKind};
use metiers_referentiel::{OccupationId, Referentiel};

use crate::mobility::{Mobility, SkillGap, SkillRef, round2};
use crate::space::{Held, SkillSpace};

/// Closeness from which a sentence counts as saying a skill.
pub const SENTENCE_FLOOR: f64 = 0.22;
/// Missing skills listed per ranked occupation, at most.
pub const MISSING_SHOWN: usize = 8;

/// Une compétence trouvée dans le texte d’une personne, avec la phrase qui l’a fait trouver.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FoundSkill {
    pub id: String,
    pub label: String,
    /// La phrase du texte.
    pub sentence: String,
    /// Proximité de la phrase et de la compétence, dans [0, 1].
    pub score: f64,
}

/// Un métier classé pour une personne.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fit {
    pub id: OccupationId,
    pub title: String,
    /// Part pondérée des compétences du métier que la personne a, dans [0, 1].
    pub coverage: f64,
    /// Compétences du métier que la personne a.
    pub covered: usize,
    /// Compétences du métier.
    pub total: usize,
    /// Ce qui manque, les compétences du cœur d’abord.
    pub missing: Vec<SkillGap>,
}

/// Un besoin de formation : une compétence qui manque pour des métiers du classement, avec
/// les fiches où elle figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingNeed {
    pub id: String,
    pub label: String,
    pub kind: SkillKind,
    /// Les métiers du classement auxquels elle manque.
    pub for_occupations: Vec<SkillRef>,
    /// Les fiches du référentiel qui la mobilisent, avec une de leurs phrases.
    pub in_fiches: Vec<FicheQuote>,
}

/// Une fiche qui mobilise une compétence, et la phrase qui le dit (absente pour un savoir ou
/// un savoir-être que la fiche ne formule pas).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FicheQuote {
    pub occupation_id: String,
    pub title: String,
    pub sentence: Option<String>,
}

/// Finds skills in free text: each sentence compared with every skill's words (label,
/// description, the fiches' sentences it groups, the ROME and ESCO skills it cites).
pub struct SkillFinder {
    analyzer: TantivyAnalyzer,
    vectors: Vec<(usize, HashMap<String, f64>, f64)>,
    idf: HashMap<String, f64>,
}

impl std::fmt::Debug for SkillFinder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SkillFinder")
            .field("skills", &self.vectors.len())
            .finish_non_exhaustive()
    }
}

impl SkillFinder {
    /// The finder of the skills of a space.
    pub fn new(space: &SkillSpace, r: &Referentiel, k: &Knowledge) -> SkillFinder {
        let analyzer = metiers_search::analysis::french_analyzer(&[]);
        let texts: Vec<(usize, Vec<String>)> = space
            .skills
            .iter()
            .enumerate()
            .filter_map(|(i, info)| {
                let s = k.skills.get(&info.id)?;
                // The label counts twice: it names the skill.
                let t = format!("{} {}", s.label, crate::space::skill_text(r, k, s, true));
                Some((i, stems(&analyzer, &t)))
            })
            .collect();
        let mut df: HashMap<String, f64> = HashMap::new();
        for (_, t) in &texts {
            for s in t.iter().collect::<BTreeSet<_>>() {
                *df.entry(s.clone()).or_default() += 1.0;
            }
        }
        let n = texts.len().max(1) as f64;
        let idf: HashMap<String, f64> = df
            .into_iter()
            .map(|(s, d)| (s, (1.0 + n / d).ln()))
            .collect();
        let vectors = texts
            .into_iter()
            .map(|(i, t)| {
                let v = weigh(&t, &idf);
                let norm = norm(&v);
                (i, v, norm)
            })
            .collect();
        SkillFinder {
            analyzer,
            vectors,
            idf,
        }
    }

    /// The skills a text says, best sentence for each, strongest first. The text is read as
    /// the matcher reads an ad ([`metiers_search::reading::read`]: its sentences and bullets,
    /// without those about the employer or the offer); each item of an enumeration
    /// (« Administration de serveurs Linux, supervision, sauvegardes »), or the sentence
    /// whole when none of its items says a skill, is compared with every skill, and says the
    /// closest one above [`SENTENCE_FLOOR`].
    pub fn find(&self, space: &SkillSpace, text: &str) -> Vec<FoundSkill> {
        let reading = metiers_search::reading::read(text);
        let mut best: HashMap<usize, (f64, String)> = HashMap::new();
        for sentence in reading
            .title
            .map(|t| t.text)
            .into_iter()
            .chain(reading.kept)
        {
            let (whole, items) = pieces(&sentence);
            let mut said: Vec<(usize, f64, String)> = items
                .into_iter()
                .filter_map(|p| self.closest(&p).map(|(skill, score)| (skill, score, p)))
                .collect();
            // An enumeration says several things: read whole, it matched one skill that
            // none of its items says (« Administration de serveurs Linux, supervision,
            // sauvegardes » read as database administration). The whole sentence speaks
            // only when no item does.
            if said.is_empty()
                && let Some((skill, score)) = self.closest(&whole)
            {
                said.push((skill, score, whole));
            }
            for (skill, score, piece) in said {
                let e = best.entry(skill).or_insert((0.0, String::new()));
                if score > e.0 {
                    *e = (score, piece);
                }
            }
        }
        let mut out: Vec<FoundSkill> = best
            .into_iter()
            .map(|(i, (score, sentence))| FoundSkill {
                id: space.skills[i].id.clone(),
                label: space.skills[i].label.clone(),
                sentence,
                score: round2(score.min(1.0)),
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        out
    }

    /// The skill closest to a piece of text, when it is at least [`SENTENCE_FLOOR`] close
    /// (the cosine of their idf-weighted stems).
    fn closest(&self, piece: &str) -> Option<(usize, f64)> {
        let found = stems(&self.analyzer, piece);
        if found.len() < 2 {
            return None;
        }
        let v = weigh(&found, &self.idf);
        let nv = norm(&v);
        if nv <= 0.0 {
            return None;
        }
        self.vectors
            .iter()
            .map(|(i, sv, sn)| {
                let dot: f64 = v.iter().filter_map(|(s, w)| sv.get(s).map(|x| w * x)).sum();
                (*i, if *sn > 0.0 { dot / (nv * sn) } else { 0.0 })
            })
            .fold(None, |b: Option<(usize, f64)>, c| match b {
                Some(b) if b.1 >= c.1 => Some(b),
                _ => Some(c),
            })
            .filter(|c| c.1 >= SENTENCE_FLOOR)
    }
}

fn stems(analyzer: &TantivyAnalyzer, text: &str) -> Vec<String> {
    metiers_search::analysis::analyze(analyzer, text)
        .into_iter()
        .map(|t| t.stem)
        .collect()
}

fn weigh(stems: &[String], idf: &HashMap<String, f64>) -> HashMap<String, f64> {
    let mut v: HashMap<String, f64> = HashMap::new();
    for s in stems {
        *v.entry(s.clone()).or_default() += 1.0;
    }
    for (s, w) in v.iter_mut() {
        *w = (1.0 + w.ln()) * idf.get(s).copied().unwrap_or(0.0);
    }
    v
}

fn norm(v: &HashMap<String, f64>) -> f64 {
    v.values().map(|w| w * w).sum::<f64>().sqrt()
}

/// A sentence, and each item of an enumeration in it when it has several (cut at commas and
/// colons; items of fewer than six letters are left out): a person lists what they do.
fn pieces(sentence: &str) -> (String, Vec<String>) {
    let trim = |s: &str| {
        s.trim_matches(|c: char| c.is_whitespace() || "-–—*•·:,".contains(c))
            .to_owned()
    };
    let items: Vec<String> = sentence
        .split([',', ':'])
        .map(trim)
        .filter(|p| p.chars().filter(|c| c.is_alphabetic()).count() >= 6)
        .collect();
    let items = if items.len() > 1 { items } else { Vec::new() };
    (trim(sentence), items)
}

/// A person's skills as the space counts them: each skill once, at the highest level given.
pub fn person(skills: &[(usize, Option<Level>)]) -> Vec<Held> {
    let mut out: Vec<Held> = Vec::new();
    for &(skill, level) in skills {
        match out.iter_mut().find(|h| h.skill == skill) {
            Some(h) => h.level = h.level.max(level),
            None => out.push(Held {
                skill,
                core: true,
                level,
                weight: 1.0,
            }),
        }
    }
    out
}

/// The skills of the activities `numbers` (1-based) of an occupation, each at the level of
/// the activities practised, and — someone practising the occupation knows its ways — the
/// skills of the occupation that no activity of its fiche carries (its savoirs and
/// savoir-être, mostly).
pub fn from_activities(
    space: &SkillSpace,
    r: &Referentiel,
    k: &Knowledge,
    occupation: &str,
    numbers: &[usize],
) -> Vec<(usize, Option<Level>)> {
    let Some(o) = r.get(occupation) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in &k.skills.skills {
        let Some(i) = space.skill(&s.id) else {
            continue;
        };
        for a in s.activities.iter().filter(|a| {
            a.occupation == occupation && a.detail.is_none() && numbers.contains(&a.activity)
        }) {
            let level = quote(o, a)
                .map(|q| metiers_knowledge::level::of_activity(q.text, q.heading, q.parent));
            out.push((i, level));
        }
    }
    if !out.is_empty() {
        for h in k.skills.of_occupation(r, occupation) {
            if h.activities.is_empty()
                && let Some(i) = space.skill(&h.skill.id)
            {
                out.push((i, None));
            }
        }
    }
    out
}

/// The occupations ranked for a person's skills, best covered first, with what is missing.
pub fn rank(m: &Mobility<'_>, held: &[Held], top: usize) -> Vec<Fit> {
    // Ranked on the exact coverage: the two decimals shown tie often, and a tie broken by
    // id put the occupations early in the alphabet first.
    let mut out: Vec<(f64, Fit)> = m
        .space
        .occupations
        .iter()
        .filter_map(|p| {
            let o = m.referentiel.get(p.id.as_str())?;
            let mut missing: Vec<SkillGap> = p
                .held
                .iter()
                .map(|t| m.skill_gap(held, t, o))
                .filter(|g| g.covered < 0.999)
                .collect();
            missing.sort_by(|a, b| b.core.cmp(&a.core).then(a.covered.total_cmp(&b.covered)));
            let covered = p.held.len() - missing.len();
            missing.truncate(MISSING_SHOWN);
            let coverage = m.space.coverage(held, &p.held);
            Some((
                coverage,
                Fit {
                    id: p.id.clone(),
                    title: p.title.clone(),
                    coverage: round2(coverage),
                    covered,
                    total: p.held.len(),
                    missing,
                },
            ))
        })
        .collect();
    out.sort_by(|(ca, a), (cb, b)| {
        cb.total_cmp(ca)
            .then_with(|| a.id.as_str().cmp(b.id.as_str()))
    });
    out.truncate(top);
    out.into_iter().map(|(_, fit)| fit).collect()
}

/// The fiches that hold a skill (core ones first), each with its first sentence in the skill.
pub fn fiches_of(m: &Mobility<'_>, skill_id: &str) -> Vec<FicheQuote> {
    let graph = &m.knowledge.skills;
    let Some(skill) = graph.get(skill_id) else {
        return Vec::new();
    };
    let quotes = graph.quotes(m.referentiel, skill);
    let mut holders = graph.holders(skill_id);
    holders.sort_by_key(|(_, core)| !core);
    holders
        .into_iter()
        .filter_map(|(id, _)| {
            let o = m.referentiel.get(id)?;
            Some(FicheQuote {
                occupation_id: id.to_owned(),
                title: o.title.clone(),
                sentence: quotes
                    .iter()
                    .find(|(q, _)| q.id == o.id)
                    .map(|(_, q)| q.text.to_owned()),
            })
        })
        .collect()
}

/// The skills missing for the ranked occupations, as training needs: for each, the
/// occupations it is missing for and the fiches that hold it, with one of their sentences.
pub fn training_needs(m: &Mobility<'_>, ranking: &[Fit]) -> Vec<TrainingNeed> {
    let mut needs: Vec<TrainingNeed> = Vec::new();
    for f in ranking {
        for g in f.missing.iter().filter(|g| g.covered < 0.5) {
            let at = match needs.iter().position(|n| n.id == g.id) {
                Some(i) => i,
                None => {
                    let in_fiches = fiches_of(m, &g.id);
                    needs.push(TrainingNeed {
                        id: g.id.clone(),
                        label: g.label.clone(),
                        kind: g.kind,
                        for_occupations: Vec::new(),
                        in_fiches,
                    });
                    needs.len() - 1
                }
            };
            needs[at].for_occupations.push(SkillRef {
                id: f.id.to_string(),
                label: f.title.clone(),
            });
        }
    }
    needs.sort_by_key(|n| std::cmp::Reverse(n.for_occupations.len()));
    needs
}

/// A ranking as text for a terminal (or Markdown), with the first missing skills.
pub fn ranking_text(ranking: &[Fit], markdown: bool) -> String {
    let mut out = String::new();
    if markdown {
        out.push_str(
            "| Métier | Compétences couvertes | À acquérir (premières) |\n|---|---:|---|\n",
        );
    }
    for f in ranking {
        let missing = f
            .missing
            .iter()
            .take(3)
            .map(|g| g.label.as_str())
            .collect::<Vec<_>>()
            .join(" ; ");
        let share = format!(
            "{} % ({} sur {})",
            (f.coverage * 100.0).round(),
            f.covered,
            f.total
        );
        if markdown {
            out.push_str(&format!("| {} | {share} | {missing} |\n", f.title));
        } else {
            out.push_str(&format!("{:>14}  {}  ({})\n", share, f.title, f.id));
            if !missing.is_empty() {
                out.push_str(&format!("{:>14}  à acquérir : {missing}\n", ""));
            }
        }
    }
    out
}
