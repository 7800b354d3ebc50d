//! `GET /api/v1/occupations` and `GET /api/v1/occupations/{id}`.

use axum::Json;
use axum::extract::State;
use metiers_referentiel::{Occupation, Referentiel};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiPath, ApiQuery, AppError, ErrorBody};
use crate::{AppState, text};

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
    /// Édition à consulter (voir `/api/v1/editions`) ; par défaut l’édition courante.
    pub edition: Option<String>,
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
    tag = "referentiel",
    params(ListParams),
    responses(
        (status = 200, description = "Les fiches retenues, dans l’ordre publié", body = OccupationList),
        (status = 400, description = "Paramètre invalide", body = ErrorBody),
        (status = 404, description = "Édition non chargée", body = ErrorBody)
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<OccupationList>, AppError> {
    let r = state.editions.get(params.edition.as_deref())?;
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
    description = "Tout ce que le référentiel dit d’un métier : intitulé, autres appellations, formation, activités par rubrique.",
    tag = "referentiel",
    params(
        ("id" = String, Path, description = "Identifiant de la fiche (ex. `concepteur-developpeur`) ; stable d’une édition à l’autre"),
        EditionParams
    ),
    responses(
        (status = 200, description = "La fiche", body = Occupation),
        (status = 404, description = "Identifiant inconnu, ou édition non chargée", body = ErrorBody)
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<EditionParams>,
) -> Result<Json<Occupation>, AppError> {
    let r = state.editions.get(p.edition.as_deref())?;
    find(r, &id).cloned().map(Json)
}

/// The occupation with this id, or a 404 naming the closest ids.
pub fn find<'a>(r: &'a Referentiel, id: &str) -> Result<&'a Occupation, AppError> {
    r.get(id).ok_or_else(|| unknown(r, id))
}

/// The 404 of an unknown occupation id.
pub fn unknown(r: &Referentiel, id: &str) -> AppError {
    let closest: Vec<String> = r.closest_ids(id, 3).iter().map(|i| i.to_string()).collect();
    let shown: String = id.chars().take(80).collect();
    AppError::not_found(
        "metier_inconnu",
        format!(
            "Aucune fiche métier « {shown} ». Identifiants proches : {}.",
            closest.join(", ")
        ),
    )
}

/// The occupations that pass the filters, in published order.
pub fn filter<'a>(r: &'a Referentiel, p: &ListParams) -> Result<Vec<&'a Occupation>, AppError> {
    if let (Some(min), Some(max)) = (p.min_level, p.max_level)
        && min > max
    {
        return Err(AppError::bad_request(
            "niveaux_incoherents",
            "« min_level » est supérieur à « max_level ».",
        ));
    }
    for (name, value) in [("q", &p.q), ("heading", &p.heading)] {
        if value
            .as_deref()
            .is_some_and(|v| v.chars().count() > super::MAX_QUERY_CHARS)
        {
            return Err(AppError::bad_request(
                "requete_trop_longue",
                format!(
                    "Le paramètre « {name} » dépasse {} caractères.",
                    super::MAX_QUERY_CHARS
                ),
            ));
        }
    }
    let words = |v: &Option<String>| -> Vec<String> {
        v.as_deref()
            .map(|s| {
                metiers_referentiel::text::fold(s)
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (q, heading) = (words(&p.q), words(&p.heading));
    Ok(r.occupations
        .iter()
        .filter(|o| levels_match(o, p.min_level, p.max_level))
        .filter(|o| {
            heading.is_empty() || {
                let all: String = o.headings().collect::<Vec<_>>().join(" ");
                heading.iter().all(|w| text::folded_contains(&all, w))
            }
        })
        .filter(|o| {
            q.is_empty() || {
                let all = searchable(o);
                q.iter().all(|w| all.contains(w.as_str()))
            }
        })
        .collect())
}

/// Whether the occupation's education range meets `[min, max]` (an open-ended range reaches
/// every level above its minimum; an occupation stating no level never passes a level filter).
pub fn levels_match(o: &Occupation, min: Option<u8>, max: Option<u8>) -> bool {
    if min.is_none() && max.is_none() {
        return true;
    }
    let Some(lo) = o.education.as_ref().and_then(|e| e.min_level) else {
        return false;
    };
    let hi = o
        .education
        .as_ref()
        .and_then(|e| e.max_level)
        .unwrap_or(u8::MAX);
    min.is_none_or(|m| hi >= m) && max.is_none_or(|m| lo <= m)
}

fn searchable(o: &Occupation) -> String {
    let mut all = String::new();
    for part in std::iter::once(o.title.as_str())
        .chain(o.alt_titles.iter().map(String::as_str))
        .chain(o.headings())
        .chain(o.activities().flat_map(|a| {
            std::iter::once(a.text.as_str()).chain(a.details.iter().map(String::as_str))
        }))
    {
        all.push_str(&metiers_referentiel::text::fold(part));
        all.push(' ');
    }
    all
}

/// The list form of an occupation.
pub fn summary(state: &AppState, o: &Occupation) -> OccupationSummary {
    OccupationSummary {
        id: o.id.as_str().to_owned(),
        title: o.title.clone(),
        alt_titles: o.alt_titles.clone(),
        min_level: o.education.as_ref().and_then(|e| e.min_level),
        max_level: o.education.as_ref().and_then(|e| e.max_level),
        education: metiers_referentiel::export::level_range(o.education.as_ref()),
        headings: o.headings().map(str::to_owned).collect(),
        group: state.groups.of(o.id.as_str()).map(|g| g.title.clone()),
    }
}
