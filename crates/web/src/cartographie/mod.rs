//! Cartographie (issue 5): an organisation maps its positions onto the référentiel.
//!
//! Pages under `/cartographie` (dashboard with an SVG chart, upload, positions and review,
//! learned titles, exports) and JSON under `/api/v1/cartographie`. Everything here needs a
//! login: the administrator token (`METIERS_ADMIN_TOKEN`, or generated at first start and
//! printed once; only its hash is stored) gives a session cookie (HttpOnly, SameSite=Strict,
//! Secure when `METIERS_COOKIE_SECURE=1`), and every form carries the session's CSRF
//! token. A session ends after 8 hours, or after 30 minutes without use. Failed logins (form
//! or bearer token) are limited per client and for the account ([`LoginLimiter`]): past a few,
//! 429 with `Retry-After`. Sessions live in the store, so several instances on one PostgreSQL
//! share them. The référentiel's own pages stay public.

mod api;
mod chart;
mod pages;

use crate::AppState;
use crate::error::AppError;
use crate::security::{LoginLimiter, too_many_attempts};
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use metiers_store::Store;
use metiers_store::auth::{AdminToken, ensure_admin_token, hash_token};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "metiers_session";
/// Largest file accepted by the upload page.
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// What the cartographie needs beyond the référentiel: its store and the session settings.
#[derive(Clone)]
pub struct Cartographie {
    pub store: Store,
    /// Adds `Secure` to the session cookie (the portal is served over HTTPS).
    pub secure_cookies: bool,
    /// How long a session lasts at most (absolute expiry).
    pub session_ttl: Duration,
    /// How long a session lasts without use (idle expiry).
    pub session_idle: Duration,
    /// Failed logins, per client and for the account.
    pub(crate) login_limiter: Arc<LoginLimiter>,
}

impl std::fmt::Debug for Cartographie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cartographie")
            .field("backend", &self.store.kind())
            .field("secure_cookies", &self.secure_cookies)
            .field("session_ttl", &self.session_ttl)
            .field("session_idle", &self.session_idle)
            .finish_non_exhaustive()
    }
}

impl Cartographie {
    /// Default absolute lifetime of a session: a working day.
    pub const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);
    /// Default idle lifetime of a session.
    pub const SESSION_IDLE: Duration = Duration::from_secs(30 * 60);

    /// Opens the store at `url`, makes sure an administrator token exists (`admin_token`
    /// replaces it; otherwise one is generated on first start and returned to be shown once).
    pub async fn open(
        url: &str,
        admin_token: Option<&str>,
        secure_cookies: bool,
    ) -> Result<(Self, AdminToken), metiers_store::StoreError> {
        let store = Store::open(url).await?;
        let token = ensure_admin_token(&store, admin_token).await?;
        Ok((
            Self {
                store,
                secure_cookies,
                session_ttl: Self::SESSION_TTL,
                session_idle: Self::SESSION_IDLE,
                login_limiter: Arc::new(LoginLimiter::default()),
            },
            token,
        ))
    }
}

/// Routes of the cartographie's pages (its API is in the documented API router,
/// [`api_routes`]).
pub fn router() -> Router<AppState> {
    pages::router()
}

/// Routes of the cartographie's JSON API, with their OpenAPI description.
pub fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::routes()
}

pub use api::{CartographieFormat, PositionDetail, ReviewBody, SecuritySchemes, StatusParam};

/// A logged-in person.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub csrf: String,
    pub reviewer: String,
}

/// The cartographie of the state, or 503 when the server runs without a store.
pub(crate) fn carto(state: &AppState) -> Result<&Cartographie, AppError> {
    state.cartographie.as_deref().ok_or_else(|| {
        AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "cartographie_indisponible",
            "La cartographie n’est pas activée sur ce serveur (aucune base de données configurée).",
        )
    })
}

/// The session token carried by the request's cookie.
pub(crate) fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// The request's session, if it has a valid one.
pub(crate) async fn session(
    carto: &Cartographie,
    headers: &HeaderMap,
) -> Result<Option<Session>, AppError> {
    let Some(token) = session_token(headers) else {
        return Ok(None);
    };
    let found = carto
        .store
        .session(&hash_token(&token), carto.session_idle)
        .await
        .map_err(internal)?;
    Ok(found.map(|s| Session {
        csrf: s.csrf_token,
        reviewer: s.reviewer,
    }))
}

/// Whether a submitted CSRF token is the session's.
pub(crate) fn csrf_ok(session: &Session, submitted: &str) -> bool {
    metiers_store::auth::constant_time_eq(session.csrf.as_bytes(), submitted.as_bytes())
}

/// Logs a store error and gives 503 with what to do when the database is unreachable,
/// read-only or full, the generic 500 otherwise.
pub(crate) fn internal(e: metiers_store::StoreError) -> AppError {
    if let Some(u) = e.unavailable() {
        tracing::warn!("cartographie : {e}");
        return AppError::new(StatusCode::SERVICE_UNAVAILABLE, u.code(), u.message());
    }
    tracing::error!("cartographie : {e}");
    AppError::internal()
}

/// The `Set-Cookie` value of a new session.
pub(crate) fn session_cookie(carto: &Cartographie, token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        carto.session_ttl.as_secs(),
        if carto.secure_cookies { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends a session in the browser.
pub(crate) fn expired_cookie(carto: &Cartographie) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if carto.secure_cookies { "; Secure" } else { "" }
    )
}

/// Whether `token` is the administrator token, for `client`: refused with 429 (without being
/// checked) while the client or the account must wait after failed attempts.
pub(crate) async fn check_admin(
    carto: &Cartographie,
    client: Option<IpAddr>,
    token: &str,
) -> Result<bool, AppError> {
    if let Some(wait) = carto.login_limiter.retry_after(client, Instant::now()) {
        return Err(too_many_attempts(wait));
    }
    let ok = metiers_store::auth::check_admin_token(&carto.store, token)
        .await
        .map_err(internal)?;
    if ok {
        carto.login_limiter.succeeded(client);
    } else {
        tracing::warn!(client = ?client, "cartographie : jeton d’administration refusé");
        carto.login_limiter.failed(client, Instant::now());
    }
    Ok(ok)
}

/// Shared by the login page and tests: checks the token ([`check_admin`]), creates the
/// session, returns the session token (for the cookie), or `None` for a wrong token.
pub(crate) async fn login(
    carto: &Cartographie,
    client: Option<IpAddr>,
    admin_token: &str,
    reviewer: &str,
) -> Result<Option<String>, AppError> {
    if !check_admin(carto, client, admin_token).await? {
        return Ok(None);
    }
    let token = metiers_store::auth::generate_token().map_err(internal)?;
    let csrf = metiers_store::auth::generate_token().map_err(internal)?;
    let expires = metiers_store::utc_in(carto.session_ttl);
    carto
        .store
        .create_session(&hash_token(&token), &csrf, reviewer, &expires)
        .await
        .map_err(internal)?;
    Ok(Some(token))
}

/// The classifier of the state: the search engine.
pub(crate) fn classifier(state: &AppState) -> Arc<dyn metiers_store::Classifier> {
    state.engine.clone()
}
