//! Reading a query: its stems (typos corrected against the stems the engine knows), their
//! weights, its head word, whether it names an occupation outside the référentiel, and the
//! segments of a long text.

use rustc_hash::FxHashMap;

use super::{Engine, Mode, tune};
use crate::analysis;

/// One distinct stem of a query.
#[derive(Debug, Clone)]
pub(super) struct QStem {
    pub(super) stem: String,
    /// The stem as analysed, before typo correction.
    pub(super) original: String,
    pub(super) surface: String,
    pub(super) weight: f32,
    pub(super) tf: u32,
    pub(super) fuzzy: bool,
    /// Position of the first occurrence among the analysed tokens.
    pub(super) pos: usize,
    /// Whether the stem is a word of some label (title, alt title, vocabulary).
    pub(super) title_word: bool,
    /// Titles: whether the stem only says where the post is (a manager's name after another
    /// role, « Technicien DSI », and the words its expansion alone brings): it weighs
    /// nothing in what labels explain of the title.
    pub(super) aside: bool,
}

impl QStem {
    /// A generic word of the field (« informatique », « système »): the words of the labels
    /// of at least half of the occupations. It says nothing of what a post leads.
    pub(super) fn is_generic(&self) -> bool {
        self.title_word && self.weight <= tune::GENERIC
    }

    /// The stem's weight in what labels explain of a title: its weight as a word of some
    /// label, nothing for another word or one set aside.
    pub(super) fn title_weight(&self) -> f32 {
        if self.title_word && !self.aside {
            self.weight
        } else {
            0.0
        }
    }
}

/// The one-word name of a managing occupation (« DSI »), as the reading of titles uses it.
#[derive(Debug, Clone)]
pub(super) struct ManagerName {
    /// The word's own stem, then those of its expansion.
    pub(super) stems: Vec<String>,
    pub(super) occ: usize,
    /// The first stems of the occupation's labels, sorted: after one of them the name
    /// restates the role (« Chief Information Security Officer (CISO) »), it names no department.
    pub(super) heads: Vec<String>,
}

/// A query as the scoring reads it.
#[derive(Debug)]
pub(super) struct Analysed {
    pub(super) stems: Vec<QStem>,
    pub(super) head: Option<usize>,
    /// Titles: when the head word is one of a unit's head (« Chef ») and a unit of an
    /// organisation is named right after it (« Chef de *service* »), the stem of that unit:
    /// the title names the head of the unit, a manager (« Technicien service informatique »
    /// does not).
    pub(super) unit: Option<usize>,
    /// Titles: `unit` is one of the units of an IT department that stand for each other
    /// (`Engine::alike_units`).
    pub(super) alike_unit: bool,
    /// Titles: the managing occupations whose one-word name follows another role's head
    /// word (« Technicien DSI »): the title names that manager's unit, not the manager. A
    /// deputy's head word (« Adjoint au DSI ») is no other role.
    pub(super) departments: Vec<usize>,
    pub(super) long: bool,
    /// Titles: how many of the analysed tokens the text itself wrote; those after them (at
    /// positions from `written` on) are the expansions of its terms, appended at its end.
    pub(super) written: usize,
    pub(super) outside: bool,
    /// Long texts: the stem ids of each segment (sentence, bullet), without those of the
    /// titles that relation cues introduce (`related`).
    pub(super) segments: Vec<Vec<u32>>,
    /// Long texts: where each stem of `stems` occurs, as (segment, token position); empty
    /// for a title.
    pub(super) occurrences: Vec<Vec<(u32, u32)>>,
    /// Long texts: each token's start in the text (expansions appended after it) and the id
    /// of its stem as analysed; empty for a title.
    pub(super) token_ids: Vec<(usize, Option<u32>)>,
    /// Long texts: the positions of the tokens of a title that a relation cue introduces
    /// (« auprès du *chef de projet MOA* »), in order: a label whose head word stands there
    /// names someone else than the post.
    pub(super) related: Vec<u32>,
}

impl Engine {
    /// Reads a query: a title or a long text as `mode` says.
    pub(super) fn analyse(&self, text: &str, mode: Mode) -> Analysed {
        let expanded = self.expander.expand(text);
        let full = expanded.as_deref().unwrap_or(text);
        let toks = self.words.analyze(full);
        let long = mode.reads_long(text);
        // Titles: the tokens of the text itself (an expansion's follow).
        let written = if long {
            0
        } else {
            toks.iter().filter(|t| t.from < text.len()).count()
        };
        let mut stems: Vec<QStem> = Vec::new();
        // Long texts, for each token in order: where it starts, its index in `stems`, and the
        // id of its stem as analysed (before typo correction) for the segments.
        let mut tokens: Vec<Token> = Vec::new();
        // Stem → its index in `stems` (which holds each stem once): a long text's hundreds of
        // stems are found without a scan of the list per word; a title's few are scanned.
        let mut index: FxHashMap<String, usize> = FxHashMap::default();
        // Titles: the index in `stems` of each token, in order.
        let mut seq: Vec<usize> = Vec::new();
        let find = |stems: &[QStem], index: &FxHashMap<String, usize>, stem: &str| {
            if long {
                index.get(stem).copied()
            } else {
                stems.iter().position(|s| s.stem == stem)
            }
        };
        for (pos, t) in toks.into_iter().enumerate() {
            let id = if long {
                self.stem_ids.get(&t.stem).copied()
            } else {
                None
            };
            if let Some(qi) = find(&stems, &index, &t.stem) {
                let s = &mut stems[qi];
                s.tf += 1;
                // A typo's correction is a guess that this occurrence confirms: the stem
                // written as such, or brought by the expansion of the word corrected
                // (« technician » means « technicien »). It is then the stem itself.
                if s.fuzzy {
                    s.fuzzy = false;
                    s.weight = self.known(&s.stem).map_or(tune::UNKNOWN, |k| k.weight);
                }
                if long {
                    tokens.push((t.from, qi, id));
                } else {
                    seq.push(qi);
                }
                continue;
            }
            let surface = full.get(t.from..t.to).unwrap_or(&t.stem).to_owned();
            // The stem as the engine knows it, its weight and whether a label has it
            // (looked up once).
            let (stem, known, fuzzy) = match self.known(&t.stem) {
                Some(k) => (t.stem.clone(), Some(k), false),
                None => match self.corrected(&t.stem) {
                    Some(c) => {
                        let k = self.known(&c);
                        (c, k, true)
                    }
                    None => (t.stem.clone(), None, false),
                },
            };
            if let Some(qi) = find(&stems, &index, &stem) {
                stems[qi].tf += 1;
                if long {
                    tokens.push((t.from, qi, id));
                } else {
                    seq.push(qi);
                }
                continue;
            }
            if long {
                tokens.push((t.from, stems.len(), id));
            } else {
                seq.push(stems.len());
            }
            let weight = known.map_or(tune::UNKNOWN, |k| k.weight) * if fuzzy { 0.7 } else { 1.0 };
            if long {
                index.insert(stem.clone(), stems.len());
            }
            stems.push(QStem {
                original: t.stem.clone(),
                title_word: known.is_some_and(|k| k.in_labels),
                stem,
                surface,
                weight,
                tf: 1,
                fuzzy,
                pos,
                aside: false,
            });
        }
        let head = stems.iter().position(|s| s.title_word);
        // A manager's one-word name first, then a separator and another role's title
        // (« DSI - Chef de projet », « DSI 75 - Administrateur réseau »): the name says the
        // department where the post is, as it does after the role (« Technicien DSI »), and
        // the role's word is the head.
        let before = head.filter(|_| !long).and_then(|h| {
            self.department_first(text, &stems, h, written)
                .map(|role| (h, role))
        });
        let head = before.map_or(head, |(_, role)| Some(role));
        let before = before.map(|(name, _)| name);
        // A head word of a unit (« Chef ») and, after it and its repeats, a unit
        // (« Chef / Cheffe d’équipe »).
        let unit = head.and_then(|h| {
            if !self.unit_heads.contains(&stems[h].stem) {
                return None;
            }
            let mut p = stems[h].pos;
            while seq.get(p + 1) == Some(&h) {
                p += 1;
            }
            seq.get(p + 1)
                .copied()
                .filter(|&next| self.units.contains(&stems[next].stem))
        });
        let alike_unit = unit.is_some_and(|u| self.alike_units.contains(&stems[u].stem));
        // Managers whose one-word name follows another role's head word: the name, and the
        // words its expansion alone brings (not written in the title), are set aside.
        let mut departments = Vec::new();
        if let Some(h) = head
            && !long
            && !self.deputies.contains(&stems[h].stem)
        {
            let after = stems[h].pos;
            for m in &self.manager_names {
                let Some((name, expansion)) = m.stems.split_first() else {
                    continue;
                };
                let Some(qi) = stems
                    .iter()
                    .enumerate()
                    .position(|(qi, s)| (s.pos > after || Some(qi) == before) && &s.stem == name)
                else {
                    continue;
                };
                if m.heads.binary_search(&stems[h].stem).is_ok() {
                    continue;
                }
                departments.push(m.occ);
                stems[qi].aside = true;
                for s in stems.iter_mut().filter(|s| s.pos >= written) {
                    if expansion.contains(&s.stem) {
                        s.aside = true;
                    }
                }
            }
        }
        let folded = analysis::fold(text);
        let outside = self.outside_forms.found_in(&folded)
            || (!long
                && self
                    .outside
                    .iter()
                    .any(|o| o.iter().all(|st| stems.iter().any(|s| &s.original == st))));
        let Segmentation {
            segments,
            occurrences,
            related,
        } = if long {
            let cue: Vec<bool> = stems
                .iter()
                .map(|s| self.relation_cues.binary_search(&s.original).is_ok())
                .collect();
            // Looked up only for the words that follow a cue.
            let heads_a_label = |qi: usize| {
                stems.get(qi).is_some_and(|s| {
                    self.label_index
                        .get(&s.stem)
                        .is_some_and(|l| l.iter().any(|&(_, k)| k == 0))
                })
            };
            split_segments(full, &tokens, &cue, heads_a_label)
        } else {
            Segmentation::default()
        };
        Analysed {
            stems,
            head,
            unit,
            alike_unit,
            written,
            departments,
            long,
            outside,
            segments,
            occurrences,
            token_ids: tokens.iter().map(|&(from, _, id)| (from, id)).collect(),
            related,
        }
    }

    /// The title word after the separator that follows `name`, the title's first word, when
    /// `name` is a manager's one-word name (« DSI ») and that word is another role's
    /// (« DSI - Chef de projet », « DSI 75 : Administrateur réseau »); not a deputy's word
    /// (« DSI - adjoint » is the deputy DSI).
    fn department_first(
        &self,
        text: &str,
        stems: &[QStem],
        name: usize,
        written: usize,
    ) -> Option<usize> {
        let first = stems.get(name)?;
        if !self
            .manager_names
            .iter()
            .any(|m| m.stems.first() == Some(&first.stem))
        {
            return None;
        }
        let (role, next) = stems
            .iter()
            .enumerate()
            .filter(|(_, s)| s.title_word && s.pos > first.pos && s.pos < written)
            .min_by_key(|(_, s)| s.pos)?;
        if self.deputies.contains(&next.stem) {
            return None;
        }
        let after = text.find(&first.surface)? + first.surface.len();
        let gap = text.get(after..)?;
        let gap = gap.get(..gap.find(&next.surface)?)?;
        gap.contains(['-', '–', '—', ':', '|']).then_some(role)
    }

    /// A known stem's weight as a query word, and whether a label has it (its weight is
    /// then the label one); `None` when no fiche or entry knows it.
    pub(super) fn known(&self, stem: &str) -> Option<Known> {
        if let Some(&weight) = self.label_idf.get(stem) {
            return Some(Known {
                weight,
                in_labels: true,
            });
        }
        self.text_idf.get(stem).map(|t| Known {
            weight: 0.5 * t,
            in_labels: false,
        })
    }

    /// Typo corrections kept at most (estimated ~100 bytes each).
    pub(super) const CORRECTIONS_MAX: usize = 50_000;

    /// [`Engine::correct`], remembered for the texts that follow while there is room.
    fn corrected(&self, stem: &str) -> Option<String> {
        if stem.chars().count() < 6 {
            return None;
        }
        if let Some(correction) = self.corrections.read(stem, Clone::clone) {
            return correction;
        }
        let correction = self.correct(stem);
        self.corrections
            .remember([(Box::from(stem), correction.clone())]);
        correction
    }

    /// The known stem one typo away from an unknown one (two for long words).
    fn correct(&self, stem: &str) -> Option<String> {
        let len = stem.chars().count();
        if len < 6 {
            return None;
        }
        let max = if len >= 10 { 2 } else { 1 };
        let first = stem.chars().next()?;
        let mut utf8 = [0_u8; 4];
        let first_str: &str = first.encode_utf8(&mut utf8);
        let counts = char_counts(stem);
        let mut best: Option<(usize, &String)> = None;
        for l in len.saturating_sub(max)..=len + max {
            let Some(known) = self.known_by_len.get(&l) else {
                continue;
            };
            // Each list is sorted: the stems sharing the first letter are one run of it.
            let from = known.partition_point(|c| c.as_str() < first_str);
            for cand in known[from..].iter().take_while(|c| c.starts_with(first)) {
                // An edit changes the counts of characters by two at most: a cheap bound
                // that spares most of the distances.
                let other = char_counts(cand);
                let apart: u32 = counts
                    .iter()
                    .zip(&other)
                    .map(|(a, b)| u32::from(a.abs_diff(*b)))
                    .sum();
                if apart > 2 * max as u32 {
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
}

/// The characters that end a segment (sentence, bullet) of a long text; « - » between
/// spaces ends one too.
const SEGMENT_ENDS: [char; 10] = ['.', ';', '•', '*', '\n', '!', '?', ':', '·', '|'];

/// A token of a long text: where it starts in the text, its index among the query's stems,
/// and the id of its stem as analysed (`None` for a stem no fiche knows).
type Token = (usize, usize, Option<u32>);

/// The segments (sentences, bullets) of a long text and where each query stem occurs, from
/// its tokens in order: each segment as the sorted ids of its stems but those of the titles
/// that relation cues introduce (segments with fewer than two known stems left out), for
/// each query stem its (segment, token position)
/// occurrences, and the positions of the title that a relation cue introduces in its
/// segment: when the word after a cue heads a label, it and the words after it up to
/// [`tune::RELATED_SPAN`] (« auprès du *chef de projet maîtrise d’ouvrage* »), not past a
/// comma. `cue` marks the query stems that are relation cues; `heads_a_label` says whether
/// one heads a label.
fn split_segments(
    text: &str,
    tokens: &[Token],
    cue: &[bool],
    heads_a_label: impl Fn(usize) -> bool,
) -> Segmentation {
    let bounds = segment_bounds(text);
    let mut segments = Vec::new();
    let mut occurrences = vec![Vec::new(); cue.len()];
    let mut related = Vec::new();
    // The segment of the previous token and whether it was a cue; the positions of the
    // current related title still to come.
    let mut previous: Option<(usize, bool)> = None;
    let mut span_left = 0_u32;
    let mut last_from = 0_usize;
    let mut current: (Option<usize>, Vec<u32>) = (None, Vec::new());
    let close = |ids: &mut Vec<u32>, segments: &mut Vec<Vec<u32>>| {
        ids.sort_unstable();
        ids.dedup();
        if ids.len() >= 2 {
            segments.push(std::mem::take(ids));
        }
        ids.clear();
    };
    for (pos, &(from, qi, id)) in tokens.iter().enumerate() {
        let seg = bounds.partition_point(|&b| b <= from);
        if current.0 != Some(seg) {
            close(&mut current.1, &mut segments);
            current.0 = Some(seg);
        }
        if let Some(o) = occurrences.get_mut(qi) {
            o.push((seg as u32, pos as u32));
        }
        // A related title ends with its segment and at a comma (« en lien avec le chef de
        // service, administrateur systèmes et réseaux, vous … »): what follows is the post's.
        if span_left > 0
            && (previous.is_some_and(|(s, _)| s != seg)
                || text
                    .get(last_from..from)
                    .is_some_and(|gap| gap.contains(',')))
        {
            span_left = 0;
        }
        last_from = from;
        if previous == Some((seg, true)) && heads_a_label(qi) {
            span_left = tune::RELATED_SPAN;
        }
        if span_left > 0 {
            related.push(pos as u32);
            span_left -= 1;
        } else {
            // Someone else's title says nothing of the post's activities either.
            current.1.extend(id);
        }
        previous = Some((seg, cue.get(qi).copied().unwrap_or(false)));
    }
    close(&mut current.1, &mut segments);
    Segmentation {
        segments,
        occurrences,
        related,
    }
}

/// What [`split_segments`] gives (see the fields of the same names in [`Analysed`]); empty
/// for a title.
#[derive(Debug, Default)]
struct Segmentation {
    /// The stem ids of each segment.
    segments: Vec<Vec<u32>>,
    /// Each query stem's (segment, token position) occurrences.
    occurrences: Vec<Vec<(u32, u32)>>,
    /// The token positions of the titles that relation cues introduce.
    related: Vec<u32>,
}

/// The byte offsets where a segment of `text` ends, in order: [`SEGMENT_ENDS`], and « - »
/// between spaces.
fn segment_bounds(text: &str) -> Vec<usize> {
    let mut out: Vec<usize> = text
        .char_indices()
        .filter(|(_, c)| SEGMENT_ENDS.contains(c))
        .map(|(i, _)| i)
        .chain(text.match_indices(" - ").map(|(i, _)| i + 1))
        .collect();
    out.sort_unstable();
    out
}

impl Analysed {
    /// Whether the query writes `stem` as a word a label may hold (not one set aside, which
    /// says where the post is, as `score` reads the label index).
    pub(super) fn writes(&self, stem: &str) -> bool {
        self.stems.iter().any(|s| !s.aside && s.stem == stem)
    }

    /// Whether the query stems `rest` (distinct) stand right after `head` in one segment of
    /// a long text: after it, within a window of `slack` more tokens than there are stems. A
    /// label is mentioned by a text only so, its head word first as a title writes it, not by
    /// words scattered over its sentences nor by its words in another order (« le bureau …
    /// est responsable de » is no « responsable de bureau »); and not in the title that a
    /// relation cue introduces, someone else's (« auprès du chef de projet MOA »).
    pub(super) fn together(&self, head: usize, rest: &[usize], slack: u32) -> bool {
        let Some(anchors) = self.occurrences.get(head) else {
            return false;
        };
        let own = |p: u32| self.related.binary_search(&p).is_err();
        let window = rest.len() as u32 + 1 + slack;
        anchors.iter().filter(|&&(_, p)| own(p)).any(|&(seg, p)| {
            let mut hi = p;
            rest.iter().all(|&qi| {
                let near = self.occurrences.get(qi).and_then(|occ| {
                    occ.iter()
                        .filter(|&&(s, q)| s == seg && q > p && q - p <= window)
                        .min_by_key(|&&(_, q)| q - p)
                });
                near.is_some_and(|&(_, q)| {
                    hi = hi.max(q);
                    hi - p <= window
                })
            })
        })
    }
}

/// How many times each character occurs in a word, characters folded into 64 buckets
/// (two characters sharing a bucket only make the bound of [`Engine::correct`] looser).
fn char_counts(word: &str) -> [u8; 64] {
    let mut counts = [0_u8; 64];
    for c in word.chars() {
        let slot = &mut counts[(c as usize) % 64];
        *slot = slot.saturating_add(1);
    }
    counts
}

/// Folded forms of words that mark an occupation outside the référentiel.
pub(super) struct OutsideForms {
    forms: Vec<String>,
    /// Whether a text holds any of the forms at all, in one pass: most texts hold none, and
    /// only those that do are searched form by form for a whole word.
    any: Option<aho_corasick::AhoCorasick>,
}

impl OutsideForms {
    pub(super) fn new(forms: Vec<String>) -> Self {
        // Building fails only past sizes that a few words never reach; without it, every
        // text is searched form by form.
        let any = aho_corasick::AhoCorasick::new(&forms).ok();
        OutsideForms { forms, any }
    }

    /// Whether `folded` holds one of the forms as a whole word.
    pub(super) fn found_in(&self, folded: &str) -> bool {
        self.any.as_ref().is_none_or(|ac| ac.is_match(folded))
            && self.forms.iter().any(|f| contains_word(folded, f))
    }
}

/// Whether `word` occurs in `text` between non-alphanumeric characters (both folded).
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// What [`Engine::known`] tells of a stem.
#[derive(Debug, Clone, Copy)]
pub(super) struct Known {
    weight: f32,
    /// A label (title, other title, curated or repertory label) has the stem.
    in_labels: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A typo corrected once is remembered, and the text gets the same answer from memory.
    #[test]
    fn typo_corrections_are_remembered_and_answer_alike() {
        let engine = Engine::build_with(
            &metiers_referentiel::published().referentiel,
            &crate::vocabulary::Vocabulary::embedded().expect("vocabulaire embarqué"),
            None,
        )
        .expect("moteur");
        let text = "administrateru réseaux";
        let first = engine.match_text(text, 3);
        let stem = engine.words.analyze("administrateru").remove(0).stem;
        let remembered = engine.corrections.read(&stem, Clone::clone);
        assert_eq!(remembered, Some(engine.correct(&stem)));
        assert!(
            remembered.flatten().is_some(),
            "« {stem} » est corrigé vers un radical connu"
        );
        assert_eq!(engine.match_text(text, 3), first);
        // Short words are never corrected, nor remembered.
        assert_eq!(engine.corrected("zqx"), None);
        assert_eq!(engine.corrections.read("zqx", |_| ()), None);
    }
}
