//! The référentiel itself: the fiches as published, in the API (`/api/v1/occupations`,
//! `/api/v1/export`) and on the portal (home, fiche and its downloads, « À propos »).
//!
//! This module holds what both use: finding an occupation (with the closest ids when it is
//! unknown), the list filters, the list form of an occupation, and a download response.

pub mod api;
mod pages;

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metiers_export::Format;
use metiers_referentiel::{Occupation, Referentiel};

use crate::error::AppError;
use crate::params::MAX_QUERY_CHARS;
use crate::view::PageError;
use crate::{AppState, text};

pub use api::OccupationSummary;

/// Routes of the pages (the API's are registered by [`crate::api`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/a-propos", get(pages::about))
        .route("/metiers/{id}", get(pages::fiche))
        .route("/metiers/{id}/export/{format}", get(pages::export))
}

/// The 404 page of an unknown occupation, with links to the closest ones.
pub fn unknown_page(r: &Referentiel, id: &str) -> PageError {
    let closest = r
        .closest_ids(id, 3)
        .into_iter()
        .filter_map(|i| r.get(i.as_str()))
        .map(|o| (o.id.as_str().to_owned(), o.title.clone()))
        .collect();
    let shown: String = id.chars().take(80).collect();
    PageError(
        AppError::not_found(
            "metier_inconnu",
            format!("Aucune fiche métier n’a l’identifiant « {shown} »."),
        ),
        closest,
    )
}

/// Bytes of an export as a download named `{file_stem}.{extension}`.
pub fn download(format: Format, bytes: Vec<u8>, file_stem: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, format.media_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{file_stem}.{}\"",
                    format.extension()
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// An export that could not be produced (it should not happen): logged, 500.
pub fn export_failed(format: Format, e: metiers_export::ExportError) -> AppError {
    tracing::error!("export {format} impossible : {e}");
    AppError::internal()
}

/// The occupation with this id, or a 404 naming the closest ids.
pub fn find<'a>(r: &'a Referentiel, id: &str) -> Result<&'a Occupation, AppError> {
    r.get(id).ok_or_else(|| unknown(r, id))
}

/// The 404 of an unknown occupation id.
pub fn unknown(r: &Referentiel, id: &str) -> AppError {
    let closest: Vec<String> = r.closest_ids(id, 3).iter().map(|i| i.to_string()).collect();
    let shown: String = id.chars().take(80).collect();
    AppError::not_found(
        "metier_inconnu",
        format!(
            "Aucune fiche métier « {shown} ». Identifiants proches : {}.",
            closest.join(", ")
        ),
    )
}

/// The occupations that pass the filters, in published order.
pub fn filter<'a>(
    r: &'a Referentiel,
    p: &api::ListParams,
) -> Result<Vec<&'a Occupation>, AppError> {
    if let (Some(min), Some(max)) = (p.min_level, p.max_level)
        && min > max
    {
        return Err(AppError::bad_request(
            "niveaux_incoherents",
            "« min_level » est supérieur à « max_level ».",
        ));
    }
    for (name, value) in [("q", &p.q), ("heading", &p.heading)] {
        if value
            .as_deref()
            .is_some_and(|v| v.chars().count() > MAX_QUERY_CHARS)
        {
            return Err(AppError::bad_request(
                "requete_trop_longue",
                format!(
                    "Le paramètre « {name} » dépasse {} caractères.",
                    MAX_QUERY_CHARS
                ),
            ));
        }
    }
    let words = |v: &Option<String>| -> Vec<String> {
        v.as_deref()
            .map(|s| {
                metiers_referentiel::text::fold(s)
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (q, heading) = (words(&p.q), words(&p.heading));
    Ok(r.occupations
        .iter()
        .filter(|o| levels_match(o, p.min_level, p.max_level))
        .filter(|o| {
            heading.is_empty() || {
                let all: String = o.headings().collect::<Vec<_>>().join(" ");
                heading.iter().all(|w| text::folded_contains(&all, w))
            }
        })
        .filter(|o| {
            q.is_empty() || {
                let all = searchable(o);
                q.iter().all(|w| all.contains(w.as_str()))
            }
        })
        .collect())
}

/// Whether the occupation's education range meets `[min, max]` (an open-ended range reaches
/// every level above its minimum; an occupation stating no level never passes a level filter).
pub fn levels_match(o: &Occupation, min: Option<u8>, max: Option<u8>) -> bool {
    if min.is_none() && max.is_none() {
        return true;
    }
    let Some(lo) = o.education.as_ref().and_then(|e| e.min_level) else {
        return false;
    };
    let hi = o
        .education
        .as_ref()
        .and_then(|e| e.max_level)
        .unwrap_or(u8::MAX);
    min.is_none_or(|m| hi >= m) && max.is_none_or(|m| lo <= m)
}

fn searchable(o: &Occupation) -> String {
    let mut all = String::new();
    for part in std::iter::once(o.title.as_str())
        .chain(o.alt_titles.iter().map(String::as_str))
        .chain(o.headings())
        .chain(o.activities().flat_map(|a| {
            std::iter::once(a.text.as_str()).chain(a.details.iter().map(String::as_str))
        }))
    {
        all.push_str(&metiers_referentiel::text::fold(part));
        all.push(' ');
    }
    all
}

/// The list form of an occupation.
pub fn summary(state: &AppState, o: &Occupation) -> OccupationSummary {
    OccupationSummary {
        id: o.id.as_str().to_owned(),
        title: o.title.clone(),
        alt_titles: o.alt_titles.clone(),
        min_level: o.education.as_ref().and_then(|e| e.min_level),
        max_level: o.education.as_ref().and_then(|e| e.max_level),
        education: metiers_referentiel::export::level_range(o.education.as_ref()),
        headings: o.headings().map(str::to_owned).collect(),
        group: state.groups.of(o.id.as_str()).map(|g| g.title.clone()),
    }
}
