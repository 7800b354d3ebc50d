//! `GET /api/v1/occupations/{id}/similar`.

use axum::Json;
use axum::extract::State;
use metiers_hr::mobility::Close;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiPath, ApiQuery, AppError, ErrorBody};
use crate::params::check_limit;
use crate::referentiel::unknown;

/// Parameters of `similar`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopParams {
    /// Nombre maximal de métiers (1 à 50 ; 5 par défaut).
    #[param(minimum = 1, maximum = 50)]
    pub top: Option<usize>,
}

/// The occupations closest to one, with why (shared activities and headings, education step).
#[utoipa::path(
    get,
    path = "/api/v1/occupations/{id}/similar",
    summary = "Métiers proches",
    description = "Les métiers les plus proches d’un métier, calculés sur les compétences partagées (pondérées par leur place au cœur du métier, leur rareté et leur niveau) et les compétences ROME et ESCO des fiches correspondantes, avec pourquoi : compétences du cœur en commun, compétences à acquérir ; et, comme seconde source citée, les mobilités que ROME 4.0 indique entre les fiches correspondantes (France Travail – ROME 4.0 v460).",
    operation_id = "similarOccupations",
    tag = "recherche",
    params(
        ("id" = String, Path, description = "Identifiant de la fiche"),
        TopParams
    ),
    responses(
        (status = 200, description = "Les fiches les plus proches, les plus proches d’abord", body = Vec<Close>),
        (status = 400, description = "Paramètre invalide", body = ErrorBody),
        (status = 404, description = "Identifiant inconnu", body = ErrorBody)
    )
)]
pub async fn similar(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<TopParams>,
) -> Result<Json<Vec<Close>>, AppError> {
    let top = check_limit("top", p.top, 5)?;
    state
        .similar(&id)
        .map(|all| Json(all.iter().take(top).cloned().collect()))
        .ok_or_else(|| unknown(&state.referentiel, &id))
}
