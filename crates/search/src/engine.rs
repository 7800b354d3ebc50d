//! The engine: index built at start-up, scoring of titles and long texts, calibration.

use std::collections::{HashMap, HashSet};

use metiers_referentiel::{OccupationId, Referentiel};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

use crate::analysis::{self, Expander, Expansion, Tok};
use crate::bm25::{Bm25Table, Reading};
use crate::vocabulary::Vocabulary;
use crate::{
    ByteRange, Evidence, EvidenceKind, Highlight, LearnedTitle, Match, MatchResult, SearchError,
    SearchHit, SharedActivity, Similar, Suggestion,
};

/// How a text is read: a job title (every word counts, titles weigh most) or a long text
/// (an ad, a CV: the activities weigh most, boilerplate is diluted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Title when the text has at most [`TITLE_MAX_WORDS`] words, long text otherwise.
    Auto,
    Title,
    Long,
}

/// Texts of at most this many words are read as titles in [`Mode::Auto`].
pub const TITLE_MAX_WORDS: usize = 16;

/// The search engine over one edition. Immutable after [`Engine::build`]; `Send + Sync`.
pub struct Engine {
    occs: Vec<Occ>,
    labels: Vec<Label>,
    outside: Vec<Vec<String>>,
    analyzer: TextAnalyzer,
    expander: Expander,
    /// Stem → weight as a word of titles (rarer among the occupations' titles: heavier).
    label_idf: HashMap<String, f32>,
    /// Stem → the labels holding it, in ascending order.
    label_index: HashMap<String, Vec<u32>>,
    /// Stem → inverse document frequency over the occupations' whole text.
    text_idf: HashMap<String, f32>,
    /// Every stem the engine knows, by length, for typo correction.
    known_by_len: HashMap<usize, Vec<String>>,
    /// BM25 of every stem of the index, per field and occupation.
    bm25: Bm25Table,
    /// Stem → id, for the alignment of long texts with activities.
    stem_ids: HashMap<String, u32>,
    /// Per occupation, per activity: sorted stem ids and their idf norm.
    act_ids: Vec<Vec<(Vec<u32>, f32)>>,
    /// Idf by stem id.
    idf_by_id: Vec<f32>,
    /// Folded forms that mark an occupation outside the référentiel (`serveuse`).
    outside_forms: Vec<String>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("occupations", &self.occs.len())
            .field("labels", &self.labels.len())
            .finish_non_exhaustive()
    }
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

#[derive(Debug)]
struct Occ {
    id: OccupationId,
    title: String,
    max_level: Option<u8>,
    /// Heading as published, folded key, stems.
    headings: Vec<(String, String, Vec<String>)>,
    activities: Vec<Act>,
    /// Stem → count over headings, summary and activities.
    tf: HashMap<String, u32>,
}

#[derive(Debug)]
struct Act {
    heading: Option<String>,
    text: String,
    toks: Vec<Tok>,
    stems: Vec<String>,
}

#[derive(Debug, Clone)]
struct Label {
    occ: usize,
    kind: EvidenceKind,
    text: String,
    stems: Vec<String>,
    weight: f32,
    /// Weight of each stem as a word of titles (the first one, the head, raised), and their
    /// sum: see [`Label::weigh`].
    stem_weights: Vec<f32>,
    total: f32,
}

impl Label {
    /// Sets the weights of the stems from the words' weights in titles.
    fn weigh(&mut self, label_idf: &HashMap<String, f32>) {
        self.stem_weights = self
            .stems
            .iter()
            .enumerate()
            .map(|(k, s)| {
                label_idf.get(s).copied().unwrap_or(1.0) * if k == 0 { tune::HEAD } else { 1.0 }
            })
            .collect();
        self.total = self.stem_weights.iter().sum();
    }
}

#[derive(Debug, Clone)]
struct QStem {
    stem: String,
    /// The stem as analysed, before typo correction.
    original: String,
    surface: String,
    weight: f32,
    tf: u32,
    fuzzy: bool,
    /// Position of the first occurrence among the analysed tokens.
    pos: usize,
    /// Whether the stem is a word of some label (title, alt title, vocabulary).
    title_word: bool,
}

#[derive(Debug)]
struct Analysed {
    stems: Vec<QStem>,
    head: Option<usize>,
    long: bool,
    outside: bool,
    /// Long texts: the stem ids of each segment (sentence, bullet).
    segments: Vec<Vec<u32>>,
}

#[derive(Debug, Clone)]
struct LabelHit {
    label: usize,
    score: f32,
    matched: Vec<usize>,
    /// Share of the query's title words (words known from some label) that this label
    /// explains: below 1, another occupation may be named too.
    explained: f32,
    /// Only the head of a longer label matched, or its words were scattered.
    weak: bool,
}

#[derive(Debug, Clone)]
struct Scored {
    occ: usize,
    raw: f32,
    label: Option<LabelHit>,
}

/// Tuning of the scoring, in one place.
mod tune {
    /// Weight of the label (title, alt title, vocabulary) evidence in title mode.
    pub const TITLE_LABEL: f32 = 0.8;
    /// Weight of the whole-text BM25 evidence in title mode.
    pub const TITLE_TEXT: f32 = 0.2;
    /// Weight of the label evidence in long-text mode.
    pub const LONG_LABEL: f32 = 0.25;
    pub const LONG_TEXT: f32 = 0.6;
    /// Weight of the alignment of the text's sentences with activities, in long-text mode.
    pub const LONG_ALIGN: f32 = 0.15;
    /// Mean alignment at which the evidence of a long text is full.
    pub const ALIGN_FULL: f32 = 0.45;
    /// Factor of the scores of a text that names an occupation outside the référentiel.
    pub const OUTSIDE: f32 = 0.5;
    /// Extra weight of the head noun (first meaningful word) of a title.
    pub const HEAD: f32 = 1.5;
    /// Factor of a label of several words of which only the head matched.
    pub const HEAD_ONLY: f32 = 0.8;
    /// Factor of a label whose words are scattered in the query.
    pub const SCATTERED: f32 = 0.8;
    /// Weight of a query word that no fiche and no vocabulary entry knows.
    pub const UNKNOWN: f32 = 0.35;
    /// Confidence thresholds.
    pub const CONFIDENT_SCORE: f32 = 0.45;
    pub const CONFIDENT_MARGIN: f32 = 0.08;
    /// Share of a title's words the best label must explain for a sure answer.
    pub const CONFIDENT_EXPLAINED: f32 = 0.34;
    /// Long texts need a clearer lead.
    pub const CONFIDENT_SCORE_LONG: f32 = 0.5;
    pub const CONFIDENT_MARGIN_LONG: f32 = 0.2;
}

impl Engine {
    /// Builds the engine with the embedded vocabulary.
    pub fn build(referentiel: &Referentiel) -> Result<Engine, SearchError> {
        Self::build_with(referentiel, &Vocabulary::embedded()?)
    }

    /// Builds the engine with a given vocabulary.
    pub fn build_with(
        referentiel: &Referentiel,
        vocabulary: &Vocabulary,
    ) -> Result<Engine, SearchError> {
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
        let stems_of = |text: &str| -> Vec<String> {
            let expanded = expander.expand(text);
            let mut out: Vec<String> = Vec::new();
            for t in analysis::analyze(&analyzer, expanded.as_deref().unwrap_or(text)) {
                if !out.contains(&t.stem) {
                    out.push(t.stem);
                }
            }
            out
        };

        // Occupations and their labels.
        let mut occs = Vec::new();
        let mut labels = Vec::new();
        for (i, o) in referentiel.occupations.iter().enumerate() {
            for variant in title_variants(&o.title) {
                push_label(
                    &mut labels,
                    i,
                    EvidenceKind::Title,
                    &variant,
                    1.0,
                    &stems_of,
                );
            }
            for alt in &o.alt_titles {
                for variant in title_variants(alt) {
                    push_label(
                        &mut labels,
                        i,
                        EvidenceKind::AltTitle,
                        &variant,
                        0.95,
                        &stems_of,
                    );
                }
            }
            let mut tf: HashMap<String, u32> = HashMap::new();
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
                    headings.push((h.clone(), heading_key(h), stems_of(h)));
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
                        toks: analysis::analyze(&analyzer, &a.text),
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
                push_label(
                    &mut labels,
                    i,
                    EvidenceKind::Vocabulary,
                    term,
                    entry.weight,
                    &stems_of,
                );
                vocab_text[i].push(term.clone());
            }
        }
        let outside = vocabulary
            .outside
            .iter()
            .flat_map(|o| o.terms.iter())
            .map(|t| stems_of(t))
            .filter(|s| !s.is_empty())
            .collect();

        // Weights of words.
        let n = occs.len().max(1) as f32;
        let mut label_df: HashMap<String, HashSet<usize>> = HashMap::new();
        for l in &labels {
            for s in &l.stems {
                label_df.entry(s.clone()).or_default().insert(l.occ);
            }
        }
        let label_idf: HashMap<String, f32> = label_df
            .into_iter()
            .map(|(s, occs)| (s, (1.0 + n / occs.len() as f32).ln()))
            .collect();
        let mut label_index: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, l) in labels.iter_mut().enumerate() {
            l.weigh(&label_idf);
            for s in &l.stems {
                let list = label_index.entry(s.clone()).or_default();
                if list.last() != Some(&(i as u32)) {
                    list.push(i as u32);
                }
            }
        }
        let mut text_df: HashMap<String, u32> = HashMap::new();
        for o in &occs {
            for s in o.tf.keys() {
                *text_df.entry(s.clone()).or_default() += 1;
            }
        }
        let text_idf: HashMap<String, f32> = text_df
            .into_iter()
            .map(|(s, df)| (s, (1.0 + n / df as f32).ln()))
            .collect();
        let mut known_by_len: HashMap<usize, Vec<String>> = HashMap::new();
        for s in label_idf.keys().chain(text_idf.keys()) {
            let v = known_by_len.entry(s.chars().count()).or_default();
            if !v.contains(s) {
                v.push(s.clone());
            }
        }
        for v in known_by_len.values_mut() {
            v.sort();
        }

        // The tantivy index.
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
        let bm25 = Bm25Table::build(
            &searcher,
            [
                fields.title,
                fields.alt,
                fields.vocab,
                fields.headings,
                fields.body,
            ],
            &doc_map,
        )?;

        let mut stem_ids: HashMap<String, u32> = HashMap::new();
        let mut idf_by_id: Vec<f32> = Vec::new();
        let mut act_ids = Vec::new();
        for o in &occs {
            let mut per = Vec::new();
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
        }
        let outside_forms = vocabulary
            .outside
            .iter()
            .flat_map(|o| o.forms.iter())
            .map(|f| analysis::fold(f))
            .collect();

        Ok(Engine {
            stem_ids,
            act_ids,
            idf_by_id,
            outside_forms,
            occs,
            labels,
            outside,
            analyzer,
            expander,
            label_idf,
            label_index,
            text_idf,
            known_by_len,
            bm25,
        })
    }

    /// Ranked occupations for a query, with the matching activities highlighted. Only
    /// occupations that share something with the query are returned.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let q = self.analyse(query, Mode::Auto);
        let scored = self.score(&q, &[]);
        let qstems: HashMap<&str, f32> = q
            .stems
            .iter()
            .map(|s| (s.stem.as_str(), s.weight))
            .collect();
        scored
            .iter()
            .filter(|s| s.raw > 0.0)
            .take(limit)
            .map(|s| {
                let o = &self.occs[s.occ];
                let mut highlights: Vec<(f32, Highlight)> = o
                    .activities
                    .iter()
                    .filter_map(|a| {
                        let ranges: Vec<ByteRange> = a
                            .toks
                            .iter()
                            .filter(|t| qstems.contains_key(t.stem.as_str()))
                            .map(|t| ByteRange {
                                start: t.from,
                                end: t.to,
                            })
                            .collect();
                        let weight: f32 = a
                            .stems
                            .iter()
                            .filter_map(|st| qstems.get(st.as_str()))
                            .sum();
                        (!ranges.is_empty()).then(|| {
                            (
                                weight,
                                Highlight {
                                    heading: a.heading.clone(),
                                    text: a.text.clone(),
                                    ranges,
                                },
                            )
                        })
                    })
                    .collect();
                highlights.sort_by(|a, b| b.0.total_cmp(&a.0));
                SearchHit {
                    id: o.id.clone(),
                    title: o.title.clone(),
                    score: s.raw.clamp(0.0, 1.0),
                    highlights: highlights.into_iter().map(|(_, h)| h).take(5).collect(),
                }
            })
            .collect()
    }

    /// Completes a prefix with titles and alternative titles (case and accents ignored;
    /// every word of the prefix must start a word of the title).
    pub fn suggest(&self, prefix: &str, limit: usize) -> Vec<Suggestion> {
        let key = analysis::fold(prefix.trim());
        let words = words_of(prefix);
        if words.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<(u8, usize, &Label)> = Vec::new();
        let mut seen: HashSet<(usize, &str)> = HashSet::new();
        for l in &self.labels {
            if !matches!(l.kind, EvidenceKind::Title | EvidenceKind::AltTitle) {
                continue;
            }
            let folded = analysis::fold(&l.text);
            let lwords = words_of(&l.text);
            let rank = if folded.starts_with(&key) {
                0
            } else if words
                .iter()
                .all(|w| lwords.iter().any(|lw| lw.starts_with(w.as_str())))
            {
                1
            } else {
                continue;
            };
            if seen.insert((l.occ, l.text.as_str())) {
                found.push((rank, l.text.chars().count(), l));
            }
        }
        found.sort_by_key(|(rank, len, l)| (*rank, l.kind != EvidenceKind::Title, *len));
        found
            .into_iter()
            .take(limit)
            .map(|(_, _, l)| Suggestion {
                id: self.occs[l.occ].id.clone(),
                title: self.occs[l.occ].title.clone(),
                label: l.text.clone(),
            })
            .collect()
    }

    /// Which occupations a job title, a job ad or a CV is, best first.
    pub fn match_text(&self, text: &str, top: usize) -> MatchResult {
        self.match_text_with(text, top, &[])
    }

    /// Same as [`Engine::match_text`], with an organisation's learned titles acting as extra
    /// alternative titles of their occupations.
    pub fn match_text_with(&self, text: &str, top: usize, learned: &[LearnedTitle]) -> MatchResult {
        self.match_mode(text, top, learned, Mode::Auto)
    }

    /// Same as [`Engine::match_text_with`], with the reading mode chosen by the caller.
    pub fn match_mode(
        &self,
        text: &str,
        top: usize,
        learned: &[LearnedTitle],
        mode: Mode,
    ) -> MatchResult {
        let q = self.analyse(text, mode);
        let extra = self.learned_labels(learned);
        let scored = self.score(&q, &extra);
        let first = scored.first().map_or(0.0, |s| s.raw);
        let second = scored.get(1).map_or(0.0, |s| s.raw);
        let (min_score, min_margin) = if q.long {
            (tune::CONFIDENT_SCORE_LONG, tune::CONFIDENT_MARGIN_LONG)
        } else {
            (tune::CONFIDENT_SCORE, tune::CONFIDENT_MARGIN)
        };
        // A title is matched surely only when the label that matched explains it.
        let explains = q.long
            || scored
                .first()
                .and_then(|s| s.label.as_ref())
                .is_some_and(|h| h.explained >= tune::CONFIDENT_EXPLAINED && !h.weak);
        let confident =
            !q.outside && explains && first >= min_score && first - second >= min_margin;
        let matches: Vec<Match> = scored
            .iter()
            .filter(|s| s.raw > 0.0)
            .take(top)
            .map(|s| self.to_match(s, &q, &extra))
            .collect();
        MatchResult {
            query: text.to_owned(),
            // Confidence is about the first match: none when `top` is 0.
            confident: confident && !matches.is_empty(),
            matches,
        }
    }

    /// The occupations closest to `id` by their activities and headings; `None` for an
    /// unknown id.
    pub fn similar(&self, id: &str, top: usize) -> Option<Vec<Similar>> {
        let a = self.occs.iter().position(|o| o.id.as_str() == id)?;
        let va = self.vector(a);
        let mut out: Vec<Similar> = (0..self.occs.len())
            .filter(|&b| b != a)
            .map(|b| self.compare(a, b, &va))
            .collect();
        out.sort_by(|x, y| y.score.total_cmp(&x.score));
        out.truncate(top);
        Some(out)
    }

    /// Ids and titles of the occupations, in published order.
    pub fn occupations(&self) -> impl Iterator<Item = (&OccupationId, &str)> {
        self.occs.iter().map(|o| (&o.id, o.title.as_str()))
    }

    fn analyse(&self, text: &str, mode: Mode) -> Analysed {
        let expanded = self.expander.expand(text);
        let full = expanded.as_deref().unwrap_or(text);
        let toks = analysis::analyze(&self.analyzer, full);
        let words = text.split_whitespace().count();
        let long = match mode {
            Mode::Auto => words > TITLE_MAX_WORDS,
            Mode::Title => false,
            Mode::Long => true,
        };
        let mut stems: Vec<QStem> = Vec::new();
        for (pos, t) in toks.into_iter().enumerate() {
            if let Some(s) = stems.iter_mut().find(|s| s.stem == t.stem) {
                s.tf += 1;
                continue;
            }
            let surface = full.get(t.from..t.to).unwrap_or(&t.stem).to_owned();
            let (stem, fuzzy) = match self.weight_of(&t.stem) {
                Some(_) => (t.stem.clone(), false),
                None => match self.correct(&t.stem) {
                    Some(c) => (c, true),
                    None => (t.stem.clone(), false),
                },
            };
            if let Some(s) = stems.iter_mut().find(|s| s.stem == stem) {
                s.tf += 1;
                continue;
            }
            let weight =
                self.weight_of(&stem).unwrap_or(tune::UNKNOWN) * if fuzzy { 0.7 } else { 1.0 };
            stems.push(QStem {
                original: t.stem.clone(),
                title_word: self.label_idf.contains_key(&stem),
                stem,
                surface,
                weight,
                tf: 1,
                fuzzy,
                pos,
            });
        }
        let head = stems.iter().position(|s| s.title_word);
        let folded = analysis::fold(text);
        let outside = self.outside_forms.iter().any(|f| contains_word(&folded, f))
            || (!long
                && self
                    .outside
                    .iter()
                    .any(|o| o.iter().all(|st| stems.iter().any(|s| &s.original == st))));
        let segments = if long {
            self.segments(full)
        } else {
            Vec::new()
        };
        Analysed {
            stems,
            head,
            long,
            outside,
            segments,
        }
    }

    /// Weight of a known stem as a query word; `None` when no fiche or entry knows it.
    fn weight_of(&self, stem: &str) -> Option<f32> {
        match (self.label_idf.get(stem), self.text_idf.get(stem)) {
            (Some(l), _) => Some(*l),
            (None, Some(t)) => Some(0.5 * t),
            (None, None) => None,
        }
    }

    /// The known stem one typo away from an unknown one (two for long words).
    fn correct(&self, stem: &str) -> Option<String> {
        let len = stem.chars().count();
        if len < 6 {
            return None;
        }
        let max = if len >= 10 { 2 } else { 1 };
        let first = stem.chars().next();
        let mut best: Option<(usize, &String)> = None;
        for l in len.saturating_sub(max)..=len + max {
            for cand in self.known_by_len.get(&l).into_iter().flatten() {
                if cand.chars().next() != first {
                    continue;
                }
                let d = strsim::damerau_levenshtein(stem, cand);
                if d <= max && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, cand));
                }
            }
        }
        best.map(|(_, c)| c.clone())
    }

    fn learned_labels(&self, learned: &[LearnedTitle]) -> Vec<Label> {
        learned
            .iter()
            .filter_map(|l| {
                let occ = self.occs.iter().position(|o| o.id == l.id)?;
                let stems = self.stems_of(&l.title);
                (!stems.is_empty()).then(|| {
                    let mut label = Label {
                        occ,
                        kind: EvidenceKind::LearnedTitle,
                        text: l.title.clone(),
                        stems,
                        weight: 1.0,
                        stem_weights: Vec::new(),
                        total: 0.0,
                    };
                    label.weigh(&self.label_idf);
                    label
                })
            })
            .collect()
    }

    fn stems_of(&self, text: &str) -> Vec<String> {
        let expanded = self.expander.expand(text);
        let mut out: Vec<String> = Vec::new();
        for t in analysis::analyze(&self.analyzer, expanded.as_deref().unwrap_or(text)) {
            if !out.contains(&t.stem) {
                out.push(t.stem);
            }
        }
        out
    }

    /// All occupations, best first, with their raw score in [0, 1].
    fn score(&self, q: &Analysed, extra: &[Label]) -> Vec<Scored> {
        let n = self.occs.len();
        let mut best: Vec<Option<LabelHit>> = vec![None; n];
        // Only the labels that share a stem with the query can match, in their order.
        let mut candidates: Vec<u32> = q
            .stems
            .iter()
            .filter_map(|s| self.label_index.get(&s.stem))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let known = candidates
            .into_iter()
            .map(|i| i as usize)
            .filter_map(|i| self.labels.get(i).map(|l| (i, l)));
        let learned = extra
            .iter()
            .enumerate()
            .map(|(j, l)| (self.labels.len() + j, l));
        for (li, l) in known.chain(learned) {
            if let Some(hit) = self.label_hit(li, l, q) {
                let slot = &mut best[l.occ];
                if slot.as_ref().is_none_or(|b| hit.score > b.score) {
                    *slot = Some(hit);
                }
            }
        }
        let bm = self.bm25(q);
        let top_bm = bm.iter().copied().fold(0.0_f32, f32::max);
        let align = if q.long { self.align(q) } else { vec![0.0; n] };
        let top_align = align.iter().copied().fold(0.0_f32, f32::max);
        let mut out: Vec<Scored> = (0..n)
            .map(|i| {
                let lab = best[i].as_ref().map_or(0.0, |h| h.score);
                let text = if top_bm > 0.0 { bm[i] / top_bm } else { 0.0 };
                let raw = if q.long {
                    let al = if top_align > 0.0 {
                        align[i] / top_align
                    } else {
                        0.0
                    };
                    tune::LONG_LABEL * lab
                        + tune::LONG_TEXT * text * self.text_evidence(q, i)
                        + tune::LONG_ALIGN * al * (top_align / tune::ALIGN_FULL).min(1.0)
                } else {
                    tune::TITLE_LABEL * lab + tune::TITLE_TEXT * text * lab.max(0.3)
                };
                let raw = if q.outside { raw * tune::OUTSIDE } else { raw };
                Scored {
                    occ: i,
                    raw: raw.clamp(0.0, 1.0),
                    label: best[i].take(),
                }
            })
            .collect();
        out.sort_by(|a, b| b.raw.total_cmp(&a.raw).then(a.occ.cmp(&b.occ)));
        out
    }

    /// Splits a long text into sentences and bullets, as sorted stem ids.
    fn segments(&self, text: &str) -> Vec<Vec<u32>> {
        text.split(['.', ';', '•', '*', '\n', '!', '?', ':', '·', '|'])
            .flat_map(|s| s.split(" - "))
            .filter_map(|seg| {
                let mut ids: Vec<u32> = analysis::analyze(&self.analyzer, seg)
                    .iter()
                    .filter_map(|t| self.stem_ids.get(&t.stem).copied())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                (ids.len() >= 2).then_some(ids)
            })
            .collect()
    }

    /// For each occupation, the mean over the text's segments of the best cosine between
    /// the segment and one of its activities (idf-weighted sets of stems).
    fn align(&self, q: &Analysed) -> Vec<f32> {
        let mut out = vec![0.0; self.occs.len()];
        if q.segments.is_empty() {
            return out;
        }
        for seg in &q.segments {
            let seg_norm = seg
                .iter()
                .map(|&i| self.idf_by_id[i as usize].powi(2))
                .sum::<f32>()
                .sqrt();
            if seg_norm <= 0.0 {
                continue;
            }
            for (o, acts) in self.act_ids.iter().enumerate() {
                let mut best = 0.0_f32;
                for (ids, norm) in acts {
                    if *norm <= 0.0 {
                        continue;
                    }
                    let shared = shared_weight(seg, ids, &self.idf_by_id);
                    best = best.max(shared / (seg_norm * norm));
                }
                out[o] += best;
            }
        }
        let n = q.segments.len() as f32;
        out.iter_mut().for_each(|x| *x /= n);
        out
    }

    /// How much of a long text the fiche explains, in [0, 1].
    fn text_evidence(&self, q: &Analysed, occ: usize) -> f32 {
        let tf = &self.occs[occ].tf;
        let (mut hit, mut total) = (0.0, 0.0);
        for s in &q.stems {
            let w = self.text_idf.get(&s.stem).copied().unwrap_or(0.0);
            total += w;
            if tf.contains_key(&s.stem) {
                hit += w;
            }
        }
        if total > 0.0 {
            (hit / total).sqrt()
        } else {
            0.0
        }
    }

    fn label_hit(&self, li: usize, l: &Label, q: &Analysed) -> Option<LabelHit> {
        let mut matched = Vec::new();
        let mut matched_head = false;
        let (mut lab_hit, lab_total) = (0.0_f32, l.total);
        for (k, (s, &w)) in l.stems.iter().zip(&l.stem_weights).enumerate() {
            if let Some(qi) = q.stems.iter().position(|x| &x.stem == s) {
                lab_hit += w * if q.stems[qi].fuzzy { 0.8 } else { 1.0 };
                matched.push(qi);
                matched_head |= k == 0;
            }
        }
        if matched.is_empty() || lab_total <= 0.0 {
            return None;
        }
        let lab_cov = lab_hit / lab_total;
        let mut explained = 1.0;
        let mut weak = false;
        let score = if q.long {
            // In a long text only a complete mention of a title counts, and not a lone
            // abbreviation or term of the vocabulary (ads name bosses and colleagues:
            // « en lien avec le DSI »).
            let lone = l.kind == EvidenceKind::Vocabulary && l.stems.len() < 2;
            if lab_cov < 0.99 || lone {
                return None;
            }
            (lab_total / 6.0).min(1.0)
        } else {
            let (mut q_hit, mut q_total) = (0.0_f32, 0.0_f32);
            for (qi, s) in q.stems.iter().enumerate() {
                let w = s.weight * if Some(qi) == q.head { tune::HEAD } else { 1.0 };
                q_total += w;
                if matched.contains(&qi) {
                    q_hit += w;
                }
            }
            let q_cov = if q_total > 0.0 { q_hit / q_total } else { 0.0 };
            let (mut t_hit, mut t_total) = (0.0_f32, 0.0_f32);
            for (qi, s) in q.stems.iter().enumerate() {
                if !s.title_word {
                    continue;
                }
                t_total += s.weight;
                if matched.contains(&qi) {
                    t_hit += s.weight;
                }
            }
            explained = if t_total > 0.0 { t_hit / t_total } else { 0.0 };
            let head_bonus = if q
                .head
                .is_some_and(|h| l.stems.first() == Some(&q.stems[h].stem))
            {
                1.0
            } else {
                0.85
            };
            // Only the head of a longer label (« Opérateur » of « Opérateur d’exploitation »)
            // is weak evidence: heads are the generic words of titles.
            let head_only = l.stems.len() > 1 && matched.len() == 1 && matched_head;
            let head_only = if head_only { tune::HEAD_ONLY } else { 1.0 };
            // The words of a label should stand together in the query, not scattered.
            let (lo, hi) = matched.iter().fold((usize::MAX, 0), |(lo, hi), &i| {
                (lo.min(q.stems[i].pos), hi.max(q.stems[i].pos))
            });
            let scattered = matched.len() > 1 && hi - lo > matched.len();
            weak = head_only < 1.0 || scattered;
            let head_only = head_only * if scattered { tune::SCATTERED } else { 1.0 };
            lab_cov * (0.3 + 0.7 * q_cov) * head_bonus * head_only
        };
        Some(LabelHit {
            label: li,
            score: score * l.weight,
            matched,
            explained,
            weak,
        })
    }

    /// BM25 of the query over the fields of each occupation (0 where nothing matched): the
    /// sum of one clause per stem and field, plus a typo clause for long unknown words
    /// (see [`Bm25Table`]).
    fn bm25(&self, q: &Analysed) -> Vec<f32> {
        let mut scores = vec![0.0; self.occs.len()];
        for s in &q.stems {
            let reading = Reading {
                long: q.long,
                fuzzy: s.fuzzy,
            };
            self.bm25.add(&s.stem, reading, &mut scores);
            // Typo tolerance on long words that the engine does not know.
            if !s.fuzzy && s.stem.chars().count() >= 7 && self.weight_of(&s.stem).is_none() {
                self.bm25.add_typo(&s.stem, &mut scores);
            }
        }
        scores
    }

    fn to_match(&self, s: &Scored, q: &Analysed, extra: &[Label]) -> Match {
        let o = &self.occs[s.occ];
        let mut evidence = Vec::new();
        if let Some(hit) = &s.label {
            let label = self
                .labels
                .get(hit.label)
                .or_else(|| extra.get(hit.label - self.labels.len()));
            if let Some(l) = label {
                evidence.push(Evidence {
                    kind: l.kind,
                    text: l.text.clone(),
                    heading: None,
                    terms: hit
                        .matched
                        .iter()
                        .map(|&i| q.stems[i].surface.clone())
                        .collect(),
                });
            }
        }
        let qmap: HashMap<&str, usize> = q
            .stems
            .iter()
            .enumerate()
            .map(|(i, s)| (s.stem.as_str(), i))
            .collect();
        for (h, _, hs) in &o.headings {
            let terms: Vec<String> = hs
                .iter()
                .filter_map(|st| qmap.get(st.as_str()).map(|&i| q.stems[i].surface.clone()))
                .collect();
            if !terms.is_empty() && terms.len() * 2 >= hs.len() {
                evidence.push(Evidence {
                    kind: EvidenceKind::Heading,
                    text: h.clone(),
                    heading: None,
                    terms,
                });
            }
        }
        let mut acts: Vec<(f32, &Act, Vec<usize>)> = o
            .activities
            .iter()
            .filter_map(|a| {
                let hits: Vec<usize> = a
                    .stems
                    .iter()
                    .filter_map(|st| qmap.get(st.as_str()).copied())
                    .collect();
                let w: f32 = hits
                    .iter()
                    .map(|&i| self.text_idf.get(&q.stems[i].stem).copied().unwrap_or(0.0))
                    .sum();
                (w >= 2.0).then_some((w, a, hits))
            })
            .collect();
        acts.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, a, hits) in acts.into_iter().take(3) {
            evidence.push(Evidence {
                kind: EvidenceKind::Activity,
                text: a.text.clone(),
                heading: a.heading.clone(),
                terms: hits.iter().map(|&i| q.stems[i].surface.clone()).collect(),
            });
        }
        if evidence.is_empty() {
            let terms: Vec<String> = q
                .stems
                .iter()
                .filter(|st| o.tf.contains_key(&st.stem))
                .map(|st| st.surface.clone())
                .collect();
            if !terms.is_empty() {
                evidence.push(Evidence {
                    kind: EvidenceKind::Term,
                    text: terms.join(", "),
                    heading: None,
                    terms,
                });
            }
        }
        Match {
            id: o.id.clone(),
            title: o.title.clone(),
            score: (s.raw * 1000.0).round() / 1000.0,
            evidence,
        }
    }

    /// tf-idf vector of an occupation's text.
    fn vector(&self, occ: usize) -> HashMap<&str, f32> {
        self.occs[occ]
            .tf
            .iter()
            .map(|(s, &c)| {
                let idf = self.text_idf.get(s).copied().unwrap_or(0.0);
                (s.as_str(), (1.0 + (c as f32).ln()) * idf)
            })
            .collect()
    }

    fn compare(&self, a: usize, b: usize, va: &HashMap<&str, f32>) -> Similar {
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
            .filter(|(_, kb, _)| oa.headings.iter().any(|(_, ka, _)| ka == kb))
            .map(|(h, _, _)| h.clone())
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

/// Variants of a compound title: `Administrateur d’outils / de systèmes / de réseaux` gives
/// the whole title, `Administrateur d’outils`, `Administrateur de systèmes`…; the part after
/// a dash (`– RSSI`) stands alone too.
fn title_variants(title: &str) -> Vec<String> {
    let mut out = vec![title.to_owned()];
    let (main, tail) = match title.split_once(" – ") {
        Some((m, t)) => (m, Some(t)),
        None => (title, None),
    };
    if let Some(t) = tail {
        out.push(main.trim().to_owned());
        out.push(t.trim().to_owned());
    }
    let parts: Vec<&str> = main
        .split(['/', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty() && *p != "…")
        .collect();
    if parts.len() > 1 {
        let head = parts[0].split_whitespace().next().unwrap_or("");
        out.push(parts[0].to_owned());
        for p in &parts[1..] {
            let starts_with_head = p
                .split_whitespace()
                .next()
                .is_some_and(|w| analysis::fold(w) == analysis::fold(head));
            out.push(if starts_with_head {
                (*p).to_owned()
            } else {
                format!("{head} {p}")
            });
        }
    }
    out.dedup();
    out
}

fn push_label(
    labels: &mut Vec<Label>,
    occ: usize,
    kind: EvidenceKind,
    text: &str,
    weight: f32,
    stems_of: &dyn Fn(&str) -> Vec<String>,
) {
    let stems = stems_of(text);
    if stems.is_empty() || labels.iter().any(|l| l.occ == occ && l.stems == stems) {
        return;
    }
    labels.push(Label {
        occ,
        kind,
        text: text.to_owned(),
        stems,
        weight,
        stem_weights: Vec::new(),
        total: 0.0,
    });
}

/// Sum of the squared idf of the ids two sorted lists share.
fn shared_weight(a: &[u32], b: &[u32], idf: &[f32]) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += idf[a[i] as usize].powi(2);
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Whether `word` occurs in `text` between non-alphanumeric characters (both folded).
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn words_of(text: &str) -> Vec<String> {
    analysis::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn heading_key(h: &str) -> String {
    words_of(h).join(" ")
}

// The engine is shared between threads (web server, parallel batch matching).
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
};
