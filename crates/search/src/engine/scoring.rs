//! Scoring: every occupation against an analysed query (labels, BM25 of the whole text and,
//! for long texts, the alignment of its sentences with activities), the confidence of the
//! first match, and the evidence shown with each result.

use rustc_hash::FxHashMap;

use super::build::OtherTrades;
use super::labels::{Label, Learned};
use super::query::{Analysed, QStem};
use super::{Act, Engine, StandIn, tune};
use crate::bm25::Reading;
use crate::calibration::{Certainty, TextKind};
use crate::{ByteRange, Evidence, EvidenceKind, Highlight, Match, SearchHit};

/// The best label of an occupation for a query.
#[derive(Debug, Clone)]
pub(super) struct LabelHit {
    label: usize,
    score: f32,
    /// Share of the query's title words (words known from some label) that this label
    /// explains: below 1, another occupation may be named too.
    explained: f32,
    /// Only the head of a longer label matched, or its words were scattered.
    weak: bool,
    /// Its words were scattered (one weakness of `weak`).
    scattered: bool,
    /// Every word of the label is in the query: a partial hit is never sure on its own.
    complete: bool,
    /// Titles: the query stems (the first 64, one bit each) that the label holds, and the
    /// first and last positions of its words as the title writes them (equal when they are
    /// fewer than two): the words between that it does not hold, it reads across.
    matched: u64,
    span: (u16, u16),
}

impl LabelHit {
    /// Whether the label holds query stem `qi` (one of the query's first 64).
    fn holds(&self, qi: usize) -> bool {
        qi < 64 && self.matched & (1 << qi) != 0
    }

    /// The query stems (the first 64) that the label reads across: between its words as the
    /// title writes them, not its own, nor the unit that a head of a unit names
    /// (`skips_unit` weighs that case).
    fn across(&self, q: &Analysed) -> u64 {
        let (lo, hi) = (usize::from(self.span.0), usize::from(self.span.1));
        let mut across = 0;
        if hi > lo + 1 {
            for (qi, s) in q.stems.iter().enumerate().take(64) {
                if s.pos > lo && s.pos < hi && !self.holds(qi) && Some(qi) != q.unit {
                    across |= 1 << qi;
                }
            }
        }
        across
    }
}

/// The weight of the stems of label `l`'s terms that title `q` does not hold but whose
/// meaning it writes out whole (see [`Label::terms`]), and of those that are not generic
/// words of the field; `found` as in [`Engine::label_hit`]. What the title's own terms mean,
/// appended to it, writes nothing.
fn spelled_weight(l: &Label, q: &Analysed, found: &[(usize, usize)]) -> (f32, f32) {
    // The label's stems matched (its first 64, one bit each), and those matched by words
    // the title writes.
    let (mut matched, mut written) = (0_u64, 0_u64);
    for &(k, qi) in found.iter().filter(|&&(k, _)| k < 64) {
        matched |= 1 << k;
        if q.stems.get(qi).is_some_and(|s| s.pos < q.written) {
            written |= 1 << k;
        }
    }
    let spelled = l.spelled_out(written, matched) & !matched;
    let (mut hit, mut core) = (0.0, 0.0);
    if spelled == 0 {
        return (hit, core);
    }
    for (k, &w) in l.stem_weights.iter().enumerate().take(64) {
        if spelled & 1 << k != 0 {
            hit += w;
            if !l.is_generic(k) {
                core += w;
            }
        }
    }
    (hit, core)
}

/// The weights of a query's stems as words of a title, computed once per query.
struct QueryWeights {
    /// Weight of each stem (the head raised).
    weights: Vec<f32>,
    total: f32,
    /// Sum of the weights of the words known from some label.
    title_total: f32,
    /// Some stems are an expansion's, not written in the text.
    expanded: bool,
}

impl QueryWeights {
    fn of(q: &Analysed) -> QueryWeights {
        let weights: Vec<f32> = q
            .stems
            .iter()
            .enumerate()
            .map(|(qi, s)| {
                if s.aside {
                    0.0
                } else {
                    s.weight * if Some(qi) == q.head { tune::HEAD } else { 1.0 }
                }
            })
            .collect();
        let mut total = 0.0_f32;
        let mut title_total = 0.0_f32;
        let mut expanded = false;
        for (s, w) in q.stems.iter().zip(&weights) {
            total += w;
            title_total += s.title_weight();
            expanded |= s.pos >= q.written;
        }
        QueryWeights {
            weights,
            total,
            title_total,
            expanded,
        }
    }
}

/// The weights of a query's stems over the occupations' whole text, and their sum (a long
/// text's are read once, not once per occupation).
#[derive(Default)]
struct QueryIdf {
    weights: Vec<f32>,
    total: f32,
}

impl QueryIdf {
    fn of(engine: &Engine, q: &Analysed) -> QueryIdf {
        let weights: Vec<f32> = q
            .stems
            .iter()
            .map(|s| engine.text_idf.get(&s.stem).copied().unwrap_or(0.0))
            .collect();
        let mut total = 0.0;
        for w in &weights {
            total += w;
        }
        QueryIdf { weights, total }
    }
}

/// What the evidence of every match shown reads of the query, computed once per query
/// rather than for each match: its stems that are words of headings and of activities, by
/// id, and their weights.
pub(super) struct QueryEvidence {
    /// (heading word id, query stem), sorted.
    in_headings: Vec<(u32, usize)>,
    /// Activity word id → query stem.
    in_activities: FxHashMap<u32, usize>,
    /// One bit per activity word id of the query, modulo 64: most words of an activity are
    /// not the query's, and the bit says so without a lookup.
    mask: u64,
    /// The query stems' weights in the activities' text.
    idf: Vec<f32>,
}

impl QueryEvidence {
    pub(super) fn of(engine: &Engine, q: &Analysed) -> QueryEvidence {
        let mut in_headings: Vec<(u32, usize)> = q
            .stems
            .iter()
            .enumerate()
            .filter_map(|(i, s)| engine.heading_words.get(&s.stem).map(|&id| (id, i)))
            .collect();
        in_headings.sort_unstable();
        let in_activities: FxHashMap<u32, usize> = q
            .stems
            .iter()
            .enumerate()
            .filter_map(|(i, s)| engine.stem_ids.get(&s.stem).map(|&id| (id, i)))
            .collect();
        let mask = in_activities
            .keys()
            .fold(0_u64, |m, &id| m | 1 << (id % 64));
        QueryEvidence {
            in_headings,
            in_activities,
            mask,
            idf: QueryIdf::of(engine, q).weights,
        }
    }

    /// The query stem that a heading word is, if any.
    fn heading_stem(&self, id: &u32) -> Option<usize> {
        self.in_headings
            .binary_search_by_key(id, |&(h, _)| h)
            .ok()
            .map(|k| self.in_headings[k].1)
    }

    /// The query stem that an activity word is, if any.
    fn activity_stem(&self, id: &u32) -> Option<usize> {
        (self.mask & 1 << (id % 64) != 0)
            .then(|| self.in_activities.get(id).copied())
            .flatten()
    }
}

/// An occupation's score for a query.
#[derive(Debug, Clone)]
pub(super) struct Scored {
    occ: usize,
    pub(super) raw: f32,
    label: Option<LabelHit>,
    /// Titles: how much of the title the occupation's complete labels other than `label`
    /// explain at most, of those that are not weak and read across no word of the title (a
    /// label that scores less may name the title more fully: a rival of another
    /// occupation's sure match, [`Engine::eligible`]).
    fullest: Option<f32>,
}

impl Scored {
    /// The index of the occupation.
    pub(super) fn occ(&self) -> usize {
        self.occ
    }

    /// Whether a complete label of the occupation, not weak, explains at least `share` of
    /// the title: its best label, or one that scores less (`fullest`).
    fn names_whole(&self, share: f32) -> bool {
        self.label
            .as_ref()
            .is_some_and(|o| o.complete && !o.weak && o.explained >= share)
            || self.fullest.is_some_and(|e| e >= share)
    }
}

/// How sure the first of `scored` is, before the calibrated thresholds.
pub(super) fn certainty(kind: TextKind, eligible: bool, scored: &[Scored]) -> Certainty {
    Certainty {
        kind,
        eligible,
        first: scored.first().map_or(0.0, |s| s.raw),
        second: scored.get(1).map_or(0.0, |s| s.raw),
    }
}

/// The words of a title (of its first 64 stems, those a hit records) that hit `h`'s label
/// does not read: written in the title (not brought by an expansion), not set aside, and not
/// the unit that the title's head leads. What they say, the label does not.
fn unread<'q>(h: &LabelHit, q: &'q Analysed) -> impl Iterator<Item = (usize, &'q QStem)> {
    q.stems
        .iter()
        .enumerate()
        .filter(move |&(qi, s)| !s.aside && s.pos < q.written && !h.holds(qi) && Some(qi) != q.unit)
}

impl Engine {
    /// Whether the first of `scored` (best first) is of a kind that can be sure at all; the
    /// calibrated thresholds of score and lead decide the rest ([`crate::Calibration`]).
    pub(super) fn eligible(&self, q: &Analysed, scored: &[Scored]) -> bool {
        // A title is matched surely only when the label that matched explains it, whole (a
        // partial hit on a label is never sure on its own), and no other occupation has a
        // complete label that explains more of it (« chef de projet utilisateurs » names
        // the MOA more fully than « chef de projet » names the MOE), be it that
        // occupation's best label or one that scores less (`Scored::fullest`). In a title
        // naming the head of a unit, only the occupations that manage units are rivals: the
        // others' labels name the unit (« Responsable du service Hotline »), not the role. A
        // label that the title reads across a word of another occupation's complete label
        // is weak (see `score`), never sure; nor is a label of words of command and generic
        // words of the field only (« manager », « responsable informatique ») in a title
        // whose other word says what the post leads (`commands_only`).
        let explains = q.long
            || scored
                .first()
                .and_then(|s| s.label.as_ref())
                .is_some_and(|h| {
                    h.explained >= tune::CONFIDENT_EXPLAINED
                        && !h.weak
                        && h.complete
                        && !self.commands_only(h, q)
                        && !self.of_another_trade(h, q)
                        && !self.place_after_role(h, q)
                        && !scored[1..]
                            .iter()
                            .filter(|s| q.unit.is_none() || self.manages(s.occ))
                            .any(|s| s.names_whole(h.explained - 0.01))
                });
        // A title naming the head of a unit (« Chef de la cellule architecture ») names a
        // manager: only an occupation that manages units is surely it, and only when the
        // référentiel knows something of the unit's field (`unknown_field`).
        let manager = q.unit.is_none() || scored.first().is_some_and(|s| self.manages(s.occ));
        !q.outside
            && explains
            && manager
            && !self.unknown_field(q)
            && scored.first().is_some_and(|s| s.raw > 0.0)
    }

    /// Whether a title naming the head of a unit names its field (words after the unit) in
    /// words that no fiche and no label knows: « Chef d’équipe à la fusion en fonderie »,
    /// « Chef de service affrètement », « Chef de département textile » head units of
    /// trades the référentiel does not describe, where nothing says the unit is one of an IT
    /// department. A unit without a field (« Chef de service ») and a field of which one
    /// word is known (« Chef du bureau pilotage ») are not such titles.
    fn unknown_field(&self, q: &Analysed) -> bool {
        q.unit.and_then(|u| q.stems.get(u)).is_some_and(|u| {
            let mut field = q
                .stems
                .iter()
                .filter(|s| !s.aside && s.pos > u.pos && s.pos < q.written)
                .peekable();
            field.peek().is_some() && field.all(|s| self.known(&s.stem).is_none())
        })
    }

    /// Whether hit `h` is a label made only of words of command (« manager ») and generic
    /// words of the field (« responsable informatique ») in a title that writes another word
    /// it does not hold, known or not: « Capacity manager », « Risk manager », « Responsable
    /// budget informatique » say what the post leads in that word, which the label does not
    /// read. The unit the title's head leads (« Manager d’équipe ») and the generic words of
    /// the field (« informatique ») are no such word.
    fn commands_only(&self, h: &LabelHit, q: &Analysed) -> bool {
        let Some(l) = self.labels.get(h.label) else {
            return false;
        };
        let command = |s: &String| self.unit_heads.contains(s);
        l.stems.iter().any(command)
            && l.stems
                .iter()
                .enumerate()
                .all(|(k, s)| command(s) || l.is_generic(k))
            && unread(h, q).any(|(_, s)| !s.is_generic())
    }

    /// Whether hit `h` is a label that an appellation of another trade holds whole
    /// (`Label::other_trade`: « chef de projet », « Technicien d’exploitation ») in a title
    /// whose other words are all words of other trades: « Chef de projet éducation
    /// routière », « Technicien d’exploitation de gisement » name posts of those trades as
    /// surely as of IT. A title that writes only the label (and its head word and the unit
    /// it leads: « Ingénieur de recette », « Chef de service Production »), or another word
    /// that is not of other trades (a word of the fiches, a generic word of the field, an
    /// application's name that no appellation writes), is no such title, unless the whole
    /// title is, word for word, an appellation of another trade: « Chef de projet en
    /// organisation », « Chef / Cheffe de projet communication digitale » are posts that the
    /// ROME files under other trades, though the fiches write « organisation » and
    /// « communication » (the whole title's words, abbreviations expanded as in the
    /// appellations, equal to one appellation's). So is a title whose only word the label
    /// leaves aside is its head, another role: « Assistant d’architecte », « Automaticien
    /// chef de projet » (a title that is only the label, « Chef de projet », stays sure).
    /// Words are read as written, before typo correction: « paysagiste », one edit from
    /// « passage », is still a landscaper's word. A label that the title reads without
    /// generic words of the field it has (« informatique »), when an appellation of another
    /// trade holds the rest (`Label::core_other_trade`), is shared so read; and a title that
    /// writes only that rest, word for word an appellation of another trade, is no more a
    /// post of IT than of that trade: « Responsable qualité », « Responsable assurance
    /// qualité » (the labels « … informatique »), not « Urbaniste des systèmes ».
    fn of_another_trade(&self, h: &LabelHit, q: &Analysed) -> bool {
        let Some(l) = self.labels.get(h.label) else {
            return false;
        };
        let generic_unsaid = l.core_other_trade
            && (0..l.stems.len()).any(|k| l.is_generic(k) && !q.writes(&l.stems[k]));
        if !l.other_trade && !generic_unsaid {
            return false;
        }
        let whole_title = || {
            self.other_trade_titles.contains(&OtherTrades::key(
                q.stems
                    .iter()
                    .filter(|s| !s.aside)
                    .map(|s| s.original.as_str()),
            ))
        };
        let mut rest = unread(h, q)
            .filter(|&(qi, _)| Some(qi) != q.head)
            .peekable();
        if rest.peek().is_none() {
            // The title is the label but for its head, another role (« Assistant
            // d’architecte », « Automaticien chef de projet »), or but for generic words of
            // the field (« Responsable qualité »): an appellation may say it is another
            // trade's post.
            let head_unread = q
                .head
                .is_some_and(|hd| unread(h, q).any(|(qi, _)| qi == hd));
            return (generic_unsaid || head_unread) && whole_title();
        }
        // (The words first: they decide most titles without a look at the appellations.)
        rest.all(|(_, s)| !s.is_generic() && self.other_trade_words.contains(&s.original))
            || whole_title()
    }

    /// Whether hit `h` is a label naming a place where its occupation works
    /// (`Label::place`: « SOC », « CERT ») after the head word of another role, which it
    /// leaves aside: « Chef de projet SOC », « Responsable du CERT », « Ingénieur SOC » say
    /// the role in their head word, and the place says only the field, where several
    /// occupations work (the SOC's analysts, those who build its tools, its head).
    fn place_after_role(&self, h: &LabelHit, q: &Analysed) -> bool {
        let Some((head, at)) = q.head.and_then(|hd| q.stems.get(hd).map(|s| (hd, s.pos))) else {
            return false;
        };
        self.labels.get(h.label).is_some_and(|l| l.place)
            && !h.holds(head)
            && q.stems
                .iter()
                .enumerate()
                .any(|(qi, s)| h.holds(qi) && s.pos > at)
    }

    /// The title's unit (« cellule » of « Chef de la cellule réseaux ») when stem `k` of
    /// label `l` is another unit of its kind, which it stands for: the label names the head
    /// of such a unit of a field (a unit head, the unit, then the field: « chef du service
    /// réseaux », « responsable pôle réseaux »), the title the head of a unit of the same
    /// kind and the label's field, and it does not write the label's own unit. What a State
    /// service calls its parts (service, bureau, pôle, cellule, section…) says nothing of
    /// their field; without the field, the label would only say « the head of a unit », as
    /// the Responsable d’entité's own labels do.
    pub(super) fn unit_stands_for(&self, li: usize, k: usize, q: &Analysed) -> Option<usize> {
        let qu = q.unit.filter(|_| q.alike_unit)?;
        q.stems.get(qu).filter(|s| !s.aside)?;
        let l = self.labels.get(li)?;
        (k == 1
            && self.stand_in(li).unit
            && !q.writes(&l.stems[1])
            && l.stems[2..].iter().any(|field| q.writes(field)))
        .then_some(qu)
    }

    /// The title's head word (« Chef » of « Chef du service production ») when it may stand
    /// for another head word of the units one occupation heads (chef, cheffe, responsable:
    /// one post under its names): the title names the head of such a unit.
    fn head_sub(&self, q: &Analysed) -> Option<usize> {
        // (`alike_unit` holds only for a title that names a unit.)
        q.head.filter(|&h| {
            q.alike_unit
                && q.stems
                    .get(h)
                    .is_some_and(|s| self.alike_heads.contains(&s.stem))
        })
    }

    /// The title's head word when stem `k` of the engine's label `li` is another head word of
    /// the units one occupation heads, which it stands for: the label is one of an occupation
    /// heading such units and begins with that word (`rank_heads`: « responsable de
    /// production »), the title names the head of such a unit (`head_sub`), does not write
    /// the label's head word and writes another word of the label (the head word alone would
    /// only say « the head of a unit »). What the label then says of the unit, `label_hit`
    /// decides (`unit_said`).
    pub(super) fn head_stands_for(&self, li: usize, k: usize, q: &Analysed) -> Option<usize> {
        let l = self.labels.get(li)?;
        (k == 0
            && self.stand_in(li).head
            && !q.writes(&l.stems[0])
            && l.stems[1..].iter().any(|w| q.writes(w)))
        .then(|| self.head_sub(q))
        .flatten()
    }

    /// The title's word that stands for stem `k` of the engine's label `li`, which the title
    /// does not write: its unit for the label's (`unit_stands_for`) or its head word for the
    /// label's (`head_stands_for`).
    pub(super) fn stands_for(&self, li: usize, k: usize, q: &Analysed) -> Option<usize> {
        self.unit_stands_for(li, k, q)
            .or_else(|| self.head_stands_for(li, k, q))
    }

    /// What words of the engine's label `li` a title may write otherwise.
    fn stand_in(&self, li: usize) -> StandIn {
        self.stand_ins.get(li).copied().unwrap_or_default()
    }

    /// Whether occupation `occ` manages a unit (vocabulary `[[unit]]`, `managers`).
    fn manages(&self, occ: usize) -> bool {
        self.manages.get(occ).copied().unwrap_or(false)
    }

    /// All occupations, best first, with their raw score in [0, 1].
    pub(super) fn score(&self, q: &Analysed, extra: &Learned) -> Vec<Scored> {
        let n = self.occs.len();
        let mut best: Vec<Option<LabelHit>> = vec![None; n];
        // Titles: how much of the title each occupation's complete labels other than its
        // best explain at most (`Scored::fullest`).
        let mut fullest: Vec<Option<f32>> = vec![None; n];
        let qw = QueryWeights::of(q);
        let head_sub = self.head_sub(q);
        // The best hit of each occupation is kept (the first of equals). The words it
        // matched are read again for the evidence of the few occupations shown: listing
        // them for every better hit was a title's most frequent allocation.
        // Only the labels that share a stem with the query can match: the index gives each
        // of them with the positions of its stems that the query holds (query stems are
        // distinct, so each position meets one query stem at most). The engine's labels
        // first, then the learned titles (numbered after them).
        // Each pair is one number, (label, position, query stem) from the high bits down:
        // sorting plain integers costs a fraction of sorting tuples by a key. Query stems
        // past the 65,536th (none in a text of the API's 50,000 characters) are not looked up.
        let mut pairs: Vec<u64> = Vec::new();
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (labels, index, offset) in [
            (&self.labels, &self.label_index, 0),
            (&extra.labels, &extra.index, self.labels.len()),
        ] {
            pairs.clear();
            for (qi, s) in q.stems.iter().enumerate().take(usize::from(u16::MAX) + 1) {
                // A word set aside says where the post is: it is no label's word.
                if s.aside {
                    continue;
                }
                if let Some(list) = index.get(&s.stem) {
                    pairs.extend(
                        list.iter()
                            .map(|&(li, k)| u64::from(li) << 32 | u64::from(k) << 16 | qi as u64),
                    );
                }
            }
            // A unit of the title stands for another of its kind in a label that names the
            // head of such a unit of a field (the learned titles are read as written).
            if offset == 0
                && q.alike_unit
                && let Some(qu) = q.unit
                && qu <= usize::from(u16::MAX)
            {
                for (unit, list) in &self.field_heads {
                    if q.writes(unit) {
                        continue;
                    }
                    pairs.extend(
                        list.iter()
                            .filter(|&&li| self.unit_stands_for(li as usize, 1, q).is_some())
                            .map(|&li| u64::from(li) << 32 | 1 << 16 | qu as u64),
                    );
                }
            }
            // (label, position) is unique, so the order is total whatever the sort. Each
            // stem's list is in label order, so `pairs` is one ascending run per query stem:
            // the stable sort merges the long runs (short ones it sorts as usual).
            pairs.sort();
            for group in pairs.chunk_by(|a, b| a >> 32 == b >> 32) {
                let li = (group[0] >> 32) as usize;
                let Some(l) = labels.get(li) else {
                    continue;
                };
                let Some(slot) = best.get_mut(l.occ) else {
                    continue;
                };
                let to_beat = slot.as_ref().map(|b| b.score);
                // A hit scores at most its label's weight (its other factors are at most 1):
                // a label whose weight cannot beat the occupation's best is not read at all,
                // unless it may name a title whole, as a rival of another occupation's sure
                // match (`fullest`): in a title, with as many words found as the label has
                // words that are not generic (its terms may be written out).
                if to_beat.is_some_and(|b| l.weight <= b)
                    && (q.long
                        || group.len() + usize::from(head_sub.is_some()) + l.term_stems()
                            < l.core_len())
                {
                    continue;
                }
                found.clear();
                // The head word of a title naming the head of such a unit stands for another
                // head word of these units at the start of a label of an occupation that
                // heads them (« Chef du service production » is the « Responsable du service
                // production »), when the label's other words brought it here and its own
                // head word is not written (`head_stands_for`).
                if let Some(h) = head_sub
                    && offset == 0
                    && self.stand_in(li).head
                    && (group[0] >> 16) & 0xFFFF != 0
                {
                    found.push((0, h));
                }
                found.extend(
                    group
                        .iter()
                        .map(|&p| (((p >> 16) & 0xFFFF) as usize, (p & 0xFFFF) as usize)),
                );
                let Some(hit) = self.label_hit(offset + li, l, q, &qw, &found, to_beat) else {
                    continue;
                };
                let other = if to_beat.is_none_or(|b| hit.score > b) {
                    slot.replace(hit)
                } else {
                    Some(hit)
                };
                if !q.long
                    && let Some(o) = other.filter(|o| o.complete && !o.weak && o.across(q) == 0)
                    && let Some(f) = fullest.get_mut(l.occ)
                    && f.is_none_or(|f| o.explained > f)
                {
                    *f = Some(o.explained);
                }
            }
        }
        // A label that reads across a word of another occupation's complete label is weak
        // evidence, as if its words were scattered (once: a label already scattered is not
        // weakened twice): the title's head then takes two complements, and the one written
        // next to it names the role (« Technicien d’exploitation systèmes et réseaux »:
        // « technicien systèmes et réseaux » reads across « exploitation »; « Ingénieur
        // sécurité infrastructure »). A label read across one word only is not scattered
        // otherwise (`label_hit`). The weakened hit stays its occupation's best: the labels
        // it beat are not read again.
        if !q.long {
            let across: Vec<(usize, u64)> = best
                .iter()
                .enumerate()
                .filter_map(|(i, h)| {
                    h.as_ref()
                        .filter(|h| !h.scattered)
                        .map(|h| (i, h.across(q)))
                })
                .filter(|&(_, a)| a != 0)
                .collect();
            // Decided on the hits as they were: whether a rival holds the words does not
            // depend on which rival was read first. (One pass over `best` that checks the
            // rivals as it goes answers alike but cost 0.5 – 0.8 % more instructions on the
            // public titles.)
            let read_across: Vec<usize> = across
                .into_iter()
                .filter(|&(i, a)| {
                    best.iter().enumerate().any(|(j, o)| {
                        j != i
                            && o.as_ref()
                                .is_some_and(|o| o.complete && !o.weak && o.matched & a != 0)
                    })
                })
                .map(|(i, _)| i)
                .collect();
            for i in read_across {
                if let Some(h) = best[i].as_mut() {
                    h.score *= tune::SCATTERED;
                    h.weak = true;
                    h.scattered = true;
                }
            }
        }
        let bm = self.bm25(q);
        let top_bm = bm.iter().copied().fold(0.0_f32, f32::max);
        let align = if q.long { self.align(q) } else { vec![0.0; n] };
        let idf = if q.long {
            QueryIdf::of(self, q)
        } else {
            QueryIdf::default()
        };
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
                        + tune::LONG_TEXT * text * self.text_evidence(q, i, &idf)
                        + tune::LONG_ALIGN * al * (top_align / tune::ALIGN_FULL).min(1.0)
                } else {
                    tune::TITLE_LABEL * lab + tune::TITLE_TEXT * text * lab.max(0.3)
                };
                let raw = if q.outside { raw * tune::OUTSIDE } else { raw };
                Scored {
                    occ: i,
                    raw: raw.clamp(0.0, 1.0),
                    label: best[i].take(),
                    fullest: fullest[i].take(),
                }
            })
            .collect();
        // A total order (occupations are distinct): the unstable sort gives the same list
        // without the stable sort's scratch buffer.
        out.sort_unstable_by(|a, b| b.raw.total_cmp(&a.raw).then(a.occ.cmp(&b.occ)));
        out
    }

    /// Puts first the occupation of learned title `li` of `learned` (the one a person
    /// decided for a title of this normalised form, [`Learned::decided`]) at full score, with
    /// the learned title as its evidence; the others keep their scores and order, after it.
    /// Whether it did: the answer is confident only then.
    pub(super) fn decided_first(
        &self,
        scored: &mut Vec<Scored>,
        learned: &Learned,
        li: usize,
    ) -> bool {
        let Some(occ) = learned.labels.get(li).map(|l| l.occ) else {
            return false;
        };
        let Some(at) = scored.iter().position(|s| s.occ == occ) else {
            return false;
        };
        let mut first = scored.remove(at);
        first.raw = 1.0;
        first.label = Some(LabelHit {
            label: self.labels.len() + li,
            score: 1.0,
            explained: 1.0,
            weak: false,
            scattered: false,
            complete: true,
            matched: 0,
            span: (0, 0),
        });
        scored.insert(0, first);
        true
    }

    /// For each occupation, the mean over the text's segments of the best cosine between
    /// the segment and one of its activities (idf-weighted sets of stems).
    fn align(&self, q: &Analysed) -> Vec<f32> {
        let mut out = vec![0.0; self.occs.len()];
        if q.segments.is_empty() {
            return out;
        }
        // The weight each activity shares with a segment, summed from the activities that
        // hold each of the segment's stems (rather than comparing the segment with every
        // activity): stems in ascending order, as a merge of the two sorted lists would.
        let mut shared = vec![0.0_f32; self.act_ids.iter().map(Vec::len).sum()];
        for seg in &q.segments {
            let seg_norm = seg
                .iter()
                .map(|&i| self.idf_by_id[i as usize].powi(2))
                .sum::<f32>()
                .sqrt();
            if seg_norm <= 0.0 {
                continue;
            }
            shared.iter_mut().for_each(|x| *x = 0.0);
            for &id in seg {
                let w = self.idf_by_id[id as usize].powi(2);
                for &a in self.act_postings.get(id as usize).into_iter().flatten() {
                    shared[a as usize] += w;
                }
            }
            let mut flat = shared.iter();
            for (o, acts) in self.act_ids.iter().enumerate() {
                let mut best = 0.0_f32;
                for ((_, norm), &shared) in acts.iter().zip(flat.by_ref()) {
                    if *norm <= 0.0 {
                        continue;
                    }
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
    fn text_evidence(&self, q: &Analysed, occ: usize, idf: &QueryIdf) -> f32 {
        let tf = &self.occs[occ].tf;
        let (mut hit, total) = (0.0, idf.total);
        // A stem of weight 0 adds nothing: it is not looked up.
        for (s, &w) in q.stems.iter().zip(&idf.weights) {
            if w != 0.0 && tf.contains_key(&s.stem) {
                hit += w;
            }
        }
        if total > 0.0 {
            (hit / total).sqrt()
        } else {
            0.0
        }
    }

    /// How label `li` matches `q`, given `found`: the positions of its stems that the query
    /// holds and the query stem at each, in the label's order. `None` as well when the hit
    /// could not score above `to_beat`, the best of the occupation so far, unless it may be
    /// complete (a title's rival of another occupation's sure match, `Scored::fullest`).
    fn label_hit(
        &self,
        li: usize,
        l: &Label,
        q: &Analysed,
        qw: &QueryWeights,
        found: &[(usize, usize)],
        to_beat: Option<f32>,
    ) -> Option<LabelHit> {
        let mut matched_head = false;
        let mut count = 0;
        let (mut lab_hit, lab_total) = (0.0_f32, l.total);
        // The query stems matched, as a set (titles have a few words; a longer text read
        // as a title falls back to a list).
        let mut set: u128 = 0;
        // The weight matched of the label's words that are not generic words of the field.
        let mut core_hit = 0.0_f32;
        for &(k, qi) in found {
            let (Some(&w), Some(qs)) = (l.stem_weights.get(k), q.stems.get(qi)) else {
                continue;
            };
            let w = w * if qs.fuzzy { 0.8 } else { 1.0 };
            lab_hit += w;
            if !l.is_generic(k) {
                core_hit += w;
            }
            count += 1;
            matched_head |= k == 0;
            if qi < 128 {
                set |= 1 << qi;
            }
        }
        // A term of the label whose meaning a title writes out is said as well: « Chef de
        // projet maîtrise d’ouvrage » names « chef de projet MOA » whole.
        if !q.long && l.may_spell_out(count) {
            let (hit, core) = spelled_weight(l, q, found);
            lab_hit += hit;
            core_hit += core;
        }
        if count == 0 || lab_total <= 0.0 {
            return None;
        }
        let lab_cov = lab_hit / lab_total;
        // Every word of the label is in the query but for generic words of the field: a
        // title that says nothing else (no word the label lacks, known or not) names the
        // label whole (« Chef de projet maîtrise d’œuvre » is « … maîtrise d’œuvre SI »;
        // « Technicien de maintenance vidéo » is no « technicien de maintenance
        // informatique »).
        let all_but_generic = core_hit >= 0.99 * l.core_total;
        let mut explained = 1.0;
        // Titles: the label holds every word of the query (known to labels or not).
        let mut says_all = false;
        let mut weak = false;
        let mut scattered_hit = false;
        let mut span = (0, 0);
        let score = if q.long {
            // In a long text only a complete mention of a title counts, and not a lone
            // abbreviation or term of the vocabulary (ads name bosses and colleagues:
            // « en lien avec le DSI »).
            let lone = l.kind == EvidenceKind::Vocabulary && l.stems.len() < 2;
            if lab_cov < 0.99 || lone {
                return None;
            }
            // A mention is the label's words together in one sentence, its head word first
            // as a title writes it: not its words scattered over the text (« chef d’équipe
            // … équipe d’exploitation » is no « chef d’exploitation »), nor in another order
            // (« le service … est responsable de » is no « responsable de service »).
            // The meaning of a term the label writes (« données » of « ingénieur data »,
            // « maîtrise d’ouvrage » of « chef de projet MOA ») is said by the term: the
            // expansion appends it after the text, where it stands near nothing.
            let held = found
                .iter()
                .filter(|&&(k, _)| k < 64)
                .fold(0_u64, |bits, &(k, _)| bits | 1 << k);
            let said = l.meanings_of_terms(held);
            let head = found.iter().find(|&&(k, _)| k == 0).map(|&(_, qi)| qi)?;
            let mut rest: Vec<usize> = found
                .iter()
                .filter(|&&(k, _)| k >= 64 || said & 1 << k == 0)
                .map(|&(_, qi)| qi)
                .filter(|&qi| qi != head)
                .collect();
            rest.sort_unstable();
            rest.dedup();
            if !q.together(head, &rest, tune::MENTION_SLACK) {
                return None;
            }
            (lab_total / 6.0).min(1.0)
        } else {
            // A title's score is the share of the label matched times factors of at most 1
            // (and float products are monotonic): a label that cannot do better than the
            // occupation's best so far is not read further, unless it may name the title
            // whole (a rival of another occupation's sure match: `Scored::fullest`). Most
            // labels of a title are.
            if to_beat.is_some_and(|b| lab_cov * l.weight <= b)
                && lab_cov < 0.99
                && !all_but_generic
            {
                return None;
            }
            // A label naming the head of a unit (a unit head, then a unit: « responsable du
            // service informatique ») names it only when the title writes the unit: a unit
            // word that an expansion brings is part of the term's meaning (« ITSM », the
            // « gestion des services informatiques »), no unit of the post.
            if qw.expanded
                && self.stand_in(li).heads_unit
                && found
                    .iter()
                    .any(|&(k, qi)| k == 1 && q.stems.get(qi).is_some_and(|s| s.pos >= q.written))
            {
                return None;
            }
            // Sums in the query's order, whatever the label's.
            let is_matched = |qi: usize| {
                if q.stems.len() <= 128 {
                    set & (1 << qi) != 0
                } else {
                    found.iter().any(|&(_, x)| x == qi)
                }
            };
            // The whole label of an occupation that heads units of a department (a
            // « Responsable … », not a director) that takes the head word and reads across
            // the title's unit alone, to a word of its field (« chef d’exploitation » in
            // « Chef de la cellule exploitation »), names the head of that unit of its field:
            // the unit is said by it, as « chef du service réseaux » says « Chef de la cellule
            // réseaux » (`unit_stands_for`).
            let unit_said = q.unit.filter(|&qu| {
                q.alike_unit
                    && lab_cov >= 0.99
                    && !is_matched(qu)
                    && core_hit > 0.0
                    && self.unit_rank.get(l.occ).copied().unwrap_or(false)
                    && q.head
                        .is_some_and(|h| found.iter().any(|&(k, qi)| k == 0 && qi == h))
                    && q.stems.get(qu).is_some_and(|u| {
                        found.iter().all(|&(k, qi)| {
                            k == 0 || q.stems.get(qi).is_some_and(|s| s.pos > u.pos)
                        })
                    })
            });
            let (mut q_hit, mut t_hit) = (0.0_f32, 0.0_f32);
            // (Two loops: the test of the unit in the common one cost 2 % of a title's
            // instructions, on titles without a unit as well; so did one generic function
            // for both, +2.4 %: the copy is deliberate.)
            if let Some(unit) = unit_said {
                for (qi, s) in q.stems.iter().enumerate() {
                    if is_matched(qi) || qi == unit {
                        q_hit += qw.weights[qi];
                        t_hit += s.title_weight();
                    }
                }
            } else {
                for (qi, s) in q.stems.iter().enumerate() {
                    if is_matched(qi) {
                        q_hit += qw.weights[qi];
                        t_hit += s.title_weight();
                    }
                }
            }
            let q_cov = if qw.total > 0.0 {
                q_hit / qw.total
            } else {
                0.0
            };
            says_all = q_cov >= 0.99;
            explained = if qw.title_total > 0.0 {
                t_hit / qw.title_total
            } else {
                0.0
            };
            // The label's first stem is the query's head word (query stems are distinct).
            let takes_head = q
                .head
                .is_some_and(|h| found.iter().any(|&(k, qi)| k == 0 && qi == h));
            let head_bonus = if takes_head { 1.0 } else { 0.85 };
            // Where the label's words are in the title as written, and how many they are:
            // an expansion's words, appended at the end, say nothing of where a word stands.
            let (lo, hi, placed) = found
                .iter()
                .filter_map(|&(_, qi)| q.stems.get(qi))
                .filter(|s| s.pos < q.written)
                .fold((usize::MAX, 0, 0), |(lo, hi, n), s| {
                    (lo.min(s.pos), hi.max(s.pos), n + 1)
                });
            // The one-word name of a manager (« DSI ») after another role's head word names
            // the manager's unit, the department: « Technicien DSI », « Chef de projet DSI ».
            // No label of that manager which leaves the head aside counts then, whether it is
            // the name itself or a longer one holding it or its expansion (ROME's « Directeur
            // des systèmes d'information -DSI- »).
            if !takes_head
                && q.departments.contains(&l.occ)
                && q.head.is_some_and(|h| q.stems[h].pos < lo)
            {
                return None;
            }
            // Only the head of a longer label (« Opérateur » of « Opérateur d’exploitation »)
            // is weak evidence: heads are the generic words of titles.
            let head_only = l.stems.len() > 1 && count == 1 && matched_head;
            let head_only = if head_only { tune::HEAD_ONLY } else { 1.0 };
            // The words of a label should stand together in the query, not scattered.
            let scattered = placed > 1 && hi - lo > placed;
            if placed > 1 {
                span = (
                    u16::try_from(lo).unwrap_or(u16::MAX),
                    u16::try_from(hi).unwrap_or(u16::MAX),
                );
            }
            // A title naming the head of a unit (« Chef de service … », « Chef d’équipe … »)
            // names a manager: a label that takes its head word is weak evidence for an
            // occupation that manages no unit, whether it leaves the unit aside (« chef de
            // projet ») or names it (a repertory's « Chef d’équipe de help desk », filed
            // with the technicians).
            let unbound =
                q.unit.is_some() && l.stems.len() > 1 && takes_head && !self.manages(l.occ);
            // Such a label whose other words come after the unit, without it (« chef de
            // projet » in « Chef de service applications et projets »), reads across the
            // unit as if it were not there: its words are scattered too, and each of the
            // two weaknesses counts.
            let skips_unit =
                unbound && count > 1 && found.iter().all(|&(_, qi)| Some(qi) != q.unit);
            let scattered = scattered || skips_unit;
            scattered_hit = scattered;
            weak = head_only < 1.0 || scattered || unbound;
            let factor = |weak: bool| if weak { tune::SCATTERED } else { 1.0 };
            let head_only = head_only * factor(scattered) * factor(unbound);
            lab_cov * (0.3 + 0.7 * q_cov) * head_bonus * head_only
        };
        Some(LabelHit {
            label: li,
            score: score * l.weight,
            explained,
            weak,
            scattered: scattered_hit,
            complete: lab_cov >= 0.99 || (all_but_generic && says_all),
            // The first 64 (the bits of `set` past them are only used above).
            matched: set as u64,
            span,
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
            if !s.fuzzy && s.stem.chars().count() >= 7 && self.known(&s.stem).is_none() {
                self.bm25.add_typo(&s.stem, &mut scores);
            }
        }
        scores
    }

    /// The evidence of a label that matched `q`.
    pub(super) fn label_evidence(
        &self,
        hit: &LabelHit,
        q: &Analysed,
        extra: &Learned,
    ) -> Option<Evidence> {
        let l = self
            .labels
            .get(hit.label)
            .or_else(|| extra.labels.get(hit.label.checked_sub(self.labels.len())?))?;
        Some(Evidence {
            kind: l.kind,
            text: l.text.clone(),
            heading: None,
            // The query words of the label, in the label's order: the query's stems are
            // distinct, so each of the label's meets one at most (as in `score`'s index); the
            // title's unit or head word where it stands for the label's.
            terms: l
                .stems
                .iter()
                .enumerate()
                .filter_map(|(k, st)| {
                    q.stems.iter().find(|s| &s.stem == st).or_else(|| {
                        (hit.label < self.labels.len())
                            .then(|| self.stands_for(hit.label, k, q))
                            .flatten()
                            .and_then(|qi| q.stems.get(qi))
                    })
                })
                .map(|s| s.surface.clone())
                .collect(),
            via: l.via.clone(),
        })
    }

    /// A match and its evidence: the label that matched, the headings and the (at most
    /// three) activities that share the most with the query, or else its words the fiche holds.
    pub(super) fn to_match(
        &self,
        s: &Scored,
        q: &Analysed,
        qe: &QueryEvidence,
        extra: &Learned,
    ) -> Match {
        let o = &self.occs[s.occ];
        let mut evidence = Vec::new();
        if let Some(e) = s
            .label
            .as_ref()
            .and_then(|hit| self.label_evidence(hit, q, extra))
        {
            evidence.push(e);
        }
        // A heading is evidence when the query has half of its words at least: each
        // heading's words are read against the query's by id.
        for h in &o.headings {
            let found = h
                .words
                .iter()
                .filter(|id| qe.heading_stem(id).is_some())
                .count();
            if found > 0 && found * 2 >= h.words.len() {
                evidence.push(Evidence {
                    kind: EvidenceKind::Heading,
                    text: h.text.clone(),
                    heading: None,
                    terms: h
                        .words
                        .iter()
                        .filter_map(|id| qe.heading_stem(id))
                        .map(|i| q.stems[i].surface.clone())
                        .collect(),
                    via: None,
                });
            }
        }
        let seqs = self.act_seq.get(s.occ).map_or(&[][..], Vec::as_slice);
        let mut acts: Vec<(f32, &Act, Vec<usize>)> = o
            .activities
            .iter()
            .zip(seqs)
            .filter_map(|(a, seq)| {
                let in_query = |id: &u32| qe.activity_stem(id);
                let w: f32 = seq.iter().filter_map(in_query).map(|i| qe.idf[i]).sum();
                (w >= 2.0).then(|| (w, a, seq.iter().filter_map(in_query).collect()))
            })
            .collect();
        acts.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, a, hits) in acts.into_iter().take(3) {
            evidence.push(Evidence {
                kind: EvidenceKind::Activity,
                text: a.text.clone(),
                heading: a.heading.clone(),
                terms: hits.iter().map(|&i| q.stems[i].surface.clone()).collect(),
                via: None,
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
                    via: None,
                });
            }
        }
        Match {
            id: o.id.clone(),
            title: o.title.clone(),
            score: (s.raw * 1000.0).round() / 1000.0,
            evidence,
            sentences: Vec::new(),
        }
    }

    /// Combines the scores of a long text's body with those of its title line: each
    /// occupation's score is their weighted mean. The labels that matched the title line,
    /// by occupation, are returned apart (their words are the title's, not the body's).
    pub(super) fn combine(
        &self,
        body: Vec<Scored>,
        title: Vec<Scored>,
    ) -> (Vec<Scored>, Vec<Option<LabelHit>>) {
        let n = self.occs.len();
        let mut title_raw = vec![0.0_f32; n];
        let mut title_labels: Vec<Option<LabelHit>> = vec![None; n];
        for t in title {
            title_raw[t.occ] = t.raw;
            title_labels[t.occ] = t.label;
        }
        let mut out: Vec<Scored> = body
            .into_iter()
            .map(|b| Scored {
                occ: b.occ,
                raw: ((1.0 - tune::AD_TITLE) * b.raw + tune::AD_TITLE * title_raw[b.occ])
                    .clamp(0.0, 1.0),
                label: b.label,
                // (A long text's rivals are not checked: `Scored::fullest` is a title's.)
                fullest: None,
            })
            .collect();
        out.sort_by(|a, b| b.raw.total_cmp(&a.raw).then(a.occ.cmp(&b.occ)));
        (out, title_labels)
    }

    /// The stems of each sentence of a long text as sorted, distinct ids (empty for a
    /// sentence with fewer than two known stems), for [`Engine::deciding_sentences`]: read
    /// from `body`, the analysis of the sentences joined by line breaks (each word is
    /// analysed alone, so its tokens are the sentences' own, in order).
    pub(super) fn sentence_ids(body: &Analysed, sentences: &[String]) -> Vec<Vec<u32>> {
        let mut tokens = body.token_ids.iter().peekable();
        let mut start = 0;
        sentences
            .iter()
            .map(|sentence| {
                let end = start + sentence.len();
                let mut ids: Vec<u32> = Vec::new();
                while let Some(&&(from, id)) = tokens.peek() {
                    if from >= end {
                        break;
                    }
                    if from >= start {
                        ids.extend(id);
                    }
                    tokens.next();
                }
                // The line break that joined the sentences.
                start = end + 1;
                ids.sort_unstable();
                ids.dedup();
                if ids.len() < 2 {
                    ids.clear();
                }
                ids
            })
            .collect()
    }

    /// The sentences of a long text closest to an occupation's activities (idf-weighted
    /// shared stems, at least two), best first; `ids` are the sentences' as
    /// [`Engine::sentence_ids`] reads them.
    pub(super) fn deciding_sentences(
        &self,
        occ: usize,
        sentences: &[String],
        ids: &[Vec<u32>],
    ) -> Vec<String> {
        let mut scored: Vec<(f32, &String)> = sentences
            .iter()
            .zip(ids)
            .filter(|(_, ids)| !ids.is_empty())
            .filter_map(|(sentence, ids)| {
                let best = self.act_ids[occ]
                    .iter()
                    .map(|(a, _)| shared_weight(ids, a, &self.idf_by_id))
                    .fold(0.0_f32, f32::max);
                (best >= tune::SENTENCE_MIN).then_some((best, sentence))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(3).map(|(_, s)| s.clone()).collect()
    }

    /// A search result: the occupation and its activities that hold words of the query,
    /// highlighted, the heaviest first.
    pub(super) fn search_hit(&self, s: &Scored, qstems: &FxHashMap<&str, f32>) -> SearchHit {
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
    }
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
