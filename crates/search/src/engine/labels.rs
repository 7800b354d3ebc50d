//! Labels: the names of an occupation (titles and their variants, alternative titles,
//! vocabulary terms, an organisation's learned titles), each read as stems weighted as words
//! of titles; and the completion of titles ([`Engine::suggest`]).

use std::collections::HashSet;

use rustc_hash::FxHashMap;

use super::{Engine, tune};
use crate::analysis::{self, Expander, Tok};
use crate::{EvidenceKind, LearnedTitle, Suggestion};

/// One name of an occupation.
#[derive(Debug, Clone)]
pub(super) struct Label {
    pub(super) occ: usize,
    pub(super) kind: EvidenceKind,
    pub(super) text: String,
    pub(super) stems: Vec<String>,
    pub(super) weight: f32,
    /// Weight of each stem as a word of titles (the first one, the head, raised), and their
    /// sum: see [`Label::weigh`].
    pub(super) stem_weights: Vec<f32>,
    pub(super) total: f32,
    /// Which stems are generic words of the field (in the labels of at least half of the
    /// occupations: « informatique », « système »), one bit per stem: a title may leave them
    /// unsaid and still name the label whole. Never the head, which names the role.
    pub(super) generic: u64,
    /// The sum of the weights of the stems that are not generic.
    pub(super) core_total: f32,
    /// Each abbreviation or term of the vocabulary's expansions that the label writes
    /// (« MOA » in « chef de projet MOA »): the bits of its stems, then those of the stems of
    /// its meaning (« maîtrise d’ouvrage »), among the label's first 64 stems. A title that
    /// writes the meaning out says the term: see [`Label::spelled_out`].
    pub(super) terms: Vec<(u64, u64)>,
    /// For a repertory's label: how it reaches the occupation.
    pub(super) via: Option<String>,
    /// An appellation of another trade holds all its words (« chef de projet »: « Chef de
    /// projet éducation routière »): see [`Engine::of_another_trade`].
    pub(super) other_trade: bool,
    /// An appellation of another trade holds all its words but the generic words of the
    /// field, which it has (« responsable qualité » of « responsable qualité
    /// informatique »): a title that leaves them unsaid reads it as a label of other trades
    /// too; see [`Engine::of_another_trade`].
    pub(super) core_other_trade: bool,
    /// A vocabulary label naming a place where the occupation works (« SOC »): see
    /// [`Engine::place_after_role`](super::Engine).
    pub(super) place: bool,
}

impl Label {
    /// A label of occupation `occ`, not yet weighed ([`Label::weigh`]).
    fn new(occ: usize, kind: EvidenceKind, text: &str, stems: Vec<String>, weight: f32) -> Label {
        Label {
            occ,
            kind,
            text: text.to_owned(),
            stems,
            weight,
            stem_weights: Vec::new(),
            total: 0.0,
            generic: 0,
            core_total: 0.0,
            terms: Vec::new(),
            via: None,
            other_trade: false,
            core_other_trade: false,
            place: false,
        }
    }

    /// Sets the weights of the stems from the words' weights in titles.
    pub(super) fn weigh(&mut self, label_idf: &FxHashMap<String, f32>) {
        self.stem_weights = self
            .stems
            .iter()
            .enumerate()
            .map(|(k, s)| {
                label_idf.get(s).copied().unwrap_or(1.0) * if k == 0 { tune::HEAD } else { 1.0 }
            })
            .collect();
        self.total = self.stem_weights.iter().sum();
        self.generic = self
            .stems
            .iter()
            .take(64)
            .enumerate()
            .skip(1)
            .filter(|(_, s)| label_idf.get(*s).is_some_and(|&w| w <= tune::GENERIC))
            .fold(0, |bits, (k, _)| bits | 1 << k);
        self.core_total = (0..self.stem_weights.len())
            .filter(|&k| !self.is_generic(k))
            .map(|k| self.stem_weights[k])
            .sum();
    }

    /// Finds where the label writes a term of the expansions and its meaning ([`Label::terms`]).
    pub(super) fn find_terms(&mut self, analyze: &dyn Fn(&str) -> Vec<Tok>, expander: &Expander) {
        let found = expander.terms_in(&self.text);
        if found.is_empty() {
            return;
        }
        let bits = |stems: &mut dyn Iterator<Item = String>| {
            stems
                .filter_map(|st| self.stems.iter().position(|s| *s == st))
                .filter(|&k| k < 64)
                .fold(0_u64, |bits, k| bits | 1 << k)
        };
        let toks = analyze(&self.text);
        let mut terms = Vec::new();
        for (e, range) in found {
            let term = bits(
                &mut toks
                    .iter()
                    .filter(|t| t.from >= range.start && t.to <= range.end)
                    .map(|t| t.stem.clone()),
            );
            let means = bits(&mut analyze(&e.means).into_iter().map(|t| t.stem));
            // A term whose meaning holds its own stems says nothing more written out. A term
            // that is the label's head names the role by itself (« DSI », the director, by the
            // name of the department): its meaning written out, « Direction des systèmes
            // d’information », names the department, where the post is.
            if term != 0 && means != 0 && term & means == 0 && term & 1 == 0 {
                terms.push((term, means));
            }
        }
        self.terms = terms;
    }

    /// How many of the label's stems are not generic words of the field: a hit that finds
    /// fewer (and whose terms cannot make up the rest) does not name the label whole.
    pub(super) fn core_len(&self) -> usize {
        self.stems.len() - self.generic.count_ones() as usize
    }

    /// How many stems the label's terms have (those a title may write out: see
    /// [`Label::spelled_out`]).
    pub(super) fn term_stems(&self) -> usize {
        self.terms
            .iter()
            .map(|&(term, _)| term.count_ones() as usize)
            .sum()
    }

    /// Whether terms written out may make whole a hit on `count` of the label's stems: it
    /// lacks some, and its terms have as many stems as it lacks at least.
    pub(super) fn may_spell_out(&self, count: usize) -> bool {
        count < self.stems.len()
            && !self.terms.is_empty()
            && count + self.term_stems() >= self.stems.len()
    }

    /// The stems of `written` (one bit per stem) with those of every term whose meaning is
    /// written whole, when they make the label whole: a title that writes « chef de projet
    /// maîtrise d’ouvrage » says the « MOA » of « chef de projet MOA ». (A term's stems
    /// weigh as a rare word: counted for a partial hit, they would lift it over better ones.)
    pub(super) fn spelled_out(&self, written: u64, matched: u64) -> u64 {
        let with = self
            .terms
            .iter()
            .filter(|&&(_, means)| written & means == means)
            .fold(matched, |bits, &(term, _)| bits | term);
        let whole = u64::MAX >> (64 - self.stems.len().clamp(1, 64));
        if with & whole == whole { with } else { matched }
    }

    /// The stems of the meanings of the terms that `held` (one bit per stem) holds whole: in
    /// a long text they are said by the term, wherever the expansion put them.
    pub(super) fn meanings_of_terms(&self, held: u64) -> u64 {
        self.terms
            .iter()
            .filter(|&&(term, _)| held & term == term)
            .fold(0, |bits, &(_, means)| bits | means)
    }

    /// Whether the `k`-th stem is a generic word of the field.
    pub(super) fn is_generic(&self, k: usize) -> bool {
        k < 64 && self.generic & 1 << k != 0
    }
}

/// The index stem → (label, position of the stem in it) of `labels`, label by label (so each
/// stem's list is in ascending order). Labels are a few words long; a longer one is indexed
/// by its first words.
pub(super) fn index(labels: &[Label]) -> FxHashMap<String, Vec<(u32, u16)>> {
    let mut index: FxHashMap<String, Vec<(u32, u16)>> = FxHashMap::default();
    for (i, l) in labels.iter().enumerate() {
        for (k, s) in l.stems.iter().enumerate() {
            let (Ok(i), Ok(k)) = (u32::try_from(i), u16::try_from(k)) else {
                continue;
            };
            index.entry(s.clone()).or_default().push((i, k));
        }
    }
    index
}

/// An organisation's learned titles, read once for all the texts matched with them
/// ([`Engine::learned`], [`Engine::match_learned`]): analysed, weighed as words of titles
/// and indexed by stem, so that a match reads only the learned titles sharing a word with
/// its text, however many the organisation has taught.
#[derive(Debug, Clone, Default)]
pub struct Learned {
    pub(super) labels: Vec<Label>,
    pub(super) index: FxHashMap<String, Vec<(u32, u16)>>,
    /// Each learned title's normalised form (the cartographie's title key,
    /// [`metiers_referentiel::text::slug`]) and its label: a title of that form is the one a
    /// person decided. The cartographie keeps one active lesson per form; of two given, the
    /// last one decides.
    exact: FxHashMap<String, usize>,
}

impl Learned {
    /// Learned titles kept (unknown occupations and titles without a meaningful word are not).
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The learned title of the same normalised form as `title`, if any: its index among
    /// the labels.
    pub(super) fn decided(&self, title: &str) -> Option<usize> {
        if self.exact.is_empty() {
            return None;
        }
        self.exact
            .get(&metiers_referentiel::text::slug(title))
            .copied()
    }
}

impl Engine {
    /// Titles and alternative titles completing `prefix`: see [`Engine::suggest`].
    pub(super) fn suggestions(&self, prefix: &str, limit: usize) -> Vec<Suggestion> {
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

    /// An organisation's learned titles as labels of their occupations (unknown
    /// occupations and titles without a meaningful word left out), indexed: read once for
    /// all the texts matched with them ([`Engine::match_learned`]).
    pub fn learned(&self, learned: &[LearnedTitle]) -> Learned {
        let labels: Vec<Label> = learned
            .iter()
            .filter_map(|l| {
                let occ = self.occs.iter().position(|o| o.id == l.id)?;
                let stems = stems_of(&|t: &str| self.words.analyze(t), &self.expander, &l.title);
                (!stems.is_empty()).then(|| {
                    let mut label =
                        Label::new(occ, EvidenceKind::LearnedTitle, &l.title, stems, 1.0);
                    label.weigh(&self.label_idf);
                    label.find_terms(&|t: &str| self.words.analyze(t), &self.expander);
                    label
                })
            })
            .collect();
        let mut exact = FxHashMap::default();
        for (li, l) in labels.iter().enumerate() {
            exact.insert(metiers_referentiel::text::slug(&l.text), li);
        }
        Learned {
            index: index(&labels),
            labels,
            exact,
        }
    }
}

/// The distinct stems of a text, abbreviations expanded, in order of first occurrence.
pub(super) fn stems_of(
    analyze: &dyn Fn(&str) -> Vec<Tok>,
    expander: &Expander,
    text: &str,
) -> Vec<String> {
    let expanded = expander.expand(text);
    let mut out: Vec<String> = Vec::new();
    for t in analyze(expanded.as_deref().unwrap_or(text)) {
        if !out.contains(&t.stem) {
            out.push(t.stem);
        }
    }
    out
}

/// Variants of a compound title: `Administrateur d’outils / de systèmes / de réseaux` gives
/// the whole title, `Administrateur d’outils`, `Administrateur de systèmes`…; the part after
/// a dash (`– RSSI`) stands alone too.
pub(super) fn title_variants(title: &str) -> Vec<String> {
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

/// Adds a label unless it has no stem or the occupation already has one with the same stems;
/// the label that stands for `text`, added or already there (none without a stem).
pub(super) fn push_label<'l>(
    labels: &'l mut Vec<Label>,
    occ: usize,
    kind: EvidenceKind,
    text: &str,
    weight: f32,
    stems_of: &dyn Fn(&str) -> Vec<String>,
) -> Option<&'l mut Label> {
    let stems = stems_of(text);
    if stems.is_empty() {
        return None;
    }
    match labels.iter().position(|l| l.occ == occ && l.stems == stems) {
        Some(k) => labels.get_mut(k),
        None => {
            labels.push(Label::new(occ, kind, text, stems, weight));
            labels.last_mut()
        }
    }
}

/// The folded words of a text.
pub(super) fn words_of(text: &str) -> Vec<String> {
    analysis::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A heading's folded words, to compare headings across fiches.
pub(super) fn heading_key(h: &str) -> String {
    words_of(h).join(" ")
}
