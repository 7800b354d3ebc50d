//! Serves the embedded static assets ([`crate::assets`]) under their versioned paths, with a
//! year of caching, and `/favicon.ico`.

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::assets::{APP_FILES, APP_PREFIX, DSFR_FILES, DSFR_PREFIX, lookup};
use crate::error::{AppError, shown};
use crate::view::{PageError, PagePath};

/// Routes of the static files.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(&format!("{}/{{*path}}", *DSFR_PREFIX), get(dsfr_file))
        .route(&format!("{}/{{*path}}", *APP_PREFIX), get(app_file))
        .route("/favicon.ico", get(favicon))
}

async fn dsfr_file(PagePath(path): PagePath<String>) -> Response {
    file(DSFR_FILES, &path)
}

async fn app_file(PagePath(path): PagePath<String>) -> Response {
    file(APP_FILES, &path)
}

async fn favicon() -> Response {
    file(DSFR_FILES, "favicon/favicon.ico")
}

fn file(table: &'static [(&'static str, &'static [u8])], path: &str) -> Response {
    match lookup(table, path) {
        Some((content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            bytes,
        )
            .into_response(),
        None => PageError::from(AppError::new(
            StatusCode::NOT_FOUND,
            "fichier_inconnu",
            format!("Aucun fichier statique « {} ».", shown(path)),
        ))
        .into_response(),
    }
}
