//! Job descriptions and gap analysis in the portal and the API (issue 6).
//!
//! Routes: `/metiers/{id}/fiche-de-poste?activites=1,3,7` (a draft job description on the
//! State design system, printable from the browser), `/ecart?de=A&vers=B` ("De A vers B")
//! and `/api/v1/ecart?de=A&vers=B` (the same as JSON). They work on the edition the server
//! was started with; the logic is in `metiers-export`.

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metiers_export::ecart::{Gap, GapAnalyzer};
use metiers_export::poste::{JobDescription, PLACES, Selection, placeholder};
use metiers_referentiel::export::{education_line, level_range};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiQuery, AppError, PagePath, PageQuery};
use crate::pages::{Layout, error_page, render};

/// Routes of the job descriptions and of the gap analysis.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/metiers/{id}/fiche-de-poste", get(job_description))
        .route("/ecart", get(gap_page))
        .route("/api/v1/ecart", get(gap_api))
}

#[derive(Debug, Deserialize)]
pub struct JobParams {
    activites: Option<String>,
}

#[derive(Debug)]
struct JobGroup {
    heading: Option<String>,
    activities: Vec<(String, Vec<String>)>,
}

#[derive(Template)]
#[template(path = "editions/fiche_de_poste.html")]
struct JobPage {
    l: Layout,
    id: String,
    title: String,
    alt_titles: String,
    source: String,
    places: Vec<(&'static str, String)>,
    summary: Vec<String>,
    groups: Vec<JobGroup>,
    education: String,
    missions_place: String,
    specifics_place: String,
    experience_place: String,
    numbers: String,
    all: Vec<(usize, String, bool)>,
}

/// `GET /metiers/{id}/fiche-de-poste`.
async fn job_description(
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    PageQuery(p): PageQuery<JobParams>,
) -> Response {
    let r = &state.referentiel;
    let Some(o) = r.get(&id) else {
        return error_page(&AppError::not_found(
            "metier_inconnu",
            format!("Aucune fiche métier n’a l’identifiant « {id} »."),
        ));
    };
    let raw = p
        .activites
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("all");
    let selection = match Selection::parse(raw) {
        Ok(s) => s,
        Err(message) => return error_page(&AppError::bad_request("activites_invalides", message)),
    };
    let jd = match JobDescription::new(&r.edition, o, &selection) {
        Ok(jd) => jd,
        Err(e) => return error_page(&AppError::bad_request("activites_invalides", e.to_string())),
    };
    let ticked: Vec<usize> = jd.activities.iter().map(|a| a.number).collect();
    let groups = jd
        .groups()
        .into_iter()
        .map(|(heading, list)| JobGroup {
            heading: heading.map(str::to_owned),
            activities: list
                .iter()
                .map(|a| (a.text.to_owned(), a.details.to_vec()))
                .collect(),
        })
        .collect();
    let all = metiers_export::poste::numbered_activities(o)
        .into_iter()
        .map(|a| (a.number, a.text.to_owned(), ticked.contains(&a.number)))
        .collect();
    let e = o.education.as_ref();
    let page = JobPage {
        l: Layout::new(format!("Fiche de poste — {}", o.title), "accueil")
            .crumb(o.title.clone(), Some(format!("/metiers/{}", o.id)))
            .crumb("Fiche de poste", None),
        id: o.id.to_string(),
        title: o.title.clone(),
        alt_titles: o.alt_titles.join(" ; "),
        source: format!(
            "Brouillon établi à partir de la fiche métier « {} » du référentiel des métiers SIC (édition « {} »), avec {} activité(s) sur {}. Les passages marqués « À COMPLÉTER » sont propres au poste.",
            o.title,
            r.edition.id,
            jd.activities.len(),
            o.activities().count()
        ),
        places: vec![
            ("Intitulé du poste", placeholder(PLACES[0])),
            ("Service / direction", placeholder(PLACES[1])),
            ("Localisation", placeholder(PLACES[2])),
            ("Catégorie / grade", placeholder(PLACES[3])),
            ("Contact", placeholder(PLACES[4])),
            ("Date de prise de poste", placeholder(PLACES[5])),
        ],
        summary: o.summary.clone(),
        groups,
        education: format!(
            "{} ({})",
            level_range(e),
            e.map_or_else(
                || "non précisé par le référentiel".to_owned(),
                education_line
            )
        ),
        missions_place: placeholder("missions et contexte du service"),
        specifics_place: placeholder(PLACES[6]),
        experience_place: placeholder("expérience, compétences"),
        numbers: if jd.complete {
            "all".to_owned()
        } else {
            ticked
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(",")
        },
        all,
    };
    render(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct GapParams {
    de: Option<String>,
    vers: Option<String>,
}

#[derive(Template)]
#[template(path = "editions/ecart.html")]
struct GapPage {
    l: Layout,
    options: Vec<(String, String)>,
    de: String,
    vers: String,
    error: Option<String>,
    gap: Option<Gap>,
}

impl GapPage {
    fn percent(&self, x: &f64) -> u32 {
        (x * 100.0).round().clamp(0.0, 100.0) as u32
    }
}

/// The gap for two ids, or the client error.
fn compute(
    state: &AppState,
    de: Option<&str>,
    vers: Option<&str>,
) -> Result<Option<Gap>, AppError> {
    let (de, vers) = (
        de.map(str::trim).unwrap_or(""),
        vers.map(str::trim).unwrap_or(""),
    );
    if de.is_empty() && vers.is_empty() {
        return Ok(None);
    }
    let r = &state.referentiel;
    let find = |id: &str, role: &str| {
        r.find(id).ok_or_else(|| {
            AppError::bad_request(
                "metier_inconnu",
                format!("Métier {role} inconnu : « {id} ». Choisissez un métier dans la liste."),
            )
        })
    };
    let (a, b) = (find(de, "de départ")?, find(vers, "visé")?);
    Ok(Some(GapAnalyzer::new(r).between(a, b)))
}

/// `GET /ecart`.
async fn gap_page(State(state): State<AppState>, PageQuery(p): PageQuery<GapParams>) -> Response {
    let (gap, error, status) = match compute(&state, p.de.as_deref(), p.vers.as_deref()) {
        Ok(g) => (g, None, StatusCode::OK),
        Err(e) => (None, Some(e.message.clone()), e.status),
    };
    let page = GapPage {
        l: Layout::new("De A vers B", "comparer").crumb("De A vers B", None),
        options: state
            .referentiel
            .occupations
            .iter()
            .map(|o| (o.id.to_string(), o.title.clone()))
            .collect(),
        de: p.de.unwrap_or_default(),
        vers: p.vers.unwrap_or_default(),
        error,
        gap,
    };
    render(status, &page)
}

/// `GET /api/v1/ecart?de=A&vers=B`.
async fn gap_api(State(state): State<AppState>, ApiQuery(p): ApiQuery<GapParams>) -> Response {
    if p.de.as_deref().is_none_or(|s| s.trim().is_empty())
        || p.vers.as_deref().is_none_or(|s| s.trim().is_empty())
    {
        return AppError::bad_request(
            "parametres_manquants",
            "Indiquez les paramètres « de » et « vers » (identifiants de métiers).",
        )
        .into_response();
    }
    match compute(&state, p.de.as_deref(), p.vers.as_deref()) {
        Ok(Some(gap)) => Json(gap).into_response(),
        Ok(None) => AppError::bad_request(
            "parametres_manquants",
            "Indiquez les paramètres « de » et « vers ».",
        )
        .into_response(),
        Err(e) => e.into_response(),
    }
}
