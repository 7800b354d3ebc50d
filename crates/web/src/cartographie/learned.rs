//! Titles the reviews taught the matcher: the page `/cartographie/appris` and the API
//! `/api/v1/learned-titles` (list, removal). A removed title stays in the history.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Redirect;
use metiers_store::{LearnedRemoval, StoreError, StoredLearned};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::{ApiReader, ApiWriter, PortalSession};
use super::login::{CsrfForm, layout};
use super::{classifier, occupation_title, without_nul};
use crate::AppState;
use crate::error::{ApiPath, ApiQuery, AppError, ErrorBody};
use crate::view::{Layout, Page, PageError, PageForm, PagePath, render};

/// The learned titles, removed ones included.
#[utoipa::path(
    get,
    path = "/api/v1/learned-titles",
    summary = "Intitulés appris",
    description = "Les intitulés que les relectures ont appris au rapprochement, retirés compris (avec qui les a retirés et quand).",
    operation_id = "listLearnedTitles",
    tag = "cartographie",
    security(("jeton_administration" = []), ("session" = [])),
    responses(
        (status = 200, description = "Les intitulés appris", body = Vec<StoredLearned>),
        (status = 401, description = "Authentification requise", body = ErrorBody),
        (status = 429, description = "Trop de tentatives de connexion échouées (en-tête Retry-After)", body = ErrorBody),
        (status = 503, description = "Cartographie non activée sur ce serveur", body = ErrorBody)
    )
)]
pub async fn list(reader: ApiReader) -> Result<Json<Vec<StoredLearned>>, AppError> {
    Ok(Json(reader.carto.store.learned_titles(true).await?))
}

/// Parameters of the removal of a learned title.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemoveQuery {
    /// Qui retire l’intitulé (1 à 100 caractères) : exigé avec le jeton d’administration ; par
    /// session, c’est la personne connectée (la valeur envoyée est alors ignorée).
    #[param(value_type = String, required = true, min_length = 1, max_length = 100, pattern = r"\S")]
    reviewer: Option<String>,
}

/// Stops using a learned title (kept in the history as removed).
#[utoipa::path(
    delete,
    path = "/api/v1/learned-titles/{id}",
    summary = "Retrait d’un intitulé appris",
    description = "Le rapprochement cesse d’utiliser l’intitulé ; il reste dans l’historique, marqué retiré. Les postes non relus de même intitulé (normalisé) sont aussitôt rapprochés de nouveau sans lui (`reclassified` : leur nombre).",
    operation_id = "removeLearnedTitle",
    tag = "cartographie",
    params(("id" = i64, Path, description = "Numéro de l’intitulé appris"), RemoveQuery),
    security(("jeton_administration" = []), ("session" = [], "jeton_csrf" = [])),
    responses(
        (status = 200, description = "L’intitulé retiré", body = LearnedRemoval),
        (status = 400, description = "Numéro invalide ou relecteur manquant", body = ErrorBody),
        (status = 401, description = "Authentification requise", body = ErrorBody),
        (status = 403, description = "Écriture par session sans le jeton CSRF", body = ErrorBody),
        (status = 404, description = "Aucun intitulé appris actif n’a ce numéro", body = ErrorBody),
        (status = 429, description = "Trop de tentatives de connexion échouées (en-tête Retry-After)", body = ErrorBody),
        (status = 503, description = "Cartographie non activée sur ce serveur", body = ErrorBody)
    )
)]
pub async fn remove(
    State(state): State<AppState>,
    writer: ApiWriter,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RemoveQuery>,
) -> Result<Json<LearnedRemoval>, AppError> {
    let by = without_nul(&writer.reviewer.or(q.reviewer).unwrap_or_default());
    match writer
        .carto
        .store
        .remove_learned(id, &by, classifier(&state))
        .await
    {
        Ok(l) => Ok(Json(l)),
        Err(StoreError::UnknownLearned(_)) => Err(AppError::not_found(
            "titre_appris_inconnu",
            "Aucun intitulé appris actif n’a ce numéro.",
        )),
        Err(StoreError::BadReviewer) => Err(AppError::bad_request(
            "relecteur_invalide",
            "Indiquez qui retire l’intitulé (paramètre « reviewer », 1 à 100 caractères).",
        )),
        Err(e) => Err(e.into()),
    }
}

// ----- pages ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "cartographie/appris.html")]
struct LearnedPage {
    l: Layout,
    csrf: String,
    rows: Vec<(metiers_store::StoredLearned, String)>,
}

/// `GET /cartographie/appris`.
pub async fn page(State(state): State<AppState>, portal: PortalSession) -> Page {
    let all = portal.carto.store.learned_titles(true).await?;
    let rows = all
        .into_iter()
        .map(|l| {
            let t = occupation_title(&state, &l.occupation_id);
            (l, t)
        })
        .collect();
    render(&LearnedPage {
        l: layout("Intitulés appris").crumb("Intitulés appris", None),
        csrf: portal.session.csrf,
        rows,
    })
}

/// `POST /cartographie/appris/{id}/retrait`.
pub async fn remove_form(
    State(state): State<AppState>,
    portal: PortalSession,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<CsrfForm>,
) -> Result<Redirect, PageError> {
    portal.check_form(&f.csrf)?;
    match portal
        .carto
        .store
        .remove_learned(id, &portal.session.reviewer, classifier(&state))
        .await
    {
        Ok(_) | Err(StoreError::UnknownLearned(_)) => Ok(Redirect::to("/cartographie/appris")),
        Err(e) => Err(e.into()),
    }
}
