//! `GET /api/v1/search`, `GET /api/v1/suggest` and `POST /api/v1/match`.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use metiers_search::{MatchResult, SearchHit, Suggestion};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::run_match;
use crate::AppState;
use crate::error::{ApiJson, ApiQuery, AppError, ErrorBody};
use crate::params::{check_limit, check_query, check_text, integral_number};

/// Parameters of `search` and `suggest`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueryParams {
    /// Les mots recherchés (1 à 200 caractères).
    #[param(required = true, min_length = 1, max_length = 200, pattern = r"\S")]
    pub q: Option<String>,
    /// Nombre maximal de résultats (1 à 50 ; 10 par défaut).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<usize>,
}

/// Le corps de `match`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MatchRequest {
    /// Un intitulé de poste, une annonce ou un CV (1 à 50 000 caractères).
    #[schema(min_length = 1, max_length = 50_000, pattern = r"\S")]
    pub text: String,
    /// Nombre maximal de métiers proposés (1 à 50 ; 3 par défaut).
    #[serde(default, deserialize_with = "integral_number")]
    #[schema(minimum = 1, maximum = 50)]
    pub top: Option<usize>,
}

/// Occupations ranked for a query, with their matching activities highlighted (byte ranges
/// of the activity's text).
#[utoipa::path(
    get,
    path = "/api/v1/search",
    summary = "Recherche de métiers",
    description = "Les fiches classées pour une requête, avec leurs activités qui en contiennent les mots (positions en octets du texte de l’activité).",
    operation_id = "searchOccupations",
    tag = "recherche",
    params(QueryParams),
    responses(
        (status = 200, description = "Les fiches qui partagent des mots avec la requête, les meilleures d’abord", body = Vec<SearchHit>),
        (status = 400, description = "Requête vide, trop longue ou paramètre invalide", body = ErrorBody)
    )
)]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<QueryParams>,
) -> Result<Json<Vec<SearchHit>>, AppError> {
    let q = check_query(p.q.as_deref())?;
    let limit = check_limit("limit", p.limit, 10)?;
    Ok(Json(state.engine.search(q, limit)))
}

/// Completions of a prefix by titles and alternative titles, for a search box.
#[utoipa::path(
    get,
    path = "/api/v1/suggest",
    summary = "Autocomplétion",
    description = "Intitulés et autres appellations qui complètent une saisie, pour un champ de recherche.",
    operation_id = "suggestTitles",
    tag = "recherche",
    params(QueryParams),
    responses(
        (status = 200, description = "Intitulés et autres appellations qui complètent la saisie", body = Vec<Suggestion>),
        (status = 400, description = "Saisie vide, trop longue ou paramètre invalide", body = ErrorBody)
    )
)]
pub async fn suggest(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<QueryParams>,
) -> Result<Json<Vec<Suggestion>>, AppError> {
    let q = check_query(p.q.as_deref())?;
    let limit = check_limit("limit", p.limit, 10)?;
    Ok(Json(state.engine.suggest(q, limit)))
}

/// Which occupations a job title, a job ad or a CV is: the same result as
/// `metiers match --format json`.
#[utoipa::path(
    post,
    path = "/api/v1/match",
    summary = "Quel métier correspond à ce texte ?",
    description = "Rapproche un intitulé de poste, une annonce ou un CV des métiers : score dans [0, 1], confiance, indices. Même résultat que `metiers match --format json`.",
    operation_id = "matchText",
    tag = "recherche",
    request_body = MatchRequest,
    responses(
        (status = 200, description = "Les métiers rapprochés, les meilleurs d’abord, avec score, confiance et indices", body = MatchResult),
        (status = 400, description = "Texte vide ou trop long, JSON invalide", body = ErrorBody),
        (status = 413, description = "Corps de plus de 1 Mio", body = ErrorBody),
        (status = 415, description = "Content-Type autre que application/json", body = ErrorBody),
        (status = 422, description = "JSON sans le champ « text » ou de mauvais type", body = ErrorBody)
    )
)]
pub async fn match_text(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<MatchRequest>,
) -> Result<Response, AppError> {
    let top = check_limit("top", body.top, 3)?;
    let text = check_text(&body.text)?;
    let answer = run_match(&state, text, top).await?;
    let json = answer.json();
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        json,
    )
        .into_response())
}
