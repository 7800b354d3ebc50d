//! The page of a draft job description, printable from the browser.

use askama::Template;
use axum::extract::State;
use metiers_export::poste::{PLACES, placeholder};
use metiers_referentiel::export::{education_line, level_range};
use serde::Deserialize;

use super::draft;
use crate::AppState;
use crate::referentiel::unknown_page;
use crate::view::{Layout, Page, PagePath, PageQuery, render};

/// The activities ticked (`1,3,5-7` or `all`).
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
#[template(path = "job_descriptions/page.html")]
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
pub async fn page(
    State(state): State<AppState>,
    PagePath(id): PagePath<String>,
    PageQuery(p): PageQuery<JobParams>,
) -> Page {
    let r = &state.referentiel;
    let o = r.get(&id).ok_or_else(|| unknown_page(r, &id))?;
    let jd = draft(&state, o, p.activites.as_deref())?;
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
    render(&page)
}
