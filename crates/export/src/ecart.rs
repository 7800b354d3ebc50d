//! Gap analysis: what separates one occupation from another, and which occupations fit the
//! activities a person practises.
//!
//! Activities are compared by meaning, not only by identical wording: each is turned into
//! French stems by the analyzer of `metiers-search` (accents folded, stop words dropped,
//! stemming), each stem weighted by its rarity among all the activities of the edition
//! (inverse document frequency), and two activities are compared with the weighted Dice
//! coefficient of their stems. An activity of B is covered by A when some activity of A
//! reaches [`COVER_THRESHOLD`] with it.

use metiers_referentiel::export::level_range;
use metiers_referentiel::{Occupation, OccupationId, Referentiel};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// Score from which an activity counts as covered by another.
pub const COVER_THRESHOLD: f64 = 0.35;

/// Words of the fiches that say nothing of what an activity is about, dropped on top of the
/// French stop words (`auprès du chef de projet`, `mettre à jour`, `le cas échéant`).
const GENERIC_WORDS: &[&str] = &[
    "aupres", "cas", "echeant", "cadre", "etc", "mettre", "jour", "ensemble", "niveau",
];

type Stemmer = Box<dyn Fn(&str) -> Vec<String> + Send + Sync>;

/// Compares activities by meaning; built once per edition.
pub struct GapAnalyzer {
    stem: Stemmer,
    idf: HashMap<String, f64>,
    /// Weight of a stem seen in no activity of the edition.
    unseen: f64,
}

impl std::fmt::Debug for GapAnalyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GapAnalyzer")
            .field("stems", &self.idf.len())
            .finish_non_exhaustive()
    }
}

/// Where an occupation stands on education.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationSide {
    pub id: OccupationId,
    pub title: String,
    /// `Bac+2 à Bac+4`, `non précisé`…
    pub education: String,
}

/// An activity of the target occupation and the activity of the origin that covers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Covered {
    pub heading: Option<String>,
    pub activity: String,
    /// The closest activity of the origin occupation.
    pub by: String,
    /// In [0, 1].
    pub score: f64,
    /// The stems they share.
    pub shared_terms: Vec<String>,
}

/// An activity (with its heading).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Missing {
    pub heading: Option<String>,
    pub activity: String,
}

/// "De A vers B".
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Gap {
    pub from: OccupationSide,
    pub to: OccupationSide,
    /// Share of the activities of B that A covers, in [0, 1].
    pub coverage: f64,
    pub covered: Vec<Covered>,
    pub missing: Vec<Missing>,
    /// Highest Bac+N of B minus that of A, when both are known (lowest when no highest).
    pub education_step: Option<i8>,
    /// The change of education, in French.
    pub education_change: String,
}

/// An occupation ranked for the activities a person practises.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    pub id: OccupationId,
    pub title: String,
    /// Share of the occupation's activities the person covers, in [0, 1].
    pub coverage: f64,
    pub covered: usize,
    pub total: usize,
    /// What the person would still have to practise.
    pub missing: Vec<Missing>,
}

struct Stems(HashMap<String, f64>);

impl Stems {
    fn weight(&self) -> f64 {
        self.0.values().sum()
    }
}

impl GapAnalyzer {
    /// Builds the analyzer (French analysis, stem weights) for an edition.
    pub fn new(r: &Referentiel) -> Self {
        let extra: Vec<String> = GENERIC_WORDS.iter().map(|w| (*w).to_owned()).collect();
        let analyzer = metiers_search::analysis::french_analyzer(&extra);
        let stem: Stemmer = Box::new(move |text: &str| {
            metiers_search::analysis::analyze(&analyzer, text)
                .into_iter()
                .map(|t| t.stem)
                .collect()
        });
        let mut df: HashMap<String, usize> = HashMap::new();
        let mut n = 0usize;
        for a in r.occupations.iter().flat_map(|o| o.activities()) {
            n += 1;
            let unique: BTreeSet<String> = stem(&a.text).into_iter().collect();
            for s in unique {
                *df.entry(s).or_default() += 1;
            }
        }
        let n = n.max(1) as f64;
        let idf = df
            .into_iter()
            .map(|(s, d)| (s, (1.0 + n / d as f64).ln()))
            .collect();
        Self {
            stem,
            idf,
            unseen: (1.0 + n).ln(),
        }
    }

    fn stems(&self, text: &str) -> Stems {
        Stems(
            (self.stem)(text)
                .into_iter()
                .map(|s| {
                    let w = self.idf.get(&s).copied().unwrap_or(self.unseen);
                    (s, w)
                })
                .collect(),
        )
    }

    /// How much activity `a` covers activity `b` by meaning, in [0, 1], and the stems of `b`
    /// that `a` holds.
    pub fn compare(&self, a: &str, b: &str) -> (f64, Vec<String>) {
        score(&self.stems(a), &self.stems(b))
    }

    /// "De A vers B": the activities of `to` that `from` already covers, those it does not,
    /// and the change of education level.
    pub fn between(&self, from: &Occupation, to: &Occupation) -> Gap {
        let from_stems: Vec<(String, Stems)> = from
            .activities()
            .map(|a| (a.text.clone(), self.stems(&a.text)))
            .collect();
        let mut covered = Vec::new();
        let mut missing = Vec::new();
        let mut total = 0usize;
        for g in &to.activity_groups {
            for a in &g.activities {
                total += 1;
                let target = self.stems(&a.text);
                let best = from_stems
                    .iter()
                    .map(|(text, s)| (text, score(s, &target)))
                    .max_by(|x, y| x.1.0.total_cmp(&y.1.0));
                match best {
                    Some((by, (s, shared))) if s >= COVER_THRESHOLD => covered.push(Covered {
                        heading: g.heading.clone(),
                        activity: a.text.clone(),
                        by: by.clone(),
                        score: round2(s),
                        shared_terms: shared,
                    }),
                    _ => missing.push(Missing {
                        heading: g.heading.clone(),
                        activity: a.text.clone(),
                    }),
                }
            }
        }
        let (step, change) = education_change(from, to);
        Gap {
            from: side(from),
            to: side(to),
            coverage: round2(ratio(covered.len(), total)),
            covered,
            missing,
            education_step: step,
            education_change: change,
        }
    }

    /// The occupations of the edition ranked by how much of their activities the practised
    /// activities cover (best first; ties in the order of the edition), with what is missing.
    pub fn for_person(&self, r: &Referentiel, practised: &[String]) -> Vec<Coverage> {
        let practised: Vec<Stems> = practised.iter().map(|t| self.stems(t)).collect();
        let mut out: Vec<Coverage> = r
            .occupations
            .iter()
            .map(|o| {
                let mut missing = Vec::new();
                let mut covered = 0usize;
                let mut total = 0usize;
                for g in &o.activity_groups {
                    for a in &g.activities {
                        total += 1;
                        let target = self.stems(&a.text);
                        let hit = practised
                            .iter()
                            .any(|p| score(p, &target).0 >= COVER_THRESHOLD);
                        if hit {
                            covered += 1;
                        } else {
                            missing.push(Missing {
                                heading: g.heading.clone(),
                                activity: a.text.clone(),
                            });
                        }
                    }
                }
                Coverage {
                    id: o.id.clone(),
                    title: o.title.clone(),
                    coverage: round2(ratio(covered, total)),
                    covered,
                    total,
                    missing,
                }
            })
            .collect();
        // Stable sort: ties keep the order of the edition.
        out.sort_by(|a, b| {
            b.coverage
                .total_cmp(&a.coverage)
                .then(b.covered.cmp(&a.covered))
        });
        out
    }
}

/// Two stems meet when they are equal or share their first [`PREFIX`] letters
/// (`interven`/`intervent`, `diagnost`/`diagnostiqu`: the French stemmer leaves such pairs
/// apart).
const PREFIX: usize = 7;

fn meet(a: &str, b: &str) -> bool {
    a == b
        || (a.len() >= PREFIX
            && b.len() >= PREFIX
            && a.as_bytes()[..PREFIX] == b.as_bytes()[..PREFIX])
}

/// How much of `b` (the activity to cover) `a` says: the mean of the weighted Dice
/// coefficient of their stems and of the weighted share of `b`'s stems found in `a`. A broad
/// activity of A (« Gérer les incidents (diagnostic, intervention, alerte) ») thus covers a
/// narrower one of B (« Alerter et intervenir sur les incidents »).
fn score(a: &Stems, b: &Stems) -> (f64, Vec<String>) {
    let (wa, wb) = (a.weight(), b.weight());
    if wa <= 0.0 || wb <= 0.0 {
        return (0.0, Vec::new());
    }
    let mut shared: Vec<(&String, f64)> =
        b.0.iter()
            .filter(|(s, _)| a.0.keys().any(|t| meet(t, s)))
            .map(|(s, w)| (s, *w))
            .collect();
    let common_b: f64 = shared.iter().map(|(_, w)| w).sum();
    let common_a: f64 =
        a.0.iter()
            .filter(|(s, _)| b.0.keys().any(|t| meet(t, s)))
            .map(|(_, w)| w)
            .sum();
    let dice = (common_a + common_b) / (wa + wb);
    let containment = common_b / wb;
    shared.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
    let s = (dice + containment) / 2.0;
    (
        if s > 0.0 { s.min(1.0) } else { 0.0 },
        shared.into_iter().map(|(s, _)| s.clone()).collect(),
    )
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl From<&Occupation> for OccupationSide {
    fn from(o: &Occupation) -> Self {
        side(o)
    }
}

fn side(o: &Occupation) -> OccupationSide {
    OccupationSide {
        id: o.id.clone(),
        title: o.title.clone(),
        education: level_range(o.education.as_ref()),
    }
}

fn top_level(o: &Occupation) -> Option<u8> {
    let e = o.education.as_ref()?;
    e.max_level.or(e.min_level)
}

fn education_change(from: &Occupation, to: &Occupation) -> (Option<i8>, String) {
    let (a, b) = (
        level_range(from.education.as_ref()),
        level_range(to.education.as_ref()),
    );
    match (top_level(from), top_level(to)) {
        (Some(x), Some(y)) => {
            let step = i8::try_from(i16::from(y) - i16::from(x)).unwrap_or(0);
            let text = match step {
                0 => format!("même niveau de formation ({a} → {b})"),
                s if s > 0 => format!("formation plus élevée : {a} → {b} ({s:+} an(s) d’études)"),
                s => format!("formation moins élevée : {a} → {b} ({s:+} an(s) d’études)"),
            };
            (Some(step), text)
        }
        _ => (None, format!("niveaux non comparables : {a} → {b}")),
    }
}

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

fn heading(h: &Option<String>) -> &str {
    h.as_deref().unwrap_or("sans rubrique")
}

impl Gap {
    /// Plain text for a terminal.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "De « {} » vers « {} »\n{} des activités de « {} » déjà couvertes ({} sur {}) ; {}\n",
            self.from.title,
            self.to.title,
            pct(self.coverage),
            self.to.title,
            self.covered.len(),
            self.covered.len() + self.missing.len(),
            self.education_change
        );
        if !self.covered.is_empty() {
            out.push_str("\nDéjà couvertes :\n");
            for c in &self.covered {
                let _ = writeln!(
                    out,
                    "  ✓ [{}] {}\n      ≈ {} ({})",
                    heading(&c.heading),
                    c.activity,
                    c.by,
                    pct(c.score)
                );
            }
        }
        if !self.missing.is_empty() {
            out.push_str("\nÀ acquérir :\n");
            for m in &self.missing {
                let _ = writeln!(out, "  ✗ [{}] {}", heading(&m.heading), m.activity);
            }
        }
        out
    }

    /// Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# De « {} » vers « {} »\n\n- Activités de « {} » déjà couvertes : {} ({} sur {})\n- Formation : {}\n",
            self.from.title,
            self.to.title,
            self.to.title,
            pct(self.coverage),
            self.covered.len(),
            self.covered.len() + self.missing.len(),
            self.education_change
        );
        if !self.covered.is_empty() {
            out.push_str("\n## Activités déjà couvertes\n\n");
            for c in &self.covered {
                let _ = writeln!(
                    out,
                    "- **{}** ({}) — proche de : « {} » ({})",
                    c.activity,
                    heading(&c.heading),
                    c.by,
                    pct(c.score)
                );
            }
        }
        if !self.missing.is_empty() {
            out.push_str("\n## Activités à acquérir\n\n");
            for m in &self.missing {
                let _ = writeln!(out, "- **{}** ({})", m.activity, heading(&m.heading));
            }
        }
        out
    }
}

/// The ranking for a person, as plain text (`limit` occupations, with what is missing).
pub fn coverage_text(ranking: &[Coverage], limit: usize) -> String {
    let mut out = String::from("Métiers classés selon les activités pratiquées :\n");
    for (i, c) in ranking.iter().take(limit).enumerate() {
        let _ = writeln!(
            out,
            "\n{}. {} ({}) : {} ({} activité(s) sur {})",
            i + 1,
            c.title,
            c.id,
            pct(c.coverage),
            c.covered,
            c.total
        );
        for m in c.missing.iter().take(5) {
            let _ = writeln!(out, "     manque : {}", m.activity);
        }
        if c.missing.len() > 5 {
            let _ = writeln!(out, "     … et {} autre(s)", c.missing.len() - 5);
        }
    }
    out
}

/// The ranking for a person, as Markdown.
pub fn coverage_markdown(ranking: &[Coverage], limit: usize) -> String {
    let mut out = String::from("# Métiers classés selon les activités pratiquées\n");
    for c in ranking.iter().take(limit) {
        let _ = writeln!(
            out,
            "\n## {} (`{}`) : {}\n\n{} activité(s) sur {} déjà pratiquées.\n",
            c.title,
            c.id,
            pct(c.coverage),
            c.covered,
            c.total
        );
        for m in &c.missing {
            let _ = writeln!(
                out,
                "- À acquérir : {} ({})",
                m.activity,
                heading(&m.heading)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording_variants_meet_and_unrelated_activities_do_not() {
        let r = metiers_referentiel::published().referentiel;
        let g = GapAnalyzer::new(&r);
        let (s, shared) = g.compare(
            "Effectuer les tests unitaires",
            "Réaliser des tests unitaires",
        );
        assert!(s >= COVER_THRESHOLD, "{s} {shared:?}");
        assert!(shared.contains(&"unitair".to_owned()), "{shared:?}");
        let (s, _) = g.compare("Assembler les composants", "Rédiger les documentations");
        assert!(s < 0.1, "{s}");
        assert_eq!(g.compare("", "").0, 0.0);
    }

    #[test]
    fn an_occupation_covers_itself_entirely() {
        let r = metiers_referentiel::published().referentiel;
        let g = GapAnalyzer::new(&r);
        for o in &r.occupations {
            let gap = g.between(o, o);
            assert!(gap.missing.is_empty(), "{}: {:?}", o.id, gap.missing);
            assert_eq!(gap.education_step.unwrap_or(0), 0);
        }
    }

    #[test]
    fn a_person_practising_every_activity_of_a_fiche_ranks_it_first() {
        let r = metiers_referentiel::published().referentiel;
        let g = GapAnalyzer::new(&r);
        let Some(o) = r.get("superviseur-d-exploitation") else {
            panic!("fiche")
        };
        let practised: Vec<String> = o.activities().map(|a| a.text.clone()).collect();
        let ranking = g.for_person(&r, &practised);
        assert_eq!(ranking[0].id, o.id);
        assert_eq!(ranking[0].coverage, 1.0);
        assert!(ranking[1].coverage < 1.0);
        assert_eq!(ranking.len(), r.occupations.len());
    }
}
