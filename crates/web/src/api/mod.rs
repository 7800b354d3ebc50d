//! The JSON API under `/api/v1`, and `/healthz`.
//!
//! Every route is declared with `#[utoipa::path]` and registered through
//! [`utoipa_axum::router::OpenApiRouter`], so the OpenAPI 3.1 document ([`openapi`]) is
//! generated from the same handlers that serve the requests.

pub mod editions;
pub mod export;
pub mod matching;
pub mod occupations;

use axum::extract::State;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::cartographie::{CartographieFormat, SecuritySchemes, StatusParam};
use crate::error::ErrorBody;

/// Longest query accepted by `search` and `suggest`, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Longest text accepted by `match`, in characters (a long CV fits).
pub const MAX_TEXT_CHARS: usize = 50_000;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Métiers SIC",
        description = "API du référentiel interministériel des métiers et compétences des \
            systèmes d’information et de communication (SIC) : fiches métiers, recherche, \
            autocomplétion, rapprochement d’un texte libre (intitulé de poste, annonce, CV) \
            avec les métiers, métiers proches et exports. Les clés JSON sont en anglais, les \
            messages d’erreur en français ; toute erreur client a la forme `{ \"code\", \"message\" }`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    tags(
        (name = "referentiel", description = "Les fiches métiers telles que publiées."),
        (name = "recherche", description = "Recherche, autocomplétion, rapprochement et métiers proches."),
        (name = "editions", description = "Éditions chargées et leurs changements ; écart entre métiers et métiers classés selon les activités pratiquées."),
        (name = "exploitation", description = "État du service et description de l’API."),
        (name = "cartographie", description = "Cartographie des emplois d’une organisation : postes importés, relecture, tableau de bord, intitulés appris, exports. Authentification : jeton d’administration (Bearer) ou session du portail (écritures : en-tête X-CSRF-Token).")
    ),
    components(schemas(ErrorBody, export::Format, CartographieFormat, StatusParam)),
    modifiers(&SecuritySchemes)
)]
struct ApiDoc;

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(occupations::list))
        .routes(routes!(occupations::get_one))
        .routes(routes!(matching::similar))
        .routes(routes!(matching::search))
        .routes(routes!(matching::suggest))
        .routes(routes!(matching::match_text))
        .routes(routes!(export::export))
        .routes(routes!(editions::list))
        .routes(routes!(editions::changes))
        .routes(routes!(crate::editions::gap_api))
        .routes(routes!(crate::editions::person_api))
        .routes(routes!(openapi_json))
        .routes(routes!(healthz))
        .merge(crate::cartographie::api_routes())
}

/// The API's routes.
pub fn router() -> Router<AppState> {
    api_router().split_for_parts().0
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi() -> OpenApiDoc {
    api_router().split_for_parts().1
}

/// The OpenAPI document, as served (JSON text) and as read by the documentation page.
#[derive(Debug, Clone)]
pub struct OpenApiDocument {
    pub json: String,
    pub value: serde_json::Value,
}

impl OpenApiDocument {
    pub fn new() -> Self {
        let value = serde_json::to_value(openapi()).unwrap_or_default();
        let json = serde_json::to_string_pretty(&value).unwrap_or_default();
        Self { json, value }
    }
}

impl Default for OpenApiDocument {
    fn default() -> Self {
        Self::new()
    }
}

/// The OpenAPI 3.1 document of this API.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    summary = "Document OpenAPI 3.1 de cette API",
    description = "Produit à partir du code du service ; lu pour un humain sur la page /api/v1/docs.",
    tag = "exploitation",
    responses((status = 200, description = "Document OpenAPI 3.1", content_type = "application/json", body = Object))
)]
async fn openapi_json(State(state): State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        state.openapi.json.clone(),
    )
        .into_response()
}

/// L’état du service.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Toujours `ok` quand le service répond.
    pub status: &'static str,
    /// Identifiant de l’édition servie.
    pub edition: String,
    /// Nombre de fiches de l’édition.
    pub occupations: usize,
}

/// Health check: answers as long as the service runs.
#[utoipa::path(
    get,
    path = "/healthz",
    summary = "État du service",
    description = "Répond tant que le service fonctionne, avec l’édition servie et son nombre de fiches.",
    tag = "exploitation",
    responses((status = 200, description = "Le service répond", body = Health))
)]
async fn healthz(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        edition: state.referentiel.edition.id.clone(),
        occupations: state.referentiel.occupations.len(),
    })
}

/// Checks a query string: not empty once trimmed, not too long. Returns it trimmed.
pub fn check_query(q: Option<&str>) -> Result<&str, crate::AppError> {
    let q = q.map(str::trim).unwrap_or_default();
    if q.is_empty() {
        return Err(crate::AppError::bad_request(
            "requete_vide",
            "Le paramètre « q » est vide : saisissez au moins un mot.",
        ));
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(crate::AppError::bad_request(
            "requete_trop_longue",
            format!("La requête dépasse {MAX_QUERY_CHARS} caractères : raccourcissez-la."),
        ));
    }
    Ok(q)
}
