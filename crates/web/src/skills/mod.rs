//! The skills graph: every skill (« Compétences », `/api/v1/skills`) and, for one skill, the
//! occupations that mobilise it with the fiches' sentences quoted, and the ROME and ESCO
//! skills that say the same thing (`/competences/{id}`, `/api/v1/skills/{id}`).
//!
//! This module holds what the API and the pages share: the list, filtered, and the detail
//! of a skill.

pub mod api;
mod pages;

use axum::Router;
use axum::routing::get;
use metiers_knowledge::{Knowledge, Level, Skill, SkillKind};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{AppError, shown};

/// Routes of the pages (the API's are registered by [`crate::api`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/competences", get(pages::list))
        .route("/competences/{id}", get(pages::skill))
}

/// Une compétence dans une liste.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkillSummary {
    pub id: String,
    pub label: String,
    /// `savoir-faire`, `savoir` ou `savoir-etre`.
    pub kind: SkillKind,
    pub description: String,
    /// Nombre de métiers qui la mobilisent.
    pub occupations: usize,
    /// Nombre de métiers dont elle est au cœur.
    pub core_of: usize,
}

/// Un métier qui mobilise une compétence, avec les phrases de sa fiche.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkillHolder {
    pub id: String,
    pub title: String,
    /// La compétence est au cœur du métier.
    pub core: bool,
    /// Niveau que les activités du métier permettent de lire.
    pub level: Option<Level>,
    /// Les phrases de la fiche (activités) d’où vient la compétence.
    pub sentences: Vec<String>,
}

/// Un élément ROME ou une compétence ESCO qui dit la même chose.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RepertorySkill {
    /// `rome` (code OGR) ou `esco` (URI).
    pub scheme: &'static str,
    #[serde(rename = "ref")]
    pub reference: String,
    pub label: String,
}

/// Une compétence, qui la mobilise, et d’où elle vient.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkillDetail {
    pub id: String,
    pub label: String,
    pub kind: SkillKind,
    pub description: String,
    /// Les métiers qui la mobilisent, ceux dont elle est au cœur d’abord.
    pub occupations: Vec<SkillHolder>,
    /// Les éléments ROME et les compétences ESCO qui disent la même chose.
    pub repertories: Vec<RepertorySkill>,
    /// Pourquoi des activités de plusieurs fiches forment cette compétence.
    pub merge: Option<String>,
    /// Pourquoi une compétence proche est tenue à part.
    pub split: Option<String>,
}

/// Largest number of characters of a search of skills.
pub const MAX_SKILL_QUERY: usize = 200;

/// The skills, filtered by words (label and description, accents and case aside) and kind.
pub fn list(state: &AppState, q: Option<&str>, kind: Option<SkillKind>) -> Vec<SkillSummary> {
    let graph = &state.knowledge.skills;
    graph
        .search(q.unwrap_or_default(), kind)
        .into_iter()
        .map(|s| {
            let holders = graph.holders(&s.id);
            SkillSummary {
                id: s.id.clone(),
                label: s.label.clone(),
                kind: s.kind,
                description: s.description.clone(),
                occupations: holders.len(),
                core_of: holders.iter().filter(|(_, core)| *core).count(),
            }
        })
        .collect()
}

/// The skill of an id, or a 404 naming the closest ids.
pub fn find<'a>(k: &'a Knowledge, id: &str) -> Result<&'a Skill, AppError> {
    k.skills.get(id.trim()).ok_or_else(|| {
        AppError::not_found(
            "competence_inconnue",
            format!(
                "Aucune compétence « {} ». Identifiants proches : {}.",
                shown(id),
                k.skills.closest_ids(id, 3).join(", ")
            ),
        )
    })
}

/// Everything about a skill.
pub fn detail(state: &AppState, s: &Skill) -> SkillDetail {
    let k = &state.knowledge;
    let r = &state.referentiel;
    let quotes = k.skills.quotes(r, s);
    let mut occupations: Vec<SkillHolder> = k
        .skills
        .holders(&s.id)
        .into_iter()
        .filter_map(|(id, core)| {
            let o = r.get(id)?;
            let level = k.skills.level_of(r, id, s);
            Some(SkillHolder {
                id: id.to_owned(),
                title: o.title.clone(),
                core,
                level,
                sentences: quotes
                    .iter()
                    .filter(|(q, _)| q.id == o.id)
                    .map(|(_, q)| q.text.to_owned())
                    .collect(),
            })
        })
        .collect();
    occupations.sort_by_key(|h| !h.core);
    let mut repertories = Vec::new();
    for code in &s.rome {
        if let Some(item) = k.rome.skill(code) {
            repertories.push(RepertorySkill {
                scheme: "rome",
                reference: code.clone(),
                label: item.label.clone(),
            });
        }
    }
    for uri in &s.esco {
        if let Some(e) = k.esco.skill(uri) {
            repertories.push(RepertorySkill {
                scheme: "esco",
                reference: uri.clone(),
                label: e.preferred_label.clone(),
            });
        }
    }
    SkillDetail {
        id: s.id.clone(),
        label: s.label.clone(),
        kind: s.kind,
        description: s.description.clone(),
        occupations,
        repertories,
        merge: s.merge.clone(),
        split: s.split.clone(),
    }
}
