//! « Métiers proches » and « De A vers B » on skills: which occupations are closest to one,
//! why (the core skills in common, the ones to acquire), how much of B an occupation A
//! already covers, and ROME's own mobilities between the corresponding ROME fiches, shown
//! beside as a second, cited source.

use serde::Serialize;

use metiers_knowledge::{Knowledge, Level, Relation, Scheme, SkillKind};
use metiers_referentiel::export::level_range;
use metiers_referentiel::{Occupation, OccupationId, Referentiel};

use crate::space::{Held, Profile, SkillSpace};

/// Une compétence, citée par son identifiant et son libellé.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillRef {
    pub id: String,
    pub label: String,
}

/// Une mobilité que ROME 4.0 indique entre une fiche correspondant au métier de départ et
/// une fiche correspondant au métier visé (source : France Travail – ROME 4.0 v460).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RomeMobility {
    pub from_code: String,
    pub from_label: String,
    pub to_code: String,
    pub to_label: String,
}

/// Un métier proche d’un autre.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Close {
    pub id: OccupationId,
    pub title: String,
    /// Proximité dans [0, 1] : compétences partagées, pondérées par leur place (cœur ou
    /// secondaire), leur rareté et leur niveau, et compétences ROME et ESCO des fiches
    /// correspondantes.
    pub score: f64,
    /// Pourquoi, en français.
    pub reason: String,
    /// Compétences du cœur du métier proche que le métier de départ a aussi.
    pub shared_core: Vec<SkillRef>,
    /// Compétences du cœur du métier proche qui restent à acquérir.
    pub to_acquire: Vec<SkillRef>,
    /// Mobilités que ROME indique entre les fiches correspondantes (seconde source, citée).
    pub rome_mobilities: Vec<RomeMobility>,
}

/// Où se situe un métier pour la formation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationSide {
    pub id: OccupationId,
    pub title: String,
    /// `Bac+2 à Bac+4`, `non précisé`…
    pub education: String,
}

impl From<&Occupation> for OccupationSide {
    fn from(o: &Occupation) -> Self {
        OccupationSide {
            id: o.id.clone(),
            title: o.title.clone(),
            education: level_range(o.education.as_ref()),
        }
    }
}

/// Une compétence du métier visé, avec ce que le métier de départ en a.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillGap {
    pub id: String,
    pub label: String,
    pub kind: SkillKind,
    /// Compétence du cœur du métier visé.
    pub core: bool,
    /// Niveau que le métier visé demande (absent pour un savoir ou un savoir-être).
    pub level: Option<Level>,
    /// Niveau auquel le métier de départ la pratique, s’il l’a.
    pub from_level: Option<Level>,
    /// La compétence proche du métier de départ qui en couvre une partie, quand il ne l’a
    /// pas elle-même.
    pub by: Option<SkillRef>,
    /// Part de la compétence déjà couverte, dans [0, 1].
    pub covered: f64,
    /// Les phrases de la fiche visée d’où vient la compétence.
    pub sentences: Vec<String>,
}

/// « De A vers B » : ce que A couvre déjà de B et ce qui reste à acquérir.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Gap {
    pub from: OccupationSide,
    pub to: OccupationSide,
    /// Part pondérée des compétences de B que A a déjà, dans [0, 1].
    pub coverage: f64,
    /// Les compétences de B que A a (au même niveau ou au-dessus).
    pub shared: Vec<SkillGap>,
    /// Celles que A a à un niveau moindre, ou dont il a une compétence proche.
    pub partial: Vec<SkillGap>,
    /// Celles qui restent à acquérir, celles du cœur d’abord.
    pub missing: Vec<SkillGap>,
    /// Plus haut Bac+N de B moins celui de A, quand les deux sont connus.
    pub education_step: Option<i8>,
    /// Le changement de niveau de formation, en français.
    pub education_change: String,
    /// Pourquoi, en français.
    pub summary: String,
    /// Mobilités que ROME indique entre les fiches correspondantes (seconde source, citée).
    pub rome_mobilities: Vec<RomeMobility>,
}

/// The mobility of an edition: the space, the référentiel and the repertories.
#[derive(Debug, Clone)]
pub struct Mobility<'a> {
    pub space: &'a SkillSpace,
    pub referentiel: &'a Referentiel,
    pub knowledge: &'a Knowledge,
}

impl Mobility<'_> {
    /// Every occupation closest first (the others of the edition), or `None` for an unknown
    /// id.
    pub fn closest(&self, id: &str) -> Option<Vec<Close>> {
        let a = self.space.profile(id)?;
        Some(
            self.space
                .closest(a)
                .into_iter()
                .map(|(s, b)| self.close(a, b, s))
                .collect(),
        )
    }

    fn close(&self, a: &Profile, b: &Profile, similarity: f64) -> Close {
        let score = round2(similarity);
        let core: Vec<&Held> = b.held.iter().filter(|h| h.core).collect();
        let (shared, missing): (Vec<&Held>, Vec<&Held>) = core
            .into_iter()
            .partition(|h| a.held.iter().any(|x| x.skill == h.skill));
        let all_shared = b
            .held
            .iter()
            .filter(|h| a.held.iter().any(|x| x.skill == h.skill))
            .count();
        let name = |h: &&Held| SkillRef {
            id: self.space.skills[h.skill].id.clone(),
            label: self.space.skills[h.skill].label.clone(),
        };
        let shared_core: Vec<SkillRef> = shared.iter().map(name).collect();
        let to_acquire: Vec<SkillRef> = missing.iter().map(name).collect();
        let rome_mobilities = self.rome_mobilities(a.id.as_str(), b.id.as_str());
        Close {
            id: b.id.clone(),
            title: b.title.clone(),
            score,
            reason: reason(all_shared, &shared_core, &to_acquire, rome_mobilities.len()),
            shared_core,
            to_acquire,
            rome_mobilities,
        }
    }

    /// « De A vers B ».
    pub fn gap(&self, from: &Occupation, to: &Occupation) -> Option<Gap> {
        let a = self.space.profile(from.id.as_str())?;
        let b = self.space.profile(to.id.as_str())?;
        let (mut shared, mut partial, mut missing) = (Vec::new(), Vec::new(), Vec::new());
        for t in &b.held {
            let g = self.skill_gap(&a.held, t, to);
            if g.covered >= 0.999 {
                shared.push(g);
            } else if g.covered > 0.0 {
                partial.push(g);
            } else {
                missing.push(g);
            }
        }
        missing.sort_by_key(|g| !g.core);
        partial.sort_by_key(|g| !g.core);
        let coverage = round2(self.space.occupation_coverage(a, b));
        let (education_step, education_change) = education_change(from, to);
        let summary = format!(
            "{} couvre {} % de {} : {} compétence(s) en commun, {} en partie, {} à acquérir dont {} du cœur du métier visé.",
            from.title,
            (coverage * 100.0).round(),
            to.title,
            shared.len(),
            partial.len(),
            missing.len(),
            missing.iter().filter(|g| g.core).count()
        );
        Some(Gap {
            from: OccupationSide::from(from),
            to: OccupationSide::from(to),
            coverage,
            shared,
            partial,
            missing,
            education_step,
            education_change,
            summary,
            rome_mobilities: self.rome_mobilities(from.id.as_str(), to.id.as_str()),
        })
    }

    /// What `from` (skills held) has of the skill `t` of occupation `to`.
    pub fn skill_gap(&self, from: &[Held], t: &Held, to: &Occupation) -> SkillGap {
        let info = &self.space.skills[t.skill];
        let (covered, by) = self.space.best_credit(from, t);
        let own = from.iter().find(|f| f.skill == t.skill);
        let by = by.filter(|&s| s != t.skill).map(|s| SkillRef {
            id: self.space.skills[s].id.clone(),
            label: self.space.skills[s].label.clone(),
        });
        let sentences = self
            .knowledge
            .skills
            .get(&info.id)
            .map(|s| {
                self.knowledge
                    .skills
                    .quotes(self.referentiel, s)
                    .into_iter()
                    .filter(|(o, _)| o.id == to.id)
                    .map(|(_, q)| q.text.to_owned())
                    .collect()
            })
            .unwrap_or_default();
        SkillGap {
            id: info.id.clone(),
            label: info.label.clone(),
            kind: info.kind,
            core: t.core,
            level: t.level,
            from_level: own.and_then(|f| f.level),
            by: if own.is_some() { None } else { by },
            covered: round2(covered),
            sentences,
        }
    }

    /// The mobilities ROME lists from a fiche corresponding to `from` to a fiche
    /// corresponding to `to` (exact, close, broad or narrow correspondences).
    pub fn rome_mobilities(&self, from: &str, to: &str) -> Vec<RomeMobility> {
        let fiches = |id: &str| -> Vec<String> {
            self.knowledge
                .crosswalk
                .of(id)
                .iter()
                .filter(|c| c.scheme == Scheme::Rome && c.relation != Relation::RelatedMatch)
                .map(|c| c.code.clone())
                .collect()
        };
        let (a, b) = (fiches(from), fiches(to));
        let mut out = Vec::new();
        for fa in &a {
            for m in self.knowledge.rome.mobilities_from(fa) {
                if b.contains(&m.to) && !a.contains(&m.to) {
                    let label = |code: &str| {
                        self.knowledge
                            .rome
                            .fiche(code)
                            .map(|f| f.label.clone())
                            .unwrap_or_default()
                    };
                    out.push(RomeMobility {
                        from_code: fa.clone(),
                        from_label: label(fa),
                        to_code: m.to.clone(),
                        to_label: label(&m.to),
                    });
                }
            }
        }
        out
    }
}

fn reason(shared: usize, core: &[SkillRef], to_acquire: &[SkillRef], rome: usize) -> String {
    let list = |l: &[SkillRef]| {
        l.iter()
            .take(3)
            .map(|s| format!("« {} »", s.label))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = if shared == 0 {
        "Aucune compétence en commun".to_owned()
    } else {
        format!("{shared} compétence(s) en commun")
    };
    if !core.is_empty() {
        out.push_str(&format!(", dont du cœur du métier : {}", list(core)));
    }
    if !to_acquire.is_empty() {
        out.push_str(&format!(" ; à acquérir : {}", list(to_acquire)));
    }
    if rome > 0 {
        out.push_str(" ; ROME indique aussi cette mobilité");
    }
    out.push('.');
    out
}

/// The highest Bac+N of an occupation (its lowest when it states no highest).
fn top_level(o: &Occupation) -> Option<u8> {
    let e = o.education.as_ref()?;
    e.max_level.or(e.min_level)
}

fn education_change(from: &Occupation, to: &Occupation) -> (Option<i8>, String) {
    match (top_level(from), top_level(to)) {
        (Some(a), Some(b)) => {
            let step = i8::try_from(i16::from(b) - i16::from(a)).ok();
            let text = match b.cmp(&a) {
                std::cmp::Ordering::Greater => format!(
                    "Le métier visé demande une formation plus longue ({}, contre {}).",
                    level_range(to.education.as_ref()),
                    level_range(from.education.as_ref())
                ),
                std::cmp::Ordering::Less => format!(
                    "Le métier visé demande une formation moins longue ({}, contre {}).",
                    level_range(to.education.as_ref()),
                    level_range(from.education.as_ref())
                ),
                std::cmp::Ordering::Equal => format!(
                    "Même niveau de formation ({}).",
                    level_range(to.education.as_ref())
                ),
            };
            (step, text)
        }
        _ => (
            None,
            "Le référentiel ne précise pas la formation de l’un des deux métiers.".to_owned(),
        ),
    }
}

pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A share as a whole percentage.
fn pct(x: f64) -> String {
    format!("{} %", (x * 100.0).round())
}

fn level_note(g: &SkillGap) -> String {
    match (g.level, g.from_level) {
        (Some(want), Some(have)) if have < want => {
            format!(
                " (pratiquée « {} », demandée « {} »)",
                have.label(),
                want.label()
            )
        }
        (Some(want), None) => format!(" (niveau « {} »)", want.label()),
        _ => String::new(),
    }
}

impl Gap {
    /// The non-empty lists of skills, with their French headings, in reading order.
    fn sections(&self) -> impl Iterator<Item = (&'static str, &[SkillGap])> {
        [
            ("Compétences à acquérir", self.missing.as_slice()),
            ("Compétences déjà en partie", self.partial.as_slice()),
            ("Compétences en commun", self.shared.as_slice()),
        ]
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
    }

    /// The gap as text for a terminal.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "De « {} » vers « {} » : {} des compétences couvertes (part pondérée)\n{}\n{}\n",
            self.from.title,
            self.to.title,
            pct(self.coverage),
            self.summary,
            self.education_change
        );
        for (title, list) in self.sections() {
            out.push_str(&format!("\n{title} :\n"));
            for g in list {
                let core = if g.core { " [cœur du métier]" } else { "" };
                let by =
                    g.by.as_ref()
                        .map(|b| format!(" — en partie par « {} »", b.label))
                        .unwrap_or_default();
                out.push_str(&format!("  - {}{core}{}{by}\n", g.label, level_note(g)));
            }
        }
        for m in &self.rome_mobilities {
            out.push_str(&format!(
                "\nROME 4.0 indique la mobilité {} « {} » → {} « {} » (France Travail – ROME 4.0 v460).\n",
                m.from_code, m.from_label, m.to_code, m.to_label
            ));
        }
        out
    }

    /// The gap in Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# De « {} » vers « {} »\n\n- **Compétences couvertes** : {} (part pondérée : cœur du métier, rareté, niveau)\n- **Formation** : {}\n\n{}\n",
            self.from.title,
            self.to.title,
            pct(self.coverage),
            self.education_change,
            self.summary
        );
        for (title, list) in self.sections() {
            out.push_str(&format!("\n## {title}\n\n"));
            for g in list {
                let core = if g.core { " *(cœur du métier)*" } else { "" };
                out.push_str(&format!("- {}{core}{}\n", g.label, level_note(g)));
                for s in &g.sentences {
                    out.push_str(&format!("  - « {s} »\n"));
                }
            }
        }
        if !self.rome_mobilities.is_empty() {
            out.push_str("\n## Mobilités indiquées par ROME 4.0\n\n");
            for m in &self.rome_mobilities {
                out.push_str(&format!(
                    "- {} {} → {} {}\n",
                    m.from_code, m.from_label, m.to_code, m.to_label
                ));
            }
            out.push_str("\nSource : France Travail – ROME 4.0 v460.\n");
        }
        out
    }
}
