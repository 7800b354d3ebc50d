//! Search, autocompletion, free-text matching and similar occupations, from the engine.

use axum::Json;
use axum::extract::State;
use metiers_search::{MatchResult, SearchHit, Similar, Suggestion};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{MAX_TEXT_CHARS, check_query};
use crate::error::{ApiJson, ApiPath, ApiQuery, AppError, ErrorBody};
use crate::{AppState, MatchCache};
use axum::response::{IntoResponse, Response};

/// Texts longer than this are matched on a blocking thread, off the async workers.
const BLOCKING_TEXT_BYTES: usize = 4_000;

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

/// Parameters of `similar`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopParams {
    /// Nombre maximal de métiers (1 à 50 ; 5 par défaut).
    #[param(minimum = 1, maximum = 50)]
    pub top: Option<usize>,
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

/// An optional count, written as JSON writes integers: `3` or `3.0` (the same number for JSON
/// Schema's `integer`; `3.0` was refused, found by Schemathesis). Fractions are refused.
fn integral_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    use serde::de::Error;
    match Option::<serde_json::Number>::deserialize(d)? {
        None => Ok(None),
        Some(n) => {
            if let Some(u) = n.as_u64() {
                return usize::try_from(u).map(Some).map_err(D::Error::custom);
            }
            match n.as_f64() {
                Some(f) if f.fract() == 0.0 && (0.0..=1e15).contains(&f) => Ok(Some(f as usize)),
                _ => Err(D::Error::custom(format!(
                    "invalid value: {n}, expected a positive integer"
                ))),
            }
        }
    }
}

fn check_limit(name: &str, value: Option<usize>, default: usize) -> Result<usize, AppError> {
    match value {
        None => Ok(default),
        Some(n @ 1..=50) => Ok(n),
        Some(_) => Err(AppError::bad_request(
            "parametres_invalides",
            format!("« {name} » doit être compris entre 1 et 50."),
        )),
    }
}

/// Occupations ranked for a query, with their matching activities highlighted (byte ranges
/// of the activity's text).
#[utoipa::path(
    get,
    path = "/api/v1/search",
    summary = "Recherche de métiers",
    description = "Les fiches classées pour une requête, avec leurs activités qui en contiennent les mots (positions en octets du texte de l’activité).",
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
    if text.len() <= MatchCache::MAX_TEXT_BYTES {
        let result = state
            .match_cache
            .get_or_compute(text, top, || state.engine.match_text(text, top));
        state.metrics.record_match(&result);
        return Ok(Json(&*result).into_response());
    }
    if text.len() <= BLOCKING_TEXT_BYTES {
        let result = state.engine.match_text(text, top);
        state.metrics.record_match(&result);
        return Ok(Json(result).into_response());
    }
    let text = text.to_owned();
    let engine = state.engine.clone();
    tokio::task::spawn_blocking(move || engine.match_text(&text, top))
        .await
        .map(|r| {
            state.metrics.record_match(&r);
            Json(r).into_response()
        })
        .map_err(|_| AppError::internal())
}

/// Checks a text to match: not blank, not too long. Returns it trimmed.
pub fn check_text(text: &str) -> Result<&str, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::bad_request(
            "texte_vide",
            "Le texte est vide : collez un intitulé de poste, une annonce ou un CV.",
        ));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::bad_request(
            "texte_trop_long",
            format!(
                "Le texte dépasse {MAX_TEXT_CHARS} caractères : gardez l’essentiel (intitulé et missions)."
            ),
        ));
    }
    Ok(text)
}

/// The occupations closest to one, with why (shared activities and headings, education step).
#[utoipa::path(
    get,
    path = "/api/v1/occupations/{id}/similar",
    summary = "Métiers proches",
    description = "Les métiers les plus proches d’un métier, avec pourquoi : activités et rubriques partagées, écart de niveau d’études.",
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
        .ok_or_else(|| super::occupations::unknown(&state.referentiel, &id))
}
