//! Who may read and write the cartographie, as extractors that open the handlers:
//! [`ApiReader`] and [`ApiWriter`] for the API (administrator token as a bearer, or the
//! portal's session cookie; writes by session also need the session's CSRF token in
//! `X-CSRF-Token`), [`PortalSession`] for the pages (a session, or a redirect to the login
//! page). Sessions, cookies and the check of the administrator token live here too.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use metiers_store::auth::{constant_time_eq, hash_token};
use std::net::IpAddr;
use std::time::Instant;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use super::{Cartographie, SESSION_COOKIE, carto};
use crate::AppState;
use crate::error::AppError;
use crate::security::{ClientAddr, too_many_attempts};
use crate::view::PageError;

// The names are repeated as literals in the `security(…)` of each path (utoipa wants literals).

/// Name of the bearer scheme in the OpenAPI document.
pub const BEARER_SCHEME: &str = "jeton_administration";
/// Name of the session cookie scheme in the OpenAPI document.
pub const SESSION_SCHEME: &str = "session";
/// Name of the CSRF header scheme (writes by session) in the OpenAPI document.
pub const CSRF_SCHEME: &str = "jeton_csrf";

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
                SESSION_COOKIE,
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

/// A caller allowed to read the cartographie through the API.
#[derive(Debug)]
pub struct ApiReader {
    pub carto: Cartographie,
}

/// A caller allowed to write the cartographie through the API: the administrator (bearer
/// token; `reviewer` is then `None` and the request names who decides) or a session's
/// reviewer, whose request carried the session's CSRF token.
#[derive(Debug)]
pub struct ApiWriter {
    pub carto: Cartographie,
    pub reviewer: Option<String>,
}

impl FromRequestParts<AppState> for ApiReader {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (carto, _) = authorize(parts, state, false).await?;
        Ok(Self { carto })
    }
}

impl FromRequestParts<AppState> for ApiWriter {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (carto, reviewer) = authorize(parts, state, true).await?;
        Ok(Self { carto, reviewer })
    }
}

fn unauthorized() -> AppError {
    AppError::new(
        StatusCode::UNAUTHORIZED,
        "authentification_requise",
        "Authentification requise : en-tête « Authorization: Bearer <jeton d’administration> » ou session du portail.",
    )
}

/// Checks the caller of the API; for writes, a session must also present its CSRF token.
/// A wrong bearer token counts as a failed login ([`check_admin`]). Returns the reviewer of
/// a session.
async fn authorize(
    parts: &mut Parts,
    state: &AppState,
    write: bool,
) -> Result<(Cartographie, Option<String>), AppError> {
    let c = carto(state)?;
    let ClientAddr(client) = ClientAddr::from_request_parts(parts, state)
        .await
        .unwrap_or(ClientAddr(None));
    let headers = &parts.headers;
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        if !check_admin(c, client, token).await? {
            return Err(unauthorized());
        }
        return Ok((c.clone(), None));
    }
    let s = session(c, headers).await?.ok_or_else(unauthorized)?;
    if write {
        let sent = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !s.csrf_ok(sent) {
            return Err(AppError::new(
                StatusCode::FORBIDDEN,
                "jeton_csrf_invalide",
                "Écriture par session : l’en-tête X-CSRF-Token doit porter le jeton de la session.",
            ));
        }
    }
    Ok((c.clone(), Some(s.reviewer)))
}

/// A logged-in person.
#[derive(Debug, Clone)]
pub struct Session {
    pub csrf: String,
    pub reviewer: String,
}

impl Session {
    /// Whether a submitted CSRF token is the session's.
    pub fn csrf_ok(&self, submitted: &str) -> bool {
        constant_time_eq(self.csrf.as_bytes(), submitted.as_bytes())
    }
}

/// The person logged in on the portal: their session, and the cartographie.
#[derive(Debug)]
pub struct PortalSession {
    pub carto: Cartographie,
    pub session: Session,
}

impl PortalSession {
    /// Checks the CSRF token a form sent: 403 page when it is not the session's.
    pub fn check_form(&self, submitted: &str) -> Result<(), PageError> {
        if self.session.csrf_ok(submitted) {
            Ok(())
        } else {
            Err(forbidden())
        }
    }
}

/// The 403 page of a form whose CSRF token is wrong or missing.
pub fn forbidden() -> PageError {
    PageError::from(AppError::new(
        StatusCode::FORBIDDEN,
        "jeton_csrf_invalide",
        "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et recommencez.",
    ))
}

/// Why a page could not open a session: not logged in (to the login page), or an error.
#[derive(Debug)]
pub enum NoSession {
    Login,
    Error(PageError),
}

impl IntoResponse for NoSession {
    fn into_response(self) -> Response {
        match self {
            NoSession::Login => Redirect::to("/cartographie/connexion").into_response(),
            NoSession::Error(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for PortalSession {
    type Rejection = NoSession;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, NoSession> {
        let c = carto(state).map_err(|e| NoSession::Error(e.into()))?;
        match session(c, &parts.headers).await {
            Ok(Some(session)) => Ok(Self {
                carto: c.clone(),
                session,
            }),
            Ok(None) => Err(NoSession::Login),
            Err(e) => Err(NoSession::Error(e.into())),
        }
    }
}

/// The session token carried by the request's cookie.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE).filter(|v| v.len() <= 128)
}

/// The value of a cookie of the request (the first one of that name, not empty).
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// The request's session, if it has a valid one.
async fn session(carto: &Cartographie, headers: &HeaderMap) -> Result<Option<Session>, AppError> {
    let Some(token) = session_token(headers) else {
        return Ok(None);
    };
    let found = carto
        .store
        .session(&hash_token(&token), carto.session_idle)
        .await?;
    Ok(found.map(|s| Session {
        csrf: s.csrf_token,
        reviewer: s.reviewer,
    }))
}

/// The `Set-Cookie` value of a new session.
pub fn session_cookie(carto: &Cartographie, token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        carto.session_ttl.as_secs(),
        if carto.secure_cookies { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends a session in the browser.
pub fn expired_cookie(carto: &Cartographie) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if carto.secure_cookies { "; Secure" } else { "" }
    )
}

/// Whether `token` is the administrator token, for `client`: refused with 429 (without being
/// checked) while the client or the account must wait after failed attempts.
pub async fn check_admin(
    carto: &Cartographie,
    client: Option<IpAddr>,
    token: &str,
) -> Result<bool, AppError> {
    if let Some(wait) = carto.login_limiter.retry_after(client, Instant::now()) {
        return Err(too_many_attempts(wait));
    }
    let ok = metiers_store::auth::check_admin_token(&carto.store, token).await?;
    if ok {
        carto.login_limiter.succeeded(client);
    } else {
        tracing::warn!(client = ?client, "cartographie : jeton d’administration refusé");
        carto.login_limiter.failed(client, Instant::now());
    }
    Ok(ok)
}

/// Checks the token ([`check_admin`]), creates the session, returns the session token (for
/// the cookie), or `None` for a wrong token.
pub async fn login(
    carto: &Cartographie,
    client: Option<IpAddr>,
    admin_token: &str,
    reviewer: &str,
) -> Result<Option<String>, AppError> {
    if !check_admin(carto, client, admin_token).await? {
        return Ok(None);
    }
    let token = metiers_store::auth::generate_token()?;
    let csrf = metiers_store::auth::generate_token()?;
    let expires = metiers_store::utc_in(carto.session_ttl);
    carto
        .store
        .create_session(&hash_token(&token), &csrf, reviewer, &expires)
        .await?;
    Ok(Some(token))
}
