//! How people and systems reach the référentiel: the HTTP layer (see docs/ARCHITECTURE.md).
//!
//! - [`router`] builds the whole application from an [`AppState`]: the JSON API under
//!   `/api/v1` ([`api`], with its OpenAPI 3.1 document generated from the handlers), the
//!   French pages on the State design system ([`pages`], askama templates with escaping on),
//!   the embedded static assets ([`assets`]) and `/healthz`.
//! - [`AppState`] holds the référentiel, the search engine and what is computed once from
//!   them (groups of occupations, the map's layout).
//! - [`error::AppError`] is the one error type of the handlers: client errors are
//!   `{ "code", "message" }` JSON (French message) on the API, and a French page elsewhere.
//!
//! This is the only crate that knows HTTP.

pub mod api;
pub mod assets;
pub mod error;
pub mod groups;
pub mod map;
pub mod pages;
mod security;
mod text;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use metiers_referentiel::Referentiel;
use metiers_search::Engine;
use std::sync::{Arc, OnceLock};

pub use error::AppError;

/// Largest request body accepted (larger ones get 413).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler can reach. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub referentiel: Arc<Referentiel>,
    pub engine: Arc<Engine>,
    /// Our grouping of the occupations (a reading aid, `data/groupes.toml`).
    pub groups: Arc<groups::Groups>,
    /// The map of occupations by closeness, computed on first use (see [`AppState::map`]).
    map: Arc<OnceLock<map::Map>>,
    /// The OpenAPI document, rendered once (served as JSON and as a page).
    pub openapi: Arc<api::OpenApiDocument>,
    // Cartographie (issue 5) adds its store here, e.g. `pub store: Arc<metiers_store::Store>`,
    // set by the `metiers serve` command.
}

impl AppState {
    /// Builds the state from an edition and its engine (groups and OpenAPI document are
    /// computed here, once).
    pub fn new(referentiel: Arc<Referentiel>, engine: Arc<Engine>) -> Self {
        let groups = Arc::new(groups::Groups::embedded(&referentiel));
        Self {
            referentiel,
            engine,
            groups,
            map: Arc::new(OnceLock::new()),
            openapi: Arc::new(api::OpenApiDocument::new()),
        }
    }

    /// The map of occupations, computed on first use (it compares every pair of fiches,
    /// which `metiers serve` need not wait for).
    pub fn map(&self) -> &map::Map {
        self.map
            .get_or_init(|| map::Map::compute(&self.referentiel, &self.engine, &self.groups))
    }
}

/// The whole application: pages, API, assets and health check, with the security headers,
/// the body limit and the French error shape on every response.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(pages::router())
        .merge(assets::router())
        // Cartographie (issue 5): `.merge(cartographie::router())`, its module under
        // `src/cartographie/` and its templates under `templates/cartographie/`.
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            error::panic_response,
        ))
        .with_state(state)
}

/// Serves the application on a listener until `shutdown` completes, then lets the requests
/// in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
