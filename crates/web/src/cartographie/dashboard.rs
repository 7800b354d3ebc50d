//! The dashboard: positions and staff by status, occupation, group and education level —
//! `/cartographie` (with an SVG chart) and `GET /api/v1/dashboard`.

use askama::Template;
use axum::Json;
use axum::extract::State;
use metiers_store::dashboard::{Dashboard, GroupRef, Line};

use super::auth::{ApiReader, PortalSession};
use super::{Cartographie, chart};
use crate::AppState;
use crate::error::{AppError, ErrorBody};
use crate::view::{Layout, Page, render};

/// The dashboard's figures.
pub async fn figures(state: &AppState, c: &Cartographie) -> Result<Dashboard, AppError> {
    let counts = c.store.counts().await?;
    let groups: Vec<GroupRef<'_>> = state
        .groups
        .groups
        .iter()
        .map(|g| GroupRef {
            id: &g.id,
            title: &g.title,
            occupations: &g.occupations,
        })
        .collect();
    Ok(metiers_store::dashboard::build(
        &state.referentiel,
        &counts,
        &groups,
    ))
}

/// The dashboard's figures.
#[utoipa::path(
    get,
    path = "/api/v1/dashboard",
    summary = "Tableau de bord de la cartographie",
    description = "Postes et agents par statut, par métier, par groupe de métiers et par niveau d’études.",
    operation_id = "getDashboard",
    tag = "cartographie",
    security(("jeton_administration" = []), ("session" = [])),
    responses(
        (status = 200, description = "Les chiffres du tableau de bord", body = Dashboard),
        (status = 401, description = "Authentification requise", body = ErrorBody),
        (status = 429, description = "Trop de tentatives de connexion échouées (en-tête Retry-After)", body = ErrorBody),
        (status = 503, description = "Cartographie non activée sur ce serveur", body = ErrorBody)
    )
)]
pub async fn api(
    State(state): State<AppState>,
    reader: ApiReader,
) -> Result<Json<Dashboard>, AppError> {
    Ok(Json(figures(&state, &reader.carto).await?))
}

#[derive(Template)]
#[template(path = "cartographie/tableau.html")]
struct DashboardPage {
    l: Layout,
    csrf: String,
    reviewer: String,
    d: Dashboard,
    chart: chart::BarChart,
    note: String,
    tables: Vec<Table>,
    /// When the export takes the union of files with different columns, it says so.
    export_note: Option<String>,
}

struct Table {
    caption: &'static str,
    lines: Vec<Line>,
    /// Whether line keys are occupation ids (linked to their fiche).
    links: bool,
}

/// `GET /cartographie`.
pub async fn page(State(state): State<AppState>, portal: PortalSession) -> Page {
    let d = figures(&state, &portal.carto).await?;
    let export_note = portal
        .carto
        .store
        .export_note()
        .await
        .map_err(AppError::from)?;
    let chart = chart::bars(
        &d.by_group
            .iter()
            .map(|l| (l.label.clone(), l.positions))
            .collect::<Vec<_>>(),
    );
    let tables = vec![
        Table {
            caption: "Par groupe de métiers",
            lines: d.by_group.clone(),
            links: false,
        },
        Table {
            caption: "Par métier",
            lines: d.by_occupation.clone(),
            links: true,
        },
        Table {
            caption: "Par niveau d’études du métier",
            lines: d.by_education.clone(),
            links: false,
        },
    ];
    render(&DashboardPage {
        l: Layout::new("Cartographie des emplois", "cartographie").crumb("Cartographie", None),
        csrf: portal.session.csrf,
        reviewer: portal.session.reviewer,
        d,
        chart,
        note: state.groups.note.clone(),
        tables,
        export_note,
    })
}
