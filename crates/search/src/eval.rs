//! Measures the matcher on a labelled JSONL file (the format of `shared/eval/dev.jsonl`):
//! top-1 and top-3 accuracy, precision and coverage of `confident`, share of the texts that
//! fit no occupation left not confident, and the confusions.

use serde::{Deserialize, Serialize};

use crate::Engine;

/// The label of a text that fits no occupation.
pub const NONE: &str = "NONE";

/// One labelled text.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct EvalItem {
    /// `title` or `ad`.
    pub kind: String,
    pub text: String,
    /// Title of the occupation as published, or `NONE`.
    pub label: String,
    /// Other acceptable titles.
    #[serde(default)]
    pub also: Vec<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub why: Option<String>,
}

/// A line of the file that could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("ligne {line} : {message}")]
pub struct EvalParseError {
    pub line: usize,
    pub message: String,
}

/// Reads a JSONL file; blank lines are skipped.
pub fn parse_jsonl(text: &str) -> Result<Vec<EvalItem>, EvalParseError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| EvalParseError {
                line: i + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

/// The targets of issue 3.
pub const TARGET_TOP1: f64 = 0.85;
pub const TARGET_TOP3: f64 = 0.95;
pub const TARGET_PRECISION: f64 = 0.95;
pub const TARGET_COVERAGE: f64 = 0.60;
pub const TARGET_NONE_NOT_CONFIDENT: f64 = 0.80;

/// Measures of one set of items.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Measures {
    /// Items measured.
    pub items: usize,
    /// Items with an occupation as label.
    pub labelled: usize,
    /// Items labelled `NONE`.
    pub none: usize,
    /// Labelled items whose first match is right.
    pub top1: f64,
    /// Labelled items with a right answer among the first three.
    pub top3: f64,
    /// Among items marked confident, the share whose first match is right (`NONE` items
    /// marked confident count as wrong).
    pub precision: f64,
    /// Share of all items marked confident.
    pub coverage: f64,
    /// Share of `NONE` items left not confident.
    pub none_not_confident: f64,
}

/// A wrong first answer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Confusion {
    pub kind: String,
    pub text: String,
    pub expected: String,
    /// Title of the first match (`NONE` when nothing matched).
    pub got: String,
    pub score: f32,
    pub confident: bool,
}

/// The report of [`evaluate`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EvalReport {
    pub all: Measures,
    /// The same measures per kind of text (`title`, `ad`), in order of first appearance.
    pub by_kind: Vec<(String, Measures)>,
    /// Wrong first answers (labelled items) and confident answers on `NONE` items.
    pub confusions: Vec<Confusion>,
    /// Labels that name no occupation of the edition (counted as wrong).
    pub unknown_labels: Vec<String>,
}

impl EvalReport {
    /// Whether the measures reach the targets of issue 3.
    pub fn meets_targets(&self) -> bool {
        let m = &self.all;
        m.top1 >= TARGET_TOP1
            && m.top3 >= TARGET_TOP3
            && m.precision >= TARGET_PRECISION
            && m.coverage >= TARGET_COVERAGE
            && m.none_not_confident >= TARGET_NONE_NOT_CONFIDENT
    }
}

#[derive(Debug, Default)]
struct Tally {
    items: usize,
    labelled: usize,
    none: usize,
    top1: usize,
    top3: usize,
    confident: usize,
    confident_right: usize,
    none_not_confident: usize,
}

impl Tally {
    fn measures(&self) -> Measures {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        Measures {
            items: self.items,
            labelled: self.labelled,
            none: self.none,
            top1: ratio(self.top1, self.labelled),
            top3: ratio(self.top3, self.labelled),
            precision: ratio(self.confident_right, self.confident),
            coverage: ratio(self.confident, self.items),
            none_not_confident: ratio(self.none_not_confident, self.none),
        }
    }
}

/// Matches every item and measures the answers.
pub fn evaluate(engine: &Engine, items: &[EvalItem]) -> EvalReport {
    let id_of = |title: &str| -> Option<String> {
        let key = metiers_referentiel::text::slug(title);
        engine
            .occupations()
            .find(|(id, t)| metiers_referentiel::text::slug(t) == key || id.as_str() == key)
            .map(|(id, _)| id.as_str().to_owned())
    };
    let mut all = Tally::default();
    let mut kinds: Vec<(String, Tally)> = Vec::new();
    let mut confusions = Vec::new();
    let mut unknown_labels: Vec<String> = Vec::new();
    for item in items {
        let result = engine.match_text(&item.text, 3);
        let is_none = item.label == NONE;
        let mut accepted: Vec<String> = Vec::new();
        if !is_none {
            for title in std::iter::once(&item.label).chain(item.also.iter()) {
                match id_of(title) {
                    Some(id) => accepted.push(id),
                    None => {
                        if !unknown_labels.contains(title) {
                            unknown_labels.push(title.clone());
                        }
                    }
                }
            }
        }
        let first_right = result
            .matches
            .first()
            .is_some_and(|m| accepted.iter().any(|a| a == m.id.as_str()));
        let top3_right = result
            .matches
            .iter()
            .take(3)
            .any(|m| accepted.iter().any(|a| a == m.id.as_str()));
        let kind_index = match kinds.iter().position(|(k, _)| k == &item.kind) {
            Some(i) => i,
            None => {
                kinds.push((item.kind.clone(), Tally::default()));
                kinds.len() - 1
            }
        };
        for tally in [&mut all, &mut kinds[kind_index].1] {
            tally.items += 1;
            if is_none {
                tally.none += 1;
                if !result.confident {
                    tally.none_not_confident += 1;
                }
            } else {
                tally.labelled += 1;
                tally.top1 += usize::from(first_right);
                tally.top3 += usize::from(top3_right);
            }
            if result.confident {
                tally.confident += 1;
                tally.confident_right += usize::from(first_right);
            }
        }
        let wrong = if is_none {
            result.confident
        } else {
            !first_right
        };
        if wrong {
            let first = result.matches.first();
            confusions.push(Confusion {
                kind: item.kind.clone(),
                text: item.text.clone(),
                expected: item.label.clone(),
                got: first.map_or_else(|| NONE.to_owned(), |m| m.title.clone()),
                score: first.map_or(0.0, |m| m.score),
                confident: result.confident,
            });
        }
    }
    EvalReport {
        all: all.measures(),
        by_kind: kinds.into_iter().map(|(k, t)| (k, t.measures())).collect(),
        confusions,
        unknown_labels,
    }
}
