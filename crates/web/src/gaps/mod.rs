//! Editions, job descriptions and gap analysis in the portal and the API (issue 6).
//!
//! Routes: `/nouveautes` (what the current edition changed, [`changes`]),
//! `/metiers/{id}/fiche-de-poste?activites=1,3,7` (a draft job description on the State
//! design system, printable from the browser), `/ecart?de=A&vers=B` ("De A vers B") and
//! `/api/v1/ecart?de=A&vers=B` (the same as JSON). Job descriptions and gaps work on the
//! current edition; the logic is in `metiers-export`. [`Editions`] holds every loaded edition.

mod changes;
mod loaded;

pub use loaded::Editions;

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metiers_export::ecart::{Coverage, Gap, OccupationSide};
use metiers_export::poste::{JobDescription, PLACES, Selection, placeholder};
use metiers_referentiel::export::{education_line, level_range};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiQuery, AppError, ErrorBody, PagePath, PageQuery};
use crate::pages::{Layout, error_page, render};

/// Routes of the job descriptions and of the gap analysis.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/nouveautes", get(changes::page))
        .route("/metiers/{id}/fiche-de-poste", get(job_description))
        .route("/ecart", get(gap_page))
        .route("/ecart/personne", get(person_page))
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
            format!(
                "Aucune fiche métier n’a l’identifiant « {} ».",
                crate::error::shown(&id)
            ),
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

/// Parameters of « De A vers B ».
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GapParams {
    /// Identifiant du métier de départ (A).
    de: Option<String>,
    /// Identifiant du métier visé (B).
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
                format!(
                    "Métier {role} inconnu : « {} ». Choisissez un métier dans la liste.",
                    crate::error::shown(id)
                ),
            )
        })
    };
    let (a, b) = (find(de, "de départ")?, find(vers, "visé")?);
    Ok(Some(state.gaps().between(a, b)))
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

/// "De A vers B": the activities of B that A already covers (by meaning), those it does not,
/// and the change of education level; the same as `metiers ecart A B --format json`.
#[utoipa::path(
    get,
    path = "/api/v1/ecart",
    summary = "De A vers B",
    description = "Les activités du métier visé B que le métier A couvre déjà (par le sens : mots ramenés à leur racine, pondérés par leur rareté), celles qui restent à acquérir, et l’écart de niveau de formation. Comme `metiers ecart A B --format json`.",
    tag = "editions",
    params(GapParams),
    responses(
        (status = 200, description = "L’écart entre les deux métiers", body = Gap),
        (status = 400, description = "Paramètre manquant ou métier inconnu", body = ErrorBody)
    )
)]
pub async fn gap_api(State(state): State<AppState>, ApiQuery(p): ApiQuery<GapParams>) -> Response {
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

/// Parameters of the ranking of occupations for a person.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonParams {
    /// Identifiant du métier exercé.
    de: Option<String>,
    /// Numéros des activités de ce métier que la personne pratique (`1,3,5-7`), ou `all`
    /// (par défaut).
    activites: Option<String>,
    /// Nombre de métiers renvoyés (1 à 50 ; 10 par défaut).
    nombre: Option<usize>,
}

/// Les métiers classés selon ce que couvrent les activités pratiquées par une personne.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRanking {
    /// Métier exercé.
    pub from: OccupationSide,
    /// Numéros des activités pratiquées, dans l’ordre de la fiche.
    pub practised: Vec<usize>,
    /// Les métiers, les mieux couverts d’abord, avec ce qui manque pour chacun.
    pub occupations: Vec<Coverage>,
}

/// The ranking for an occupation and the numbers of the activities practised.
fn rank_person(
    state: &AppState,
    de: &str,
    activites: Option<&str>,
    top: usize,
) -> Result<PersonRanking, AppError> {
    let r = &state.referentiel;
    let o = r.find(de.trim()).ok_or_else(|| {
        AppError::bad_request(
            "metier_inconnu",
            format!(
                "Métier exercé inconnu : « {} ». Choisissez un métier dans la liste.",
                de.trim().chars().take(80).collect::<String>()
            ),
        )
    })?;
    let raw = activites
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("all");
    let selection =
        Selection::parse(raw).map_err(|m| AppError::bad_request("activites_invalides", m))?;
    let jd = JobDescription::new(&r.edition, o, &selection)
        .map_err(|e| AppError::bad_request("activites_invalides", e.to_string()))?;
    let practised: Vec<String> = jd.activities.iter().map(|a| a.text.to_owned()).collect();
    let mut occupations = state.gaps().for_person(r, &practised);
    occupations.truncate(top);
    Ok(PersonRanking {
        from: OccupationSide::from(o),
        practised: jd.activities.iter().map(|a| a.number).collect(),
        occupations,
    })
}

/// The occupations ranked by how much of their activities the activities a person practises
/// in their occupation cover, with what is missing for each; the same as
/// `metiers ecart A --activites N,N --format json`.
#[utoipa::path(
    get,
    path = "/api/v1/ecart/personne",
    summary = "Métiers accessibles selon les activités pratiquées",
    description = "Pour une personne : son métier et les activités de ce métier qu’elle pratique ; les métiers classés selon la part de leurs activités que celles-ci couvrent (par le sens), avec ce qui manque pour chacun.",
    tag = "editions",
    params(PersonParams),
    responses(
        (status = 200, description = "Les métiers, les mieux couverts d’abord", body = PersonRanking),
        (status = 400, description = "Métier inconnu, numéro d’activité invalide ou paramètre manquant", body = ErrorBody)
    )
)]
pub async fn person_api(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<PersonParams>,
) -> Result<Json<PersonRanking>, AppError> {
    let de =
        p.de.as_deref()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| {
                AppError::bad_request(
                    "parametres_manquants",
                    "Indiquez le paramètre « de » (identifiant du métier exercé).",
                )
            })?;
    let top = match p.nombre {
        None => 10,
        Some(n @ 1..=50) => n,
        Some(_) => {
            return Err(AppError::bad_request(
                "parametres_invalides",
                "« nombre » doit être compris entre 1 et 50.",
            ));
        }
    };
    rank_person(&state, de, p.activites.as_deref(), top).map(Json)
}

#[derive(Template)]
#[template(path = "editions/personne.html")]
struct PersonPage {
    l: Layout,
    options: Vec<(String, String)>,
    de: String,
    /// The activities of the chosen occupation: number, heading, text, ticked.
    activities: Vec<(usize, Option<String>, String, bool)>,
    error: Option<String>,
    ranking: Option<PersonRanking>,
}

impl PersonPage {
    fn percent(&self, x: &f64) -> u32 {
        (x * 100.0).round().clamp(0.0, 100.0) as u32
    }
}

/// `GET /ecart/personne?de=ID&activites=1&activites=3`: tick the activities you practise,
/// get the occupations ranked by coverage. The checkboxes repeat `activites`, which the
/// usual query extractor refuses: the query string is read pair by pair.
async fn person_page(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let mut de = String::new();
    let mut ticked: Vec<String> = Vec::new();
    let mut sent = false;
    for (k, v) in form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "de" => de = v.trim().to_owned(),
            "activites" => ticked.push(v.trim().to_owned()),
            "envoi" => sent = true,
            _ => {}
        }
    }
    let r = &state.referentiel;
    let chosen = r.find(&de);
    let (ranking, error, status) = match (chosen, de.is_empty(), sent) {
        (_, true, _) => (None, None, StatusCode::OK),
        (None, false, _) => (
            None,
            Some(format!(
                "Métier exercé inconnu : « {} ». Choisissez un métier dans la liste.",
                de.chars().take(80).collect::<String>()
            )),
            StatusCode::BAD_REQUEST,
        ),
        (Some(_), false, false) => (None, None, StatusCode::OK),
        (Some(_), false, true) if ticked.is_empty() => (
            None,
            Some("Cochez au moins une activité que vous pratiquez.".to_owned()),
            StatusCode::BAD_REQUEST,
        ),
        (Some(o), false, true) => {
            match rank_person(&state, o.id.as_str(), Some(&ticked.join(",")), 10) {
                Ok(ranking) => (Some(ranking), None, StatusCode::OK),
                Err(e) => (None, Some(e.message.clone()), e.status),
            }
        }
    };
    let numbers: Vec<usize> = ticked.iter().filter_map(|t| t.parse().ok()).collect();
    let page = PersonPage {
        l: Layout::new("Quels métiers me sont accessibles ?", "comparer")
            .crumb("De A vers B", Some("/ecart".to_owned()))
            .crumb("Selon mes activités", None),
        options: r
            .occupations
            .iter()
            .map(|o| (o.id.to_string(), o.title.clone()))
            .collect(),
        de: chosen.map(|o| o.id.to_string()).unwrap_or(de),
        activities: chosen
            .map(|o| {
                metiers_export::poste::numbered_activities(o)
                    .into_iter()
                    .map(|a| {
                        (
                            a.number,
                            a.heading.map(str::to_owned),
                            a.text.to_owned(),
                            numbers.contains(&a.number),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        error,
        ranking,
    };
    render(status, &page)
}
