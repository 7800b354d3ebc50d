//! Close occupations: « Métiers proches » in the API and on each fiche, « Comparer » (two or
//! three fiches side by side) and « Carte » (every fiche placed by closeness). The closeness
//! of each occupation is computed once, on first use ([`crate::AppState::similar`]).

pub mod api;
mod compare;
pub mod map;

use axum::Router;
use axum::routing::get;

use crate::AppState;

/// Routes of the pages (the API's are registered by [`crate::api`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/comparer", get(compare::compare))
        .route("/carte", get(map::page))
}
