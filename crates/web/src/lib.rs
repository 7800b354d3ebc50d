//! How people and systems reach the référentiel: the HTTP layer (see docs/ARCHITECTURE.md).
//!
//! - [`router`] builds the whole application from an [`AppState`]: the JSON API under
//!   `/api/v1` ([`api`], with its OpenAPI 3.1 document generated from the handlers), the
//!   French pages on the State design system ([`pages`], askama templates with escaping on),
//!   the embedded static assets ([`assets`]) and `/healthz`.
//! - [`metrics`] counts, times and logs every request, and serves `/metrics` (Prometheus).
//! - [`AppState`] holds the référentiel, the search engine and what is computed once from
//!   them (groups of occupations, the map's layout).
//! - [`error::AppError`] is the one error type of the handlers: client errors are
//!   `{ "code", "message" }` JSON (French message) on the API, and a French page elsewhere.
//!
//! This is the only crate that knows HTTP.

pub mod api;
pub mod assets;
pub mod cartographie;
pub mod editions;
pub mod error;
pub mod groups;
pub mod map;
pub mod metrics;
pub mod pages;
mod security;
mod text;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use metiers_referentiel::Referentiel;
use metiers_search::{Engine, MatchResult, Similar};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub use error::AppError;

/// Largest request body accepted (larger ones get 413).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler can reach. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The current edition, the one served by default.
    pub referentiel: Arc<Referentiel>,
    pub engine: Arc<Engine>,
    /// Every loaded edition, the current one among them (`?edition=`, « Nouveautés »).
    pub editions: Arc<editions::Editions>,
    /// Our grouping of the occupations (a reading aid, `data/groupes.toml`).
    pub groups: Arc<groups::Groups>,
    /// The map of occupations by closeness, computed on first use (see [`AppState::map`]).
    map: Arc<OnceLock<map::Map>>,
    /// Every occupation's list of close ones (all of them, closest first), computed on first
    /// use per occupation: the engine compares every pair of activities, ~10 ms a fiche.
    similar: Arc<Vec<OnceLock<Vec<Similar>>>>,
    /// The gap analysis of the current edition, built on first use.
    gaps: Arc<OnceLock<metiers_export::ecart::GapAnalyzer>>,
    /// Results of `match` for short texts (job titles), which recur; see [`MatchCache`].
    pub match_cache: Arc<MatchCache>,
    /// The OpenAPI document, rendered once (served as JSON and as a page).
    pub openapi: Arc<api::OpenApiDocument>,
    /// Cartographie (issue 5): the organisation's workspace, when the server has a store
    /// (see [`AppState::with_cartographie`]); its pages answer 503 otherwise.
    pub cartographie: Option<Arc<cartographie::Cartographie>>,
    /// Counters and histograms of this server, served at `/metrics` (see [`metrics`]).
    pub metrics: Arc<metrics::Metrics>,
    /// The bearer token that opens `/metrics` on the public listener (none: not served there).
    pub metrics_token: Option<Arc<str>>,
}

impl AppState {
    /// Builds the state from an edition and its engine (groups and OpenAPI document are
    /// computed here, once).
    pub fn new(referentiel: Arc<Referentiel>, engine: Arc<Engine>) -> Self {
        let groups = Arc::new(groups::Groups::embedded(&referentiel));
        let count = referentiel.occupations.len();
        Self {
            editions: Arc::new(editions::Editions::new(Vec::new(), referentiel.clone())),
            referentiel,
            engine,
            groups,
            map: Arc::new(OnceLock::new()),
            similar: Arc::new((0..count).map(|_| OnceLock::new()).collect()),
            gaps: Arc::new(OnceLock::new()),
            match_cache: Arc::new(MatchCache::from_env()),
            openapi: Arc::new(api::OpenApiDocument::new()),
            cartographie: None,
            metrics: Arc::new(metrics::Metrics::new()),
            metrics_token: None,
        }
    }

    /// Serves these editions beside the current one (`list` in load order, oldest first;
    /// it may hold the current edition).
    pub fn with_editions(mut self, list: Vec<Arc<Referentiel>>) -> Self {
        self.editions = Arc::new(editions::Editions::new(list, self.referentiel.clone()));
        self
    }

    /// Serves `/metrics` on the public listener to the holders of `token` (set by
    /// `metiers serve --metrics-token`); a blank token changes nothing.
    pub fn with_metrics_token(mut self, token: &str) -> Self {
        let token = token.trim();
        if !token.is_empty() {
            self.metrics_token = Some(Arc::from(token));
        }
        self
    }

    /// Adds the cartographie's store (set by `metiers serve`).
    pub fn with_cartographie(mut self, cartographie: cartographie::Cartographie) -> Self {
        self.cartographie = Some(Arc::new(cartographie));
        self
    }

    /// The map of occupations, computed on first use (it compares every pair of fiches,
    /// which `metiers serve` need not wait for).
    pub fn map(&self) -> &map::Map {
        self.map.get_or_init(|| map::Map::compute(self))
    }

    /// The gap analysis of the current edition ("De A vers B", ranking for a person).
    pub fn gaps(&self) -> &metiers_export::ecart::GapAnalyzer {
        self.gaps
            .get_or_init(|| metiers_export::ecart::GapAnalyzer::new(&self.referentiel))
    }

    /// The occupations close to `id`, closest first (all of them); `None` for an unknown id.
    pub fn similar(&self, id: &str) -> Option<&[Similar]> {
        let i = self
            .referentiel
            .occupations
            .iter()
            .position(|o| o.id.as_str() == id)?;
        let cell = self.similar.get(i)?;
        Some(cell.get_or_init(|| {
            self.engine
                .similar(id, self.referentiel.occupations.len())
                .unwrap_or_default()
        }))
    }

    /// Computes what is otherwise computed on first use (close occupations, the map), so that
    /// the first visitors do not wait. [`serve`] runs it on a blocking thread at start-up.
    pub fn warm(&self) {
        for o in &self.referentiel.occupations {
            let _ = self.similar(o.id.as_str());
        }
        let _ = self.map();
    }
}

/// Results of `match` for short texts, keyed by (text, top). The engine is immutable, so a
/// cached result is the result; the cache is cleared when full (no eviction order to keep).
#[derive(Debug)]
pub struct MatchCache {
    capacity: usize,
    entries: Mutex<HashMap<(String, usize), Arc<MatchResult>>>,
}

impl MatchCache {
    /// Entries kept by default (a few MB at most).
    pub const DEFAULT_ENTRIES: usize = 20_000;
    /// Texts longer than this (in bytes) are not cached: ads and CVs rarely recur.
    pub const MAX_TEXT_BYTES: usize = 256;

    /// The size set by `METIERS_MATCH_CACHE` (entries; 0 disables the cache), or the default.
    pub fn from_env() -> Self {
        Self::new(
            std::env::var("METIERS_MATCH_CACHE")
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(Self::DEFAULT_ENTRIES),
        )
    }

    /// A cache of `capacity` entries; 0 disables it.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached result, or `compute`'s, kept when the text is short.
    pub fn get_or_compute(
        &self,
        text: &str,
        top: usize,
        compute: impl FnOnce() -> MatchResult,
    ) -> Arc<MatchResult> {
        if self.capacity == 0 || text.len() > Self::MAX_TEXT_BYTES {
            return Arc::new(compute());
        }
        let key = (text.to_owned(), top);
        if let Some(hit) = self.entries.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return hit;
        }
        let result = Arc::new(compute());
        if let Ok(mut m) = self.entries.lock() {
            if m.len() >= self.capacity {
                m.clear();
            }
            m.insert(key, result.clone());
        }
        result
    }
}

/// The whole application: pages, API, assets and health check, with the security headers,
/// the body limit and the French error shape on every response; every request is counted,
/// timed and logged ([`metrics::track`], outermost, so that it sees the final status).
pub fn router(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    Router::new()
        .merge(api::router())
        .merge(pages::router())
        .merge(editions::router())
        .merge(assets::router())
        .merge(cartographie::router())
        .route(metrics::PATH, axum::routing::get(metrics::public))
        .fallback(error::not_found)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn result(text: &str) -> MatchResult {
        MatchResult {
            query: text.to_owned(),
            confident: false,
            matches: Vec::new(),
        }
    }

    #[test]
    fn the_match_cache_keeps_short_texts_and_forgets_when_full() {
        let calls = Cell::new(0);
        let cache = MatchCache::new(2);
        let compute = |t: &str| {
            calls.set(calls.get() + 1);
            result(t)
        };
        for _ in 0..3 {
            assert_eq!(cache.get_or_compute("a", 3, || compute("a")).query, "a");
        }
        assert_eq!(calls.get(), 1);
        // Another `top` is another entry.
        cache.get_or_compute("a", 5, || compute("a"));
        assert_eq!(calls.get(), 2);
        // Full: cleared, then kept again.
        cache.get_or_compute("b", 3, || compute("b"));
        cache.get_or_compute("a", 3, || compute("a"));
        assert_eq!(calls.get(), 4);
        // Long texts are never kept.
        let long = "x".repeat(MatchCache::MAX_TEXT_BYTES + 1);
        cache.get_or_compute(&long, 3, || compute(&long));
        cache.get_or_compute(&long, 3, || compute(&long));
        assert_eq!(calls.get(), 6);
    }

    #[test]
    fn a_disabled_match_cache_always_computes() {
        let calls = Cell::new(0);
        let cache = MatchCache::new(0);
        for _ in 0..2 {
            cache.get_or_compute("a", 3, || {
                calls.set(calls.get() + 1);
                result("a")
            });
        }
        assert_eq!(calls.get(), 2);
    }
}
