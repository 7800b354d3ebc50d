//! `GET /api/v1/export`: a whole edition in the bulk formats of the field, the same bytes as
//! `metiers export`.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use metiers_export::skos::{self, SkosOptions};
use metiers_referentiel::Referentiel;
use metiers_referentiel::export::{self, CsvOptions};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiQuery, AppError, ErrorBody};

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
    /// SKOS en Turtle, comme ESCO publie ses métiers : un `skos:ConceptScheme` par édition,
    /// un `skos:Concept` par métier.
    Ttl,
    /// Le même SKOS en JSON-LD compact.
    Jsonld,
    /// Classeur XLSX : une feuille des métiers, une feuille des activités.
    Xlsx,
}

impl Format {
    /// Content type and file extension.
    fn media(self) -> (&'static str, &'static str) {
        match self {
            Format::Json => ("application/json", "json"),
            Format::Csv => ("text/csv; charset=utf-8; header=present", "csv"),
            Format::Markdown => ("text/markdown; charset=utf-8", "md"),
            Format::Ttl => ("text/turtle; charset=utf-8", "ttl"),
            Format::Jsonld => ("application/ld+json", "jsonld"),
            Format::Xlsx => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
        }
    }
}

/// Parameters of the export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `json` (par défaut), `csv`, `markdown`, `ttl`, `jsonld` ou `xlsx`.
    pub format: Option<Format>,
    /// CSV pour tableur en français : séparateur `;` et marque d’ordre des octets (BOM).
    pub excel: Option<bool>,
    /// Édition à exporter (voir `/api/v1/editions`) ; par défaut l’édition courante.
    pub edition: Option<String>,
}

/// A loaded edition, whole, in one of the bulk formats (the same as `metiers export`).
#[utoipa::path(
    get,
    path = "/api/v1/export",
    summary = "Export d’une édition complète",
    description = "Toute l’édition en JSON canonique, CSV (une ligne par activité ou sous-élément ; `excel=true` pour un tableur en français), Markdown, SKOS (Turtle ou JSON-LD, comme ESCO) ou XLSX, comme `metiers export`. Les URI SKOS sont construites à partir des identifiants stables des fiches.",
    tag = "referentiel",
    params(ExportParams),
    responses(
        (status = 200, description = "L’édition complète", content(
            (Referentiel = "application/json"),
            (String = "text/csv"),
            (String = "text/markdown"),
            (String = "text/turtle"),
            (Object = "application/ld+json"),
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )),
        (status = 400, description = "Format inconnu", body = ErrorBody),
        (status = 404, description = "Édition non chargée", body = ErrorBody)
    )
)]
pub async fn export(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<ExportParams>,
) -> Result<Response, AppError> {
    let r = state.editions.get(p.edition.as_deref())?;
    let stem = if r.edition.id == state.referentiel.edition.id {
        "referentiel-metiers-sic".to_owned()
    } else {
        format!("referentiel-metiers-sic-{}", r.edition.id)
    };
    render(
        r,
        p.format.unwrap_or_default(),
        p.excel.unwrap_or(false),
        &stem,
    )
}

/// An edition (or one fiche wrapped as an edition) as a downloadable response.
pub fn render(
    r: &Referentiel,
    format: Format,
    excel: bool,
    file_stem: &str,
) -> Result<Response, AppError> {
    let skos = SkosOptions::default();
    let failed = |e: metiers_export::ExportError| {
        tracing::error!("export {format:?} impossible : {e}");
        AppError::internal()
    };
    let body: Vec<u8> = match format {
        Format::Json => export::to_json(r).into_bytes(),
        Format::Csv => export::to_csv(r, CsvOptions { excel_fr: excel }).into_bytes(),
        Format::Markdown => export::to_markdown(r).into_bytes(),
        Format::Ttl => skos::to_turtle(r, &skos).map_err(failed)?.into_bytes(),
        Format::Jsonld => skos::to_jsonld(r, &skos).map_err(failed)?.into_bytes(),
        Format::Xlsx => metiers_export::xlsx::to_xlsx(r).map_err(failed)?,
    };
    let (content_type, ext) = format.media();
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_stem}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}
