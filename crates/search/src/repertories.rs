//! The repertories as knowledge of the matcher: the appellations of the ROME fiches and the
//! labels of the ESCO occupations that the crosswalk relates to an occupation become labels
//! of that occupation, weighted by the relation (`Relation::strength`), with the evidence
//! saying so (« via ROME M1805, très proche »).
//!
//! A ROME fiche or an ESCO occupation related to several occupations gives each of its
//! labels to one of them: the one the engine without repertories finds best for that label
//! among them (by its score × the relation's strength), the strongest relation when the
//! label names none of them; no one when the référentiel's own words clearly name another
//! occupation by it. Related-only correspondences (`relatedMatch`) give no label: a
//! related occupation is another one. No label is placed by hand, and none because an
//! evaluation item says so.

use std::collections::{HashMap, HashSet};

use metiers_knowledge::{Knowledge, Relation, Scheme};

use crate::{Engine, EvidenceKind};

/// A label of an occupation that comes from a repertory.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RepertoryLabel {
    pub occupation: String,
    pub kind: EvidenceKind,
    pub text: String,
    pub weight: f32,
    pub via: String,
}

/// Weight of a repertory's label relative to the relation's strength (the fiche's own titles
/// weigh 1).
const LABEL_FACTOR: f32 = 0.9;

/// The appellations of the ROME fiches of other trades: the fiches that the crosswalk relates
/// to no occupation, by any relation, outside the IT family (M18…). No occupation of the
/// référentiel is one of them: a label one of them holds whole is shared with another trade,
/// and their words are those of other trades (the engine's phase `other_trade_labels`).
pub(crate) fn other_trades(k: &Knowledge) -> Vec<&str> {
    let related: HashSet<&str> = k
        .crosswalk
        .all()
        .flat_map(|(_, list)| list.iter())
        .filter(|c| c.scheme == Scheme::Rome)
        .map(|c| c.code.as_str())
        .collect();
    k.rome
        .appellations()
        .iter()
        .filter(|a| !a.code.starts_with("M18") && !related.contains(a.code.as_str()))
        .map(|a| a.label.as_str())
        .collect()
}

/// The labels that the repertories give the occupations of `base`'s edition.
pub(crate) fn labels(base: &Engine, k: &Knowledge) -> Vec<RepertoryLabel> {
    // Each ROME fiche or ESCO occupation → the occupations it corresponds to.
    let mut targets: HashMap<(Scheme, &str), Vec<(&str, Relation)>> = HashMap::new();
    for (id, list) in k.crosswalk.all() {
        for c in list.iter().filter(|c| c.relation != Relation::RelatedMatch) {
            targets
                .entry((c.scheme, c.code.as_str()))
                .or_default()
                .push((id, c.relation));
        }
    }
    let mut out = Vec::new();
    let mut keys: Vec<&(Scheme, &str)> = targets.keys().collect();
    keys.sort();
    for key in keys {
        let (scheme, code) = *key;
        let occupations = &targets[key];
        let (texts, name): (Vec<String>, String) = match scheme {
            Scheme::Rome => (
                k.rome
                    .appellations_of(code)
                    .flat_map(|a| metiers_knowledge::rome::gendered_forms(&a.label))
                    .collect(),
                format!("ROME {code}"),
            ),
            Scheme::Esco => {
                let Some(o) = k.esco.occupation(code) else {
                    continue;
                };
                (
                    std::iter::once(o.preferred_label.clone())
                        .chain(o.alt_labels.iter().cloned())
                        .flat_map(|l| split_esco(&l))
                        .collect(),
                    format!("ESCO « {} »", o.preferred_label),
                )
            }
        };
        for text in texts {
            let Some((occupation, relation)) = owner(base, &text, occupations) else {
                continue;
            };
            out.push(RepertoryLabel {
                occupation: occupation.to_owned(),
                kind: match scheme {
                    Scheme::Rome => EvidenceKind::RomeAppellation,
                    Scheme::Esco => EvidenceKind::EscoLabel,
                },
                text,
                weight: relation.strength() * LABEL_FACTOR,
                via: format!("via {name}, {}", relation.label()),
            });
        }
    }
    out
}

/// When the engine without repertories names an occupation surely by a label: fixed here,
/// not the calibrated thresholds, so that calibrating does not move the labels it measures.
const NAMED_SURELY: crate::calibration::Threshold = crate::calibration::Threshold {
    score: 0.6,
    margin: 0.2,
};

/// The occupation among `occupations` that a label belongs to; none when the référentiel's
/// own words already name another occupation by it surely (the repertory groups the two
/// differently: ROME puts « Testeur informatique » in a fiche that also holds security
/// auditors).
fn owner<'a>(
    base: &Engine,
    text: &str,
    occupations: &[(&'a str, Relation)],
) -> Option<(&'a str, Relation)> {
    let strongest = occupations
        .iter()
        .copied()
        .max_by(|a, b| a.1.strength().total_cmp(&b.1.strength()))?;
    let (scores, sure) = base.scores_of(text, &NAMED_SURELY);
    let named_elsewhere = sure.is_some_and(|s| !occupations.iter().any(|(o, _)| *o == s));
    if named_elsewhere {
        return None;
    }
    if occupations.len() < 2 {
        return Some(strongest);
    }
    Some(
        occupations
            .iter()
            .copied()
            .map(|(id, rel)| {
                let s = scores.get(id).copied().unwrap_or(0.0);
                ((id, rel), s * rel.strength())
            })
            .filter(|(_, s)| *s > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(strongest, |(o, _)| o),
    )
}

/// ESCO writes some labels with both genders (« développeur web/développeuse web »): each
/// form.
fn split_esco(label: &str) -> Vec<String> {
    label
        .split('/')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}
