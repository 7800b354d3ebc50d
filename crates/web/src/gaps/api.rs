//! `GET /api/v1/gaps` and `GET /api/v1/gaps/person`.

use axum::Json;
use axum::extract::State;
use metiers_hr::mobility::Gap;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{PersonRanking, between, rank_person};
use crate::AppState;
use crate::error::{ApiQuery, AppError, ErrorBody};
use crate::params::check_limit;

/// Parameters of « De A vers B ».
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GapParams {
    /// Identifiant du métier de départ (A).
    pub from: Option<String>,
    /// Identifiant du métier visé (B).
    pub to: Option<String>,
}

/// A parameter that must be given and not blank.
fn required<'a>(value: &'a Option<String>, message: &str) -> Result<&'a str, AppError> {
    value
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| AppError::bad_request("parametres_manquants", message))
}

/// "De A vers B": the activities of B that A already covers (by meaning), those it does not,
/// and the change of education level; the same as `metiers gaps A B --format json`.
#[utoipa::path(
    get,
    path = "/api/v1/gaps",
    summary = "De A vers B",
    description = "Les compétences du métier visé B que le métier A a déjà (au même niveau, en partie ou par une compétence proche) et celles qui restent à acquérir, avec les phrases de la fiche B d’où elles viennent ; `coverage` est la part pondérée (cœur du métier, rareté, niveau) des compétences de B que A a, dans [0, 1] ; l’écart de niveau de formation ; et les mobilités que ROME 4.0 indique entre les fiches correspondantes. Comme `metiers gaps A B --format json`.",
    operation_id = "gapBetween",
    tag = "editions",
    params(GapParams),
    responses(
        (status = 200, description = "L’écart entre les deux métiers", body = Gap),
        (status = 400, description = "Paramètre manquant ou métier inconnu", body = ErrorBody)
    )
)]
pub async fn gap(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<GapParams>,
) -> Result<Json<Gap>, AppError> {
    let message = "Indiquez les paramètres « from » et « to » (identifiants de métiers).";
    let (from, to) = (required(&p.from, message)?, required(&p.to, message)?);
    between(&state, from, to).map(Json)
}

/// Parameters of the ranking of occupations for a person.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonParams {
    /// Identifiant du métier exercé.
    pub from: Option<String>,
    /// Numéros des activités de ce métier que la personne pratique (`1,3,5-7`), ou `all`
    /// (par défaut).
    pub activities: Option<String>,
    /// Nombre de métiers renvoyés (1 à 50 ; 10 par défaut).
    #[param(minimum = 1, maximum = 50)]
    pub top: Option<usize>,
}

/// The occupations ranked by how much of their activities the activities a person practises
/// in their occupation cover, with what is missing for each; the same as
/// `metiers gaps A --activities N,N --format json`.
#[utoipa::path(
    get,
    path = "/api/v1/gaps/person",
    summary = "Métiers accessibles selon les activités pratiquées",
    description = "Pour une personne : son métier et les activités de ce métier qu’elle pratique ; les métiers classés selon la part pondérée de leurs compétences que ces activités couvrent, avec ce qui manque pour chacun, et les compétences manquantes comme besoins de formation avec les fiches où elles figurent.",
    operation_id = "rankOccupationsForPerson",
    tag = "editions",
    params(PersonParams),
    responses(
        (status = 200, description = "Les métiers, les mieux couverts d’abord", body = PersonRanking),
        (status = 400, description = "Métier inconnu, numéro d’activité invalide ou paramètre manquant", body = ErrorBody)
    )
)]
pub async fn person(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<PersonParams>,
) -> Result<Json<PersonRanking>, AppError> {
    let from = required(
        &p.from,
        "Indiquez le paramètre « from » (identifiant du métier exercé).",
    )?;
    let top = check_limit("top", p.top, 10)?;
    rank_person(&state, from, p.activities.as_deref(), top).map(Json)
}
