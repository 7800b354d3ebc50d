//! BM25 of every indexed stem, read once from the tantivy index when the engine is built.
//!
//! The référentiel has 44 documents: running a tantivy `BooleanQuery` for every match
//! (weights per term and field, a Levenshtein automaton for typos, a top-k collector) cost
//! most of a title's matching time. [`Bm25Table`] walks the index's term dictionaries and
//! postings once and keeps, for each stem, each field and each document, the score that
//! `BoostQuery(TermQuery)` gives it: tantivy's own [`Bm25Weight`] (same idf, same quantised
//! field norms, same boosts), so the scores are the ones tantivy computes, summed per
//! document as its union scorer does. The typo clause (`FuzzyTermQuery` of distance 1 with
//! transpositions, a constant score per matching document) is answered by a deletion index
//! of the body's terms (symmetric delete), then checked with the restricted
//! Damerau-Levenshtein distance, as the automaton does.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use tantivy::postings::Postings;
use tantivy::query::Bm25Weight;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, TERMINATED, Term};

/// The boosts of the fields, in [`Bm25Table::build`]'s order (title, alt, vocab, headings,
/// body), for titles and for long texts.
pub const TITLE_BOOSTS: [f32; 5] = [3.0, 2.5, 2.5, 1.5, 1.0];
pub const LONG_BOOSTS: [f32; 5] = [2.0, 1.5, 1.5, 1.5, 1.0];
/// Factor of the clauses of a corrected (fuzzy) query stem.
pub const FUZZY_STEM: f32 = 0.5;
/// Score of the typo clause for each document holding a body term one edit away.
pub const TYPO_CLAUSE: f32 = 0.3;

/// One document of a stem's postings in one field: the scores of the clause for each way
/// of reading the query ([`Reading::slot`]).
#[derive(Debug, Clone, Copy)]
struct Posting {
    field: u8,
    doc: u16,
    scores: [f32; 4],
}

/// How a query stem's clauses are boosted.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    pub long: bool,
    pub fuzzy: bool,
}

impl Reading {
    fn slot(self) -> usize {
        usize::from(self.long) * 2 + usize::from(self.fuzzy)
    }

    fn boost(self, field: usize) -> f32 {
        let boosts = if self.long { LONG_BOOSTS } else { TITLE_BOOSTS };
        boosts[field] * if self.fuzzy { FUZZY_STEM } else { 1.0 }
    }
}

/// Precomputed BM25 of the index (see the module documentation).
#[derive(Debug, Default)]
pub struct Bm25Table {
    postings: FxHashMap<String, Vec<Posting>>,
    /// The body field's terms and the documents holding each.
    body_terms: Vec<(String, Vec<u16>)>,
    /// A body term, and each of its forms with one character deleted → body term indices.
    deletions: FxHashMap<String, Vec<u32>>,
}

impl Bm25Table {
    /// Reads every term of `fields` (title, alt, vocab, headings, body: the last one is the
    /// body) from the index; `doc_map[segment][doc]` is the occupation of a document.
    pub fn build(
        searcher: &Searcher,
        fields: [Field; 5],
        doc_map: &[Vec<usize>],
    ) -> tantivy::Result<Self> {
        let mut table = Bm25Table::default();
        let mut body: HashMap<String, Vec<u16>> = HashMap::new();
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            let docs = doc_map.get(segment_ord).map_or(&[][..], Vec::as_slice);
            for (fi, &field) in fields.iter().enumerate() {
                let inverted = segment.inverted_index(field)?;
                let norms = segment.get_fieldnorms_reader(field)?;
                let mut terms = inverted.terms().stream()?;
                while terms.advance() {
                    let Ok(text) = std::str::from_utf8(terms.key()) else {
                        continue;
                    };
                    let term = Term::from_field_text(field, text);
                    let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(&term))?;
                    let boosted: Vec<Bm25Weight> = (0..4)
                        .map(|slot| {
                            let reading = Reading {
                                long: slot >= 2,
                                fuzzy: slot % 2 == 1,
                            };
                            weight.boost_by(reading.boost(fi))
                        })
                        .collect();
                    let mut postings = inverted
                        .read_postings_from_terminfo(terms.value(), IndexRecordOption::WithFreqs)?;
                    let mut doc = postings.doc();
                    while doc != TERMINATED {
                        let Some(&occ) = docs.get(doc as usize) else {
                            doc = postings.advance();
                            continue;
                        };
                        let (norm, tf) = (norms.fieldnorm_id(doc), postings.term_freq());
                        let occ = u16::try_from(occ).unwrap_or(u16::MAX);
                        table
                            .postings
                            .entry(text.to_owned())
                            .or_default()
                            .push(Posting {
                                field: fi as u8,
                                doc: occ,
                                scores: [0, 1, 2, 3].map(|s| boosted[s].score(norm, tf)),
                            });
                        if fi == fields.len() - 1 {
                            body.entry(text.to_owned()).or_default().push(occ);
                        }
                        doc = postings.advance();
                    }
                }
            }
        }
        // Clauses are summed in the query's order: field by field.
        for list in table.postings.values_mut() {
            list.sort_by_key(|p| (p.field, p.doc));
        }
        let mut body: Vec<(String, Vec<u16>)> = body.into_iter().collect();
        body.sort();
        for (i, (term, docs)) in body.iter_mut().enumerate() {
            docs.sort_unstable();
            docs.dedup();
            for key in std::iter::once(term.clone()).chain(deletions(term)) {
                let list = table.deletions.entry(key).or_default();
                if list.last() != Some(&(i as u32)) {
                    list.push(i as u32);
                }
            }
        }
        table.body_terms = body;
        Ok(table)
    }

    /// Adds the clauses of one query stem to `scores` (one per occupation).
    pub fn add(&self, stem: &str, reading: Reading, scores: &mut [f32]) {
        let slot = reading.slot();
        for p in self.postings.get(stem).into_iter().flatten() {
            if let Some(s) = scores.get_mut(usize::from(p.doc)) {
                *s += p.scores[slot];
            }
        }
    }

    /// Adds the typo clause of an unknown stem: [`TYPO_CLAUSE`] to every occupation whose
    /// body holds a term at most one edit (insertion, deletion, substitution or transposition
    /// of two neighbours) away from `stem`.
    pub fn add_typo(&self, stem: &str, scores: &mut [f32]) {
        let mut hit = vec![false; scores.len()];
        let mut seen: Vec<u32> = Vec::new();
        for key in std::iter::once(stem.to_owned()).chain(deletions(stem)) {
            for &i in self.deletions.get(&key).into_iter().flatten() {
                if seen.contains(&i) {
                    continue;
                }
                seen.push(i);
                let (term, docs) = &self.body_terms[i as usize];
                if strsim::osa_distance(stem, term) <= 1 {
                    for &d in docs {
                        if let Some(h) = hit.get_mut(usize::from(d)) {
                            *h = true;
                        }
                    }
                }
            }
        }
        for (s, h) in scores.iter_mut().zip(hit) {
            if h {
                *s += TYPO_CLAUSE;
            }
        }
    }
}

/// The forms of `word` with one character deleted.
fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    word.char_indices().map(move |(i, c)| {
        let mut s = String::with_capacity(word.len());
        s.push_str(&word[..i]);
        s.push_str(&word[i + c.len_utf8()..]);
        s
    })
}
