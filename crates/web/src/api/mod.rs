//! The JSON API under `/api/v1` as one documented whole: the OpenAPI document (`ApiDoc`,
//! its tags and shared schemas), the registration of every feature's handlers, `/healthz`,
//! `/api/v1/openapi.json` and its French reading ([`docs`]), and the answers of the paths
//! renamed in this release ([`legacy`]).
//!
//! Every route is declared with `#[utoipa::path]` (with an explicit `operationId`) in its
//! feature's module and registered here through [`utoipa_axum::router::OpenApiRouter`], so
//! the OpenAPI 3.1 document ([`openapi`]) is generated from the same handlers that serve the
//! requests. Features do not import this module.

pub mod docs;
pub mod legacy;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::cartographie::auth::SecuritySchemes;
use crate::cartographie::{self, ExportFormat as PositionsExportFormat, StatusParam};
use crate::error::ErrorBody;
use crate::{crosswalks, editions, gaps, profile, referentiel, search, similar, skills};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Metiers SIC",
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
        (name = "correspondances", description = "Correspondances des métiers avec ROME 4.0 (France Travail – ROME 4.0 v460) et ESCO (ESCO – European Commission, v1.1.1) : table entière et recherches inverses."),
        (name = "competences", description = "Graphe des compétences des métiers (établi par ce service, hors référentiel) : compétences, qui les mobilise, et classement des métiers pour un profil."),
        (name = "editions", description = "Éditions chargées et leurs changements ; écart entre métiers et métiers classés selon les activités pratiquées."),
        (name = "exploitation", description = "État du service et description de l’API."),
        (name = "cartographie", description = "Cartographie des emplois d’une organisation : postes importés, relecture, tableau de bord, intitulés appris, exports. Authentification : jeton d’administration (Bearer) ou session du portail (écritures : en-tête X-CSRF-Token).")
    ),
    components(schemas(
        ErrorBody,
        metiers_export::Format,
        PositionsExportFormat,
        StatusParam,
        crosswalks::api::TableFormat
    )),
    modifiers(&SecuritySchemes)
)]
struct ApiDoc;

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        // The référentiel.
        .routes(routes!(referentiel::api::list))
        .routes(routes!(referentiel::api::get_one))
        .routes(routes!(referentiel::api::export))
        // Search and matching; close occupations.
        .routes(routes!(search::api::search))
        .routes(routes!(search::api::suggest))
        .routes(routes!(search::api::match_text))
        .routes(routes!(similar::api::similar))
        // Correspondences with ROME and ESCO.
        .routes(routes!(crosswalks::api::crosswalks))
        // Skills; a person's profile.
        .routes(routes!(skills::api::skills))
        .routes(routes!(skills::api::skill))
        .routes(routes!(profile::api::profile))
        // Editions; gaps.
        .routes(routes!(editions::api::list))
        .routes(routes!(editions::api::changes))
        .routes(routes!(gaps::api::gap))
        .routes(routes!(gaps::api::person))
        // Cartographie.
        .routes(routes!(cartographie::positions::list))
        .routes(routes!(cartographie::positions::one))
        .routes(routes!(cartographie::positions::review))
        .routes(routes!(cartographie::dashboard::api))
        .routes(routes!(cartographie::learned::list))
        .routes(routes!(cartographie::learned::remove))
        .routes(routes!(cartographie::export::api))
        // The service itself.
        .routes(routes!(openapi_json))
        .routes(routes!(healthz))
}

/// The API's routes, its documentation page and the answers of the renamed paths.
pub fn router() -> Router<AppState> {
    api_router()
        .split_for_parts()
        .0
        .route("/api/v1/docs", get(docs::page))
        .merge(legacy::router())
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
    operation_id = "getOpenApiDocument",
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
    operation_id = "getHealth",
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
