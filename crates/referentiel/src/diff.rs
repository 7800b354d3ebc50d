//! What changed from one edition to the next.
//!
//! [`diff`] compares two editions (whose ids went through the
//! [`Registry`](crate::registry::Registry), so that a renamed fiche has the same id in both)
//! and returns an [`EditionDiff`]: added, removed and renamed occupations, and for each
//! occupation present in both, its added, removed, reworded and moved activities, its
//! alternative titles and its education. A reworded activity is paired with its old wording
//! by [`similarity`] rather than shown as one removal and one addition. Two fiches with
//! different ids whose activities are mostly the same are paired as a rename too (the
//! registry then lacks the new title).

use crate::export::education_line;
use crate::model::{Occupation, OccupationId, Referentiel};
use crate::text::{fold, normalize_ws, slug};
use serde::Serialize;
use std::collections::HashSet;
use std::fmt::Write as _;

/// Two activity wordings at least this similar are one reworded activity.
pub const REWORD_THRESHOLD: f64 = 0.5;

/// Two fiches with different ids sharing at least this share of their activities are one
/// renamed fiche.
pub const RENAME_THRESHOLD: f64 = 0.5;

/// The changes between two editions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EditionDiff {
    pub old_edition: EditionRef,
    pub new_edition: EditionRef,
    pub added: Vec<OccupationRef>,
    pub removed: Vec<OccupationRef>,
    pub renamed: Vec<Renamed>,
    /// Occupations present in both editions whose content changed, in the new edition's order.
    pub changed: Vec<OccupationChanges>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EditionRef {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationRef {
    pub id: OccupationId,
    pub title: String,
}

/// A fiche whose title changed. `old_id != new_id` when the pairing came from the content
/// alone: the registry should then list the new title under the old id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Renamed {
    pub old_id: OccupationId,
    pub new_id: OccupationId,
    pub old_title: String,
    pub new_title: String,
}

/// The content changes of one occupation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationChanges {
    /// Id in the new edition.
    pub id: OccupationId,
    /// Title in the new edition.
    pub title: String,
    pub alt_titles_added: Vec<String>,
    pub alt_titles_removed: Vec<String>,
    /// `Some` when the education changed.
    pub education: Option<EducationChange>,
    pub added_activities: Vec<PlacedActivity>,
    pub removed_activities: Vec<PlacedActivity>,
    pub reworded_activities: Vec<Reworded>,
    pub moved_activities: Vec<Moved>,
}

/// The education text before and after (`None`: not stated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EducationChange {
    pub old: Option<String>,
    pub new: Option<String>,
}

/// An activity and its heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlacedActivity {
    pub heading: Option<String>,
    pub text: String,
}

/// An activity whose wording changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reworded {
    pub old_heading: Option<String>,
    pub new_heading: Option<String>,
    pub old_text: String,
    pub new_text: String,
    /// [`similarity`] of the two wordings, in [0, 1].
    pub similarity: f64,
}

/// An activity, worded the same, under another heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Moved {
    pub text: String,
    pub old_heading: Option<String>,
    pub new_heading: Option<String>,
}

impl OccupationChanges {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes().next().is_none()
    }

    /// Every change, in the order the reports list them (each report words them its way).
    fn changes(&self) -> impl Iterator<Item = Change<'_>> {
        self.alt_titles_added
            .iter()
            .map(|t| Change::AltTitle(true, t))
            .chain(
                self.alt_titles_removed
                    .iter()
                    .map(|t| Change::AltTitle(false, t)),
            )
            .chain(self.education.iter().map(Change::Education))
            .chain(
                self.added_activities
                    .iter()
                    .map(|a| Change::Activity(true, a)),
            )
            .chain(
                self.removed_activities
                    .iter()
                    .map(|a| Change::Activity(false, a)),
            )
            .chain(self.reworded_activities.iter().map(Change::Reworded))
            .chain(self.moved_activities.iter().map(Change::Moved))
    }
}

/// One change of an occupation, for the reports: `true` for added, `false` for removed.
enum Change<'a> {
    AltTitle(bool, &'a str),
    Education(&'a EducationChange),
    Activity(bool, &'a PlacedActivity),
    Reworded(&'a Reworded),
    Moved(&'a Moved),
}

/// Compares two editions.
pub fn diff(old: &Referentiel, new: &Referentiel) -> EditionDiff {
    let old_ids: HashSet<&str> = old.occupations.iter().map(|o| o.id.as_str()).collect();
    let new_ids: HashSet<&str> = new.occupations.iter().map(|o| o.id.as_str()).collect();
    let mut pairs: Vec<(&Occupation, &Occupation)> = new
        .occupations
        .iter()
        .filter_map(|n| old.get(n.id.as_str()).map(|o| (o, n)))
        .collect();

    // Fiches present on one side only: pair those whose activities are mostly the same.
    let only_old: Vec<&Occupation> = old
        .occupations
        .iter()
        .filter(|o| !new_ids.contains(o.id.as_str()))
        .collect();
    let only_new: Vec<&Occupation> = new
        .occupations
        .iter()
        .filter(|n| !old_ids.contains(n.id.as_str()))
        .collect();
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (i, o) in only_old.iter().enumerate() {
        for (j, n) in only_new.iter().enumerate() {
            let m = match_activities(o, n);
            let total = o.activities().count().max(n.activities().count());
            if total > 0 {
                let shared = m.unchanged + m.moved.len() + m.reworded.len();
                let score = shared as f64 / total as f64;
                if score >= RENAME_THRESHOLD {
                    candidates.push((score, i, j));
                }
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut used_old = vec![false; only_old.len()];
    let mut used_new = vec![false; only_new.len()];
    for (_, i, j) in candidates {
        if used_old[i] || used_new[j] {
            continue;
        }
        used_old[i] = true;
        used_new[j] = true;
        pairs.push((only_old[i], only_new[j]));
    }
    let position = |id: &OccupationId| new.occupations.iter().position(|o| &o.id == id);
    pairs.sort_by_key(|(_, n)| position(&n.id));

    let mut renamed = Vec::new();
    let mut changed = Vec::new();
    for (o, n) in pairs {
        if o.id != n.id || normalize_ws(&o.title) != normalize_ws(&n.title) {
            renamed.push(Renamed {
                old_id: o.id.clone(),
                new_id: n.id.clone(),
                old_title: o.title.clone(),
                new_title: n.title.clone(),
            });
        }
        let c = occupation_changes(o, n);
        if !c.is_empty() {
            changed.push(c);
        }
    }
    let refs = |list: Vec<&Occupation>, used: &[bool]| -> Vec<OccupationRef> {
        list.iter()
            .zip(used)
            .filter(|(_, u)| !**u)
            .map(|(o, _)| OccupationRef {
                id: o.id.clone(),
                title: o.title.clone(),
            })
            .collect()
    };
    EditionDiff {
        old_edition: EditionRef {
            id: old.edition.id.clone(),
            title: old.edition.title.clone(),
        },
        new_edition: EditionRef {
            id: new.edition.id.clone(),
            title: new.edition.title.clone(),
        },
        added: refs(only_new, &used_new),
        removed: refs(only_old, &used_old),
        renamed,
        changed,
    }
}

/// How alike two activity wordings are, in [0, 1]: the overlap of their meaningful words
/// (Dice coefficient over folded words of three letters or more, stop words aside, plural
/// `s`/`x` dropped), raised towards their normalised edit similarity when the letters agree
/// more than the words (the larger of the overlap and the mean of both).
pub fn similarity(a: &str, b: &str) -> f64 {
    let (fa, fb) = (fold(&normalize_ws(a)), fold(&normalize_ws(b)));
    if fa == fb {
        return 1.0;
    }
    let (wa, wb) = (words(&fa), words(&fb));
    let dice = if wa.is_empty() && wb.is_empty() {
        0.0
    } else {
        2.0 * wa.intersection(&wb).count() as f64 / (wa.len() + wb.len()) as f64
    };
    dice.max((dice + strsim::normalized_levenshtein(&fa, &fb)) / 2.0)
}

fn words(folded: &str) -> HashSet<&str> {
    const STOP: &[&str] = &[
        "les", "des", "une", "aux", "dans", "pour", "avec", "sur", "par", "son", "ses", "leur",
        "leurs", "qui", "que", "est", "dont", "ces", "cette", "aupres",
    ];
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 3 && !STOP.contains(w))
        .map(|w| w.strip_suffix(['s', 'x']).unwrap_or(w))
        .collect()
}

struct ActivityMatch {
    unchanged: usize,
    moved: Vec<Moved>,
    reworded: Vec<Reworded>,
    added: Vec<PlacedActivity>,
    removed: Vec<PlacedActivity>,
}

struct Item<'a> {
    heading: Option<&'a str>,
    heading_key: String,
    text: &'a str,
    key: String,
}

fn items(o: &Occupation) -> Vec<Item<'_>> {
    o.activity_groups
        .iter()
        .flat_map(|g| {
            let heading = g.heading.as_deref();
            g.activities.iter().map(move |a| Item {
                heading,
                heading_key: heading.map(slug).unwrap_or_default(),
                text: &a.text,
                key: fold(&normalize_ws(&a.text)),
            })
        })
        .collect()
}

fn match_activities(o: &Occupation, n: &Occupation) -> ActivityMatch {
    let (old, new) = (items(o), items(n));
    let mut used_old = vec![false; old.len()];
    let mut used_new = vec![false; new.len()];
    let mut out = ActivityMatch {
        unchanged: 0,
        moved: Vec::new(),
        reworded: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
    };
    // Same wording under the same heading, then same wording under another heading.
    for same_heading in [true, false] {
        for (j, b) in new.iter().enumerate() {
            if used_new[j] {
                continue;
            }
            let found = old.iter().enumerate().position(|(i, a)| {
                !used_old[i] && a.key == b.key && (!same_heading || a.heading_key == b.heading_key)
            });
            if let Some(i) = found {
                used_old[i] = true;
                used_new[j] = true;
                if old[i].heading_key == b.heading_key {
                    out.unchanged += 1;
                } else {
                    out.moved.push(Moved {
                        text: b.text.to_owned(),
                        old_heading: old[i].heading.map(str::to_owned),
                        new_heading: b.heading.map(str::to_owned),
                    });
                }
            }
        }
    }
    // What is left: the most similar pairs are rewordings.
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (i, a) in old.iter().enumerate().filter(|(i, _)| !used_old[*i]) {
        for (j, b) in new.iter().enumerate().filter(|(j, _)| !used_new[*j]) {
            let s = similarity(a.text, b.text);
            if s >= REWORD_THRESHOLD {
                candidates.push((s, i, j));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)).then(a.1.cmp(&b.1)));
    for (s, i, j) in candidates {
        if used_old[i] || used_new[j] {
            continue;
        }
        used_old[i] = true;
        used_new[j] = true;
        out.reworded.push(Reworded {
            old_heading: old[i].heading.map(str::to_owned),
            new_heading: new[j].heading.map(str::to_owned),
            old_text: old[i].text.to_owned(),
            new_text: new[j].text.to_owned(),
            similarity: (s * 100.0).round() / 100.0,
        });
    }
    let placed = |it: &Item<'_>| PlacedActivity {
        heading: it.heading.map(str::to_owned),
        text: it.text.to_owned(),
    };
    out.reworded.sort_by_key(|r| {
        new.iter()
            .position(|it| it.text == r.new_text)
            .unwrap_or(usize::MAX)
    });
    out.added = new
        .iter()
        .zip(&used_new)
        .filter(|(_, u)| !**u)
        .map(|(it, _)| placed(it))
        .collect();
    out.removed = old
        .iter()
        .zip(&used_old)
        .filter(|(_, u)| !**u)
        .map(|(it, _)| placed(it))
        .collect();
    out
}

fn occupation_changes(o: &Occupation, n: &Occupation) -> OccupationChanges {
    let m = match_activities(o, n);
    let keys = |list: &[String]| -> HashSet<String> { list.iter().map(|t| slug(t)).collect() };
    let (old_alts, new_alts) = (keys(&o.alt_titles), keys(&n.alt_titles));
    let edu = |occ: &Occupation| occ.education.as_ref().map(education_line);
    let (old_edu, new_edu) = (edu(o), edu(n));
    OccupationChanges {
        id: n.id.clone(),
        title: n.title.clone(),
        alt_titles_added: n
            .alt_titles
            .iter()
            .filter(|t| !old_alts.contains(&slug(t)))
            .cloned()
            .collect(),
        alt_titles_removed: o
            .alt_titles
            .iter()
            .filter(|t| !new_alts.contains(&slug(t)))
            .cloned()
            .collect(),
        education: (old_edu.as_deref().map(normalize_ws) != new_edu.as_deref().map(normalize_ws))
            .then_some(EducationChange {
                old: old_edu,
                new: new_edu,
            }),
        added_activities: m.added,
        removed_activities: m.removed,
        reworded_activities: m.reworded,
        moved_activities: m.moved,
    }
}

fn heading(h: &Option<String>) -> &str {
    h.as_deref().unwrap_or("sans rubrique")
}

fn percent(s: f64) -> String {
    format!("{:.0} %", s * 100.0)
}

impl EditionDiff {
    /// Whether the two editions hold the same occupations with the same content.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.renamed.is_empty()
            && self.changed.is_empty()
    }

    /// Counts of the changes, in French (`2 fiches ajoutées, 1 retirée…`).
    pub fn summary(&self) -> String {
        let acts = |f: fn(&OccupationChanges) -> usize| self.changed.iter().map(f).sum::<usize>();
        format!(
            "{} fiche(s) ajoutée(s), {} retirée(s), {} renommée(s) ; activités : {} ajoutée(s), {} retirée(s), {} reformulée(s), {} déplacée(s)",
            self.added.len(),
            self.removed.len(),
            self.renamed.len(),
            acts(|c| c.added_activities.len()),
            acts(|c| c.removed_activities.len()),
            acts(|c| c.reworded_activities.len()),
            acts(|c| c.moved_activities.len()),
        )
    }

    /// Plain text for a terminal.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Changements de l’édition « {} » à l’édition « {} »\n{}\n",
            self.old_edition.id,
            self.new_edition.id,
            self.summary()
        );
        if self.is_empty() {
            out.push_str("\nAucun changement.\n");
            return out;
        }
        if !self.added.is_empty() {
            let _ = writeln!(out, "\nFiches ajoutées :");
            for o in &self.added {
                let _ = writeln!(out, "  + {} ({})", o.title, o.id);
            }
        }
        if !self.removed.is_empty() {
            let _ = writeln!(out, "\nFiches retirées :");
            for o in &self.removed {
                let _ = writeln!(out, "  - {} ({})", o.title, o.id);
            }
        }
        if !self.renamed.is_empty() {
            let _ = writeln!(out, "\nFiches renommées :");
            for r in &self.renamed {
                let _ = writeln!(
                    out,
                    "  ~ « {} » → « {} » ({})",
                    r.old_title,
                    r.new_title,
                    rename_ids(r)
                );
            }
        }
        for c in &self.changed {
            let _ = writeln!(out, "\n{} ({}) :", c.title, c.id);
            for change in c.changes() {
                let _ = match change {
                    Change::AltTitle(added, t) => {
                        writeln!(out, "  {} autre appellation : {t}", sign(added))
                    }
                    Change::Education(e) => {
                        writeln!(out, "  ~ cursus : {} → {}", edu(&e.old), edu(&e.new))
                    }
                    Change::Activity(added, a) => {
                        writeln!(
                            out,
                            "  {} [{}] {}",
                            sign(added),
                            heading(&a.heading),
                            a.text
                        )
                    }
                    Change::Reworded(r) => writeln!(
                        out,
                        "  ~ [{}] reformulée (similarité {}) :\n      avant : {}\n      après : {}",
                        heading(&r.new_heading),
                        percent(r.similarity),
                        r.old_text,
                        r.new_text
                    ),
                    Change::Moved(m) => writeln!(
                        out,
                        "  > déplacée de [{}] vers [{}] : {}",
                        heading(&m.old_heading),
                        heading(&m.new_heading),
                        m.text
                    ),
                };
            }
        }
        out
    }

    /// Markdown, for release notes and the portal.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Changements de l’édition « {} » à l’édition « {} »\n\n{}.\n",
            self.old_edition.id,
            self.new_edition.id,
            self.summary()
        );
        if self.is_empty() {
            out.push_str("\nAucun changement.\n");
            return out;
        }
        let list = |out: &mut String, title: &str, items: &[OccupationRef]| {
            if !items.is_empty() {
                let _ = writeln!(out, "\n## {title}\n");
                for o in items {
                    let _ = writeln!(out, "- {} (`{}`)", o.title, o.id);
                }
            }
        };
        list(&mut out, "Fiches ajoutées", &self.added);
        list(&mut out, "Fiches retirées", &self.removed);
        if !self.renamed.is_empty() {
            let _ = writeln!(out, "\n## Fiches renommées\n");
            for r in &self.renamed {
                let _ = writeln!(
                    out,
                    "- « {} » devient « {} » ({})",
                    r.old_title,
                    r.new_title,
                    rename_ids(r)
                );
            }
        }
        if !self.changed.is_empty() {
            let _ = writeln!(out, "\n## Fiches modifiées");
        }
        for c in &self.changed {
            let _ = writeln!(out, "\n### {} (`{}`)\n", c.title, c.id);
            for change in c.changes() {
                let _ = match change {
                    Change::AltTitle(added, t) => writeln!(
                        out,
                        "- Autre appellation {} : {t}",
                        if added { "ajoutée" } else { "retirée" }
                    ),
                    Change::Education(e) => {
                        writeln!(out, "- Cursus : {} → {}", edu(&e.old), edu(&e.new))
                    }
                    Change::Activity(true, a) => writeln!(
                        out,
                        "- Activité ajoutée ({}) : {}",
                        heading(&a.heading),
                        a.text
                    ),
                    Change::Activity(false, a) => writeln!(
                        out,
                        "- Activité retirée ({}) : ~~{}~~",
                        heading(&a.heading),
                        a.text
                    ),
                    Change::Reworded(r) => writeln!(
                        out,
                        "- Activité reformulée ({}) : « {} » devient « {} »",
                        heading(&r.new_heading),
                        r.old_text,
                        r.new_text
                    ),
                    Change::Moved(m) => writeln!(
                        out,
                        "- Activité déplacée de {} vers {} : {}",
                        heading(&m.old_heading),
                        heading(&m.new_heading),
                        m.text
                    ),
                };
            }
        }
        out
    }
}

/// `+` for what was added, `-` for what was removed.
fn sign(added: bool) -> char {
    if added { '+' } else { '-' }
}

fn edu(e: &Option<String>) -> &str {
    e.as_deref().unwrap_or("non précisé")
}

fn rename_ids(r: &Renamed) -> String {
    if r.old_id == r.new_id {
        format!("identifiant « {} » conservé", r.new_id)
    } else {
        format!(
            "identifiant « {} » devenu « {} » : ajoutez le nouvel intitulé à « {} » dans le registre des identifiants",
            r.old_id, r.new_id, r.old_id
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_wordings_score_high_and_different_ones_low() {
        assert!(
            similarity(
                "Effectuer les tests unitaires",
                "Réaliser les tests unitaires"
            ) >= REWORD_THRESHOLD
        );
        assert!(
            similarity("Assembler les composants", "Rédiger les documentations") < REWORD_THRESHOLD
        );
        assert_eq!(
            similarity("Rédiger  les documentations", "Rediger les documentations"),
            1.0
        );
    }

    #[test]
    fn an_edition_compared_with_itself_has_no_change() {
        let r = crate::published().referentiel;
        let d = diff(&r, &r);
        assert!(d.is_empty(), "{d:?}");
        assert!(d.to_text().contains("Aucun changement."));
    }
}
