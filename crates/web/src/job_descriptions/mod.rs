//! Draft job descriptions (fiches de poste) from an occupation and the activities a manager
//! ticks: the page `/metiers/{id}/fiche-de-poste?activites=1,3,7` (printable) and its
//! downloads (`…/fiche-de-poste/telecharger/{docx|odt|md|html}`). The document itself is
//! `metiers-hr`'s (one document, four renderings); this module holds the step every front
//! end shares: [`draft`].

mod pages;

use axum::Router;
use axum::routing::get;
use metiers_hr::job_description::{JobDescription, Selection};
use metiers_referentiel::Occupation;

use crate::AppState;
use crate::error::AppError;

/// Routes of the pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/metiers/{id}/fiche-de-poste", get(pages::page))
        .route(
            "/metiers/{id}/fiche-de-poste/telecharger/{format}",
            get(pages::download),
        )
}

/// The draft of `o` with the activities `ticked` (numbers of the fiche, `1,3,5-7`; all when
/// `None`, blank or `all`) and the skills they mobilise, or a 400 for a bad selection.
pub fn draft<'a>(
    state: &'a AppState,
    o: &'a Occupation,
    ticked: Option<&str>,
) -> Result<JobDescription<'a>, AppError> {
    let raw = ticked
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("all");
    let selection =
        Selection::parse(raw).map_err(|m| AppError::bad_request("activites_invalides", m))?;
    JobDescription::new(&state.referentiel.edition, o, &selection)
        .map(|jd| jd.with_skills(&state.referentiel, &state.knowledge))
        .map_err(|e| AppError::bad_request("activites_invalides", e.to_string()))
}
