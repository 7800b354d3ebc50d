//! How people and systems reach the référentiel: the HTTP layer (see docs/ARCHITECTURE.md).
//!
//! - [`router`] builds the whole application from an [`AppState`]: the JSON API under
//!   `/api/v1` (composed and documented by [`api`]: OpenAPI 3.1 generated from the
//!   handlers), the French pages on the State design system, the embedded static assets and
//!   `/healthz`.
//! - One module per feature, each with its API handlers, its pages and, in its `mod.rs`, the
//!   operation both use: [`referentiel`], [`search`] (search and matching), [`similar`]
//!   (close occupations, comparison, map), [`crosswalks`] (ROME and ESCO), [`skills`], [`profile`] (« Mon profil »), [`editions`], [`job_descriptions`], [`gaps`],
//!   [`cartographie`].
//! - Leaves that know no feature: [`error`] (the one error type of the handlers: client
//!   errors are `{ "code", "message" }` JSON with a French message), [`view`] (layout,
//!   rendering, error pages), [`assets`] (the embedded files), [`params`], `text`,
//!   [`groups`], [`security`]; [`metrics`] counts, times and logs every request.
//!
//! This is the only crate that knows HTTP.

pub mod api;
pub mod assets;
pub mod cartographie;
pub mod crosswalks;
pub mod editions;
pub mod error;
pub mod gaps;
pub mod groups;
pub mod job_descriptions;
pub mod metrics;
pub mod params;
pub mod profile;
pub mod referentiel;
pub mod search;
pub mod security;
pub mod similar;
pub mod skills;
mod state;
mod static_files;
mod text;
pub mod view;

use axum::Router;
use axum::extract::DefaultBodyLimit;

pub use error::AppError;
pub use search::MatchCache;
pub use state::AppState;

/// Largest request body accepted (larger ones get 413).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The whole application: pages, API, assets and health check, with the security headers,
/// the body limit and the French error shape on every response; every request is counted,
/// timed and logged ([`metrics::track`], outermost, so that it sees the final status).
pub fn router(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    Router::new()
        .merge(api::router())
        .merge(referentiel::router())
        .merge(search::router())
        .merge(similar::router())
        .merge(crosswalks::router())
        .merge(skills::router())
        .merge(profile::router())
        .merge(editions::router())
        .merge(job_descriptions::router())
        .merge(gaps::router())
        .merge(cartographie::router())
        .merge(static_files::router())
        .route(metrics::PATH, axum::routing::get(metrics::public))
        .fallback(view::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            error::panic_response,
        ))
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track,
        ))
        .with_state(state)
}

/// Serves the application on a listener until `shutdown` completes, then lets the requests
/// in flight finish. What is computed on first use is warmed meanwhile, on a blocking thread.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let warm = state.clone();
    tokio::task::spawn_blocking(move || warm.warm());
    // Connection info gives handlers the client's address (limit on failed logins).
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
