//! Cartographie: an organisation maps its positions onto the référentiel.
//!
//! Pages under `/cartographie` and JSON under `/api/v1/positions`, `/api/v1/dashboard` and
//! `/api/v1/learned-titles`, one file per feature, each with its API handlers and its pages:
//! [`login`] (login and logout), [`dashboard`], [`import`], [`positions`] (list and review),
//! [`learned`] (learned titles), [`export`]. [`auth`] holds the extractors that open every
//! handler: [`auth::ApiReader`] and [`auth::ApiWriter`] for the API (administrator token, or
//! the portal's session, with its CSRF token to write), [`auth::PortalSession`] for the pages.
//!
//! The administrator token (`METIERS_ADMIN_TOKEN`, or generated at first start and printed
//! once; only its hash is stored) gives a session cookie (HttpOnly, SameSite=Strict, Secure
//! when `METIERS_COOKIE_SECURE=1`), and every form carries the session's CSRF token. A session
//! ends after its lifetime, or after a while without use (settings of `metiers serve`).
//! Failed logins (form or bearer token) are limited per client and for the account
//! ([`LoginLimiter`]): past a few, 429 with `Retry-After`. Sessions live in the store, so
//! several instances on one PostgreSQL share them. The référentiel's own pages stay public.

pub mod auth;
mod chart;
pub mod dashboard;
pub mod export;
pub mod import;
pub mod learned;
pub mod login;
pub mod positions;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use metiers_store::Store;
use metiers_store::auth::{AdminToken, ensure_admin_token};
use std::sync::Arc;
use std::time::Duration;

use crate::AppState;
use crate::error::AppError;
use crate::security::LoginLimiter;

pub use export::ExportFormat;
pub use positions::{PositionDetail, ReviewBody, StatusParam};

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

    /// Sets how long sessions last: at most `ttl`, and `idle` without use.
    pub fn with_session_lifetimes(mut self, ttl: Duration, idle: Duration) -> Self {
        self.session_ttl = ttl;
        self.session_idle = idle;
        self
    }
}

/// Routes of the cartographie's pages (its API is registered by [`crate::api`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cartographie", get(dashboard::page))
        .route(
            "/cartographie/connexion",
            get(login::form).post(login::submit),
        )
        .route("/cartographie/deconnexion", post(login::logout))
        .route(
            "/cartographie/import",
            get(import::form)
                .post(import::upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/cartographie/postes", get(positions::page))
        .route(
            "/cartographie/postes/{id}/revue",
            post(positions::review_form),
        )
        .route("/cartographie/appris", get(learned::page))
        .route(
            "/cartographie/appris/{id}/retrait",
            post(learned::remove_form),
        )
        .route("/cartographie/export/{format}", get(export::page))
}

/// The cartographie of the state, or 503 when the server runs without a store.
pub fn carto(state: &AppState) -> Result<&Cartographie, AppError> {
    state.cartographie.as_deref().ok_or_else(|| {
        AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "cartographie_indisponible",
            "La cartographie n’est pas activée sur ce serveur (aucune base de données configurée).",
        )
    })
}

/// The classifier of the state: the search engine, with what the HR columns of a file say
/// (catégorie against education level, ROME code through the crosswalk).
pub fn classifier(state: &AppState) -> Arc<dyn metiers_store::Classifier> {
    Arc::new(metiers_store::HrSignals::new(
        state.engine.clone(),
        state.referentiel.clone(),
        state.knowledge.clone(),
    ))
}

/// A text without NUL characters, which PostgreSQL refuses in text (no title holds one).
fn without_nul(s: &str) -> String {
    s.replace('\0', "")
}

/// The title of an occupation id of the current edition (the id itself when unknown).
fn occupation_title(state: &AppState, id: &str) -> String {
    state
        .referentiel
        .get(id)
        .map_or_else(|| id.to_owned(), |o| o.title.clone())
}
