//! JSON under `/api/v1/cartographie`: positions, review, dashboard, learned titles, export.
//!
//! Authentication: `Authorization: Bearer <administrator token>`, or the portal's session
//! cookie (then writes also need the session's CSRF token in `X-CSRF-Token`).

use super::{Cartographie, carto, csrf_ok, internal, session};
use crate::AppState;
use crate::error::{ApiJson, ApiPath, ApiQuery, AppError};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use metiers_store::{PositionFilter, Status, StoreError};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cartographie/postes", get(list))
        .route("/api/v1/cartographie/postes/{id}", get(one))
        .route("/api/v1/cartographie/postes/{id}/revue", post(review))
        .route("/api/v1/cartographie/tableau-de-bord", get(dashboard))
        .route("/api/v1/cartographie/appris", get(learned))
        .route("/api/v1/cartographie/appris/{id}", delete(remove_learned))
        .route("/api/v1/cartographie/export/{format}", get(export))
}

/// Who is calling: the administrator (bearer token) or a session's reviewer.
struct Caller {
    reviewer: Option<String>,
}

fn unauthorized() -> AppError {
    AppError::new(
        StatusCode::UNAUTHORIZED,
        "authentification_requise",
        "Authentification requise : en-tête « Authorization: Bearer <jeton d’administration> » ou session du portail.",
    )
}

/// Checks the caller; for writes (`write`), a session must also present its CSRF token.
async fn authorize(c: &Cartographie, headers: &HeaderMap, write: bool) -> Result<Caller, AppError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        let ok = metiers_store::auth::check_admin_token(&c.store, token)
            .await
            .map_err(internal)?;
        if !ok {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            return Err(unauthorized());
        }
        return Ok(Caller { reviewer: None });
    }
    let s = session(c, headers).await?.ok_or_else(unauthorized)?;
    if write {
        let sent = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !csrf_ok(&s, sent) {
            return Err(AppError::new(
                StatusCode::FORBIDDEN,
                "jeton_csrf_invalide",
                "Écriture par session : l’en-tête X-CSRF-Token doit porter le jeton de la session.",
            ));
        }
    }
    Ok(Caller {
        reviewer: Some(s.reviewer),
    })
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    /// to_review, proposed, confirmed, corrected (or French: a-revoir…).
    statut: Option<String>,
    /// Only positions not yet decided by a person.
    a_relire: Option<bool>,
    metier: Option<String>,
    texte: Option<String>,
    offset: Option<i64>,
    limit: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, AppError> {
    let c = carto(&state)?;
    authorize(c, &headers, false).await?;
    let status = match q.statut.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            AppError::bad_request(
                "statut_inconnu",
                "Statut inconnu : to_review, proposed, confirmed ou corrected.",
            )
        })?),
        None => None,
    };
    let filter = PositionFilter {
        status,
        unreviewed: q.a_relire.unwrap_or(false),
        occupation_id: q.metier,
        text: q.texte.map(|t| t.chars().take(200).collect()),
        offset: q.offset.unwrap_or(0).max(0),
        limit: q.limit.unwrap_or(50),
    };
    let page = c.store.positions(&filter).await.map_err(internal)?;
    Ok(Json(page).into_response())
}

async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, AppError> {
    let c = carto(&state)?;
    authorize(c, &headers, false).await?;
    let p = c
        .store
        .position(id)
        .await
        .map_err(internal)?
        .ok_or_else(unknown_position)?;
    let reviews = c.store.reviews(id).await.map_err(internal)?;
    Ok(Json(serde_json::json!({ "position": p, "reviews": reviews })).into_response())
}

fn unknown_position() -> AppError {
    AppError::not_found("poste_inconnu", "Aucun poste n’a ce numéro.")
}

#[derive(Debug, Deserialize)]
pub struct ReviewBody {
    occupation_id: String,
    /// Required with the bearer token; a session's reviewer is the person logged in.
    reviewer: Option<String>,
}

async fn review(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<Response, AppError> {
    let c = carto(&state)?;
    let caller = authorize(c, &headers, true).await?;
    let reviewer = caller.reviewer.or(body.reviewer).unwrap_or_default();
    let occ = state
        .referentiel
        .get(body.occupation_id.trim())
        .ok_or_else(|| {
            AppError::bad_request(
                "metier_inconnu",
                format!(
                    "Aucun métier n’a l’identifiant « {} ».",
                    body.occupation_id.chars().take(100).collect::<String>()
                ),
            )
        })?;
    let outcome = c.store.review(id, occ.id.as_str(), &reviewer).await;
    state.metrics.record_review(outcome.is_ok());
    match outcome {
        Ok(o) => Ok(Json(o).into_response()),
        Err(StoreError::UnknownPosition(_)) => Err(unknown_position()),
        Err(StoreError::BadReviewer) => Err(AppError::bad_request(
            "relecteur_invalide",
            "Indiquez le nom du relecteur (champ « reviewer », 1 à 100 caractères).",
        )),
        Err(e) => Err(internal(e)),
    }
}

async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let c = carto(&state)?;
    authorize(c, &headers, false).await?;
    Ok(Json(super::pages::dashboard_data(&state, c).await?).into_response())
}

async fn learned(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let c = carto(&state)?;
    authorize(c, &headers, false).await?;
    Ok(Json(c.store.learned_titles(true).await.map_err(internal)?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RemoveQuery {
    reviewer: Option<String>,
}

async fn remove_learned(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RemoveQuery>,
) -> Result<Response, AppError> {
    let c = carto(&state)?;
    let caller = authorize(c, &headers, true).await?;
    let by = caller.reviewer.or(q.reviewer).unwrap_or_default();
    match c.store.remove_learned(id, &by).await {
        Ok(l) => Ok(Json(l).into_response()),
        Err(StoreError::UnknownLearned(_)) => Err(AppError::not_found(
            "titre_appris_inconnu",
            "Aucun intitulé appris actif n’a ce numéro.",
        )),
        Err(StoreError::BadReviewer) => Err(AppError::bad_request(
            "relecteur_invalide",
            "Indiquez qui retire l’intitulé (paramètre « reviewer »).",
        )),
        Err(e) => Err(internal(e)),
    }
}

async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(format): ApiPath<String>,
) -> Result<Response, AppError> {
    let c = carto(&state)?;
    authorize(c, &headers, false).await?;
    super::pages::export_bytes(&state, c, &format).await
}
