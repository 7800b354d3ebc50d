//! `GET /api/v1/occupations`, `GET /api/v1/occupations/{id}` and `GET /api/v1/export`.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use metiers_export::{Format, RenderOptions};
use metiers_knowledge::OccupationDetail;
use metiers_referentiel::Referentiel;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{download, export_failed, filter, find, summary};
use crate::AppState;
use crate::error::{ApiPath, ApiQuery, AppError, ErrorBody};

/// Filtres de la liste des métiers, tous facultatifs, combinés par ET.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Mots contenus dans l’intitulé, une autre appellation, une rubrique ou une activité
    /// (casse et accents ignorés).
    pub q: Option<String>,
    /// Garde les métiers accessibles à ce niveau Bac+N ou au-dessus (0 = bac).
    #[param(minimum = 0, maximum = 255)]
    pub min_level: Option<u8>,
    /// Garde les métiers accessibles à ce niveau Bac+N ou en dessous.
    #[param(minimum = 0, maximum = 255)]
    pub max_level: Option<u8>,
    /// Mots contenus dans une des rubriques de la fiche (casse et accents ignorés).
    pub heading: Option<String>,
}

/// Choice of the edition, on the endpoints that serve any loaded one.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EditionParams {
    /// Édition à consulter (voir `/api/v1/editions`) ; par défaut l’édition courante.
    pub edition: Option<String>,
}

/// Un métier dans une liste : ce qui l’identifie et son niveau de formation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OccupationSummary {
    pub id: String,
    pub title: String,
    pub alt_titles: Vec<String>,
    /// Plus bas Bac+N indiqué par la fiche (0 = bac) ; absent si la fiche n’en indique pas.
    pub min_level: Option<u8>,
    /// Plus haut Bac+N indiqué ; absent si ouvert (« Bac + 2 minimum ») ou non indiqué.
    pub max_level: Option<u8>,
    /// Le niveau en toutes lettres (`Bac+2 à Bac+4`, `non précisé`).
    pub education: String,
    /// Rubriques des activités de la fiche, dans l’ordre.
    pub headings: Vec<String>,
    /// Groupe du métier proposé par ce service (aide à la lecture, hors référentiel).
    pub group: Option<String>,
}

/// Une liste de métiers d’une édition.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OccupationList {
    /// Identifiant de l’édition.
    pub edition: String,
    /// Nombre de métiers renvoyés.
    pub count: usize,
    pub occupations: Vec<OccupationSummary>,
}

/// The occupations of the edition, in published order, optionally filtered.
#[utoipa::path(
    get,
    path = "/api/v1/occupations",
    summary = "Liste des fiches métiers",
    description = "Les fiches de l’édition, dans l’ordre publié, éventuellement filtrées (filtres combinés par ET).",
    operation_id = "listOccupations",
    tag = "referentiel",
    params(ListParams, EditionParams),
    responses(
        (status = 200, description = "Les fiches retenues, dans l’ordre publié", body = OccupationList),
        (status = 400, description = "Paramètre invalide", body = ErrorBody),
        (status = 404, description = "Édition non chargée", body = ErrorBody)
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ListParams>,
    ApiQuery(e): ApiQuery<EditionParams>,
) -> Result<Json<OccupationList>, AppError> {
    let r = state.editions.get(e.edition.as_deref())?;
    let occupations = filter(r, &params)?
        .into_iter()
        .map(|o| summary(&state, o))
        .collect::<Vec<_>>();
    Ok(Json(OccupationList {
        edition: r.edition.id.clone(),
        count: occupations.len(),
        occupations,
    }))
}

/// Everything the référentiel says of one occupation.
#[utoipa::path(
    get,
    path = "/api/v1/occupations/{id}",
    summary = "Une fiche métier",
    description = "Tout ce que le référentiel dit d’un métier : intitulé, autres appellations, formation, activités par rubrique ; et ses correspondances avec ROME 4.0 (France Travail – ROME 4.0 v460) et ESCO (ESCO – European Commission, v1.1.1), avec la relation SKOS et sa raison.",
    operation_id = "getOccupation",
    tag = "referentiel",
    params(
        ("id" = String, Path, description = "Identifiant de la fiche (ex. `concepteur-developpeur`) ; stable d’une édition à l’autre"),
        EditionParams
    ),
    responses(
        (status = 200, description = "La fiche et ses correspondances", body = OccupationDetail),
        (status = 404, description = "Identifiant inconnu, ou édition non chargée", body = ErrorBody)
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<EditionParams>,
) -> Result<Json<OccupationDetail>, AppError> {
    let r = state.editions.get(p.edition.as_deref())?;
    Ok(Json(state.knowledge.detail(r, find(r, &id)?)))
}

/// Parameters of the export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `json` (par défaut), `csv`, `markdown`, `ttl`, `jsonld`, `xlsx`, ou la table des
    /// correspondances avec ROME et ESCO : `crosswalk-csv`, `crosswalk-json`.
    pub format: Option<Format>,
    /// CSV pour tableur en français : séparateur `;` et marque d’ordre des octets (BOM).
    pub excel: Option<bool>,
}

/// What the JSON formats of the export give: the edition (`json`) or the table of
/// correspondences (`crosswalk-json`). For the OpenAPI document only: the handler writes
/// the bytes the format renders.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ExportedJson {
    Referentiel(Referentiel),
    Crosswalks(metiers_export::crosswalk::Table),
}

/// A loaded edition, whole, in one of the bulk formats (the same as `metiers export`).
#[utoipa::path(
    get,
    path = "/api/v1/export",
    summary = "Export d’une édition complète",
    description = "Toute l’édition en JSON canonique, CSV (une ligne par activité ou sous-élément ; `excel=true` pour un tableur en français), Markdown, SKOS (Turtle ou JSON-LD, comme ESCO) ou XLSX, comme `metiers export`. Les URI SKOS sont construites à partir des identifiants stables des fiches.",
    operation_id = "exportEdition",
    tag = "referentiel",
    params(ExportParams, EditionParams),
    responses(
        (status = 200, description = "L’édition complète", content(
            (ExportedJson = "application/json"),
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
    ApiQuery(e): ApiQuery<EditionParams>,
) -> Result<Response, AppError> {
    let r = state.editions.get(e.edition.as_deref())?;
    let format = p.format.unwrap_or_default();
    let stem = if r.edition.id == state.referentiel.edition.id {
        format.file_stem().to_owned()
    } else {
        format!("{}-{}", format.file_stem(), r.edition.id)
    };
    let options = RenderOptions {
        excel: p.excel.unwrap_or(false),
        knowledge: Some(&state.knowledge),
        ..RenderOptions::default()
    };
    let bytes = format
        .render(r, &options)
        .map_err(|e| export_failed(format, e))?;
    Ok(download(format, bytes, &stem))
}
