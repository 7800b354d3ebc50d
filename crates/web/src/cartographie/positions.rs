//! The positions of the workspace and their review: the page `/cartographie/postes` (list,
//! filters, a review form on each line) and the API `/api/v1/positions` (list, one with its
//! history, review). Both record a decision through [`decide`].

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Redirect;
use metiers_store::{
    Position, PositionFilter, PositionPage, Review, ReviewOutcome, Status, StoreError,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{ApiReader, ApiWriter, PortalSession};
use super::login::layout;
use super::{Cartographie, occupation_title, without_nul};
use crate::error::{ApiJson, ApiPath, ApiQuery, AppError, ErrorBody, shown};
use crate::view::{Layout, Page, PageError, PageForm, PagePath, PageQuery, render};
use crate::{AppState, text};

/// Records `reviewer`'s decision that position `id` is the occupation `occupation_id`
/// (counted in the metrics): 400 for an unknown occupation or a bad reviewer name, 404 for
/// an unknown position.
pub async fn decide(
    state: &AppState,
    c: &Cartographie,
    id: i64,
    occupation_id: &str,
    reviewer: &str,
) -> Result<ReviewOutcome, AppError> {
    let occ = state.referentiel.get(occupation_id.trim()).ok_or_else(|| {
        AppError::bad_request(
            "metier_inconnu",
            format!(
                "Aucun métier n’a l’identifiant « {} ».",
                shown(occupation_id)
            ),
        )
    })?;
    let outcome = c
        .store
        .review(id, occ.id.as_str(), reviewer, super::classifier(state))
        .await;
    state.metrics.record_review(outcome.is_ok());
    match outcome {
        Ok(o) => Ok(o),
        Err(StoreError::UnknownPosition(_)) => Err(unknown_position()),
        Err(StoreError::BadReviewer) => Err(AppError::bad_request(
            "relecteur_invalide",
            "Indiquez le nom du relecteur (champ « reviewer », 1 à 100 caractères).",
        )),
        Err(e) => Err(e.into()),
    }
}

fn unknown_position() -> AppError {
    AppError::not_found("poste_inconnu", "Aucun poste n’a ce numéro.")
}

/// Parameters of the list of positions.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Statut : `to_review`, `proposed`, `confirmed` ou `corrected`.
    #[param(value_type = Option<StatusParam>)]
    status: Option<String>,
    /// Seulement les postes qu’aucune personne n’a encore tranchés.
    to_review: Option<bool>,
    /// Seulement les postes rattachés à ce métier (identifiant).
    occupation: Option<String>,
    /// Mots contenus dans l’intitulé (200 premiers caractères retenus).
    text: Option<String>,
    /// Postes à sauter (0 par défaut).
    offset: Option<i64>,
    /// Nombre de postes (50 par défaut, 1 000 au plus ; 0 ou moins : 50).
    limit: Option<i64>,
}

/// Les statuts acceptés par le filtre « status », comme dans les réponses.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documentation only: the handler parses the text (Status::parse)
pub enum StatusParam {
    #[schema(rename = "to_review")]
    ToReview,
    #[schema(rename = "proposed")]
    Proposed,
    #[schema(rename = "confirmed")]
    Confirmed,
    #[schema(rename = "corrected")]
    Corrected,
}

/// Positions of the workspace, in the order of their numbers, filtered.
#[utoipa::path(
    get,
    path = "/api/v1/positions",
    summary = "Postes de la cartographie",
    description = "Une page des postes importés, dans l’ordre de leurs numéros, avec leurs rapprochements et décisions.",
    operation_id = "listPositions",
    tag = "cartographie",
    params(ListQuery),
    security(("jeton_administration" = []), ("session" = [])),
    responses(
        (status = 200, description = "Une page de postes et leur nombre total", body = PositionPage),
        (status = 400, description = "Statut inconnu ou paramètre invalide", body = ErrorBody),
        (status = 401, description = "Authentification requise", body = ErrorBody),
        (status = 429, description = "Trop de tentatives de connexion échouées (en-tête Retry-After)", body = ErrorBody),
        (status = 503, description = "Cartographie non activée sur ce serveur", body = ErrorBody)
    )
)]
pub async fn list(
    reader: ApiReader,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<PositionPage>, AppError> {
    // Without `status`, every status; an empty one is not a status (400, as documented).
    let status = match q.status.as_deref().map(str::trim) {
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
        unreviewed: q.to_review.unwrap_or(false),
        occupation_id: q.occupation.map(|m| without_nul(&m)),
        text: q.text.map(|t| without_nul(&t).chars().take(200).collect()),
        offset: q.offset.unwrap_or(0).max(0),
        limit: q.limit.unwrap_or(50),
    };
    Ok(Json(reader.carto.store.positions(&filter).await?))
}

/// Un poste et l’historique de ses décisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct PositionDetail {
    pub position: Position,
    /// Les décisions, dans l’ordre où elles ont été prises.
    pub reviews: Vec<Review>,
}

/// One position with the history of its reviews.
#[utoipa::path(
    get,
    path = "/api/v1/positions/{id}",
    summary = "Un poste et ses décisions",
    description = "Le poste, ses rapprochements, et l’historique de ses décisions de relecture.",
    operation_id = "getPosition",
    tag = "cartographie",
    params(("id" = i64, Path, description = "Numéro du poste dans la cartographie")),
    security(("jeton_administration" = []), ("session" = [])),
    responses(
        (status = 200, description = "Le poste et ses décisions", body = PositionDetail),
        (status = 400, description = "Numéro invalide", body = ErrorBody),
        (status = 401, description = "Authentification requise", body = ErrorBody),
        (status = 404, description = "Aucun poste n’a ce numéro", body = ErrorBody),
        (status = 429, description = "Trop de tentatives de connexion échouées (en-tête Retry-After)", body = ErrorBody),
        (status = 503, description = "Cartographie non activée sur ce serveur", body = ErrorBody)
    )
)]
pub async fn one(
    reader: ApiReader,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PositionDetail>, AppError> {
    let store = &reader.carto.store;
    let position = store.position(id).await?.ok_or_else(unknown_position)?;
    let reviews = store.reviews(id).await?;
    Ok(Json(PositionDetail { position, reviews }))
}

/// Le corps d’une décision de relecture.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewBody {
    /// Identifiant du métier retenu pour le poste.
    occupation_id: String,
    /// Nom du relecteur (1 à 100 caractères) : exigé avec le jeton d’administration ; par
    /// session, c’est la personne connectée (la valeur envoyée est alors ignorée).
    #[schema(value_type = String, required = true, min_length = 1, max_length = 100, pattern = r"\S")]
    reviewer: Option<String>,
}

/// Records a reviewer's decision for a position.
#[utoipa::path(
    post,
    path = "/api/v1/positions/{id}/review",
    summary = "Décision de relecture d’un poste",
    description = "Rattache le poste au métier choisi (« confirmed » si c’était la première proposition, « corrected » sinon), ajoute la décision à l’historique et apprend l’intitulé ; les postes non relus de même intitulé (normalisé) sont aussitôt rapprochés de nouveau : la décision leur est proposée, en premier (`reclassified` : leur nombre).",
    operation_id = "reviewPosition",
    tag = "cartographie",
    params(("id" = i64, Path, description = "Numéro du poste dans la cartographie")),
    request_body = ReviewBody,
    security(("jeton_administration" = []), ("session" = [], "jeton_csrf" = [])),
    responses(
        (status = 200, description = "Le poste mis à jour, la décision et l’intitulé appris", body = ReviewOutcome),
        (status = 400, description = "Métier inconnu, relecteur manquant, JSON invalide", body = ErrorBody),
        (status = 401, description = "Authentification requise", body = ErrorBody),
        (status = 403, description = "Écriture par session sans le jeton CSRF", body = ErrorBody),
        (status = 404, description = "Aucun poste n’a ce numéro", body = ErrorBody),
        (status = 413, description = "Corps de plus de 1 Mio", body = ErrorBody),
        (status = 415, description = "Content-Type autre que application/json", body = ErrorBody),
        (status = 422, description = "JSON sans « occupation_id » ou de mauvais type", body = ErrorBody),
        (status = 429, description = "Trop de tentatives de connexion échouées (en-tête Retry-After)", body = ErrorBody),
        (status = 503, description = "Cartographie non activée sur ce serveur", body = ErrorBody)
    )
)]
pub async fn review(
    State(state): State<AppState>,
    writer: ApiWriter,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<Json<ReviewOutcome>, AppError> {
    let reviewer = without_nul(&writer.reviewer.or(body.reviewer).unwrap_or_default());
    decide(&state, &writer.carto, id, &body.occupation_id, &reviewer)
        .await
        .map(Json)
}

// ----- pages ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "cartographie/postes.html")]
struct PositionsPage {
    l: Layout,
    csrf: String,
    reviewer: String,
    rows: Vec<PositionRow>,
    total: i64,
    page: i64,
    pages: i64,
    statut: String,
    texte: String,
    statuses: Vec<(&'static str, &'static str)>,
    options: Vec<(String, String)>,
    message: Option<String>,
}

struct PositionRow {
    id: i64,
    external_id: String,
    title: String,
    service: String,
    occupation_id: String,
    occupation: String,
    status: &'static str,
    reviewed: bool,
    reviewer: String,
    suggestions: Vec<(String, String, String)>,
    /// The file's columns: header, value line by line (none when empty).
    columns: Vec<(String, Vec<String>)>,
    /// What the HR columns weighed on the suggestions.
    evidence: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct PositionsQuery {
    statut: Option<String>,
    texte: Option<String>,
    page: Option<i64>,
    message: Option<String>,
}

const PAGE_SIZE: i64 = 50;

/// `GET /cartographie/postes`: a page of positions, filtered, each with its review form.
pub async fn page(
    State(state): State<AppState>,
    portal: PortalSession,
    PageQuery(q): PageQuery<PositionsQuery>,
) -> Page {
    let statut = q.statut.unwrap_or_default();
    let (status, unreviewed) = match statut.as_str() {
        "a-relire" => (None, true),
        other => (Status::parse(other), false),
    };
    let texte: String = q.texte.unwrap_or_default().chars().take(200).collect();
    let page = q.page.unwrap_or(1).clamp(1, 1_000_000);
    let filter = PositionFilter {
        status,
        unreviewed,
        text: Some(texte.clone()),
        occupation_id: None,
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let result = portal.carto.store.positions(&filter).await?;
    let r = &state.referentiel;
    let title = |id: &str| occupation_title(&state, id);
    let rows = result
        .positions
        .iter()
        .map(|p| PositionRow {
            id: p.id,
            external_id: p.external_id.clone().unwrap_or_default(),
            title: p.title.clone(),
            service: p.service.clone().unwrap_or_default(),
            occupation_id: p.occupation_id.clone().unwrap_or_default(),
            occupation: p.occupation_id.as_deref().map(title).unwrap_or_default(),
            status: p.status.label(),
            reviewed: p.status.is_reviewed(),
            reviewer: p.reviewer.clone().unwrap_or_default(),
            suggestions: p
                .matches
                .iter()
                .map(|m| {
                    (
                        m.occupation_id.clone(),
                        title(&m.occupation_id),
                        text::percent(m.score).to_string(),
                    )
                })
                .collect(),
            columns: p
                .columns
                .iter()
                .map(|c| {
                    let lines = if c.value.trim().is_empty() {
                        Vec::new()
                    } else {
                        c.value.lines().map(str::to_owned).collect()
                    };
                    (c.header.clone(), lines)
                })
                .collect(),
            evidence: p.evidence.clone(),
        })
        .collect();
    let options = r
        .occupations
        .iter()
        .map(|o| (o.id.to_string(), o.title.clone()))
        .collect();
    let page_view = PositionsPage {
        l: layout("Postes").crumb("Postes", None),
        csrf: portal.session.csrf,
        reviewer: portal.session.reviewer,
        rows,
        total: result.total,
        page,
        pages: ((result.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        statut,
        texte,
        statuses: vec![
            ("", "Tous"),
            ("a-relire", "À relire"),
            ("a-revoir", "À revoir"),
            ("propose", "Proposés"),
            ("confirme", "Confirmés"),
            ("corrige", "Corrigés"),
        ],
        options,
        message: q.message.map(|m| m.chars().take(300).collect()),
    };
    render(&page_view)
}

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    csrf: String,
    metier: String,
    retour: Option<String>,
}

/// `POST /cartographie/postes/{id}/revue`: records the decision, back to the list.
pub async fn review_form(
    State(state): State<AppState>,
    portal: PortalSession,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ReviewForm>,
) -> Result<Redirect, PageError> {
    portal.check_form(&f.csrf)?;
    let reviewer = portal.session.reviewer.clone();
    let o = decide(&state, &portal.carto, id, &f.metier, &reviewer).await?;
    let mut message = format!(
        "Poste « {} » rattaché à « {} » ({}).",
        o.position.title,
        occupation_title(&state, &o.review.new_occupation_id),
        o.position.status.label()
    );
    match o.reclassified {
        0 => {}
        1 => message
            .push_str(" Un autre poste non relu de même intitulé a été rapproché de nouveau : cette décision lui est proposée."),
        n => message.push_str(&format!(
            " {n} autres postes non relus de même intitulé ont été rapprochés de nouveau : cette décision leur est proposée."
        )),
    }
    // Back to the list the form came from (only a local path of the positions list).
    // Visible ASCII only: it goes into the Location header (a control character there was a
    // 500, docs/RELIABILITY.md).
    let back = f
        .retour
        .filter(|r| {
            r.starts_with("/cartographie/postes")
                && !r.contains("//")
                && !r.contains('\\')
                && r.bytes().all(|b| b.is_ascii_graphic())
        })
        .unwrap_or_else(|| "/cartographie/postes".to_owned());
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!(
        "{back}{sep}message={}",
        encode(&message)
    )))
}

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
