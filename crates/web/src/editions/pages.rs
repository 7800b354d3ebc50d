//! `GET /nouveautes`: what the current edition changed from the one loaded before it.

use askama::Template;
use axum::extract::State;
use metiers_referentiel::diff::EditionDiff;

use crate::AppState;
use crate::view::{Layout, Page, render};

/// A loaded edition as the page lists it.
#[derive(Debug)]
struct Loaded {
    id: String,
    title: String,
    occupations: usize,
    current: bool,
}

#[derive(Template)]
#[template(path = "editions/nouveautes.html")]
struct ChangesPage<'a> {
    l: Layout,
    current_title: String,
    current_id: String,
    editions: Vec<Loaded>,
    diff: Option<&'a EditionDiff>,
}

impl ChangesPage<'_> {
    /// A heading as shown beside an activity (`(sans rubrique)` when the fiche has none).
    fn heading(&self, h: &Option<String>) -> String {
        h.clone().unwrap_or_else(|| "sans rubrique".to_owned())
    }

    /// Whether the diff holds no change at all.
    fn unchanged(&self, d: &EditionDiff) -> bool {
        d.added.is_empty() && d.removed.is_empty() && d.renamed.is_empty() && d.changed.is_empty()
    }
}

/// `GET /nouveautes`.
pub async fn page(State(state): State<AppState>) -> Page {
    let current = state.editions.current();
    let page = ChangesPage {
        l: Layout::new("Nouveautés", "nouveautes").crumb("Nouveautés", None),
        current_title: current.edition.title.clone(),
        current_id: current.edition.id.clone(),
        editions: state
            .editions
            .all()
            .iter()
            .map(|e| Loaded {
                id: e.edition.id.clone(),
                title: e.edition.title.clone(),
                occupations: e.occupations.len(),
                current: e.edition.id == current.edition.id,
            })
            .collect(),
        diff: state.editions.changes(),
    };
    render(&page)
}
