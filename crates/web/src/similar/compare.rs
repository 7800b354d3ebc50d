//! `GET /comparer?a=…&b=…&c=…`: two or three occupations side by side.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

use crate::view::{Layout, PageQuery, PageWithStatus, render_with};
use crate::{AppState, text};

#[derive(Debug, Deserialize)]
pub struct CompareParams {
    a: Option<String>,
    b: Option<String>,
    c: Option<String>,
}

#[derive(Debug)]
struct Select {
    name: &'static str,
    label: &'static str,
    value: String,
}

#[derive(Debug)]
struct Activity {
    text: String,
    shared: bool,
}

#[derive(Debug)]
struct Column {
    id: String,
    title: String,
    education: String,
    group: String,
    headings: Vec<String>,
    activity_count: usize,
    shared_count: usize,
    activities: Vec<Activity>,
}

#[derive(Debug)]
struct Pair {
    a_title: String,
    b_title: String,
    percent: u32,
    reason: String,
    /// The skills both hold: id, label, and whether each holds it at its core.
    shared: Vec<(String, String, bool, bool)>,
}

#[derive(Template)]
#[template(path = "similar/compare.html")]
struct Compare {
    l: Layout,
    selects: Vec<Select>,
    options: Vec<(String, String)>,
    error: Option<String>,
    columns: Vec<Column>,
    pairs: Vec<Pair>,
    col_width: usize,
}

/// `GET /comparer`.
pub async fn compare(
    State(state): State<AppState>,
    PageQuery(p): PageQuery<CompareParams>,
) -> PageWithStatus {
    let r = &state.referentiel;
    let chosen: Vec<String> = [&p.a, &p.b, &p.c]
        .into_iter()
        .map(|v| v.as_deref().map(str::trim).unwrap_or_default().to_owned())
        .collect();
    let selects = ["a", "b", "c"]
        .into_iter()
        .zip([
            "Premier métier",
            "Deuxième métier",
            "Troisième métier (facultatif)",
        ])
        .zip(chosen.iter())
        .map(|((name, label), value)| Select {
            name,
            label,
            value: value.clone(),
        })
        .collect();
    let options = r
        .occupations
        .iter()
        .map(|o| (o.id.as_str().to_owned(), o.title.clone()))
        .collect();

    let mut ids: Vec<&str> = Vec::new();
    let mut error = None;
    for id in chosen.iter().filter(|s| !s.is_empty()) {
        if r.get(id).is_none() {
            let shown: String = id.chars().take(80).collect();
            error = Some(format!(
                "Aucune fiche métier n’a l’identifiant « {shown} »."
            ));
        } else if !ids.contains(&id.as_str()) {
            ids.push(id);
        }
    }
    let asked = chosen.iter().any(|s| !s.is_empty());
    if error.is_none() && asked && ids.len() < 2 {
        error = Some("Choisissez au moins deux métiers différents.".to_owned());
    }
    let (columns, pairs) = if error.is_none() && ids.len() >= 2 {
        build(&state, &ids)
    } else {
        (Vec::new(), Vec::new())
    };
    let col_width = if columns.len() == 3 { 4 } else { 6 };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let title = if columns.is_empty() {
        "Comparer des métiers".to_owned()
    } else {
        format!(
            "Comparer : {}",
            columns
                .iter()
                .map(|c| c.title.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    render_with(
        status,
        &Compare {
            l: Layout::new(title, "comparer").crumb("Comparer des métiers", None),
            selects,
            options,
            error,
            columns,
            pairs,
            col_width,
        },
    )
}

fn build(state: &AppState, ids: &[&str]) -> (Vec<Column>, Vec<Pair>) {
    let r = &state.referentiel;
    let graph = &state.knowledge.skills;
    // Each compared occupation's skills: id → core.
    let held: Vec<HashMap<String, bool>> = ids
        .iter()
        .map(|id| {
            graph
                .of_occupation(r, id)
                .into_iter()
                .map(|h| (h.skill.id.clone(), h.core))
                .collect()
        })
        .collect();
    let mut pairs = Vec::new();
    for i in 0..ids.len() {
        for j in (i + 1)..ids.len() {
            let Some(s) = state
                .similar(ids[i])
                .and_then(|list| list.iter().find(|s| s.id.as_str() == ids[j]))
            else {
                continue;
            };
            let mut shared: Vec<(String, String, bool, bool)> = held[i]
                .iter()
                .filter_map(|(skill, core_a)| {
                    let core_b = held[j].get(skill)?;
                    let label = graph.get(skill).map(|s| s.label.clone())?;
                    Some((skill.clone(), label, *core_a, *core_b))
                })
                .collect();
            shared.sort_by(|a, b| (b.2 && b.3).cmp(&(a.2 && a.3)).then(a.1.cmp(&b.1)));
            pairs.push(Pair {
                a_title: title(state, ids[i]),
                b_title: s.title.clone(),
                percent: text::percent(s.score),
                reason: s.reason.clone(),
                shared,
            });
        }
    }
    // An activity is shared when its skill is held by another compared occupation.
    let skill_of: HashMap<(String, usize), String> = graph
        .skills
        .iter()
        .flat_map(|s| {
            s.activities
                .iter()
                .filter(|a| a.detail.is_none())
                .map(move |a| ((a.occupation.clone(), a.activity), s.id.clone()))
        })
        .collect();
    let columns = ids
        .iter()
        .enumerate()
        .filter_map(|(k, id)| r.get(id).map(|o| (k, o)))
        .map(|(k, o)| {
            let others: HashSet<&String> = held
                .iter()
                .enumerate()
                .filter(|(x, _)| *x != k)
                .flat_map(|(_, h)| h.keys())
                .collect();
            let activities: Vec<Activity> = o
                .activities()
                .enumerate()
                .map(|(n, a)| Activity {
                    text: a.text.clone(),
                    shared: skill_of
                        .get(&(o.id.to_string(), n + 1))
                        .is_some_and(|s| others.contains(s)),
                })
                .collect();
            Column {
                id: o.id.as_str().to_owned(),
                title: o.title.clone(),
                education: metiers_referentiel::export::level_range(o.education.as_ref()),
                group: state
                    .groups
                    .of(o.id.as_str())
                    .map(|g| g.title.clone())
                    .unwrap_or_default(),
                headings: o.headings().map(str::to_owned).collect(),
                activity_count: activities.len(),
                shared_count: activities.iter().filter(|a| a.shared).count(),
                activities,
            }
        })
        .collect();
    (columns, pairs)
}

fn title(state: &AppState, id: &str) -> String {
    state
        .referentiel
        .get(id)
        .map(|o| o.title.clone())
        .unwrap_or_default()
}
