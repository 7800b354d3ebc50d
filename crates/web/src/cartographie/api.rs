//! JSON under `/api/v1/cartographie`: positions, review, dashboard, learned titles, export.
//!
//! Authentication: `Authorization: Bearer <administrator token>`, or the portal's session
//! cookie (then writes also need the session's CSRF token in `X-CSRF-Token`). Both are
//! declared in the OpenAPI document ([`SecuritySchemes`]); every route is registered through
//! [`routes`], merged into the API's documented router.

use super::{Cartographie, carto, check_admin, csrf_ok, internal, session};
use crate::AppState;
use crate::error::{ApiJson, ApiPath, ApiQuery, AppError, ErrorBody};
use crate::security::ClientAddr;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metiers_store::dashboard::Dashboard;
use metiers_store::{
    Position, PositionFilter, PositionPage, Review, ReviewOutcome, Status, StoreError,
    StoredLearned,
};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

// The names are repeated as literals in the `security(…)` of each path (utoipa wants literals).

/// Name of the bearer scheme in the OpenAPI document.
pub const BEARER_SCHEME: &str = "jeton_administration";
/// Name of the session cookie scheme in the OpenAPI document.
pub const SESSION_SCHEME: &str = "session";
/// Name of the CSRF header scheme (writes by session) in the OpenAPI document.
pub const CSRF_SCHEME: &str = "jeton_csrf";

/// The cartographie's routes, documented.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(one))
        .routes(routes!(review))
        .routes(routes!(dashboard))
        .routes(routes!(learned))
        .routes(routes!(remove_learned))
        .routes(routes!(export))
}

/// Adds the cartographie's security schemes to the OpenAPI document.
#[derive(Debug)]
pub struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "Jeton d’administration (affiché au premier démarrage du serveur, ou fixé par METIERS_ADMIN_TOKEN).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            SESSION_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::SESSION_COOKIE,
                "Cookie de session du portail, obtenu à la connexion sur /cartographie/connexion.",
            ))),
        );
        components.add_security_scheme(
            CSRF_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "Jeton CSRF de la session (champ « csrf » des formulaires du portail) : exigé pour écrire par session.",
            ))),
        );
    }
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
/// A wrong bearer token counts as a failed login ([`check_admin`]).
async fn authorize(
    c: &Cartographie,
    client: Option<IpAddr>,
    headers: &HeaderMap,
    write: bool,
) -> Result<Caller, AppError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        if !check_admin(c, client, token).await? {
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

/// Parameters of the list of positions.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Statut : `to_review`, `proposed`, `confirmed` ou `corrected` (ou en français : `a-revoir`, `propose`, `confirme`, `corrige`).
    #[param(value_type = Option<StatusParam>)]
    statut: Option<String>,
    /// Seulement les postes qu’aucune personne n’a encore tranchés.
    a_relire: Option<bool>,
    /// Seulement les postes rattachés à ce métier (identifiant).
    metier: Option<String>,
    /// Mots contenus dans l’intitulé (200 premiers caractères retenus).
    texte: Option<String>,
    /// Postes à sauter (0 par défaut).
    offset: Option<i64>,
    /// Nombre de postes (50 par défaut, 1 000 au plus ; 0 ou moins : 50).
    limit: Option<i64>,
}

/// Les statuts acceptés par le filtre « statut », en anglais (comme dans les réponses) ou en
/// français.
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
    #[schema(rename = "a-revoir")]
    ARevoir,
    #[schema(rename = "propose")]
    Propose,
    #[schema(rename = "confirme")]
    Confirme,
    #[schema(rename = "corrige")]
    Corrige,
}

/// Positions of the workspace, in the order of their numbers, filtered.
#[utoipa::path(
    get,
    path = "/api/v1/cartographie/postes",
    summary = "Postes de la cartographie",
    description = "Une page des postes importés, dans l’ordre de leurs numéros, avec leurs rapprochements et décisions.",
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
async fn list(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, AppError> {
    let c = carto(&state)?;
    authorize(c, client, &headers, false).await?;
    // Without `statut`, every status; an empty one is not a status (400, as documented).
    let status = match q.statut.as_deref().map(str::trim) {
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
        occupation_id: q.metier.map(|m| without_nul(&m)),
        text: q.texte.map(|t| without_nul(&t).chars().take(200).collect()),
        offset: q.offset.unwrap_or(0).max(0),
        limit: q.limit.unwrap_or(50),
    };
    let page = c.store.positions(&filter).await.map_err(internal)?;
    Ok(Json(page).into_response())
}

/// A text without NUL characters, which PostgreSQL refuses in text (no title holds one).
fn without_nul(s: &str) -> String {
    s.replace('\0', "")
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
    path = "/api/v1/cartographie/postes/{numero}",
    summary = "Un poste et ses décisions",
    description = "Le poste, ses rapprochements, et l’historique de ses décisions de relecture.",
    tag = "cartographie",
    params(("numero" = i64, Path, description = "Numéro du poste dans la cartographie")),
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
async fn one(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PositionDetail>, AppError> {
    let c = carto(&state)?;
    authorize(c, client, &headers, false).await?;
    let position = c
        .store
        .position(id)
        .await
        .map_err(internal)?
        .ok_or_else(unknown_position)?;
    let reviews = c.store.reviews(id).await.map_err(internal)?;
    Ok(Json(PositionDetail { position, reviews }))
}

fn unknown_position() -> AppError {
    AppError::not_found("poste_inconnu", "Aucun poste n’a ce numéro.")
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
    path = "/api/v1/cartographie/postes/{numero}/revue",
    summary = "Décision de relecture d’un poste",
    description = "Rattache le poste au métier choisi (« confirmed » si c’était la première proposition, « corrected » sinon), ajoute la décision à l’historique et apprend l’intitulé.",
    tag = "cartographie",
    params(("numero" = i64, Path, description = "Numéro du poste dans la cartographie")),
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
async fn review(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<Json<ReviewOutcome>, AppError> {
    let c = carto(&state)?;
    let caller = authorize(c, client, &headers, true).await?;
    let reviewer = without_nul(&caller.reviewer.or(body.reviewer).unwrap_or_default());
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
        Ok(o) => Ok(Json(o)),
        Err(StoreError::UnknownPosition(_)) => Err(unknown_position()),
        Err(StoreError::BadReviewer) => Err(bad_reviewer(
            "Indiquez le nom du relecteur (champ « reviewer », 1 à 100 caractères).",
        )),
        Err(e) => Err(internal(e)),
    }
}

fn bad_reviewer(message: &str) -> AppError {
    AppError::bad_request("relecteur_invalide", message)
}

/// The dashboard's figures.
#[utoipa::path(
    get,
    path = "/api/v1/cartographie/tableau-de-bord",
    summary = "Tableau de bord de la cartographie",
    description = "Postes et agents par statut, par métier, par groupe de métiers et par niveau d’études.",
    tag = "cartographie",
    security(("jeton_administration" = []), ("session" = [])),
    responses(
        (status = 200, description = "Les chiffres du tableau de bord", body = Dashboard),
        (status = 401, description = "Authentification requise", body = ErrorBody),
        (status = 429, description = "Trop de tentatives de connexion échouées (en-tête Retry-After)", body = ErrorBody),
        (status = 503, description = "Cartographie non activée sur ce serveur", body = ErrorBody)
    )
)]
async fn dashboard(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
) -> Result<Json<Dashboard>, AppError> {
    let c = carto(&state)?;
    authorize(c, client, &headers, false).await?;
    Ok(Json(super::pages::dashboard_data(&state, c).await?))
}

/// The learned titles, removed ones included.
#[utoipa::path(
    get,
    path = "/api/v1/cartographie/appris",
    summary = "Intitulés appris",
    description = "Les intitulés que les relectures ont appris au rapprochement, retirés compris (avec qui les a retirés et quand).",
    tag = "cartographie",
    security(("jeton_administration" = []), ("session" = [])),
    responses(
        (status = 200, description = "Les intitulés appris", body = Vec<StoredLearned>),
        (status = 401, description = "Authentification requise", body = ErrorBody),
        (status = 429, description = "Trop de tentatives de connexion échouées (en-tête Retry-After)", body = ErrorBody),
        (status = 503, description = "Cartographie non activée sur ce serveur", body = ErrorBody)
    )
)]
async fn learned(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
) -> Result<Json<Vec<StoredLearned>>, AppError> {
    let c = carto(&state)?;
    authorize(c, client, &headers, false).await?;
    Ok(Json(c.store.learned_titles(true).await.map_err(internal)?))
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
    path = "/api/v1/cartographie/appris/{numero}",
    summary = "Retrait d’un intitulé appris",
    description = "Le rapprochement cesse d’utiliser l’intitulé ; il reste dans l’historique, marqué retiré.",
    tag = "cartographie",
    params(("numero" = i64, Path, description = "Numéro de l’intitulé appris"), RemoveQuery),
    security(("jeton_administration" = []), ("session" = [], "jeton_csrf" = [])),
    responses(
        (status = 200, description = "L’intitulé retiré", body = StoredLearned),
        (status = 400, description = "Numéro invalide ou relecteur manquant", body = ErrorBody),
        (status = 401, description = "Authentification requise", body = ErrorBody),
        (status = 403, description = "Écriture par session sans le jeton CSRF", body = ErrorBody),
        (status = 404, description = "Aucun intitulé appris actif n’a ce numéro", body = ErrorBody),
        (status = 429, description = "Trop de tentatives de connexion échouées (en-tête Retry-After)", body = ErrorBody),
        (status = 503, description = "Cartographie non activée sur ce serveur", body = ErrorBody)
    )
)]
async fn remove_learned(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RemoveQuery>,
) -> Result<Json<StoredLearned>, AppError> {
    let c = carto(&state)?;
    let caller = authorize(c, client, &headers, true).await?;
    let by = without_nul(&caller.reviewer.or(q.reviewer).unwrap_or_default());
    match c.store.remove_learned(id, &by).await {
        Ok(l) => Ok(Json(l)),
        Err(StoreError::UnknownLearned(_)) => Err(AppError::not_found(
            "titre_appris_inconnu",
            "Aucun intitulé appris actif n’a ce numéro.",
        )),
        Err(StoreError::BadReviewer) => Err(bad_reviewer(
            "Indiquez qui retire l’intitulé (paramètre « reviewer », 1 à 100 caractères).",
        )),
        Err(e) => Err(internal(e)),
    }
}

/// Formats d’export de la cartographie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CartographieFormat {
    /// CSV (séparateur `;`, UTF-8 avec BOM), pour un tableur.
    Csv,
    /// Classeur XLSX.
    Xlsx,
}

/// The workspace as CSV or XLSX.
#[utoipa::path(
    get,
    path = "/api/v1/cartographie/export/{format}",
    summary = "Export de la cartographie",
    description = "Tous les postes avec leur métier retenu, leur statut et leur relecteur, en CSV ou en XLSX.",
    tag = "cartographie",
    params(("format" = CartographieFormat, Path, description = "`csv` ou `xlsx`")),
    security(("jeton_administration" = []), ("session" = [])),
    responses(
        (status = 200, description = "La cartographie, en pièce jointe", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )),
        (status = 400, description = "Format inconnu", body = ErrorBody),
        (status = 401, description = "Authentification requise", body = ErrorBody),
        (status = 429, description = "Trop de tentatives de connexion échouées (en-tête Retry-After)", body = ErrorBody),
        (status = 503, description = "Cartographie non activée sur ce serveur", body = ErrorBody)
    )
)]
async fn export(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    ApiPath(format): ApiPath<CartographieFormat>,
) -> Result<Response, AppError> {
    let c = carto(&state)?;
    authorize(c, client, &headers, false).await?;
    let format = match format {
        CartographieFormat::Csv => "csv",
        CartographieFormat::Xlsx => "xlsx",
    };
    super::pages::export_bytes(&state, c, format).await
}
