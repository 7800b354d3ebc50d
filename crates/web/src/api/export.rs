//! `GET /api/v1/export`: the whole edition as JSON, CSV or Markdown.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use metiers_referentiel::Referentiel;
use metiers_referentiel::export::{self, CsvOptions};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiQuery, ErrorBody};

/// Formats d’export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JSON canonique `{ "edition", "occupations" }`, rechargeable par `metiers --referentiel`.
    #[default]
    Json,
    /// CSV (RFC 4180), une ligne par activité ou sous-élément : `id,title,heading,activity,detail`.
    Csv,
    /// Le référentiel complet en un document Markdown.
    Markdown,
}

/// Parameters of the export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `json` (par défaut), `csv` ou `markdown`.
    pub format: Option<Format>,
    /// CSV pour tableur en français : séparateur `;` et marque d’ordre des octets (BOM).
    pub excel: Option<bool>,
}

/// The edition served, whole, in one of the bulk formats (the same as `metiers export`).
#[utoipa::path(
    get,
    path = "/api/v1/export",
    summary = "Export de l’édition complète",
    description = "Toute l’édition en JSON canonique, CSV (une ligne par activité ou sous-élément) ou Markdown, comme `metiers export`.",
    tag = "referentiel",
    params(ExportParams),
    responses(
        (status = 200, description = "L’édition complète", content(
            (Referentiel = "application/json"),
            (String = "text/csv"),
            (String = "text/markdown")
        )),
        (status = 400, description = "Format inconnu", body = ErrorBody)
    )
)]
pub async fn export(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<ExportParams>,
) -> Response {
    render(
        &state.referentiel,
        p.format.unwrap_or_default(),
        p.excel.unwrap_or(false),
        "referentiel-metiers-sic",
    )
}

/// An edition (or one fiche wrapped as an edition) as a downloadable response.
pub fn render(r: &Referentiel, format: Format, excel: bool, file_stem: &str) -> Response {
    let (body, content_type, ext) = match format {
        Format::Json => (export::to_json(r), "application/json", "json"),
        Format::Csv => (
            export::to_csv(r, CsvOptions { excel_fr: excel }),
            "text/csv; charset=utf-8; header=present",
            "csv",
        ),
        Format::Markdown => (export::to_markdown(r), "text/markdown; charset=utf-8", "md"),
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_stem}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response()
}
