//! The workspace as a spreadsheet: `/cartographie/export/{format}` (page link) and
//! `GET /api/v1/positions/export/{format}`, both through [`download`].

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use super::Cartographie;
use super::auth::{ApiReader, PortalSession};
use crate::AppState;
use crate::error::{ApiPath, AppError, ErrorBody};
use crate::view::{PageError, PagePath};

/// Formats d’export de la cartographie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// CSV (séparateur `;`, UTF-8 avec BOM), pour un tableur.
    Csv,
    /// Classeur XLSX.
    Xlsx,
}

impl ExportFormat {
    /// The format of a name in a URL, or a 404 naming the formats.
    fn parse(name: &str) -> Result<Self, AppError> {
        match name {
            "csv" => Ok(ExportFormat::Csv),
            "xlsx" => Ok(ExportFormat::Xlsx),
            other => Err(AppError::not_found(
                "format_inconnu",
                format!(
                    "Format d’export « {} » inconnu : csv ou xlsx.",
                    other.chars().take(20).collect::<String>()
                ),
            )),
        }
    }

    fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "cartographie.csv",
            ExportFormat::Xlsx => "cartographie.xlsx",
        }
    }
}

/// Every position of the workspace, in `format`, as a download.
pub async fn download(
    state: &AppState,
    c: &Cartographie,
    format: ExportFormat,
) -> Result<Response, AppError> {
    let positions = c.store.all_positions().await?;
    let bytes = match format {
        ExportFormat::Csv => metiers_store::export::to_csv(&positions, &state.referentiel)?,
        ExportFormat::Xlsx => metiers_store::export::to_xlsx(&positions, &state.referentiel)?,
    };
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", format.file_name()),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The workspace as CSV or XLSX.
#[utoipa::path(
    get,
    path = "/api/v1/positions/export/{format}",
    summary = "Export de la cartographie",
    description = "Tous les postes avec leur métier retenu, leur statut et leur relecteur, en CSV ou en XLSX.",
    operation_id = "exportPositions",
    tag = "cartographie",
    params(("format" = ExportFormat, Path, description = "`csv` ou `xlsx`")),
    security(("jeton_administration" = []), ("session" = [])),
    responses(
        (status = 200, description = "La cartographie, en pièce jointe", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )),
        (status = 400, description = "Format inconnu", body = ErrorBody),
        (status = 401, description = "Authentification requise", body = ErrorBody),
        (status = 429, description = "Trop de tentatives de connexion échouées (en-tête Retry-After)", body = ErrorBody),
        (status = 503, description = "Cartographie non activée sur ce serveur", body = ErrorBody)
    )
)]
pub async fn api(
    State(state): State<AppState>,
    reader: ApiReader,
    ApiPath(format): ApiPath<ExportFormat>,
) -> Result<Response, AppError> {
    download(&state, &reader.carto, format).await
}

/// `GET /cartographie/export/{format}`.
pub async fn page(
    State(state): State<AppState>,
    portal: PortalSession,
    PagePath(format): PagePath<String>,
) -> Result<Response, PageError> {
    let format = ExportFormat::parse(&format)?;
    Ok(download(&state, &portal.carto, format).await?)
}
