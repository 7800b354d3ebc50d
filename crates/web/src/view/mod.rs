//! How every page looks: the layout of the State design system (DSFR) around askama
//! templates (escaping on: everything from the data or the request is escaped), the
//! rendering of a page, and the French page of an error ([`PageError`], with the extractors
//! whose rejections are such pages).
//!
//! Knows no feature: features render through it.

use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

use crate::assets::{APP_PREFIX, DSFR_PREFIX, dsfr_version};
use crate::error::{AppError, shown};

/// What a page handler returns: the page, or the French page of an error.
pub type Page = Result<Html<String>, PageError>;
/// A page handler that answers with another status than 200 (a form sent back with its
/// error, say) returns this.
pub type PageWithStatus = Result<(StatusCode, Html<String>), PageError>;

/// One step of the breadcrumb (the last one has no link).
#[derive(Debug, Clone)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

/// What the base template needs: title, active menu entry, breadcrumb, asset prefixes.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub nav: &'static str,
    pub breadcrumb: Vec<Crumb>,
    pub dsfr: &'static str,
    pub app: &'static str,
    pub dsfr_version: &'static str,
}

impl Layout {
    pub fn new(title: impl Into<String>, nav: &'static str) -> Self {
        Self {
            title: title.into(),
            nav,
            breadcrumb: Vec::new(),
            dsfr: DSFR_PREFIX.as_str(),
            app: APP_PREFIX.as_str(),
            dsfr_version: dsfr_version(),
        }
    }

    /// Adds a breadcrumb step; `href` is `None` for the current page.
    pub fn crumb(mut self, label: impl Into<String>, href: Option<String>) -> Self {
        self.breadcrumb.push(Crumb {
            label: label.into(),
            href,
        });
        self
    }

    /// Entries of the main menu: link, label, current.
    pub fn nav_items(&self) -> Vec<(&'static str, &'static str, bool)> {
        [
            ("/", "Métiers", "accueil"),
            ("/recherche", "Rechercher", "recherche"),
            (
                "/correspondance",
                "Quel métier correspond ?",
                "correspondance",
            ),
            ("/comparer", "Comparer", "comparer"),
            ("/carte", "Carte", "carte"),
            ("/competences", "Compétences", "competences"),
            ("/correspondances", "Correspondances", "correspondances"),
            ("/nouveautes", "Nouveautés", "nouveautes"),
            ("/cartographie", "Cartographie", "cartographie"),
            ("/a-propos", "À propos", "a-propos"),
        ]
        .into_iter()
        .map(|(href, label, key)| (href, label, key == self.nav))
        .collect()
    }
}

/// Renders a template as HTML (a rendering error, which should not happen, is logged and
/// becomes the internal error page).
pub fn render<T: Template>(template: &T) -> Result<Html<String>, PageError> {
    template.render().map(Html).map_err(|e| {
        tracing::error!("rendu de page impossible : {e}");
        PageError::from(AppError::internal())
    })
}

/// Renders a template with another status than 200.
pub fn render_with<T: Template>(status: StatusCode, template: &T) -> PageWithStatus {
    render(template).map(|html| (status, html))
}

#[derive(Template)]
#[template(path = "view/error.html")]
struct ErrorPage<'a> {
    l: Layout,
    heading: &'a str,
    status: u16,
    code: &'a str,
    message: &'a str,
    suggestions: Vec<(String, String)>,
}

/// The French page of an error.
pub fn error_page(e: &AppError) -> Response {
    error_page_with(e, Vec::new())
}

/// The French page of an error, with links to occupations (for an unknown id).
pub fn error_page_with(e: &AppError, suggestions: Vec<(String, String)>) -> Response {
    let heading = match e.status {
        StatusCode::NOT_FOUND => "Page non trouvée",
        StatusCode::PAYLOAD_TOO_LARGE => "Envoi trop volumineux",
        s if s.is_server_error() => "Erreur inattendue",
        _ => "Requête incorrecte",
    };
    let page = ErrorPage {
        l: Layout::new(heading, ""),
        heading,
        status: e.status.as_u16(),
        code: e.code,
        message: &e.message,
        suggestions,
    };
    let mut response = match page.render() {
        Ok(html) => (e.status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!("rendu de la page d’erreur impossible : {err}");
            AppError::internal().into_response()
        }
    };
    if let Some(secs) = e.retry_after {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, secs.into());
    }
    response
}

/// An error shown as a French page rather than JSON. Its suggestions are links to
/// occupations (title, id), for an unknown id.
#[derive(Debug)]
pub struct PageError(pub AppError, pub Vec<(String, String)>);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(e, Vec::new())
    }
}

impl From<metiers_store::StoreError> for PageError {
    fn from(e: metiers_store::StoreError) -> Self {
        Self(e.into(), Vec::new())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page_with(&self.0, self.1)
    }
}

/// `Query` for pages: a bad parameter gives a French error page.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(PageError))]
pub struct PageQuery<T>(pub T);

/// `Form` for pages: a bad body gives a French error page.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Form), rejection(PageError))]
pub struct PageForm<T>(pub T);

/// `Path` for pages.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(PageError))]
pub struct PagePath<T>(pub T);

impl From<QueryRejection> for PageError {
    fn from(r: QueryRejection) -> Self {
        AppError::from(r).into()
    }
}
impl From<FormRejection> for PageError {
    fn from(r: FormRejection) -> Self {
        AppError::from(r).into()
    }
}
impl From<PathRejection> for PageError {
    fn from(r: PathRejection) -> Self {
        AppError::from(r).into()
    }
}

/// The fallback of the router: JSON under `/api/` and `/healthz`, a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    let err = AppError::not_found(
        "adresse_inconnue",
        format!("Aucune ressource à l’adresse « {} ».", shown(uri.path())),
    );
    let p = uri.path();
    if p.starts_with("/api/") || p == "/api" || p == "/healthz" {
        err.into_response()
    } else {
        PageError::from(err).into_response()
    }
}

/// Education levels offered by the filters: value and label.
pub fn levels() -> Vec<(u8, String)> {
    (0..=8).map(|n| (n, crate::text::level_label(n))).collect()
}
