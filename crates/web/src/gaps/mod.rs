//! Gap analysis: « De A vers B » (what an occupation A already covers of an occupation B and
//! what remains to acquire) and the occupations ranked for a person by the activities they
//! practise, in the API (`/api/v1/gaps`, `/api/v1/gaps/person`) and on the portal
//! (`/ecart`, `/ecart/personne`). The analysis itself is `metiers-hr`'s, on the skills of the
//! current edition; this module holds what the API and the pages share: [`between`] and
//! [`rank_person`].

pub mod api;
mod pages;

use axum::Router;
use axum::routing::get;
use metiers_hr::mobility::{Gap, OccupationSide};
use metiers_hr::profile::{Fit, TrainingNeed, from_activities, person, rank, training_needs};
use metiers_referentiel::Occupation;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{AppError, shown};
use crate::job_descriptions::draft;

/// Routes of the pages (the API's are registered by [`crate::api`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ecart", get(pages::gap))
        .route("/ecart/personne", get(pages::person))
}

/// The occupation of an id or title given as `role` (« de départ », « visé », « exercé »), or
/// a 400 saying to pick one from the list.
fn occupation<'a>(state: &'a AppState, id: &str, role: &str) -> Result<&'a Occupation, AppError> {
    state.referentiel.find(id.trim()).ok_or_else(|| {
        AppError::bad_request(
            "metier_inconnu",
            format!(
                "Métier {role} inconnu : « {} ». Choisissez un métier dans la liste.",
                shown(id.trim())
            ),
        )
    })
}

/// « De A vers B » for two ids.
pub fn between(state: &AppState, from: &str, to: &str) -> Result<Gap, AppError> {
    let a = occupation(state, from, "de départ")?;
    let b = occupation(state, to, "visé")?;
    state.mobility().gap(a, b).ok_or_else(AppError::internal)
}

/// Les métiers classés selon ce que couvrent les activités pratiquées par une personne.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRanking {
    /// Métier exercé.
    pub from: OccupationSide,
    /// Numéros des activités pratiquées, dans l’ordre de la fiche.
    pub practised: Vec<usize>,
    /// Les métiers, les mieux couverts d’abord (part pondérée de leurs compétences), avec ce
    /// qui manque pour chacun.
    pub occupations: Vec<Fit>,
    /// Les compétences qui manquent, comme besoins de formation, avec les fiches où elles
    /// figurent.
    pub training: Vec<TrainingNeed>,
}

/// The `top` occupations ranked for a person practising `activities` (numbers of the fiche,
/// `1,3,5-7`, or all when `None` or blank) of the occupation `from`.
pub fn rank_person(
    state: &AppState,
    from: &str,
    activities: Option<&str>,
    top: usize,
) -> Result<PersonRanking, AppError> {
    let r = &state.referentiel;
    let o = occupation(state, from, "exercé")?;
    let jd = draft(state, o, activities)?;
    let practised: Vec<usize> = jd.activities.iter().map(|a| a.number).collect();
    let m = state.mobility();
    let skills = from_activities(m.space, r, &state.knowledge, o.id.as_str(), &practised);
    let occupations = rank(&m, &person(&skills), top);
    let training = training_needs(&m, &occupations);
    Ok(PersonRanking {
        from: OccupationSide::from(o),
        practised,
        occupations,
        training,
    })
}
