//! The editions a server has loaded, side by side: the API lists them
//! (`/api/v1/editions`), serves any of them (`?edition=`) and compares two
//! (`/api/v1/editions/changes`); « Nouveautés » shows what the current one changed.
//!
//! This module holds what both use: [`Editions`].

pub mod api;
mod pages;

use axum::Router;
use axum::routing::get;
use metiers_referentiel::Referentiel;
use metiers_referentiel::diff::{EditionDiff, diff};
use std::sync::{Arc, OnceLock};

use crate::AppState;
use crate::error::AppError;

/// Routes of the pages (the API's are registered by [`crate::api`]).
pub fn router() -> Router<AppState> {
    Router::new().route("/nouveautes", get(pages::page))
}

/// Every loaded edition in load order (oldest first), the current one among them.
#[derive(Debug)]
pub struct Editions {
    list: Vec<Arc<Referentiel>>,
    current: usize,
    /// What the current edition changed from the one before it, computed on first use.
    changes: OnceLock<Option<EditionDiff>>,
}

impl Editions {
    /// `list` in load order; `current` is put at the end when `list` does not hold an
    /// edition of its id.
    pub fn new(mut list: Vec<Arc<Referentiel>>, current: Arc<Referentiel>) -> Self {
        let index = match list.iter().position(|e| e.edition.id == current.edition.id) {
            Some(i) => i,
            None => {
                list.push(current);
                list.len() - 1
            }
        };
        Self {
            list,
            current: index,
            changes: OnceLock::new(),
        }
    }

    /// All of them, oldest first.
    pub fn all(&self) -> &[Arc<Referentiel>] {
        &self.list
    }

    /// The edition served by default.
    pub fn current(&self) -> &Arc<Referentiel> {
        &self.list[self.current]
    }

    /// The edition loaded just before the current one.
    pub fn previous(&self) -> Option<&Arc<Referentiel>> {
        self.before(self.current())
    }

    /// The edition loaded just before `edition`.
    pub fn before(&self, edition: &Referentiel) -> Option<&Arc<Referentiel>> {
        let i = self
            .list
            .iter()
            .position(|e| e.edition.id == edition.edition.id)?;
        i.checked_sub(1).map(|i| &self.list[i])
    }

    /// The edition of this id, the current one for `None` or a blank id, or a 404 naming the
    /// loaded ones.
    pub fn get(&self, id: Option<&str>) -> Result<&Arc<Referentiel>, AppError> {
        let id = id.map(str::trim).unwrap_or("");
        if id.is_empty() {
            return Ok(self.current());
        }
        self.list
            .iter()
            .find(|e| e.edition.id == id)
            .ok_or_else(|| {
                let shown: String = id.chars().take(80).collect();
                AppError::not_found(
                    "edition_inconnue",
                    format!(
                        "Aucune édition « {shown} » n’est chargée. Éditions chargées : {}.",
                        self.ids().join(", ")
                    ),
                )
            })
    }

    /// What the current edition changed from the previous one; `None` when it is the first.
    pub fn changes(&self) -> Option<&EditionDiff> {
        self.changes
            .get_or_init(|| self.previous().map(|old| diff(old, self.current())))
            .as_ref()
    }

    /// Ids of the loaded editions, oldest first.
    pub fn ids(&self) -> Vec<&str> {
        self.list.iter().map(|e| e.edition.id.as_str()).collect()
    }
}
