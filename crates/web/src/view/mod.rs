//! The French pages, on the State design system (DSFR), rendered by askama templates
//! (escaping on: everything from the data or the request is escaped).
//!
//! Routes: `/` (home), `/recherche`, `/metiers/{id}` (fiche) and its exports,
//! `/correspondance` ("Quel métier correspond ?"), `/comparer`, `/carte`, `/a-propos`,
//! `/api/v1/docs`.

mod api_doc;
mod compare;
mod fiche;
mod matching;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::assets::{APP_PREFIX, DSFR_PREFIX, dsfr_version};
use crate::error::AppError;
use crate::{AppState, text};

/// Routes of the pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/a-propos", get(about))
        .route("/recherche", get(matching::search))
        .route(
            "/correspondance",
            get(matching::correspondance_form).post(matching::correspondance),
        )
        .route("/carte", get(matching::map))
        .route("/comparer", get(compare::compare))
        .route("/metiers/{id}", get(fiche::fiche))
        .route("/metiers/{id}/export/{format}", get(fiche::export))
        .route("/api/v1/docs", get(api_doc::page))
}

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
            ("/nouveautes", "Nouveautés", "nouveautes"),
            ("/cartographie", "Cartographie", "cartographie"),
            ("/a-propos", "À propos", "a-propos"),
        ]
        .into_iter()
        .map(|(href, label, key)| (href, label, key == self.nav))
        .collect()
    }
}

/// Renders a template as an HTML response with the given status.
pub fn render<T: Template>(status: StatusCode, template: &T) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!("rendu de page impossible : {e}");
            AppError::internal().into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
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
    render(e.status, &page)
}

/// An occupation in the home page's groups.
#[derive(Debug)]
struct HomeOccupation {
    id: String,
    title: String,
    education: String,
    summary: String,
}

#[derive(Debug)]
struct HomeGroup {
    id: String,
    title: String,
    reason: String,
    occupations: Vec<HomeOccupation>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    l: Layout,
    count: usize,
    note: String,
    groups: Vec<HomeGroup>,
}

async fn home(State(state): State<AppState>) -> Response {
    let r = &state.referentiel;
    let groups = state
        .groups
        .groups
        .iter()
        .map(|g| HomeGroup {
            id: g.id.clone(),
            title: g.title.clone(),
            reason: g.reason.clone(),
            occupations: g
                .occupations
                .iter()
                .filter_map(|id| r.get(id))
                .map(|o| HomeOccupation {
                    id: o.id.as_str().to_owned(),
                    title: o.title.clone(),
                    education: format!(
                        "Formation : {}",
                        metiers_referentiel::export::level_range(o.education.as_ref())
                    ),
                    summary: card_summary(o),
                })
                .collect(),
        })
        .collect();
    render(
        StatusCode::OK,
        &Home {
            l: Layout::new("Accueil", "accueil"),
            count: r.occupations.len(),
            note: state.groups.note.clone(),
            groups,
        },
    )
}

/// A line for an occupation's card: its other titles, or the start of its summary.
fn card_summary(o: &metiers_referentiel::Occupation) -> String {
    if !o.alt_titles.is_empty() {
        return format!("Aussi : {}", o.alt_titles.join(" ; "));
    }
    let first = o
        .summary
        .first()
        .cloned()
        .or_else(|| o.activities().next().map(|a| a.text.clone()))
        .unwrap_or_default();
    if first.chars().count() > 140 {
        let cut: String = first.chars().take(139).collect();
        format!("{}…", cut.trim_end())
    } else {
        first
    }
}

#[derive(Template)]
#[template(path = "about.html")]
struct About {
    l: Layout,
    count: usize,
    edition_title: String,
    edition_id: String,
    sha256: Option<String>,
    groups_note: String,
    dsfr_version: &'static str,
}

async fn about(State(state): State<AppState>) -> Response {
    let e = &state.referentiel.edition;
    render(
        StatusCode::OK,
        &About {
            l: Layout::new("À propos", "a-propos").crumb("À propos", None),
            count: state.referentiel.occupations.len(),
            edition_title: e.title.clone(),
            edition_id: e.id.clone(),
            sha256: e.source_sha256.clone(),
            groups_note: state.groups.note.clone(),
            dsfr_version: dsfr_version(),
        },
    )
}

/// Education levels offered by the filters: value and label.
fn levels() -> Vec<(u8, String)> {
    (0..=8).map(|n| (n, text::level_label(n))).collect()
}
