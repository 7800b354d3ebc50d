//! The outside measures of mobility and gaps: pairs of occupations that the people who
//! labelled real job texts named as both fitting one text (`label` and `also` of
//! `data/eval/dev.jsonl`). Measured, never turned into rules: the closest occupations should
//! include them, and the gap coverage should tell them from the other pairs.

use std::collections::BTreeSet;

use metiers_referentiel::Referentiel;

use crate::space::SkillSpace;

/// The measures on a set of pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlapMeasures {
    /// Distinct unordered pairs of occupations.
    pub pairs: usize,
    /// Pairs where one is among the `top` closest of the other.
    pub found: usize,
    pub top: usize,
    /// `found / pairs`.
    pub recall: f64,
    /// Area under the ROC curve of the coverage (the larger of both directions) telling the
    /// pairs from every other pair of occupations.
    pub auc: f64,
}

/// The distinct unordered pairs (label, also) of a labelled JSONL text, as occupation ids of
/// `r` (titles resolved; `NONE` and unknown titles skipped).
pub fn overlap_pairs(jsonl: &str, r: &Referentiel) -> Vec<(String, String)> {
    let mut out = BTreeSet::new();
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(label) = v["label"].as_str().and_then(|t| r.find(t)) else {
            continue;
        };
        for also in v["also"].as_array().into_iter().flatten() {
            if let Some(other) = also.as_str().and_then(|t| r.find(t))
                && other.id != label.id
            {
                let (a, b) = (label.id.to_string(), other.id.to_string());
                out.insert(if a < b { (a, b) } else { (b, a) });
            }
        }
    }
    out.into_iter().collect()
}

/// The measures of a space on pairs, with the `top` closest occupations.
pub fn measure(space: &SkillSpace, pairs: &[(String, String)], top: usize) -> OverlapMeasures {
    let closest = |id: &str| -> Vec<String> {
        let Some(a) = space.profile(id) else {
            return Vec::new();
        };
        space
            .closest(a)
            .into_iter()
            .take(top)
            .map(|(_, b)| b.id.as_str().to_owned())
            .collect()
    };
    let found = pairs
        .iter()
        .filter(|(a, b)| closest(a).contains(b) || closest(b).contains(a))
        .count();
    let positive: BTreeSet<(&str, &str)> = pairs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut scores: Vec<(f64, bool)> = Vec::new();
    for (i, a) in space.occupations.iter().enumerate() {
        for b in &space.occupations[i + 1..] {
            let s = space
                .occupation_coverage(a, b)
                .max(space.occupation_coverage(b, a));
            let key = if a.id.as_str() < b.id.as_str() {
                (a.id.as_str(), b.id.as_str())
            } else {
                (b.id.as_str(), a.id.as_str())
            };
            scores.push((s, positive.contains(&key)));
        }
    }
    OverlapMeasures {
        pairs: pairs.len(),
        found,
        top,
        recall: if pairs.is_empty() {
            0.0
        } else {
            found as f64 / pairs.len() as f64
        },
        auc: auc(&scores),
    }
}

/// Area under the ROC curve: the probability that a positive scores above a negative (ties
/// count half).
pub fn auc(scores: &[(f64, bool)]) -> f64 {
    let pos: Vec<f64> = scores.iter().filter(|s| s.1).map(|s| s.0).collect();
    let neg: Vec<f64> = scores.iter().filter(|s| !s.1).map(|s| s.0).collect();
    if pos.is_empty() || neg.is_empty() {
        return 0.0;
    }
    let mut wins = 0.0;
    for p in &pos {
        for n in &neg {
            wins += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / (pos.len() * neg.len()) as f64
}
