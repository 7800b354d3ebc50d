//! The fiche of an occupation and its exports.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use metiers_referentiel::{Occupation, Referentiel};

use super::{Layout, error_page_with, render};
use crate::api::export::{Format, render as export_render};
use crate::error::{AppError, PagePath};
use crate::{AppState, text};

/// A close occupation, as the fiche shows it.
#[derive(Debug)]
struct Close {
    id: String,
    title: String,
    percent: u32,
    reason: String,
    shared: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "fiche.html")]
struct Fiche<'a> {
    l: Layout,
    o: &'a Occupation,
    education_range: String,
    group: Option<String>,
    similar: Vec<Close>,
}

/// `GET /metiers/{id}`.
pub async fn fiche(State(state): State<AppState>, PagePath(id): PagePath<String>) -> Response {
    let Some(o) = state.referentiel.get(&id) else {
        return unknown_page(&state.referentiel, &id);
    };
    let similar = state
        .similar(&id)
        .unwrap_or_default()
        .iter()
        .take(5)
        .map(|s| Close {
            id: s.id.as_str().to_owned(),
            title: s.title.clone(),
            percent: text::percent(s.score),
            reason: s.reason.clone(),
            shared: s
                .shared_activities
                .iter()
                .map(|p| (p.from.clone(), p.to.clone()))
                .collect(),
        })
        .collect();
    let group = state.groups.of(&id);
    let mut l = Layout::new(o.title.clone(), "accueil");
    if let Some(g) = group {
        l = l.crumb(g.title.clone(), Some(format!("/#groupe-{}", g.id)));
    }
    l = l.crumb(o.title.clone(), None);
    render(
        StatusCode::OK,
        &Fiche {
            l,
            o,
            education_range: metiers_referentiel::export::level_range(o.education.as_ref()),
            group: group.map(|g| g.title.clone()),
            similar,
        },
    )
}

/// `GET /metiers/{id}/export/{format}`: one fiche as JSON, CSV or Markdown.
pub async fn export(
    State(state): State<AppState>,
    PagePath((id, format)): PagePath<(String, String)>,
) -> Response {
    let Some(o) = state.referentiel.get(&id) else {
        return unknown_page(&state.referentiel, &id);
    };
    let format = match format.as_str() {
        "json" => Format::Json,
        "csv" => Format::Csv,
        "markdown" | "md" => Format::Markdown,
        "ttl" => Format::Ttl,
        "jsonld" => Format::Jsonld,
        "xlsx" => Format::Xlsx,
        _ => {
            return super::error_page(&AppError::not_found(
                "format_inconnu",
                "Format d’export inconnu : choisissez json, csv, markdown, ttl, jsonld ou xlsx.",
            ));
        }
    };
    if format == Format::Json {
        return (
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "application/json".to_owned(),
                ),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{id}.json\""),
                ),
            ],
            serde_json::to_string_pretty(o).unwrap_or_default() + "\n",
        )
            .into_response();
    }
    let one = Referentiel {
        edition: state.referentiel.edition.clone(),
        occupations: vec![o.clone()],
    };
    if format == Format::Markdown {
        return (
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "text/markdown; charset=utf-8".to_owned(),
                ),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{id}.md\""),
                ),
            ],
            metiers_referentiel::export::occupation_markdown(o, 1),
        )
            .into_response();
    }
    export_render(&one, format, false, o.id.as_str()).unwrap_or_else(|e| super::error_page(&e))
}

/// The 404 page of an unknown occupation, with the closest ones.
pub fn unknown_page(r: &Referentiel, id: &str) -> Response {
    let closest = r
        .closest_ids(id, 3)
        .into_iter()
        .filter_map(|i| r.get(i.as_str()))
        .map(|o| (o.id.as_str().to_owned(), o.title.clone()))
        .collect();
    let shown: String = id.chars().take(80).collect();
    error_page_with(
        &AppError::not_found(
            "metier_inconnu",
            format!("Aucune fiche métier n’a l’identifiant « {shown} »."),
        ),
        closest,
    )
}
