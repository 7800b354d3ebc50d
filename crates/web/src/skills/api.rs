//! `GET /api/v1/skills` and `GET /api/v1/skills/{id}`.

use axum::Json;
use axum::extract::State;
use metiers_knowledge::SkillKind;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{MAX_SKILL_QUERY, SkillDetail, SkillSummary, detail, find, list};
use crate::AppState;
use crate::error::{ApiPath, ApiQuery, AppError, ErrorBody};

/// Filtres de la liste des compétences.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SkillParams {
    /// Mots du libellé ou de la description (casse et accents ignorés, 200 caractères au
    /// plus).
    pub q: Option<String>,
    /// `savoir-faire`, `savoir` ou `savoir-etre`.
    pub kind: Option<SkillKind>,
}

/// The skills of the graph.
#[utoipa::path(
    get,
    path = "/api/v1/skills",
    summary = "Compétences",
    description = "Les compétences du graphe des compétences (savoir-faire, savoirs, savoir-être), chacune avec le nombre de métiers qui la mobilisent ; filtrables par mots et par nature. Le graphe regroupe les activités des fiches qui disent la même chose ; il est établi par ce service, hors référentiel.",
    operation_id = "listSkills",
    tag = "competences",
    params(SkillParams),
    responses(
        (status = 200, description = "Les compétences retenues", body = Vec<SkillSummary>),
        (status = 400, description = "Paramètre invalide", body = ErrorBody)
    )
)]
pub async fn skills(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<SkillParams>,
) -> Result<Json<Vec<SkillSummary>>, AppError> {
    if p.q
        .as_deref()
        .is_some_and(|q| q.chars().count() > MAX_SKILL_QUERY)
    {
        return Err(AppError::bad_request(
            "requete_trop_longue",
            format!("Le paramètre « q » dépasse {MAX_SKILL_QUERY} caractères."),
        ));
    }
    Ok(Json(list(&state, p.q.as_deref(), p.kind)))
}

/// One skill: who mobilises it (with the fiches' sentences) and what it comes from.
#[utoipa::path(
    get,
    path = "/api/v1/skills/{id}",
    summary = "Une compétence",
    description = "Une compétence : les métiers qui la mobilisent (au cœur du métier ou non, avec le niveau et les phrases des fiches d’où elle vient), les éléments ROME (France Travail – ROME 4.0 v460) et compétences ESCO (ESCO – European Commission, v1.1.1) qui disent la même chose, et les raisons du regroupement.",
    operation_id = "getSkill",
    tag = "competences",
    params(("id" = String, Path, description = "Identifiant de la compétence (ex. `traitement-incidents`)")),
    responses(
        (status = 200, description = "La compétence", body = SkillDetail),
        (status = 404, description = "Identifiant inconnu (avec les identifiants proches)", body = ErrorBody)
    )
)]
pub async fn skill(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<SkillDetail>, AppError> {
    let s = find(&state.knowledge, &id)?;
    Ok(Json(detail(&state, s)))
}
