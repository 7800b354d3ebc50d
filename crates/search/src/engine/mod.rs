//! The engine: an edition read once into labels, weights of words and a BM25 table, then
//! queried, immutable, from any thread.
//!
//! This file holds the [`Engine`] type, its public API and [`tune`], every weight of the
//! scoring in one documented place. The work is done, by the question it answers, in:
//! - `build`: how is the engine built from an edition and the vocabulary? (five phases);
//! - `labels`: what names an occupation? (titles and their variants, alternative titles,
//!   vocabulary, learned titles; completion of titles);
//! - `query`: how is a query read? (stems, typos, head word, segments of a long text);
//! - `scoring`: how well does each occupation fit a query, how sure is the first, and why?
//! - `similar`: which occupations are close to one, and why?

mod build;
mod labels;
mod query;
mod scoring;
mod similar;

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};

use metiers_referentiel::{OccupationId, Referentiel};

use crate::analysis::{Expander, Tok};
use crate::bm25::Bm25Table;
use crate::calibration::{Calibration, TextKind};
use crate::reading::TitleFrom;
use crate::vocabulary::Vocabulary;
use crate::{Match, MatchResult, SearchError, SearchHit, Similar, Suggestion};
use build::OtherTrades;
use labels::Label;
pub use labels::Learned;

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

impl Mode {
    /// Whether `text` is read as a long text in this mode.
    pub fn reads_long(self, text: &str) -> bool {
        match self {
            Mode::Auto => text.split_whitespace().count() > TITLE_MAX_WORDS,
            Mode::Title => false,
            Mode::Long => true,
        }
    }
}

/// The search engine over one edition. Immutable after [`Engine::build`]; `Send + Sync`.
pub struct Engine {
    occs: Vec<Occ>,
    labels: Vec<Label>,
    outside: Vec<Vec<String>>,
    /// Stems of the words naming a unit of an organisation (vocabulary `[[unit]]`).
    units: Vec<String>,
    /// Stems of the units that one occupation heads (`headed_by`: a service, a bureau, a
    /// pôle… of an IT department, not a domain): they stand for each other in a label that
    /// names the head of such a unit of a field, as [`Engine::unit_stands_for`] says.
    alike_units: Vec<String>,
    /// The labels that name the head of a unit of a field (« chef du service réseaux »), by
    /// the unit's stem: those a title's other unit may stand in.
    field_heads: Vec<(String, Vec<u32>)>,
    /// Per label: which of its words a title naming the head of a unit may write otherwise
    /// ([`Engine::stands_for`]).
    stand_ins: Vec<StandIn>,
    /// Stems of the head words that, followed by a unit, name its head (`chef`).
    unit_heads: Vec<String>,
    /// Stems of the head words of the units one occupation heads (`headed_by`'s `heads`:
    /// chef, cheffe, responsable), which stand for each other.
    alike_heads: Vec<String>,
    /// Stems that the appellations of other trades write more than the labels do
    /// ([`Engine::of_another_trade`]).
    other_trade_words: FxHashSet<String>,
    /// The appellations of other trades, each as the set of its stems
    /// (`build::OtherTrades::key`): a title that is one of them word for word is of another
    /// trade ([`Engine::of_another_trade`]).
    other_trade_titles: FxHashSet<String>,
    /// Stems of the head words of a deputy (`adjoint`).
    deputies: Vec<String>,
    /// Per occupation: whether it manages a unit (its title begins with a manager's word);
    /// read through [`Engine::manages`].
    manages: Vec<bool>,
    /// Per occupation: whether it heads units of a department's rank (its title begins with
    /// a manager's word of `headed_by`, « Responsable »; a « Directeur » heads a directorate).
    unit_rank: Vec<bool>,
    /// The one-word names of managing occupations (« DSI »).
    manager_names: Vec<query::ManagerName>,
    /// Stems of the words after which a long text names someone else than the post
    /// ([`crate::reading::RELATION`]), sorted.
    relation_cues: Vec<String>,
    /// The analysis chain, with the stems of the words of the edition and the labels.
    words: crate::analysis::Words,
    expander: Expander,
    /// Stem → weight as a word of titles (rarer among the occupations' titles: heavier).
    label_idf: FxHashMap<String, f32>,
    /// Stem → the labels holding it and its position in each, in ascending order.
    label_index: FxHashMap<String, Vec<(u32, u16)>>,
    /// Stem → inverse document frequency over the occupations' whole text.
    text_idf: FxHashMap<String, f32>,
    /// Every stem the engine knows, by length (each list sorted), for typo correction.
    known_by_len: FxHashMap<usize, Vec<String>>,
    /// BM25 of every stem of the index, per field and occupation.
    bm25: Bm25Table,
    /// Stem → id, for the alignment of long texts with activities.
    stem_ids: FxHashMap<String, u32>,
    /// Per occupation, per activity: sorted stem ids and their idf norm.
    act_ids: Vec<Vec<(Vec<u32>, f32)>>,
    /// Per occupation, per activity: the stem ids in the order of its words.
    act_seq: Vec<Vec<Vec<u32>>>,
    /// Stem id → the activities holding it, numbered in the order of `act_ids` flattened.
    act_postings: Vec<Vec<u32>>,
    /// Idf by stem id.
    idf_by_id: Vec<f32>,
    /// Stem → id, for the words of the headings (their evidence is read by id).
    heading_words: FxHashMap<String, u32>,
    /// Folded forms that mark an occupation outside the référentiel (`serveuse`).
    outside_forms: query::OutsideForms,
    /// When a first match is confident.
    calibration: Calibration,
    /// Typo corrections of the unknown stems met in queries (a function of the stem and the
    /// engine), up to [`Engine::CORRECTIONS_MAX`]: a word that no fiche uses is compared with
    /// the known stems once, not in every text that holds it.
    corrections: crate::memo::Memo<Option<String>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("occupations", &self.occs.len())
            .field("labels", &self.labels.len())
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct Occ {
    id: OccupationId,
    title: String,
    max_level: Option<u8>,
    headings: Vec<Heading>,
    activities: Vec<Act>,
    /// Stem → count over headings, summary and activities.
    tf: FxHashMap<String, u32>,
}

/// Which words of a label a title naming the head of a unit may write otherwise, decided
/// once per label from its shape when the engine is built; whether the title does is
/// [`Engine::stands_for`]'s question.
#[derive(Debug, Clone, Copy, Default)]
struct StandIn {
    /// Its second word, a unit of an IT department (`alike_units`), after a unit head and
    /// before the field: « chef du *service* réseaux » is also the head of the title's
    /// « cellule réseaux » ([`Engine::unit_stands_for`]).
    unit: bool,
    /// Its first word, a head word of the units that its occupation heads (`alike_heads`),
    /// with more words after it: « *responsable* de production » is also the title's « Chef »
    /// of the production service ([`Engine::head_stands_for`]).
    head: bool,
    /// It names the head of a unit (a unit head, then a unit: « responsable du *service*
    /// informatique »): the title must write that unit, not an expansion bring it.
    heads_unit: bool,
}

/// A heading of a fiche.
#[derive(Debug)]
struct Heading {
    /// As published.
    text: String,
    /// Folded, to compare headings across fiches.
    key: String,
    /// Its stems, in order, as ids of [`Engine::heading_words`].
    words: Vec<u32>,
}

#[derive(Debug)]
struct Act {
    heading: Option<String>,
    text: String,
    toks: Vec<Tok>,
    stems: Vec<String>,
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
    /// Weight as a word of titles (`ln(1 + n / df)`) at or below which a stem is a generic
    /// word of the field: one that the labels of at least half of the occupations hold.
    pub const GENERIC: f32 = 1.0986123; // ln(3)
    /// Words a long text may hold between those of a label it mentions, beyond one (« chef
    /// de projet informatique technique »).
    pub const MENTION_SLACK: u32 = 1;
    /// Words of the title that a relation cue introduces in a long text (« auprès du *chef
    /// de projet maîtrise d’ouvrage* »), up to a comma at most: a label in them is someone
    /// else's.
    pub const RELATED_SPAN: u32 = 4;
    /// Weight of a query word that no fiche and no vocabulary entry knows.
    pub const UNKNOWN: f32 = 0.35;
    /// Share of a title's words the best label must explain for a sure answer.
    pub const CONFIDENT_EXPLAINED: f32 = 0.34;
    /// Share of the labels, among the labels and the appellations of other trades that write
    /// a word, under which the word is one of other trades (« routier », « gisement »,
    /// « comptabilité »; not « réseau », « logiciel »). Little depends on it: from 0.1 to 0.5,
    /// dev and pep-dev answer alike and the other trades' sure titles go from 460 to 442
    /// (docs/PERFORMANCE.md, « Le chef de projet d’un autre métier »), the fiches' words being
    /// never other trades' whatever the share.
    pub const OTHER_TRADE_SHARE: f32 = 0.3;
    /// Share of an ad's title line in its score (the rest: its sentences about the job).
    pub const AD_TITLE: f32 = 0.5;
    /// Idf-weighted shared stems from which a sentence counts as deciding for an occupation.
    pub const SENTENCE_MIN: f32 = 4.0;
}

impl Engine {
    /// Builds the engine with the embedded vocabulary and the embedded repertories (ROME
    /// appellations and ESCO labels reached through the crosswalk).
    pub fn build(referentiel: &Referentiel) -> Result<Engine, SearchError> {
        let vocabulary = Vocabulary::embedded()?;
        // The repertories are read (decompressed, parsed) while the engine without them is
        // built: start-up takes the longer of the two, not their sum.
        let (knowledge, base) = std::thread::scope(|s| {
            let knowledge = s.spawn(metiers_knowledge::Knowledge::shared);
            let base = Self::build_from(referentiel, &vocabulary, &[], OtherTrades::default, None);
            let knowledge = knowledge
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (knowledge, base)
        });
        Self::with_repertories(base?, referentiel, &vocabulary, &*knowledge?)
    }

    /// Builds the engine with a given vocabulary and, when given, the repertories' labels.
    pub fn build_with(
        referentiel: &Referentiel,
        vocabulary: &Vocabulary,
        knowledge: Option<&metiers_knowledge::Knowledge>,
    ) -> Result<Engine, SearchError> {
        let base = Self::build_from(referentiel, vocabulary, &[], OtherTrades::default, None)?;
        match knowledge {
            None => Ok(base),
            Some(k) => Self::with_repertories(base, referentiel, vocabulary, k),
        }
    }

    /// The engine `base` (built without repertories) given the labels that the repertories
    /// give the occupations, which `base` places ([`crate::repertories`]), and the
    /// appellations of other trades. What the labels do not change is `base`'s
    /// ([`build::Reuse`]): the analysed words, the BM25 table.
    fn with_repertories(
        base: Engine,
        referentiel: &Referentiel,
        vocabulary: &Vocabulary,
        k: &metiers_knowledge::Knowledge,
    ) -> Result<Engine, SearchError> {
        // The ~12,500 appellations of other trades are analysed on a second thread while
        // the repertories' labels are placed and the engine's first phases run: analysed
        // after them, they took a third of the CLI's start-up.
        let (analyzer, expander) = base.chain_copy();
        std::thread::scope(|s| {
            let others = s.spawn(move || {
                OtherTrades::analyse(analyzer, &expander, &crate::repertories::other_trades(k))
            });
            let extra = crate::repertories::labels(&base, k);
            Self::build_from(
                referentiel,
                vocabulary,
                &extra,
                || {
                    others
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                },
                Some(base.into_reuse()),
            )
        })
    }

    /// The thresholds of « confident » in use.
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// The same engine with other thresholds of « confident » (see [`crate::calibration`]).
    pub fn with_calibration(mut self, calibration: Calibration) -> Engine {
        self.calibration = calibration;
        self
    }

    /// Every occupation's score for a text read as a title (id → score in [0, 1]), and the
    /// occupation it names surely by `sure`, if any.
    pub(crate) fn scores_of(
        &self,
        text: &str,
        sure: &crate::calibration::Threshold,
    ) -> (HashMap<&str, f32>, Option<&str>) {
        let q = self.analyse(text, Mode::Title);
        let scored = self.score(&q, &Learned::default());
        let certainty = scoring::certainty(TextKind::Title, self.eligible(&q, &scored), &scored);
        let sure = Calibration {
            title: *sure,
            ..Calibration::FITTED
        }
        .confident(&certainty)
        .then(|| scored.first().map(|s| self.occs[s.occ()].id.as_str()))
        .flatten();
        let scores = scored
            .iter()
            .map(|s| (self.occs[s.occ()].id.as_str(), s.raw))
            .collect();
        (scores, sure)
    }

    /// Ranked occupations for a query, with the matching activities highlighted. Only
    /// occupations that share something with the query are returned.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let q = self.analyse(query, Mode::Auto);
        let scored = self.score(&q, &Learned::default());
        let qstems: FxHashMap<&str, f32> = q
            .stems
            .iter()
            .map(|s| (s.stem.as_str(), s.weight))
            .collect();
        scored
            .iter()
            .filter(|s| s.raw > 0.0)
            .take(limit)
            .map(|s| self.search_hit(s, &qstems))
            .collect()
    }

    /// Completes a prefix with titles and alternative titles (case and accents ignored;
    /// every word of the prefix must start a word of the title).
    pub fn suggest(&self, prefix: &str, limit: usize) -> Vec<Suggestion> {
        self.suggestions(prefix, limit)
    }

    /// Which occupations a job title, a job ad or a CV is, best first.
    pub fn match_text(&self, text: &str, top: usize) -> MatchResult {
        self.match_learned(text, top, &Learned::default())
    }

    /// Same as [`Engine::match_text`], with an organisation's learned titles (read once by
    /// [`Engine::learned`] for all its texts) acting as extra alternative titles of their
    /// occupations.
    pub fn match_learned(&self, text: &str, top: usize, learned: &Learned) -> MatchResult {
        self.match_mode(text, top, learned, Mode::Auto)
    }

    /// Same as [`Engine::match_learned`], with the reading mode chosen by the caller.
    pub fn match_mode(&self, text: &str, top: usize, learned: &Learned, mode: Mode) -> MatchResult {
        // A title that a person of the organisation decided (a learned title of the same
        // normalised form, however long) is matched as decided, confidently: the lesson is a
        // human decision on this very title, which the labels of the fiches must not
        // outweigh. A text the caller reads as long (an ad, a CV) is not a title: its
        // learned titles only help it.
        let decided = if mode == Mode::Long {
            None
        } else {
            learned.decided(text)
        };
        if decided.is_none() && mode.reads_long(text) {
            return self.match_long(text, top, learned);
        }
        let q = self.analyse(text, Mode::Title);
        let mut scored = self.score(&q, learned);
        let decided = decided.is_some_and(|li| self.decided_first(&mut scored, learned, li));
        let certainty = scoring::certainty(
            TextKind::Title,
            decided || self.eligible(&q, &scored),
            &scored,
        );
        let qe = std::cell::OnceCell::new();
        let matches: Vec<Match> = scored
            .iter()
            .filter(|s| s.raw > 0.0)
            .take(top)
            .map(|s| {
                let qe = qe.get_or_init(|| scoring::QueryEvidence::of(self, &q));
                self.to_match(s, &q, qe, learned)
            })
            .collect();
        // Both are about the first match: none when `top` is 0.
        let decided = decided && !matches.is_empty();
        MatchResult {
            query: text.to_owned(),
            confident: (decided || self.calibration.confident(&certainty)) && !matches.is_empty(),
            matches,
            title_line: None,
            set_aside: Vec::new(),
            certainty,
            decided,
        }
    }

    /// A long text: read (title line, sentences about the job, the rest set aside), its
    /// body matched as a long text and its title line as a title, the two combined.
    fn match_long(&self, text: &str, top: usize, extra: &Learned) -> MatchResult {
        let reading = crate::reading::read(text);
        let body_text = if reading.kept.is_empty() {
            text.to_owned()
        } else {
            reading.kept.join("\n")
        };
        let body = self.analyse(&body_text, Mode::Long);
        let body_scored = self.score(&body, extra);
        let title = reading
            .title
            .as_ref()
            .map(|t| (self.analyse(&t.text, Mode::Title), t.from));
        let mut title_labels = Vec::new();
        let (scored, kind, eligible) = match &title {
            Some((tq, from)) => {
                let title_scored = self.score(tq, extra);
                let title_eligible = self.eligible(tq, &title_scored);
                let title_first = title_scored.first().map(|s| s.occ());
                let body_first = body_scored.first().map(|s| s.occ());
                let (combined, labels) = self.combine(body_scored, title_scored);
                title_labels = labels;
                let first = combined.first().map(|s| s.occ());
                // An ad can be sure when its title line names the first occupation, and
                // either names it surely or its body agrees.
                let eligible = first.is_some()
                    && title_first == first
                    && (title_eligible || body_first == first)
                    && !tq.outside;
                // A title that a sentence gives the post (« En tant qu’ingénieur data, … »)
                // orders the occupations as a title line does, but the text is still a long
                // text without a title line, calibrated as such.
                let kind = match from {
                    TitleFrom::Sentence => TextKind::Long,
                    TitleFrom::Line => TextKind::Ad,
                };
                (combined, kind, eligible)
            }
            None => {
                let eligible = self.eligible(&body, &body_scored);
                (body_scored, TextKind::Long, eligible)
            }
        };
        let certainty = scoring::certainty(kind, eligible && !body.outside, &scored);
        // The sentences' stems and the body's words, read once for all the matches shown.
        let sentence_ids = std::cell::OnceCell::new();
        let body_evidence = std::cell::OnceCell::new();
        let matches: Vec<Match> = scored
            .iter()
            .filter(|s| s.raw > 0.0)
            .take(top)
            .map(|s| {
                let qe = body_evidence.get_or_init(|| scoring::QueryEvidence::of(self, &body));
                let mut m = self.to_match(s, &body, qe, extra);
                // The label that the title line names comes first.
                let title_evidence = title
                    .as_ref()
                    .map(|(tq, _)| tq)
                    .zip(title_labels.get(s.occ()))
                    .and_then(|(tq, hit)| self.label_evidence(hit.as_ref()?, tq, extra));
                if let Some(e) = title_evidence {
                    m.evidence.retain(|x| x.text != e.text);
                    m.evidence.insert(0, e);
                }
                let ids = sentence_ids.get_or_init(|| Self::sentence_ids(&body, &reading.kept));
                m.sentences = self.deciding_sentences(s.occ(), &reading.kept, ids);
                m
            })
            .collect();
        MatchResult {
            query: text.to_owned(),
            confident: self.calibration.confident(&certainty) && !matches.is_empty(),
            matches,
            title_line: reading.title.map(|t| t.text),
            set_aside: reading.set_aside,
            certainty,
            decided: false,
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
}

// The engine is shared between threads (web server, parallel batch matching).
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
};
