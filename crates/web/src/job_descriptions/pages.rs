//! The page of a draft job description (printable from the browser) and its downloads.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use metiers_hr::document::{Block, Document, Span};
use metiers_hr::job_description::numbered_activities;
use serde::Deserialize;

use super::draft;
use crate::AppState;
use crate::error::AppError;
use crate::referentiel::unknown_page;
use crate::view::{Layout, Page, PageError, PagePath, PageQuery, render};

/// The activities ticked (`1,3,5-7` or `all`).
#[derive(Debug, Deserialize)]
pub struct JobParams {
    activites: Option<String>,
}

#[derive(Template)]
#[template(path = "job_descriptions/page.html")]
struct JobPage {
    l: Layout,
    id: String,
    doc: Document,
    numbers: String,
    all: Vec<(usize, String, bool)>,
}

impl JobPage {
    /// A span's text, and whether it is a place to complete.
    fn span(&self, s: &Span) -> (String, bool) {
        match s {
            Span::Text(t) => (t.clone(), false),
            Span::Place(what) => (metiers_hr::document::placeholder(what), true),
        }
    }
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
    let all = numbered_activities(o)
        .into_iter()
        .map(|a| (a.number, a.text.to_owned(), ticked.contains(&a.number)))
        .collect();
    render(&JobPage {
        l: Layout::new(format!("Fiche de poste — {}", o.title), "accueil")
            .crumb(o.title.clone(), Some(format!("/metiers/{}", o.id)))
            .crumb("Fiche de poste", None),
        id: o.id.to_string(),
        doc: jd.document(),
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
    })
}

/// `GET /metiers/{id}/fiche-de-poste/telecharger/{format}`: the draft as DOCX, ODT,
/// Markdown or a standalone HTML page.
pub async fn download(
    State(state): State<AppState>,
    PagePath((id, format)): PagePath<(String, String)>,
    PageQuery(p): PageQuery<JobParams>,
) -> Result<Response, PageError> {
    let r = &state.referentiel;
    let o = r.get(&id).ok_or_else(|| unknown_page(r, &id))?;
    let doc = draft(&state, o, p.activites.as_deref())?.document();
    let failed = |e: metiers_hr::document::DocumentError| {
        tracing::error!("fiche de poste : {e}");
        AppError::internal()
    };
    let (bytes, media, ext): (Vec<u8>, &str, &str) = match format.as_str() {
        "docx" => (
            doc.to_docx().map_err(failed)?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        "odt" => (
            doc.to_odt().map_err(failed)?,
            "application/vnd.oasis.opendocument.text",
            "odt",
        ),
        "md" | "markdown" => (
            doc.to_markdown().into_bytes(),
            "text/markdown; charset=utf-8",
            "md",
        ),
        "html" => (
            doc.to_html().into_bytes(),
            "text/html; charset=utf-8",
            "html",
        ),
        _ => {
            return Err(AppError::not_found(
                "format_inconnu",
                "Format de fiche de poste inconnu : docx, odt, md ou html.",
            )
            .into());
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, media.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"fiche-de-poste-{}.{ext}\"", o.id),
            ),
        ],
        bytes,
    )
        .into_response())
}
