//! Importing a file of positions from the portal (`/cartographie/import`): CSV or XLSX,
//! classified and written in one transaction, or refused with every problem and its line.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use metiers_store::import::{ColumnMapping, Problem};
use metiers_store::{ImportProgress, StoreError};

use super::auth::PortalSession;
use super::login::layout;
use super::{MAX_UPLOAD_BYTES, classifier};
use crate::AppState;
use crate::error::AppError;
use crate::view::{Layout, Page, PageError, PageWithStatus, render, render_with};

#[derive(Template)]
#[template(path = "cartographie/import.html")]
struct UploadPage {
    l: Layout,
    csrf: String,
    result: Option<UploadResult>,
}

struct UploadResult {
    accepted: bool,
    file_name: String,
    format: String,
    /// Column letter, header, what it was read as.
    columns: Vec<(String, String, String)>,
    /// The columns kept and used, and the counts of lines and records, in French.
    counts: Vec<String>,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    rows: usize,
    inserted: usize,
    updated: usize,
}

fn columns(columns: &[ColumnMapping]) -> Vec<(String, String, String)> {
    columns
        .iter()
        .map(|c| {
            let kept = match &c.name {
                Some(n) if *n != c.header => format!("gardée sous le nom « {n} »"),
                Some(_) => "gardée".to_owned(),
                None => "non gardée".to_owned(),
            };
            let label = match (&c.field, &c.note) {
                (Some(f), _) => format!("{kept} ; {} ({})", f.label(), f.use_label()),
                (None, Some(n)) => format!("{kept} : {n}"),
                (None, None) => format!("{kept} comme donnée"),
            };
            (c.column.clone(), c.header.clone(), label)
        })
        .collect()
}

/// The last lines of the report: columns kept and used, lines and records counted.
fn counts(report: &metiers_store::import::ImportReport) -> Vec<String> {
    let lines = report.understood();
    let from = lines.len().saturating_sub(2);
    lines.into_iter().skip(from).collect()
}

/// `GET /cartographie/import`.
pub async fn form(portal: PortalSession) -> Page {
    render(&UploadPage {
        l: layout("Importer des postes").crumb("Importer", None),
        csrf: portal.session.csrf,
        result: None,
    })
}

/// `POST /cartographie/import`: the file, imported whole or refused with its problems.
pub async fn upload(
    State(state): State<AppState>,
    portal: PortalSession,
    mut form: Multipart,
) -> PageWithStatus {
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().unwrap_or("fichier").to_owned();
                let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                    "fichier" => file = Some((file_name, bytes.to_vec())),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e)),
        }
    }
    portal.check_form(&csrf)?;
    let Some((file_name, bytes)) = file else {
        return Err(upload_error(
            "aucun fichier reçu : choisissez un fichier CSV ou XLSX",
        ));
    };
    let outcome = portal
        .carto
        .store
        .import_file(&file_name, bytes, classifier(&state), &|p| match p {
            ImportProgress::Rows { done, total } => {
                tracing::info!(fichier = %file_name, done, total, "import : postes rapprochés et écrits");
            }
            ImportProgress::Committing => {
                tracing::info!(fichier = %file_name, "import : enregistrement de la transaction");
            }
        })
        .await;
    state.metrics.record_import(&outcome);
    let (status, result) = match outcome {
        Ok(o) => (
            StatusCode::OK,
            UploadResult {
                accepted: true,
                file_name: o.report.file_name.clone(),
                format: o.report.format.clone(),
                columns: columns(&o.report.columns),
                counts: counts(&o.report),
                problems: Vec::new(),
                warnings: o.report.warnings.clone(),
                rows: o.report.rows,
                inserted: o.inserted,
                updated: o.updated,
            },
        ),
        Err(StoreError::Rejected(r)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            UploadResult {
                accepted: false,
                file_name: r.file_name.clone(),
                format: r.format.clone(),
                columns: columns(&r.columns),
                counts: Vec::new(),
                problems: r.problems.iter().take(200).cloned().collect(),
                warnings: r.warnings.clone(),
                rows: 0,
                inserted: 0,
                updated: 0,
            },
        ),
        Err(e) => return Err(e.into()),
    };
    render_with(
        status,
        &UploadPage {
            l: layout("Importer des postes").crumb("Importer", None),
            csrf: portal.session.csrf,
            result: Some(result),
        },
    )
}

/// A multipart body that could not be read: 413 past the upload limit, 400 otherwise (the
/// details, in English, are logged, not shown).
fn multipart_error(e: &axum::extract::multipart::MultipartError) -> PageError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return PageError::from(AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "fichier_trop_volumineux",
            format!(
                "Le fichier dépasse la taille maximale de {} Mo : découpez-le en plusieurs fichiers.",
                MAX_UPLOAD_BYTES / (1024 * 1024)
            ),
        ));
    }
    tracing::info!("cartographie : envoi illisible : {}", e.body_text());
    upload_error("formulaire multipart mal formé")
}

fn upload_error(detail: &str) -> PageError {
    PageError::from(AppError::bad_request(
        "envoi_illisible",
        format!(
            "Envoi du fichier illisible ({detail}). Le fichier ne doit pas dépasser {} Mo.",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ),
    ))
}
