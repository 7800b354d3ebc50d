//! `GET /api/v1/occupations/{id}/similar`.

use axum::Json;
use axum::extract::State;
use metiers_search::Similar;
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
    description = "Les métiers les plus proches d’un métier, avec pourquoi : activités et rubriques partagées, écart de niveau d’études.",
    operation_id = "similarOccupations",
    tag = "recherche",
    params(
        ("id" = String, Path, description = "Identifiant de la fiche"),
        TopParams
    ),
    responses(
        (status = 200, description = "Les fiches les plus proches, les plus proches d’abord", body = Vec<Similar>),
        (status = 400, description = "Paramètre invalide", body = ErrorBody),
        (status = 404, description = "Identifiant inconnu", body = ErrorBody)
    )
)]
pub async fn similar(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<TopParams>,
) -> Result<Json<Vec<Similar>>, AppError> {
    let top = check_limit("top", p.top, 5)?;
    state
        .similar(&id)
        .map(|all| Json(all.iter().take(top).cloned().collect()))
        .ok_or_else(|| unknown(&state.referentiel, &id))
}
