//! Measures the matcher on a labelled JSONL file (`data/eval/dev.jsonl`, or the
//! employer-labelled `data/eval/pep-dev.jsonl`): top-1 and top-3 accuracy (agreement with
//! the employer's `accept` for the latter), precision and coverage of `confident`, share of
//! the texts that fit no occupation left not confident; per kind of text and per source; and
//! the confusions.

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
    /// Title of the occupation as published, or `NONE` (empty when `accept` labels it).
    #[serde(default)]
    pub label: String,
    /// Other acceptable titles.
    #[serde(default)]
    pub also: Vec<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub why: Option<String>,
    /// For employer-labelled offers: ids of the occupations the employer's repertory label
    /// covers (the first answer agrees when it is one of them).
    #[serde(default)]
    pub accept: Vec<String>,
    /// The repertory label the employer chose.
    #[serde(default)]
    pub employer_label: Option<String>,
}

impl EvalItem {
    /// The source's group: the repository or site the text comes from
    /// (`tomjoy75/code_rome`, `betagouv/beta.gouv.fr`…).
    pub fn source_group(&self) -> String {
        let s = self.source.as_deref().unwrap_or("?");
        let s = s.split(['@', ':']).next().unwrap_or(s);
        if s.starts_with("http") || s.is_empty() {
            "web".to_owned()
        } else {
            s.to_owned()
        }
    }
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

/// The targets of issue 13 for texts labelled with their occupation (measured on hidden
/// sets of the kind of `data/eval/dev.jsonl`).
pub const TARGET_TOP1: f64 = 0.90;
pub const TARGET_TOP3: f64 = 0.97;
pub const TARGET_PRECISION: f64 = 0.95;
pub const TARGET_COVERAGE: f64 = 0.70;
pub const TARGET_NONE_NOT_CONFIDENT: f64 = 0.80;
/// The target of issue 13 for the texts of such sets that are not job titles of the
/// repertories ([`EvalReport::other_texts`]): top-1.
pub const TARGET_TOP1_OTHER_TEXTS: f64 = 0.85;
/// The target of issue 13 for employer-labelled offers: agreement of the first match.
pub const TARGET_AGREEMENT: f64 = 0.70;

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
    /// The same measures per source group ([`EvalItem::source_group`]) and kind.
    pub by_source: Vec<(String, Measures)>,
    /// The same measures for the texts that are not, word for word, a job title of the
    /// repertories (a ROME appellation, an ESCO occupation's label:
    /// `Knowledge::is_repertory_label`), which the engine knows as labels: how the matcher
    /// generalises to what people write. `None` when the repertories could not be read.
    pub other_texts: Option<Measures>,
    /// Wrong first answers (labelled items) and confident answers on `NONE` items.
    pub confusions: Vec<Confusion>,
    /// Labels that name no occupation of the edition (counted as wrong).
    pub unknown_labels: Vec<String>,
}

impl EvalReport {
    /// Whether the measures reach the targets of issue 13.
    pub fn meets_targets(&self) -> bool {
        let m = &self.all;
        m.top1 >= TARGET_TOP1
            && m.top3 >= TARGET_TOP3
            && m.precision >= TARGET_PRECISION
            && m.coverage >= TARGET_COVERAGE
            && m.none_not_confident >= TARGET_NONE_NOT_CONFIDENT
            && self
                .other_texts
                .as_ref()
                .is_none_or(|o| o.labelled == 0 || o.top1 >= TARGET_TOP1_OTHER_TEXTS)
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

/// An item matched and judged.
struct Judged {
    result: crate::MatchResult,
    /// The item fits no occupation.
    is_none: bool,
    first_right: bool,
    top3_right: bool,
}

/// Ids of the occupations an item accepts, by the titles of its labels; labels that name no
/// occupation of the edition are added to `unknown`.
fn accepted(engine: &Engine, item: &EvalItem, unknown: &mut Vec<String>) -> Vec<String> {
    let id_of = |title: &str| -> Option<String> {
        let key = metiers_referentiel::text::slug(title);
        engine
            .occupations()
            .find(|(id, t)| metiers_referentiel::text::slug(t) == key || id.as_str() == key)
            .map(|(id, _)| id.as_str().to_owned())
    };
    let mut out: Vec<String> = item.accept.clone();
    if item.label != NONE && item.accept.is_empty() {
        for title in std::iter::once(&item.label).chain(item.also.iter()) {
            match id_of(title) {
                Some(id) => out.push(id),
                None => {
                    if !unknown.contains(title) {
                        unknown.push(title.clone());
                    }
                }
            }
        }
    }
    out
}

fn judge(engine: &Engine, item: &EvalItem, unknown: &mut Vec<String>) -> Judged {
    let result = engine.match_text(&item.text, 3);
    let is_none = item.label == NONE && item.accept.is_empty();
    let accepted = accepted(engine, item, unknown);
    let is_accepted = |m: &crate::Match| accepted.iter().any(|a| a == m.id.as_str());
    Judged {
        is_none,
        first_right: result.matches.first().is_some_and(is_accepted),
        top3_right: result.matches.iter().take(3).any(is_accepted),
        result,
    }
}

/// The items as samples of the calibration of « confident » ([`crate::calibration`]): how
/// sure the engine is of each first match and whether it is right. An offer's title and its
/// ad (consecutive items with the same source and accepted occupations) form one group.
pub fn samples(engine: &Engine, items: &[EvalItem]) -> Vec<crate::calibration::Sample> {
    let mut unknown = Vec::new();
    let mut group = 0;
    let mut previous: Option<(&Option<String>, &Vec<String>, &str)> = None;
    items
        .iter()
        .map(|item| {
            let key = (&item.source, &item.accept, item.kind.as_str());
            let same_offer = !item.accept.is_empty()
                && item.kind == "ad"
                && previous.is_some_and(|(s, a, k)| s == key.0 && a == key.1 && k == "title");
            if !same_offer {
                group += 1;
            }
            previous = Some(key);
            let j = judge(engine, item, &mut unknown);
            crate::calibration::Sample {
                certainty: j.result.certainty,
                right: j.first_right && !j.is_none,
                group,
            }
        })
        .collect()
}

/// Matches every item and measures the answers.
pub fn evaluate(engine: &Engine, items: &[EvalItem]) -> EvalReport {
    let mut all = Tally::default();
    let knowledge = metiers_knowledge::Knowledge::shared().ok();
    let mut other_texts = Tally::default();
    let mut kinds: Vec<(String, Tally)> = Vec::new();
    let mut sources: Vec<(String, Tally)> = Vec::new();
    let mut confusions = Vec::new();
    let mut unknown_labels: Vec<String> = Vec::new();
    for item in items {
        let Judged {
            result,
            is_none,
            first_right,
            top3_right,
        } = judge(engine, item, &mut unknown_labels);
        let slot = |list: &mut Vec<(String, Tally)>, key: String| match list
            .iter()
            .position(|(k, _)| *k == key)
        {
            Some(i) => i,
            None => {
                list.push((key, Tally::default()));
                list.len() - 1
            }
        };
        let kind_index = slot(&mut kinds, item.kind.clone());
        let source_index = slot(
            &mut sources,
            format!("{} [{}]", item.source_group(), item.kind),
        );
        let other_text = knowledge
            .as_ref()
            .is_some_and(|k| !k.is_repertory_label(&item.text));
        let mut tallies = vec![
            &mut all,
            &mut kinds[kind_index].1,
            &mut sources[source_index].1,
        ];
        if other_text {
            tallies.push(&mut other_texts);
        }
        for tally in tallies {
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
                expected: if item.accept.is_empty() {
                    item.label.clone()
                } else {
                    item.employer_label
                        .clone()
                        .unwrap_or_else(|| item.accept.join(" | "))
                },
                got: first.map_or_else(|| NONE.to_owned(), |m| m.title.clone()),
                score: first.map_or(0.0, |m| m.score),
                confident: result.confident,
            });
        }
    }
    EvalReport {
        all: all.measures(),
        by_kind: kinds.into_iter().map(|(k, t)| (k, t.measures())).collect(),
        by_source: {
            sources.sort_by(|a, b| a.0.cmp(&b.0));
            sources
                .into_iter()
                .map(|(k, t)| (k, t.measures()))
                .collect()
        },
        other_texts: knowledge.map(|_| other_texts.measures()),
        confusions,
        unknown_labels,
    }
}
