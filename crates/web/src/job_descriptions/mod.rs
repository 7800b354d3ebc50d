//! Draft job descriptions (fiches de poste) from an occupation and the activities a manager
//! ticks: the page `/metiers/{id}/fiche-de-poste?activites=1,3,7` (printable). The
//! document itself is `metiers-export`'s; this module holds the step every front end shares:
//! [`draft`].

mod pages;

use axum::Router;
use axum::routing::get;
use metiers_export::poste::{JobDescription, Selection};
use metiers_referentiel::Occupation;

use crate::AppState;
use crate::error::AppError;

/// Routes of the pages.
pub fn router() -> Router<AppState> {
    Router::new().route("/metiers/{id}/fiche-de-poste", get(pages::page))
}

/// The draft of `o` with the activities `ticked` (numbers of the fiche, `1,3,5-7`; all when
/// `None`, blank or `all`), or a 400 for a bad selection.
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
        .map_err(|e| AppError::bad_request("activites_invalides", e.to_string()))
}
