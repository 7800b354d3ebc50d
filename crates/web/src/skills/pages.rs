//! The pages « Compétences » (`/competences`, search and kind filter) and one skill
//! (`/competences/{id}`: « qui mobilise cette compétence »).

use askama::Template;
use axum::extract::State;
use metiers_knowledge::SkillKind;
use serde::Deserialize;

use super::{MAX_SKILL_QUERY, SkillDetail, SkillSummary, detail, find};
use crate::AppState;
use crate::view::{Layout, Page, PagePath, PageQuery, render};

/// The list's form.
#[derive(Debug, Deserialize)]
pub struct ListForm {
    q: Option<String>,
    nature: Option<String>,
}

#[derive(Template)]
#[template(path = "skills/list.html")]
struct ListPage {
    l: Layout,
    q: String,
    nature: String,
    kinds: Vec<(&'static str, &'static str)>,
    groups: Vec<(&'static str, Vec<SkillSummary>)>,
    total: usize,
    method: String,
}

/// `GET /competences`.
pub async fn list(State(state): State<AppState>, PageQuery(f): PageQuery<ListForm>) -> Page {
    let q: String =
        f.q.unwrap_or_default()
            .chars()
            .take(MAX_SKILL_QUERY)
            .collect();
    let nature = f.nature.unwrap_or_default();
    let kind = SkillKind::parse(&nature);
    let found = super::list(&state, Some(&q), kind);
    let total = found.len();
    let groups = SkillKind::ALL
        .into_iter()
        .map(|k| {
            (
                k.label(),
                found
                    .iter()
                    .filter(|s| s.kind == k)
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, l)| !l.is_empty())
        .collect();
    render(&ListPage {
        l: Layout::new("Compétences", "competences").crumb("Compétences", None),
        q,
        nature,
        kinds: SkillKind::ALL
            .iter()
            .map(|k| (k.name(), k.label()))
            .collect(),
        groups,
        total,
        method: state.knowledge.skills.method.review.clone(),
    })
}

#[derive(Template)]
#[template(path = "skills/skill.html")]
struct SkillPage {
    l: Layout,
    s: SkillDetail,
    kind: &'static str,
    level_rule: String,
}

/// `GET /competences/{id}`.
pub async fn skill(State(state): State<AppState>, PagePath(id): PagePath<String>) -> Page {
    let s = find(&state.knowledge, &id)?;
    let d = detail(&state, s);
    render(&SkillPage {
        l: Layout::new(d.label.clone(), "competences")
            .crumb("Compétences", Some("/competences".to_owned()))
            .crumb(d.label.clone(), None),
        kind: d.kind.label(),
        s: d,
        level_rule: state.knowledge.skills.method.level_rule.clone(),
    })
}
