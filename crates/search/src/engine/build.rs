//! Building an [`Engine`] from an edition and the vocabulary, in five phases: the analysis
//! chain, the occupations and their labels, the weights of words, the tantivy index read into
//! a BM25 table, and the activities as sorted stem ids (for the alignment of long texts).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use metiers_referentiel::Referentiel;
use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

use super::labels::{self, Label, heading_key, push_label, title_variants, words_of};
use super::{Act, Engine, Heading, Occ, StandIn, query, tune};
use crate::analysis::{self, Expander, Expansion, Words};
use crate::bm25::Bm25Table;
use crate::repertories::RepertoryLabel;
use crate::vocabulary::{UnitEntry, Vocabulary};
use crate::{EvidenceKind, SearchError};

/// What an engine keeps for another built from the same edition and vocabulary: the
/// repertories' labels change none of it.
pub(super) struct Reuse {
    words: Words,
    expander: Expander,
    bm25: Bm25Table,
}

impl Engine {
    /// A copy of the engine's analysis chain, for words analysed apart from it.
    pub(super) fn chain_copy(&self) -> (TextAnalyzer, Expander) {
        (self.words.analyzer().clone(), self.expander.clone())
    }

    /// The parts another engine of the same edition and vocabulary can keep.
    pub(super) fn into_reuse(self) -> Reuse {
        Reuse {
            words: self.words,
            expander: self.expander,
            bm25: self.bm25,
        }
    }

    /// Builds the engine, phase by phase (see the module's documentation); `reuse`, when
    /// given, comes from an engine built from the same edition and vocabulary: its analysis
    /// chain with the words already analysed, its expansions and its BM25 table are kept.
    pub(super) fn build_from(
        referentiel: &Referentiel,
        vocabulary: &Vocabulary,
        repertory: &[RepertoryLabel],
        other_trades: impl FnOnce() -> OtherTrades,
        reuse: Option<Reuse>,
    ) -> Result<Engine, SearchError> {
        let (words, expander, bm25) = match reuse {
            Some(Reuse {
                words,
                expander,
                bm25,
            }) => (words, expander, Some(bm25)),
            None => {
                let (analyzer, expander) = analysis_chain(vocabulary);
                (Words::new(analyzer), expander, None)
            }
        };
        let words = RefCell::new(words);
        let analyze = |text: &str| words.borrow_mut().analyze_learning(text);
        let stems_of = |text: &str| labels::stems_of(&analyze, &expander, text);

        let mut labels = Vec::new();
        let mut heading_words = FxHashMap::default();
        let occs = occupations(
            referentiel,
            &analyze,
            &stems_of,
            &mut labels,
            &mut heading_words,
        );
        let vocab_text = vocabulary_labels(vocabulary, &occs, &stems_of, &mut labels)?;
        repertory_labels(repertory, &occs, &stems_of, &mut labels);
        for l in &mut labels {
            l.find_terms(&analyze, &expander);
        }
        let outside = vocabulary
            .outside
            .iter()
            .flat_map(|o| o.terms.iter())
            .map(|t| stems_of(t))
            .filter(|s| !s.is_empty())
            .collect();
        let Units {
            units,
            alike_units,
            unit_heads,
            alike_heads,
            deputies,
            manages,
            unit_rank,
        } = units(vocabulary, &occs, &stems_of);
        let Weights {
            label_idf,
            label_index,
            text_idf,
            known_by_len,
        } = word_weights(&occs, &mut labels);
        let other_trades = other_trades();
        let other_trade_words =
            other_trade_labels(&mut labels, &other_trades, &label_index, &text_idf);
        let other_trade_titles = other_trades.titles;
        let manager_names = manager_names(&labels, &manages, &unit_heads);
        let stand_ins = stand_ins(
            &labels,
            &units,
            &alike_units,
            &unit_heads,
            &alike_heads,
            &unit_rank,
        );
        let field_heads = field_heads(&labels, &stand_ins);
        let relation_cues = relation_cues(&stems_of);
        let bm25 = match bm25 {
            Some(table) => table,
            None => bm25_table(
                referentiel,
                &vocab_text,
                words.borrow().analyzer(),
                &expander,
            )?,
        };
        let ActivityIds {
            stem_ids,
            idf_by_id,
            act_ids,
            act_seq,
            act_postings,
        } = activity_ids(&occs, &text_idf);
        let outside_forms = query::OutsideForms::new(
            vocabulary
                .outside
                .iter()
                .flat_map(|o| o.forms.iter())
                .map(|f| analysis::fold(f))
                .collect(),
        );

        Ok(Engine {
            calibration: crate::Calibration::FITTED,
            corrections: crate::memo::Memo::new(Engine::CORRECTIONS_MAX),
            stem_ids,
            act_ids,
            act_seq,
            act_postings,
            idf_by_id,
            heading_words,
            outside_forms,
            occs,
            labels,
            outside,
            units,
            alike_units,
            field_heads,
            stand_ins,
            unit_heads,
            alike_heads,
            other_trade_words,
            other_trade_titles,
            deputies,
            manages,
            unit_rank,
            manager_names,
            relation_cues,
            words: words.into_inner(),
            expander,
            label_idf,
            label_index,
            text_idf,
            known_by_len,
            bm25,
        })
    }
}

/// Phase 1: the French analyzer (with the vocabulary's boilerplate as extra stop words) and
/// the expansion of abbreviations.
fn analysis_chain(vocabulary: &Vocabulary) -> (TextAnalyzer, Expander) {
    let boilerplate: Vec<String> = vocabulary
        .boilerplate
        .iter()
        .flat_map(|b| b.words.iter().cloned())
        .collect();
    let analyzer = analysis::french_analyzer(&boilerplate);
    let expander = Expander::new(
        vocabulary
            .expansion
            .iter()
            .map(|e| Expansion {
                words: words_of(&e.term),
                exact: e.exact_case.then(|| {
                    e.term
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .map(str::to_owned)
                        .collect()
                }),
                means: e.means.clone(),
            })
            .collect(),
    );
    (analyzer, expander)
}

/// Phase 2a: the occupations as the engine reads them, their titles and alternative titles
/// (and the variants of both) pushed onto `labels`, the words of their headings numbered in
/// `heading_words`.
fn occupations(
    referentiel: &Referentiel,
    analyze: &dyn Fn(&str) -> Vec<analysis::Tok>,
    stems_of: &dyn Fn(&str) -> Vec<String>,
    labels: &mut Vec<Label>,
    heading_words: &mut FxHashMap<String, u32>,
) -> Vec<Occ> {
    let mut occs = Vec::new();
    for (i, o) in referentiel.occupations.iter().enumerate() {
        for variant in title_variants(&o.title) {
            push_label(labels, i, EvidenceKind::Title, &variant, 1.0, stems_of);
        }
        for alt in &o.alt_titles {
            for variant in title_variants(alt) {
                push_label(labels, i, EvidenceKind::AltTitle, &variant, 0.95, stems_of);
            }
        }
        let mut tf: FxHashMap<String, u32> = FxHashMap::default();
        let mut count = |text: &str| {
            for s in stems_of(text) {
                *tf.entry(s).or_default() += 1;
            }
        };
        for s in &o.summary {
            count(s);
        }
        let mut headings = Vec::new();
        let mut activities = Vec::new();
        for g in &o.activity_groups {
            if let Some(h) = &g.heading {
                count(h);
                let words = stems_of(h)
                    .into_iter()
                    .map(|s| {
                        let next = heading_words.len() as u32;
                        *heading_words.entry(s).or_insert(next)
                    })
                    .collect();
                headings.push(Heading {
                    text: h.clone(),
                    key: heading_key(h),
                    words,
                });
            }
            for a in &g.activities {
                let full = std::iter::once(a.text.as_str())
                    .chain(a.details.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(" ; ");
                count(&full);
                activities.push(Act {
                    heading: g.heading.clone(),
                    text: a.text.clone(),
                    toks: analyze(&a.text),
                    stems: stems_of(&full),
                });
            }
        }
        occs.push(Occ {
            id: o.id.clone(),
            title: o.title.clone(),
            max_level: o
                .education
                .as_ref()
                .and_then(|e| e.max_level.or(e.min_level)),
            headings,
            activities,
            tf,
        });
    }
    occs
}

/// Phase 2b: the vocabulary's terms pushed onto `labels`; returns them per occupation, for
/// the index's `vocab` field. A term of an unknown occupation stops the build.
fn vocabulary_labels(
    vocabulary: &Vocabulary,
    occs: &[Occ],
    stems_of: &dyn Fn(&str) -> Vec<String>,
    labels: &mut Vec<Label>,
) -> Result<Vec<Vec<String>>, SearchError> {
    let index_of: HashMap<&str, usize> = occs
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.as_str(), i))
        .collect();
    let mut vocab_text: Vec<Vec<String>> = vec![Vec::new(); occs.len()];
    for entry in &vocabulary.label {
        let Some(&i) = index_of.get(entry.occupation.as_str()) else {
            return Err(SearchError::UnknownOccupation {
                id: entry.occupation.clone(),
                term: entry.terms.first().cloned().unwrap_or_default(),
            });
        };
        for term in &entry.terms {
            let label = push_label(
                labels,
                i,
                EvidenceKind::Vocabulary,
                term,
                entry.weight,
                stems_of,
            );
            if entry.place
                && let Some(l) = label
            {
                l.place = true;
            }
            vocab_text[i].push(term.clone());
        }
    }
    // The titles of the heads of units, for the occupation that heads them.
    for unit in &vocabulary.unit {
        let Some(occupation) = unit.headed_by.as_ref().map(|h| &h.occupation) else {
            continue;
        };
        let titles = unit.head_titles();
        let Some(&i) = index_of.get(occupation.as_str()) else {
            return Err(SearchError::UnknownOccupation {
                id: occupation.clone(),
                term: titles.first().cloned().unwrap_or_default(),
            });
        };
        // « Cheffe de service » reads as « chef de service »: `push_label` keeps one label
        // for the two, and the index's text has the one it kept.
        for term in titles {
            let before = labels.len();
            push_label(labels, i, EvidenceKind::Vocabulary, &term, 1.0, stems_of);
            if labels.len() > before {
                vocab_text[i].push(term);
            }
        }
    }
    Ok(vocab_text)
}

/// Phase 2c: the repertories' labels (ROME appellations, ESCO labels) pushed onto `labels`
/// with how they reach their occupation; those of occupations this edition lacks are left
/// out.
fn repertory_labels(
    repertory: &[RepertoryLabel],
    occs: &[Occ],
    stems_of: &dyn Fn(&str) -> Vec<String>,
    labels: &mut Vec<Label>,
) {
    let index_of: HashMap<&str, usize> = occs
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.as_str(), i))
        .collect();
    for r in repertory {
        let Some(&i) = index_of.get(r.occupation.as_str()) else {
            continue;
        };
        let before = labels.len();
        push_label(labels, i, r.kind, &r.text, r.weight, stems_of);
        if let Some(l) = labels.get_mut(before) {
            l.via = Some(r.via.clone());
        }
    }
}

/// The vocabulary's units of an organisation, read for the engine.
struct Units {
    /// The stems of the words naming a unit.
    units: Vec<String>,
    /// The stems of the units whose head is one occupation (`headed_by`, but its `except`).
    alike_units: Vec<String>,
    /// The stems of the head words that, followed by a unit, name its head.
    unit_heads: Vec<String>,
    /// The stems of the head words of the units whose head is one occupation (`headed_by`'s
    /// `heads`: chef, cheffe, responsable): one name of one post, they stand for each other.
    alike_heads: Vec<String>,
    /// The stems of the head words of a deputy.
    deputies: Vec<String>,
    /// Per occupation: whether its title begins with a word of a manager.
    manages: Vec<bool>,
    /// Per occupation: whether its title begins with a manager's word that heads units
    /// (`managers` and `headed_by`'s `heads`: « Responsable … », not « Directeur … », of a
    /// directorate's rank, nor « Chef de projet … »).
    unit_rank: Vec<bool>,
}

/// Phase 2d: the stems of the units (all, and those that stand for each other), and which
/// occupations manage one and which head units of a department.
fn units(vocabulary: &Vocabulary, occs: &[Occ], stems_of: &dyn Fn(&str) -> Vec<String>) -> Units {
    // The first stem of each word that `pick` lists in the units' entries.
    let stems = |pick: fn(&UnitEntry) -> &[String]| -> Vec<String> {
        first_stems(
            vocabulary.unit.iter().flat_map(|u| pick(u).iter()),
            stems_of,
        )
    };
    let units = stems(|u| &u.words);
    let alike_units = first_stems(
        vocabulary.unit.iter().flat_map(|u| {
            u.headed_by
                .iter()
                .flat_map(move |by| u.words.iter().filter(|w| !by.except.contains(w)))
        }),
        stems_of,
    );
    let unit_heads = stems(|u| &u.heads);
    let deputies = stems(|u| &u.deputies);
    let managers = stems(|u| &u.managers);
    let begins_with = |words: &[String]| -> Vec<bool> {
        occs.iter()
            .map(|o| {
                stems_of(&o.title)
                    .first()
                    .is_some_and(|s| words.contains(s))
            })
            .collect()
    };
    let manages = begins_with(&managers);
    // The heads of the units one occupation heads (chef, cheffe, responsable).
    let alike_heads = first_stems(
        vocabulary
            .unit
            .iter()
            .flat_map(|u| u.headed_by.iter().flat_map(|by| by.heads.iter())),
        stems_of,
    );
    // A manager's word that heads units (« responsable »; « chef » is no manager's word,
    // « directeur » heads no unit).
    let unit_managers: Vec<String> = alike_heads
        .iter()
        .filter(|s| managers.contains(s))
        .cloned()
        .collect();
    let unit_rank = begins_with(&unit_managers);
    Units {
        units,
        alike_units,
        unit_heads,
        alike_heads,
        deputies,
        manages,
        unit_rank,
    }
}

/// Phase 2e: per label, which of its words a title naming the head of a unit may write
/// otherwise ([`StandIn`]): the unit of a label naming the head of such a unit of a field (a
/// unit head, a unit that `alike_units` holds, then the field: « chef du service réseaux »);
/// the head word of a label of an occupation that heads units of a department's rank
/// (`unit_rank`, « Responsable … ») when it is a head word of such units (`alike_heads`:
/// « responsable de production », « chef d’exploitation ») with more words after it; and
/// whether the label names the head of a unit (a unit head, then a unit of `units`).
fn stand_ins(
    labels: &[Label],
    units: &[String],
    alike_units: &[String],
    unit_heads: &[String],
    alike_heads: &[String],
    unit_rank: &[bool],
) -> Vec<StandIn> {
    labels
        .iter()
        .map(|l| StandIn {
            unit: matches!(l.stems.as_slice(), [head, unit, _, ..]
                if unit_heads.contains(head) && alike_units.contains(unit)),
            head: l.stems.len() > 1
                && alike_heads.contains(&l.stems[0])
                && unit_rank.get(l.occ).copied().unwrap_or(false),
            heads_unit: matches!(l.stems.as_slice(), [head, unit, ..]
                if unit_heads.contains(head) && units.contains(unit)),
        })
        .collect()
}

/// Phase 2e as well: the labels whose unit a title's other unit may stand in
/// ([`StandIn::unit`]), by the unit's stem, in label order.
fn field_heads(labels: &[Label], stand_ins: &[StandIn]) -> Vec<(String, Vec<u32>)> {
    let mut by_unit: Vec<(String, Vec<u32>)> = Vec::new();
    for (li, (l, _)) in labels
        .iter()
        .zip(stand_ins)
        .enumerate()
        .filter(|(_, (_, s))| s.unit)
    {
        let unit = &l.stems[1];
        match by_unit.iter_mut().find(|(u, _)| u == unit) {
            Some((_, list)) => list.push(li as u32),
            None => by_unit.push((unit.clone(), vec![li as u32])),
        }
    }
    by_unit
}

/// Phase 2f: the one-word names of managing occupations (a vocabulary label such as
/// « DSI »), with the head words of the occupation's own labels. A word of command
/// (`unit_heads`: « manager ») is a role wherever it stands (« Incident Manager »), never
/// the name of a department.
fn manager_names(
    labels: &[Label],
    manages: &[bool],
    unit_heads: &[String],
) -> Vec<query::ManagerName> {
    labels
        .iter()
        .filter(|l| {
            l.kind == EvidenceKind::Vocabulary
                && !l.text.contains(char::is_whitespace)
                && manages.get(l.occ).copied().unwrap_or(false)
                && l.stems.first().is_none_or(|s| !unit_heads.contains(s))
        })
        .map(|l| {
            let mut heads: Vec<String> = labels
                .iter()
                .filter(|o| o.occ == l.occ)
                .filter_map(|o| o.stems.first().cloned())
                .collect();
            heads.sort_unstable();
            heads.dedup();
            query::ManagerName {
                stems: l.stems.clone(),
                occ: l.occ,
                heads,
            }
        })
        .collect()
}

/// Phase 2g: the first stems of the words after which a long text names someone the post
/// works with ([`crate::reading::RELATION`]), sorted. Whether the word after one heads a
/// label is looked up in the label index, for those words only (a set of the labels' head
/// stems, tried, answered alike with more serving memory: docs/PERFORMANCE.md).
fn relation_cues(stems_of: &dyn Fn(&str) -> Vec<String>) -> Vec<String> {
    let mut cues = first_stems(crate::reading::RELATION, stems_of);
    cues.sort_unstable();
    cues.dedup();
    cues
}

/// The first stem of each word or phrase of `words` (one that analyses to nothing is left
/// out): how the vocabulary's lists of single words are compared with a query's stems.
fn first_stems<S: AsRef<str>>(
    words: impl IntoIterator<Item = S>,
    stems_of: &dyn Fn(&str) -> Vec<String>,
) -> Vec<String> {
    words
        .into_iter()
        .filter_map(|w| stems_of(w.as_ref()).into_iter().next())
        .collect()
}

/// The weights of words, computed once (see [`word_weights`]).
struct Weights {
    label_idf: FxHashMap<String, f32>,
    label_index: FxHashMap<String, Vec<(u32, u16)>>,
    text_idf: FxHashMap<String, f32>,
    known_by_len: FxHashMap<usize, Vec<String>>,
}

/// Phase 3: the weight of each stem as a word of titles and over the whole text, the stems'
/// weights of each label, the index stem → labels, and the known stems by length.
fn word_weights(occs: &[Occ], labels: &mut [Label]) -> Weights {
    let n = occs.len().max(1) as f32;
    let mut label_df: HashMap<String, HashSet<usize>> = HashMap::new();
    for l in labels.iter() {
        for s in &l.stems {
            label_df.entry(s.clone()).or_default().insert(l.occ);
        }
    }
    let label_idf: FxHashMap<String, f32> = label_df
        .into_iter()
        .map(|(s, occs)| (s, (1.0 + n / occs.len() as f32).ln()))
        .collect();
    for l in labels.iter_mut() {
        l.weigh(&label_idf);
    }
    let label_index = super::labels::index(labels);
    let mut text_df: HashMap<String, u32> = HashMap::new();
    for o in occs {
        for s in o.tf.keys() {
            *text_df.entry(s.clone()).or_default() += 1;
        }
    }
    let text_idf: FxHashMap<String, f32> = text_df
        .into_iter()
        .map(|(s, df)| (s, (1.0 + n / df as f32).ln()))
        .collect();
    let mut known_by_len: FxHashMap<usize, Vec<String>> = FxHashMap::default();
    for s in label_idf.keys().chain(text_idf.keys()) {
        known_by_len
            .entry(s.chars().count())
            .or_default()
            .push(s.clone());
    }
    for v in known_by_len.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    Weights {
        label_idf,
        label_index,
        text_idf,
        known_by_len,
    }
}

/// The appellations of other trades ([`crate::repertories::other_trades`]), analysed: what
/// phase 3b reads, and the appellations as sets of stems, which the engine keeps to tell
/// the titles that are such an appellation word for word (`Engine::of_another_trade`). It
/// depends on the analysis chain only, not on the edition nor on the
/// labels, so `Engine::with_repertories` analyses it on a second thread while the
/// repertories' labels are placed and the first phases of the engine with them run: the
/// ~12,500 appellations took a third of the CLI's start-up when they were analysed in phase
/// 3b itself.
#[derive(Debug, Default)]
pub(super) struct OtherTrades {
    /// Stem → the appellations that write it, in ascending order.
    postings: FxHashMap<String, Vec<u32>>,
    /// The stems of each appellation, as [`OtherTrades::key`] writes them.
    pub(super) titles: FxHashSet<String>,
}

impl OtherTrades {
    /// `appellations` analysed with a copy of an engine's chain (`analyzer`, `expander`):
    /// the same stems as the engine's.
    pub(super) fn analyse(
        analyzer: TextAnalyzer,
        expander: &Expander,
        appellations: &[&str],
    ) -> OtherTrades {
        let words = RefCell::new(Words::new(analyzer));
        let analyze = |text: &str| words.borrow_mut().analyze_learning(text);
        let mut postings: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut titles = FxHashSet::default();
        for (i, text) in appellations.iter().enumerate() {
            let stems = labels::stems_of(&analyze, expander, text);
            titles.insert(Self::key(stems.iter()));
            for s in stems {
                postings.entry(s).or_default().push(i as u32);
            }
        }
        OtherTrades { postings, titles }
    }

    /// A set of stems as one text (sorted, distinct, joined by spaces): the same for two
    /// texts that write the same words, in any order, any number of times.
    pub(super) fn key<S: AsRef<str>>(stems: impl Iterator<Item = S>) -> String {
        let mut stems: Vec<S> = stems.collect();
        stems.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
        stems.dedup_by(|a, b| a.as_ref() == b.as_ref());
        let mut key = String::new();
        for s in &stems {
            if !key.is_empty() {
                key.push(' ');
            }
            key.push_str(s.as_ref());
        }
        key
    }
}

/// Phase 3b: the labels that an appellation of another trade holds whole
/// (`Label::other_trade`: « chef de projet », « Technicien d’exploitation »), and the words
/// of other trades: the stems that the appellations of other trades write, that the fiches
/// do not (`text_idf`), when less than `tune::OTHER_TRADE_SHARE` of the labels and such
/// appellations that write them are labels (« routier », « pénal »; not « réseau », that
/// the labels write more, nor « production », that the fiches write).
fn other_trade_labels(
    labels: &mut [Label],
    other_trades: &OtherTrades,
    label_index: &FxHashMap<String, Vec<(u32, u16)>>,
    text_idf: &FxHashMap<String, f32>,
) -> FxHashSet<String> {
    let postings = &other_trades.postings;
    // How many labels write a stem: the index lists them in ascending order, once per
    // position of the stem in each.
    let in_labels = |stem: &str| {
        label_index.get(stem).map_or(0, |list| {
            list.iter()
                .enumerate()
                .filter(|&(j, &(li, _))| j == 0 || list[j - 1].0 != li)
                .count()
        })
    };
    let words = postings
        .iter()
        .filter(|(stem, list)| {
            if text_idf.contains_key(stem.as_str()) {
                return false;
            }
            let inside = in_labels(stem) as f32;
            inside / (inside + list.len() as f32) < tune::OTHER_TRADE_SHARE
        })
        .map(|(stem, _)| stem.clone())
        .collect();
    let mut lists = Vec::new();
    for l in labels.iter_mut() {
        l.other_trade = held_whole(postings, l.stems.iter(), &mut lists);
        // (Only a label with generic words has other words than its own to look up.)
        l.core_other_trade = l.generic != 0
            && held_whole(
                postings,
                l.stems
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| !l.is_generic(k))
                    .map(|(_, s)| s),
                &mut lists,
            );
    }
    words
}

/// Whether an appellation of other trades writes every one of `stems`, given the
/// appellations that write each stem (`postings`, ascending).
/// `lists` is a buffer, reused from one call to the next.
fn held_whole<'p, 's>(
    postings: &'p FxHashMap<String, Vec<u32>>,
    stems: impl Iterator<Item = &'s String>,
    lists: &mut Vec<&'p Vec<u32>>,
) -> bool {
    // The lists of the stems, shortest first: an appellation of the first that every other
    // list holds writes them all.
    lists.clear();
    for s in stems {
        match postings.get(s) {
            Some(list) => lists.push(list),
            None => return false,
        }
    }
    lists.sort_by_key(|list| list.len());
    lists.split_first().is_some_and(|(first, rest)| {
        first
            .iter()
            .any(|a| rest.iter().all(|list| list.binary_search(a).is_ok()))
    })
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    title: Field,
    alt: Field,
    vocab: Field,
    headings: Field,
    body: Field,
    ord: Field,
}

/// Phase 4: the tantivy index of the occupations (one document each, abbreviations
/// expanded), read once into a [`Bm25Table`].
fn bm25_table(
    referentiel: &Referentiel,
    vocab_text: &[Vec<String>],
    analyzer: &TextAnalyzer,
    expander: &Expander,
) -> Result<Bm25Table, SearchError> {
    let mut schema = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::FRENCH)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        title: schema.add_text_field("title", text.clone()),
        alt: schema.add_text_field("alt", text.clone()),
        vocab: schema.add_text_field("vocab", text.clone()),
        headings: schema.add_text_field("headings", text.clone()),
        body: schema.add_text_field("body", text),
        ord: schema.add_u64_field("ord", FAST | STORED),
    };
    let index = Index::create_in_ram(schema.build());
    index
        .tokenizers()
        .register(analysis::FRENCH, analyzer.clone());
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
    let expand = |t: &str| expander.expand(t).unwrap_or_else(|| t.to_owned());
    for (i, o) in referentiel.occupations.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.title, expand(&o.title));
        for a in &o.alt_titles {
            doc.add_text(fields.alt, expand(a));
        }
        for v in &vocab_text[i] {
            doc.add_text(fields.vocab, expand(v));
        }
        for h in o.headings() {
            doc.add_text(fields.headings, expand(h));
        }
        for s in &o.summary {
            doc.add_text(fields.body, expand(s));
        }
        for a in o.activities() {
            doc.add_text(fields.body, expand(&a.text));
            for d in &a.details {
                doc.add_text(fields.body, expand(d));
            }
        }
        doc.add_u64(fields.ord, i as u64);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let mut doc_map = Vec::new();
    for segment in searcher.segment_readers() {
        let column = segment.fast_fields().u64("ord")?;
        let map = (0..segment.max_doc())
            .map(|d| column.first(d).unwrap_or(0) as usize)
            .collect::<Vec<usize>>();
        doc_map.push(map);
    }
    Ok(Bm25Table::build(
        &searcher,
        [
            fields.title,
            fields.alt,
            fields.vocab,
            fields.headings,
            fields.body,
        ],
        &doc_map,
    )?)
}

/// The activities' stems as ids, for the alignment of long texts (see [`activity_ids`]).
struct ActivityIds {
    stem_ids: FxHashMap<String, u32>,
    idf_by_id: Vec<f32>,
    act_ids: Vec<Vec<(Vec<u32>, f32)>>,
    act_seq: Vec<Vec<Vec<u32>>>,
    act_postings: Vec<Vec<u32>>,
}

/// Phase 5: every stem of an activity gets an id; each activity becomes its sorted ids and
/// their idf norm, and its ids in the order of its words (for the evidence); each id lists
/// the activities holding it, numbered across the occupations in order.
fn activity_ids(occs: &[Occ], text_idf: &FxHashMap<String, f32>) -> ActivityIds {
    let mut stem_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut idf_by_id: Vec<f32> = Vec::new();
    let mut act_ids = Vec::new();
    let mut act_seq = Vec::new();
    for o in occs {
        let mut per = Vec::new();
        let mut seqs = Vec::new();
        for a in &o.activities {
            let mut ids: Vec<u32> = a
                .stems
                .iter()
                .map(|st| {
                    let next = stem_ids.len() as u32;
                    *stem_ids.entry(st.clone()).or_insert_with(|| {
                        idf_by_id.push(text_idf.get(st).copied().unwrap_or(0.0));
                        next
                    })
                })
                .collect();
            seqs.push(ids.clone());
            ids.sort_unstable();
            ids.dedup();
            let norm = ids
                .iter()
                .map(|&i| idf_by_id[i as usize].powi(2))
                .sum::<f32>()
                .sqrt();
            per.push((ids, norm));
        }
        act_ids.push(per);
        act_seq.push(seqs);
    }
    let mut act_postings: Vec<Vec<u32>> = vec![Vec::new(); idf_by_id.len()];
    for (flat, (ids, _)) in act_ids.iter().flatten().enumerate() {
        let Ok(flat) = u32::try_from(flat) else {
            break;
        };
        for &id in ids {
            if let Some(list) = act_postings.get_mut(id as usize) {
                list.push(flat);
            }
        }
    }
    ActivityIds {
        stem_ids,
        idf_by_id,
        act_ids,
        act_seq,
        act_postings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The engine with repertories keeps the analysed words, expansions and BM25 table of the
    /// engine without them: it must answer exactly as one built from nothing with the same
    /// labels, on real texts (titles and ads).
    #[test]
    fn reusing_the_first_build_answers_as_a_fresh_build() {
        let r = metiers_referentiel::published().referentiel;
        let vocabulary = Vocabulary::embedded().expect("vocabulaire embarqué");
        let k = metiers_knowledge::Knowledge::embedded().expect("répertoires embarqués");
        let base = Engine::build_from(&r, &vocabulary, &[], OtherTrades::default, None)
            .expect("moteur sans répertoires");
        let extra = crate::repertories::labels(&base, &k);
        let (analyzer, expander) = base.chain_copy();
        let appellations = crate::repertories::other_trades(&k);
        let others = || OtherTrades::analyse(analyzer.clone(), &expander, &appellations);
        assert!(
            extra.len() > 1_000,
            "{} libellés des répertoires",
            extra.len()
        );
        let fresh = Engine::build_from(&r, &vocabulary, &extra, others, None).expect("moteur neuf");
        let reused = Engine::build_from(&r, &vocabulary, &extra, others, Some(base.into_reuse()))
            .expect("moteur qui reprend le premier");
        let texts: Vec<String> = include_str!("../../../../data/eval/dev.jsonl")
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(texts.len(), 226);
        for text in &texts {
            assert_eq!(
                reused.match_text(text, 5),
                fresh.match_text(text, 5),
                "{text}"
            );
        }
    }
}
