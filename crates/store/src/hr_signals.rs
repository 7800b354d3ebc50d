//! What HR files say, weighed on the matcher's suggestions: [`HrSignals`] wraps a
//! [`Classifier`] and, for a position whose file gives a catégorie (or a grade or corps that
//! implies it) or a ROME code, adjusts the suggestions and says why in French
//! ([`Classification::evidence`]).
//!
//! - A ROME code (or an OGR appellation code) goes through the crosswalk
//!   ([`metiers_knowledge::Knowledge::lookup`]): the occupations it names are strong
//!   evidence (raised, or added when the matcher did not suggest them).
//! - The catégorie is compared with the education level of the fiches: a suggestion whose
//!   level is far from the catégorie's recruitment level (a Bac+5 occupation for a catégorie C
//!   position) is lowered.
//!
//! When these change the first suggestion or lower it, the position is left to a person
//! (not confident). A title that a person of the workspace decided keeps its occupation
//! first: the catégorie may only send it back to a person, with the reason.

use crate::LearnedTitle;
use crate::classify::{Candidate, Classification, Classifier, ClassifyInput, HrHints};
use metiers_knowledge::Knowledge;
use metiers_referentiel::{Education, Referentiel};
use std::sync::Arc;

/// Factor of the score of a suggestion whose education level is far from the catégorie.
const FAR_LEVEL: f32 = 0.75;
/// Score given to an occupation named by the ROME code that the matcher did not suggest.
const ROME_ONLY: f32 = 0.5;
/// Suggestions kept at most after the adjustment.
const KEPT: usize = 3;

/// A classifier that weighs the HR columns of a file (catégorie, grade, code ROME).
pub struct HrSignals {
    inner: Arc<dyn Classifier>,
    referentiel: Arc<Referentiel>,
    knowledge: Arc<Knowledge>,
}

impl std::fmt::Debug for HrSignals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HrSignals").finish_non_exhaustive()
    }
}

impl HrSignals {
    pub fn new(
        inner: Arc<dyn Classifier>,
        referentiel: Arc<Referentiel>,
        knowledge: Arc<Knowledge>,
    ) -> HrSignals {
        HrSignals {
            inner,
            referentiel,
            knowledge,
        }
    }

    fn title(&self, id: &str) -> String {
        self.referentiel
            .get(id)
            .map_or_else(|| id.to_owned(), |o| o.title.clone())
    }

    /// Adjusts one classification to what the HR columns say.
    pub fn apply(&self, hints: &HrHints, c: &mut Classification) {
        let first_before = c.candidates.first().map(|x| x.occupation_id.clone());
        // A person's decision for this very title is not outweighed by a rule of thumb.
        let decided = first_before.clone().filter(|_| c.decided);
        let mut unsure = false;
        // The reason to look again is said once.
        let mut told = false;
        if let Some(code) = &hints.rome {
            self.apply_code(code, false, c);
        }
        if let Some(uri) = &hints.esco {
            self.apply_code(uri, true, c);
        }
        if let Some(cat) = hints.category {
            let source = hints
                .category_source
                .clone()
                .unwrap_or_else(|| format!("catégorie {cat}"));
            let mut lowered = Vec::new();
            for cand in &mut c.candidates {
                let edu = self
                    .referentiel
                    .get(&cand.occupation_id)
                    .and_then(|o| o.education.as_ref());
                if let Some(edu) = edu
                    && far(cat, edu)
                {
                    if Some(&cand.occupation_id) == decided.as_ref() {
                        c.evidence.push(format!(
                            "{} : catégorie {cat}, recrutée {} ; « {} » ({}) a été décidé pour cet intitulé dans cet espace, mais son niveau d’études en est éloigné : le poste est à revoir.",
                            capitalise(&source),
                            recruitment(cat),
                            self.title(&cand.occupation_id),
                            edu.text
                        ));
                        (unsure, told) = (true, true);
                        continue;
                    }
                    cand.score *= FAR_LEVEL;
                    lowered.push(format!(
                        "« {} » ({})",
                        self.title(&cand.occupation_id),
                        edu.text
                    ));
                    if Some(&cand.occupation_id) == first_before.as_ref() {
                        unsure = true;
                    }
                }
            }
            if !lowered.is_empty() {
                c.evidence.push(format!(
                    "{} : catégorie {cat}, recrutée {} ; niveau d’études éloigné pour {} : proposition(s) abaissée(s).",
                    capitalise(&source),
                    recruitment(cat),
                    lowered.join(", ")
                ));
            }
        }
        c.candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
        if let Some(id) = &decided
            && let Some(at) = c.candidates.iter().position(|x| &x.occupation_id == id)
        {
            let first = c.candidates.remove(at);
            c.candidates.insert(0, first);
        }
        c.candidates.truncate(KEPT.max(1));
        let first_after = c.candidates.first().map(|x| x.occupation_id.clone());
        if first_after != first_before || unsure {
            if c.confident && !told {
                c.evidence.push(
                    "Le rapprochement sur l’intitulé seul était sûr, mais les colonnes RH le contredisent : le poste est à revoir."
                        .to_owned(),
                );
            }
            c.confident = false;
        }
    }

    fn apply_code(&self, code: &str, esco: bool, c: &mut Classification) {
        let lookup = match self.knowledge.lookup_code(code, esco) {
            Ok(l) => l,
            Err(message) => {
                c.evidence.push(format!("{message} Non pris en compte."));
                return;
            }
        };
        let what = if lookup.kind == "appellation" {
            format!("Appellation ROME {} « {} »", lookup.code, lookup.label)
        } else if esco {
            format!("Profession ESCO « {} »", lookup.label)
        } else {
            format!("Code ROME {} « {} »", lookup.code, lookup.label)
        };
        if lookup.occupations.is_empty() {
            c.evidence.push(format!(
                "{what} : aucun métier du référentiel n’y correspond{} ; le rapprochement repose sur l’intitulé.",
                lookup
                    .none_because
                    .map(|b| format!(" ({b})"))
                    .unwrap_or_default()
            ));
            return;
        }
        let mut named = Vec::new();
        for m in &lookup.occupations {
            match c
                .candidates
                .iter_mut()
                .find(|x| x.occupation_id == m.occupation_id)
            {
                Some(x) => x.score = 1.0 - (1.0 - x.score.clamp(0.0, 1.0)) * 0.5,
                None => c.candidates.push(Candidate {
                    occupation_id: m.occupation_id.clone(),
                    score: ROME_ONLY,
                }),
            }
            named.push(format!("« {} »", self.title(&m.occupation_id)));
        }
        c.evidence.push(format!(
            "{what} : la table de correspondances le relie à {} ; proposition(s) renforcée(s).",
            named.join(", ")
        ));
    }
}

impl Classifier for HrSignals {
    fn classify_batch(
        &self,
        inputs: &[ClassifyInput<'_>],
        learned: &[LearnedTitle],
    ) -> Vec<Classification> {
        let mut out = self.inner.classify_batch(inputs, learned);
        out.resize_with(inputs.len(), Classification::default);
        for (input, c) in inputs.iter().zip(&mut out) {
            if let Some(h) = input.hints.filter(|h| !h.is_empty()) {
                self.apply(h, c);
            }
        }
        out
    }
}

/// Whether an occupation's education is far from what a catégorie recruits: Bac+2 or more
/// for a catégorie C (recruited without the bac), Bac+4 or more for a B (bac to Bac+2), at
/// most the bac for an A (licence and beyond).
fn far(category: char, edu: &Education) -> bool {
    match category {
        'C' => edu.min_level.is_some_and(|m| m >= 2),
        'B' => edu.min_level.is_some_and(|m| m >= 4),
        'A' => edu.max_level.is_some_and(|m| m == 0),
        _ => false,
    }
}

fn recruitment(category: char) -> &'static str {
    match category {
        'C' => "sans le bac (CAP, BEP ou sans diplôme)",
        'B' => "du bac à Bac + 2",
        _ => "à partir de la licence (Bac + 3)",
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use metiers_referentiel::Occupation;

    struct Fixed(Vec<Candidate>, bool);

    impl Classifier for Fixed {
        fn classify_batch(
            &self,
            inputs: &[ClassifyInput<'_>],
            _: &[LearnedTitle],
        ) -> Vec<Classification> {
            inputs
                .iter()
                .map(|_| Classification {
                    candidates: self.0.clone(),
                    confident: self.1,
                    decided: false,
                    evidence: Vec::new(),
                })
                .collect()
        }
    }

    fn signals(candidates: Vec<Candidate>, confident: bool) -> (HrSignals, Arc<Referentiel>) {
        let r = Arc::new(metiers_referentiel::published().referentiel);
        let k = Knowledge::shared().expect("embedded knowledge");
        (
            HrSignals::new(Arc::new(Fixed(candidates, confident)), r.clone(), k),
            r,
        )
    }

    /// A Bac+5 occupation (far from a catégorie C) and one within a catégorie C's reach,
    /// suggested in that order with scores `high` and `low`.
    fn bac5_then_within_c(
        r: &Referentiel,
        high: f32,
        low: f32,
    ) -> (&Occupation, &Occupation, Vec<Candidate>) {
        let far_one = r
            .occupations
            .iter()
            .find(|o| o.education.as_ref().is_some_and(|e| e.min_level >= Some(5)))
            .expect("a Bac+5 occupation");
        let near_one = r
            .occupations
            .iter()
            .find(|o| o.education.as_ref().is_none_or(|e| !far('C', e)))
            .expect("an occupation within a catégorie C's reach");
        let candidate = |o: &Occupation, score| Candidate {
            occupation_id: o.id.to_string(),
            score,
        };
        (
            far_one,
            near_one,
            vec![candidate(far_one, high), candidate(near_one, low)],
        )
    }

    fn classify(s: &HrSignals, hints: &HrHints) -> Classification {
        let input = ClassifyInput {
            title: "Poste",
            missions: None,
            hints: Some(hints),
        };
        s.classify_batch(&[input], &[]).remove(0)
    }

    #[test]
    fn a_category_c_position_lowers_a_bac_plus_5_occupation() {
        let r = metiers_referentiel::published().referentiel;
        let (high, low, cands) = bac5_then_within_c(&r, 0.8, 0.7);
        let (s, _) = signals(cands, true);
        let hints = HrHints {
            category: Some('C'),
            category_source: Some("catégorie « C »".into()),
            rome: None,
            esco: None,
        };
        let c = classify(&s, &hints);
        assert_eq!(c.candidates[0].occupation_id, low.id.as_str());
        assert!(!c.confident, "a changed first suggestion goes to a person");
        assert!(
            c.evidence[0].contains("Catégorie « C »") && c.evidence[0].contains(&high.title),
            "{:?}",
            c.evidence
        );
        // Catégorie A: the same suggestions are left alone.
        let hints = HrHints {
            category: Some('A'),
            ..hints
        };
        let c = classify(&s, &hints);
        assert_eq!(c.candidates[0].occupation_id, high.id.as_str());
        assert!(c.confident && c.evidence.is_empty(), "{:?}", c.evidence);
    }

    #[test]
    fn a_decided_title_stays_first_whatever_the_category_but_goes_back_to_a_person() {
        let r = metiers_referentiel::published().referentiel;
        let (high, _, cands) = bac5_then_within_c(&r, 1.0, 0.9);
        let decided = Classification {
            candidates: cands,
            confident: true,
            decided: true,
            evidence: Vec::new(),
        };
        // `apply` is given the decision directly: the wrapped classifier is not asked.
        let (s, _) = signals(Vec::new(), false);
        let hints = HrHints {
            category: Some('C'),
            category_source: Some("catégorie « C »".into()),
            // A ROME code that names another occupation (M1805: the concepteur-développeur) brings
            // it in, below the decision.
            rome: Some("M1805".into()),
            esco: None,
        };
        let mut c = decided.clone();
        s.apply(&hints, &mut c);
        assert_eq!(c.candidates[0].occupation_id, high.id.as_str(), "{c:?}");
        assert!(
            !c.confident,
            "the catégorie contradicts the decision: a person looks again"
        );
        let said: Vec<&String> = c.evidence.iter().filter(|e| e.contains("décidé")).collect();
        assert_eq!(said.len(), 1, "{:?}", c.evidence);
        assert!(said[0].contains(&high.title), "{said:?}");
        assert!(
            !c.evidence.iter().any(|e| e.contains("était sûr")),
            "the reason is said once: {:?}",
            c.evidence
        );
        // Without the decision, the same suggestions give way to the catégorie.
        let mut c = Classification {
            decided: false,
            ..decided
        };
        s.apply(&hints, &mut c);
        assert_ne!(c.candidates[0].occupation_id, high.id.as_str(), "{c:?}");
    }

    #[test]
    fn a_rome_code_brings_the_crosswalk_occupations() {
        let (s, r) = signals(Vec::new(), false);
        let k = Knowledge::shared().expect("embedded knowledge");
        let expected = k.lookup_rome("M1805").expect("M1805 known");
        assert!(!expected.occupations.is_empty());
        let hints = HrHints {
            rome: Some(" m1805 ".into()),
            ..HrHints::default()
        };
        let c = classify(&s, &hints);
        let first = &expected.occupations[0].occupation_id;
        assert!(
            c.candidates.iter().any(|x| &x.occupation_id == first),
            "{c:?}"
        );
        let title = &r.get(first).expect("known").title;
        assert!(
            c.evidence[0].starts_with("Code ROME M1805") && c.evidence[0].contains(title.as_str()),
            "{:?}",
            c.evidence
        );
        let hints = HrHints {
            rome: Some("pas un code".into()),
            ..HrHints::default()
        };
        let c = classify(&s, &hints);
        assert!(c.candidates.is_empty());
        assert!(c.evidence[0].contains("illisible"), "{:?}", c.evidence);
    }
}
