//! `POST /api/v1/profile`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ProfileAnswer, run};
use crate::AppState;
use crate::error::{ApiJson, AppError, ErrorBody};
use crate::params::{check_limit, integral_number};

/// Un profil : des compétences cochées, un texte, ou les deux.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProfileRequest {
    /// Identifiants des compétences (voir `/api/v1/skills`), 200 au plus.
    #[serde(default)]
    #[schema(max_items = 200)]
    pub skills: Vec<String>,
    /// Ce que la personne fait, en phrases (20 000 caractères au plus).
    #[serde(default)]
    #[schema(max_length = 20_000)]
    pub text: String,
    /// Nombre de métiers renvoyés (1 à 50 ; 10 par défaut).
    #[serde(default, deserialize_with = "integral_number")]
    #[schema(minimum = 1, maximum = 50)]
    pub top: Option<usize>,
}

/// The occupations ranked for a person's skills, with what is missing and the training
/// needs.
#[utoipa::path(
    post,
    path = "/api/v1/profile",
    summary = "Mon profil : métiers accessibles selon mes compétences",
    description = "Des compétences cochées (identifiants de `/api/v1/skills`) et/ou ce que la personne fait, en phrases (chaque phrase est rapprochée d’une compétence et rendue avec elle, une énumération élément par élément ; la présentation d’un service est mise de côté) : les métiers classés selon la part pondérée de leurs compétences que la personne a, avec ce qui manque pour chacun, et les compétences manquantes comme besoins de formation avec les fiches où elles figurent. Rien n’est enregistré.",
    operation_id = "rankOccupationsForProfile",
    tag = "competences",
    request_body = ProfileRequest,
    responses(
        (status = 200, description = "Le classement", body = ProfileAnswer),
        (status = 400, description = "Profil vide, trop de compétences, texte trop long, JSON invalide", body = ErrorBody),
        (status = 404, description = "Compétence inconnue (avec les identifiants proches)", body = ErrorBody),
        (status = 413, description = "Corps de plus de 1 Mio", body = ErrorBody),
        (status = 415, description = "Content-Type autre que application/json", body = ErrorBody),
        (status = 422, description = "JSON de mauvais type", body = ErrorBody)
    )
)]
pub async fn profile(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ProfileRequest>,
) -> Result<Json<ProfileAnswer>, AppError> {
    let top = check_limit("top", body.top, 10)?;
    let text = body.text.clone();
    let skills = body.skills.clone();
    let state2 = state.clone();
    // Finding skills in a long text compares every sentence with every skill: off the
    // async workers.
    tokio::task::spawn_blocking(move || run(&state2, &skills, &text, top))
        .await
        .map_err(|_| AppError::internal())?
        .map(Json)
}
