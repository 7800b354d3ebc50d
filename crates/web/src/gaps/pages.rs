//! The pages « De A vers B » (`/ecart?de=A&vers=B`) and « Quels métiers me sont accessibles ? »
//! (`/ecart/personne`).

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use metiers_hr::mobility::Gap;
use serde::Deserialize;

use super::{PersonRanking, between, rank_person};
use crate::AppState;
use crate::view::{Layout, PageQuery, PageWithStatus, render_with};

/// The form of « De A vers B ».
#[derive(Debug, Deserialize)]
pub struct GapForm {
    de: Option<String>,
    vers: Option<String>,
}

#[derive(Template)]
#[template(path = "gaps/gap.html")]
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

/// The occupations of the edition as the options of a select: id and title.
fn options(state: &AppState) -> Vec<(String, String)> {
    state
        .referentiel
        .occupations
        .iter()
        .map(|o| (o.id.to_string(), o.title.clone()))
        .collect()
}

/// `GET /ecart`: the form, and the gap once both occupations are chosen.
pub async fn gap(
    State(state): State<AppState>,
    PageQuery(f): PageQuery<GapForm>,
) -> PageWithStatus {
    let de = f.de.unwrap_or_default();
    let vers = f.vers.unwrap_or_default();
    let asked = !de.trim().is_empty() || !vers.trim().is_empty();
    let (gap, error, status) = match asked.then(|| between(&state, &de, &vers)) {
        None => (None, None, StatusCode::OK),
        Some(Ok(g)) => (Some(g), None, StatusCode::OK),
        Some(Err(e)) => (None, Some(e.message), e.status),
    };
    render_with(
        status,
        &GapPage {
            l: Layout::new("De A vers B", "comparer").crumb("De A vers B", None),
            options: options(&state),
            de,
            vers,
            error,
            gap,
        },
    )
}

#[derive(Template)]
#[template(path = "gaps/person.html")]
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
pub async fn person(State(state): State<AppState>, RawQuery(query): RawQuery) -> PageWithStatus {
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
        options: options(&state),
        de: chosen.map(|o| o.id.to_string()).unwrap_or(de),
        activities: chosen
            .map(|o| {
                metiers_hr::job_description::numbered_activities(o)
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
    render_with(status, &page)
}
