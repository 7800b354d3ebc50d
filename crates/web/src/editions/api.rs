//! `GET /api/v1/editions` and `GET /api/v1/editions/changes`: the loaded editions and what
//! changed between two of them.

use axum::Json;
use axum::extract::State;
use metiers_referentiel::diff::{EditionDiff, diff};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiQuery, AppError, ErrorBody};

/// Une édition chargée par le serveur.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EditionSummary {
    /// Identifiant, à passer en `?edition=` aux autres points d’accès.
    pub id: String,
    pub title: String,
    /// Nombre de fiches métiers.
    pub occupations: usize,
    /// Nombre d’activités.
    pub activities: usize,
    /// Empreinte SHA-256 du texte publié, quand l’édition vient d’un texte.
    pub source_sha256: Option<String>,
    /// L’édition servie par défaut.
    pub current: bool,
}

/// Les éditions chargées, de la plus ancienne à la plus récente.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EditionList {
    /// Identifiant de l’édition servie par défaut.
    pub current: String,
    pub editions: Vec<EditionSummary>,
}

/// The editions the server loaded.
#[utoipa::path(
    get,
    path = "/api/v1/editions",
    summary = "Éditions chargées",
    description = "Les éditions du référentiel chargées par le serveur, de la plus ancienne à la plus récente ; chacune se consulte avec `?edition=ID` sur les fiches et l’export.",
    operation_id = "listEditions",
    tag = "editions",
    responses(
        (status = 200, description = "Les éditions chargées", body = EditionList)
    )
)]
pub async fn list(State(state): State<AppState>) -> Json<EditionList> {
    let current = state.editions.current();
    Json(EditionList {
        current: current.edition.id.clone(),
        editions: state
            .editions
            .all()
            .iter()
            .map(|r| EditionSummary {
                id: r.edition.id.clone(),
                title: r.edition.title.clone(),
                occupations: r.occupations.len(),
                activities: r.occupations.iter().map(|o| o.activities().count()).sum(),
                source_sha256: r.edition.source_sha256.clone(),
                current: r.edition.id == current.edition.id,
            })
            .collect(),
    })
}

/// Parameters of `changes`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// Édition de départ ; par défaut celle chargée avant l’édition courante.
    pub from: Option<String>,
    /// Édition d’arrivée ; par défaut l’édition courante.
    pub to: Option<String>,
}

/// What changed from one loaded edition to another (by default: what the current edition
/// changed), the same as `metiers diff --format json`.
#[utoipa::path(
    get,
    path = "/api/v1/editions/changes",
    summary = "Changements entre deux éditions",
    description = "Fiches ajoutées, retirées et renommées (l’identifiant est conservé), et pour chaque fiche ses autres appellations, sa formation et ses activités ajoutées, retirées, reformulées (avec l’ancienne formulation) ou déplacées. Par défaut, de l’édition précédente vers l’édition courante.",
    operation_id = "editionChanges",
    tag = "editions",
    params(ChangesParams),
    responses(
        (status = 200, description = "Les changements", body = EditionDiff),
        (status = 404, description = "Édition non chargée, ou aucune édition avant l’édition courante", body = ErrorBody)
    )
)]
pub async fn changes(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<ChangesParams>,
) -> Result<Json<EditionDiff>, AppError> {
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    if blank(&p.from)
        && blank(&p.to)
        && let Some(d) = state.editions.changes()
    {
        return Ok(Json(d.clone()));
    }
    let to = state.editions.get(p.to.as_deref())?;
    let from = if blank(&p.from) {
        state.editions.before(to).ok_or_else(|| {
            AppError::not_found(
                "aucune_edition_precedente",
                format!(
                    "Aucune édition n’est chargée avant « {} » : rien à comparer. Indiquez « from », ou lancez le serveur avec deux éditions (--referentiel ANCIENNE --referentiel NOUVELLE).",
                    to.edition.id
                ),
            )
        })?
    } else {
        state.editions.get(p.from.as_deref())?
    };
    Ok(Json(diff(from, to)))
}
