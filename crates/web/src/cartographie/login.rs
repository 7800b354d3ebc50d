//! Logging in and out of the cartographie's pages (`/cartographie/connexion`,
//! `/cartographie/deconnexion`).
//!
//! The login form carries a CSRF token too, although no session exists yet (« login CSRF »:
//! another site must not log a browser in under its own name): the form page sets a random
//! token in a cookie scoped to the login path and in a hidden field; a submission whose field
//! is not its cookie is refused (double-submit cookie).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::{self, PortalSession, cookie};
use super::carto;
use crate::AppState;
use crate::security::ClientAddr;
use crate::view::{Layout, PageError, PageForm, render_with};

/// The layout of a cartographie page: its breadcrumb starts at the dashboard.
pub(super) fn layout(title: &str) -> Layout {
    Layout::new(title, "cartographie").crumb("Cartographie", Some("/cartographie".to_owned()))
}

/// Name of the cookie holding the login form's CSRF token.
pub const LOGIN_CSRF_COOKIE: &str = "metiers_connexion";

#[derive(Template)]
#[template(path = "cartographie/connexion.html")]
struct LoginPage {
    l: Layout,
    error: Option<String>,
    name: String,
    csrf: String,
}

/// The login page with a fresh CSRF token, set in its cookie too.
fn login_page(
    state: &AppState,
    status: StatusCode,
    error: Option<&str>,
    name: String,
) -> Result<Response, PageError> {
    let csrf = metiers_store::auth::generate_token()?;
    let page = render_with(
        status,
        &LoginPage {
            l: layout("Connexion"),
            error: error.map(str::to_owned),
            name,
            csrf: csrf.clone(),
        },
    )?;
    let secure = state
        .cartographie
        .as_ref()
        .is_some_and(|c| c.secure_cookies);
    let cookie = format!(
        "{LOGIN_CSRF_COOKIE}={csrf}; Path=/cartographie/connexion; HttpOnly; SameSite=Strict; Max-Age=3600{}",
        if secure { "; Secure" } else { "" }
    );
    let mut response = page.into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// `GET /cartographie/connexion`.
pub async fn form(State(state): State<AppState>) -> Result<Response, PageError> {
    login_page(&state, StatusCode::OK, None, String::new())
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    jeton: String,
    nom: String,
    /// The token of the form, to compare with its cookie.
    #[serde(default)]
    csrf: String,
}

/// `POST /cartographie/connexion`: checks the token, opens a session, goes to the dashboard.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    PageForm(f): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    let c = carto(&state)?;
    let name = f.nom.trim().chars().take(100).collect::<String>();
    let sent = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if sent.is_empty() || !metiers_store::auth::constant_time_eq(sent.as_bytes(), f.csrf.as_bytes())
    {
        return login_page(
            &state,
            StatusCode::FORBIDDEN,
            Some(
                "Le formulaire de connexion a expiré ou ne vient pas de ce site : saisissez de nouveau votre jeton.",
            ),
            name,
        );
    }
    if name.is_empty() {
        return login_page(
            &state,
            StatusCode::BAD_REQUEST,
            Some("Indiquez votre nom : il est enregistré avec chacune de vos décisions."),
            name,
        );
    }
    match auth::login(c, client, &f.jeton, &name).await {
        Ok(Some(token)) => {
            let mut response = Redirect::to("/cartographie").into_response();
            if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(c, &token)) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            // The login form's token has served.
            let spent = format!(
                "{LOGIN_CSRF_COOKIE}=; Path=/cartographie/connexion; HttpOnly; SameSite=Strict; Max-Age=0"
            );
            if let Ok(v) = HeaderValue::from_str(&spent) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(response)
        }
        Ok(None) => login_page(
            &state,
            StatusCode::UNAUTHORIZED,
            Some(
                "Jeton d’administration incorrect. Il est affiché au premier démarrage du serveur, ou fixé par METIERS_ADMIN_TOKEN.",
            ),
            name,
        ),
        Err(e) if e.status == StatusCode::TOO_MANY_REQUESTS => {
            let mut response = login_page(&state, e.status, Some(&e.message), name)?;
            if let Some(secs) = e.retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, secs.into());
            }
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

/// A form that carries only the session's CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

/// `POST /cartographie/deconnexion`: ends the session, back to the login page.
pub async fn logout(
    portal: PortalSession,
    headers: HeaderMap,
    PageForm(f): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    portal.check_form(&f.csrf)?;
    let c = &portal.carto;
    if let Some(token) = auth::session_token(&headers) {
        c.store
            .delete_session(&metiers_store::auth::hash_token(&token))
            .await?;
    }
    let mut response = Redirect::to("/cartographie/connexion").into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::expired_cookie(c)) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}
