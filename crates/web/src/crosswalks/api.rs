//! `GET /api/v1/crosswalks`: the whole table of correspondences, or the occupations that
//! correspond to a ROME code, an appellation or an ESCO occupation.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use metiers_export::crosswalk::Table;
use metiers_export::{Format, RenderOptions};
use metiers_knowledge::Lookup;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Asked, lookup};
use crate::AppState;
use crate::error::{ApiQuery, AppError, ErrorBody};
use crate::referentiel::{download, export_failed};

/// Parameters of the crosswalk.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CrosswalkParams {
    /// Code d’une fiche ROME (ex. `M1805`) : les métiers qui y correspondent.
    pub rome: Option<String>,
    /// Code OGR (ex. `38981`) ou intitulé d’une appellation ROME : les métiers qui
    /// correspondent à sa fiche.
    pub appellation: Option<String>,
    /// URI d’une profession ESCO : les métiers qui y correspondent.
    pub esco: Option<String>,
    /// Sans recherche, la table entière : `json` (par défaut) ou `csv`.
    pub format: Option<TableFormat>,
}

/// Formats de la table entière.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TableFormat {
    Json,
    Csv,
}

/// La réponse : la table entière, ou les métiers qui correspondent à ce qui est cherché.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum CrosswalkAnswer {
    Lookup(Lookup),
    Table(Table),
}

/// The table of correspondences with ROME and ESCO, or a reverse lookup.
#[utoipa::path(
    get,
    path = "/api/v1/crosswalks",
    summary = "Correspondances avec ROME et ESCO",
    description = "Sans paramètre de recherche : la table entière des correspondances entre les métiers du référentiel et les fiches ROME 4.0 (France Travail – ROME 4.0 v460) et les professions ESCO (ESCO – European Commission, v1.1.1), avec la relation SKOS, la raison, la méthode et les sources (`format=csv` pour la même table en CSV). Avec `rome`, `appellation` ou `esco` (un seul) : les métiers qui y correspondent, les plus proches d’abord, et par où passe la correspondance (fiche mère, fiche de l’appellation).",
    operation_id = "getCrosswalks",
    tag = "correspondances",
    params(CrosswalkParams),
    responses(
        (status = 200, description = "La table entière, ou les métiers correspondants", content(
            (CrosswalkAnswer = "application/json"),
            (String = "text/csv")
        )),
        (status = 400, description = "Code mal formé, ou plusieurs recherches à la fois", body = ErrorBody),
        (status = 404, description = "Code inconnu de la version embarquée (avec les codes proches)", body = ErrorBody)
    )
)]
pub async fn crosswalks(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<CrosswalkParams>,
) -> Result<Response, AppError> {
    let asked: Vec<Asked<'_>> = [
        p.rome.as_deref().map(Asked::Rome),
        p.appellation.as_deref().map(Asked::Appellation),
        p.esco.as_deref().map(Asked::Esco),
    ]
    .into_iter()
    .flatten()
    .collect();
    match asked.as_slice() {
        [] => {
            let k = &state.knowledge;
            match p.format.unwrap_or(TableFormat::Json) {
                TableFormat::Json => Ok(Json(CrosswalkAnswer::Table(
                    metiers_export::crosswalk::table(k, &state.referentiel),
                ))
                .into_response()),
                TableFormat::Csv => {
                    let format = Format::CrosswalkCsv;
                    let bytes = format
                        .render(
                            &state.referentiel,
                            &RenderOptions {
                                knowledge: Some(k),
                                ..RenderOptions::default()
                            },
                        )
                        .map_err(|e| export_failed(format, e))?;
                    Ok(download(format, bytes, format.file_stem()))
                }
            }
        }
        [one] => Ok(Json(CrosswalkAnswer::Lookup(lookup(&state.knowledge, *one)?)).into_response()),
        _ => Err(AppError::bad_request(
            "parametres_incompatibles",
            "Cherchez un seul code à la fois : « rome », « appellation » ou « esco ».",
        )),
    }
}
