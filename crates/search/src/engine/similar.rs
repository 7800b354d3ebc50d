//! Similarity of two occupations: cosine of their texts' tf-idf vectors, shared headings,
//! activities paired by weighted overlap, the step of education, and the French sentence
//! that says why.

use std::collections::{HashMap, HashSet};

use super::Engine;
use crate::{SharedActivity, Similar};

impl Engine {
    /// tf-idf vector of an occupation's text.
    pub(super) fn vector(&self, occ: usize) -> HashMap<&str, f32> {
        self.occs[occ]
            .tf
            .iter()
            .map(|(s, &c)| {
                let idf = self.text_idf.get(s).copied().unwrap_or(0.0);
                (s.as_str(), (1.0 + (c as f32).ln()) * idf)
            })
            .collect()
    }

    /// How close `b` is to `a`, whose vector is `va`.
    pub(super) fn compare(&self, a: usize, b: usize, va: &HashMap<&str, f32>) -> Similar {
        let vb = self.vector(b);
        let dot: f32 = va
            .iter()
            .filter_map(|(s, x)| vb.get(s).map(|y| x * y))
            .sum();
        let norm = |v: &HashMap<&str, f32>| v.values().map(|x| x * x).sum::<f32>().sqrt();
        let (na, nb) = (norm(va), norm(&vb));
        let cosine = if na > 0.0 && nb > 0.0 {
            dot / (na * nb)
        } else {
            0.0
        };
        let (oa, ob) = (&self.occs[a], &self.occs[b]);
        let shared_headings: Vec<String> = ob
            .headings
            .iter()
            .filter(|hb| oa.headings.iter().any(|ha| ha.key == hb.key))
            .map(|h| h.text.clone())
            .fold(Vec::new(), |mut acc, h| {
                if !acc.contains(&h) {
                    acc.push(h);
                }
                acc
            });
        let mut pairs: Vec<(f32, usize, usize, Vec<String>)> = Vec::new();
        for (i, x) in oa.activities.iter().enumerate() {
            for (j, y) in ob.activities.iter().enumerate() {
                let shared: Vec<&String> = x.stems.iter().filter(|s| y.stems.contains(s)).collect();
                let w = |v: &[String]| -> f32 {
                    v.iter()
                        .map(|s| self.text_idf.get(s).copied().unwrap_or(0.0))
                        .sum()
                };
                let ws: f32 = shared
                    .iter()
                    .map(|s| self.text_idf.get(*s).copied().unwrap_or(0.0))
                    .sum();
                let denom = w(&x.stems) + w(&y.stems);
                let dice = if denom > 0.0 { 2.0 * ws / denom } else { 0.0 };
                if dice >= 0.45 && shared.len() >= 2 {
                    pairs.push((dice, i, j, shared.into_iter().cloned().collect()));
                }
            }
        }
        pairs.sort_by(|p, q| q.0.total_cmp(&p.0));
        let (mut used_a, mut used_b) = (HashSet::new(), HashSet::new());
        let mut shared_activities = Vec::new();
        for (_, i, j, terms) in pairs {
            if used_a.insert(i) && used_b.insert(j) {
                shared_activities.push(SharedActivity {
                    from: oa.activities[i].text.clone(),
                    to: ob.activities[j].text.clone(),
                    terms,
                });
            }
            if shared_activities.len() >= 5 {
                break;
            }
        }
        let education_step = match (oa.max_level, ob.max_level) {
            (Some(x), Some(y)) => i8::try_from(i16::from(y) - i16::from(x)).ok(),
            _ => None,
        };
        let score = (cosine + 0.03 * shared_headings.len() as f32).clamp(0.0, 1.0);
        let reason = reason(
            &shared_activities,
            &shared_headings,
            education_step,
            ob.max_level,
        );
        Similar {
            id: ob.id.clone(),
            title: ob.title.clone(),
            score: (score * 1000.0).round() / 1000.0,
            shared_headings,
            shared_activities,
            education_step,
            reason,
        }
    }
}

/// The French sentence that says why two fiches are close.
fn reason(
    acts: &[SharedActivity],
    headings: &[String],
    step: Option<i8>,
    level: Option<u8>,
) -> String {
    let mut parts = Vec::new();
    match acts.len() {
        0 => parts.push("vocabulaire des activités proche".to_owned()),
        1 => parts.push("1 activité proche".to_owned()),
        n => parts.push(format!("{n} activités proches")),
    }
    if !headings.is_empty() {
        let list: Vec<String> = headings
            .iter()
            .map(|h| format!("« {} »", h.to_lowercase()))
            .collect();
        parts.push(format!("rubriques communes {}", list.join(", ")));
    }
    let education = match (step, level) {
        (Some(0), _) => "même niveau d’études".to_owned(),
        (Some(s), Some(l)) if s > 0 => format!("niveau d’études plus élevé (Bac + {l}, +{s})"),
        (Some(s), Some(l)) => format!("niveau d’études moins élevé (Bac + {l}, {s})"),
        _ => "niveau d’études non comparable".to_owned(),
    };
    parts.push(education);
    let mut sentence = parts.join(" ; ");
    if let Some(first) = sentence.get(..1) {
        sentence = first.to_uppercase() + &sentence[1..];
    }
    sentence + "."
}
