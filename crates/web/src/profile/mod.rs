//! « Mon profil »: a person ticks skills or writes what they do; the occupations are ranked
//! by how much of them the person covers, with what is missing, and the missing skills are
//! listed as training needs with the fiches where they appear. The page `/mon-profil` and
//! `POST /api/v1/profile`; this module holds what both do: [`run`].

pub mod api;
mod pages;

use axum::Router;
use axum::routing::get;
use metiers_hr::mobility::SkillRef;
use metiers_hr::profile::{Fit, FoundSkill, TrainingNeed, person, rank, training_needs};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::AppError;

/// Skills a profile may tick, at most.
pub const MAX_SKILLS: usize = 200;
/// Characters of text a profile may hold, at most.
pub const MAX_PROFILE_TEXT: usize = 20_000;

/// Routes of the pages (the API's are registered by [`crate::api`]).
pub fn router() -> Router<AppState> {
    Router::new().route("/mon-profil", get(pages::form).post(pages::submit))
}

/// Le classement des métiers pour un profil.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileAnswer {
    /// Les compétences cochées.
    pub ticked: Vec<SkillRef>,
    /// Les compétences trouvées dans le texte, avec la phrase qui les a fait trouver.
    pub found: Vec<FoundSkill>,
    /// Les métiers, les mieux couverts d’abord, avec ce qui manque pour chacun.
    pub occupations: Vec<Fit>,
    /// Les compétences qui manquent, comme besoins de formation, avec les fiches où elles
    /// figurent (aucune formation n’est inventée).
    pub training: Vec<TrainingNeed>,
}

/// The ranking for ticked skill ids and a text, or the client error: too many skills, text
/// too long, an unknown skill id, or nothing to rank on.
pub fn run(
    state: &AppState,
    ticked: &[String],
    text: &str,
    top: usize,
) -> Result<ProfileAnswer, AppError> {
    if ticked.len() > MAX_SKILLS {
        return Err(AppError::bad_request(
            "trop_de_competences",
            format!("Un profil compte au plus {MAX_SKILLS} compétences cochées."),
        ));
    }
    if text.chars().count() > MAX_PROFILE_TEXT {
        return Err(AppError::bad_request(
            "texte_trop_long",
            format!(
                "Le texte dépasse {MAX_PROFILE_TEXT} caractères : gardez l’essentiel de ce que vous faites."
            ),
        ));
    }
    let models = state.skills();
    let mut held = Vec::new();
    let mut ticked_refs = Vec::new();
    for id in ticked.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let skill = crate::skills::find(&state.knowledge, id)?;
        if let Some(i) = models.space.skill(&skill.id) {
            held.push((i, None));
            ticked_refs.push(SkillRef {
                id: skill.id.clone(),
                label: skill.label.clone(),
            });
        }
    }
    let found = if text.trim().is_empty() {
        Vec::new()
    } else {
        models.finder.find(&models.space, text)
    };
    for f in &found {
        if let Some(i) = models.space.skill(&f.id) {
            held.push((i, None));
        }
    }
    if held.is_empty() {
        return Err(AppError::bad_request(
            "profil_vide",
            if text.trim().is_empty() {
                "Cochez au moins une compétence, ou décrivez ce que vous faites : le classement part de vos compétences.".to_owned()
            } else {
                "Aucune compétence du référentiel n’a été reconnue dans votre texte : décrivez vos activités en phrases (ce que vous faites, sur quoi), ou cochez des compétences.".to_owned()
            },
        ));
    }
    let m = state.mobility();
    let occupations = rank(&m, &person(&held), top);
    let training = training_needs(&m, &occupations);
    Ok(ProfileAnswer {
        ticked: ticked_refs,
        found,
        occupations,
        training,
    })
}
