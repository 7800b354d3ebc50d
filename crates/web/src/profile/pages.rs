//! The page « Mon profil » (`/mon-profil`): tick skills (grouped by kind) and/or write what
//! you do; the occupations are ranked, with what is missing and the training needs.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use metiers_knowledge::SkillKind;

use super::{MAX_PROFILE_TEXT, ProfileAnswer, run};
use crate::AppState;
use crate::view::{Layout, PageWithStatus, render_with};

/// A skill as a checkbox: id, label, ticked.
type Checkbox = (String, String, bool);

#[derive(Template)]
#[template(path = "profile/page.html")]
struct ProfilePage {
    l: Layout,
    /// Skills by kind: kind label, its checkboxes.
    groups: Vec<(&'static str, Vec<Checkbox>)>,
    text: String,
    error: Option<String>,
    answer: Option<ProfileAnswer>,
    max_text: usize,
}

impl ProfilePage {
    fn percent(&self, x: &f64) -> u32 {
        crate::text::percent(*x)
    }
}

fn page(
    state: &AppState,
    ticked: &[String],
    text: String,
    error: Option<String>,
    answer: Option<ProfileAnswer>,
    status: StatusCode,
) -> PageWithStatus {
    let groups = SkillKind::ALL
        .into_iter()
        .map(|k| {
            (
                k.label(),
                state
                    .knowledge
                    .skills
                    .skills
                    .iter()
                    .filter(|s| s.kind == k)
                    .map(|s| (s.id.clone(), s.label.clone(), ticked.contains(&s.id)))
                    .collect(),
            )
        })
        .collect();
    render_with(
        status,
        &ProfilePage {
            l: Layout::new("Mon profil", "competences")
                .crumb("Compétences", Some("/competences".to_owned()))
                .crumb("Mon profil", None),
            groups,
            text,
            error,
            answer,
            max_text: MAX_PROFILE_TEXT,
        },
    )
}

/// `GET /mon-profil`.
pub async fn form(State(state): State<AppState>) -> PageWithStatus {
    page(&state, &[], String::new(), None, None, StatusCode::OK)
}

/// `POST /mon-profil`: the checkboxes repeat `competences`, which the usual form extractor
/// refuses: the body is read pair by pair.
pub async fn submit(State(state): State<AppState>, body: Bytes) -> PageWithStatus {
    let mut ticked = Vec::new();
    let mut text = String::new();
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "competences" => ticked.push(v.trim().to_owned()),
            "texte" => text = v.into_owned(),
            _ => {}
        }
    }
    let kept: String = text.chars().take(MAX_PROFILE_TEXT).collect();
    let state2 = state.clone();
    let (t, x) = (ticked.clone(), text.clone());
    let result = tokio::task::spawn_blocking(move || run(&state2, &t, &x, 10)).await;
    match result {
        Ok(Ok(answer)) => page(&state, &ticked, kept, None, Some(answer), StatusCode::OK),
        Ok(Err(e)) => page(&state, &ticked, kept, Some(e.message), None, e.status),
        Err(_) => page(
            &state,
            &ticked,
            kept,
            Some(
                "Erreur interne du serveur ; elle a été journalisée. Réessayez plus tard."
                    .to_owned(),
            ),
            None,
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
    }
}
