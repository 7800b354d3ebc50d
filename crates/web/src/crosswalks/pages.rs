//! The page « Correspondances » (`/correspondances`): look up a ROME code, an appellation or
//! an ESCO occupation; the whole table, filtered by repertory, relation and words; the IT
//! fiches of ROME that no occupation corresponds to; the method and the sources.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use metiers_knowledge::{Lookup, Relation, SOURCES, Scheme, Source};
use serde::Deserialize;

use super::{Asked, lookup};
use crate::AppState;
use crate::params::MAX_QUERY_CHARS;
use crate::view::{Layout, PageQuery, PageWithStatus, render_with};

/// The page's form: a lookup, and the table's filters.
#[derive(Debug, Deserialize)]
pub struct CrosswalkForm {
    /// A ROME code, an OGR code, an appellation's title or an ESCO URI.
    q: Option<String>,
    /// `rome`, `esco` or empty (both).
    repertoire: Option<String>,
    /// A SKOS relation's local name, or empty (all).
    relation: Option<String>,
    /// Words of the occupation or of the target's label.
    texte: Option<String>,
}

#[derive(Debug)]
struct OccupationRows {
    id: String,
    title: String,
    entries: Vec<super::EntryView>,
}

#[derive(Debug)]
struct Found {
    id: String,
    title: String,
    relation: &'static str,
    target: String,
    via: Option<String>,
    note: String,
}

#[derive(Debug)]
struct Unmapped {
    code: String,
    label: String,
    href: String,
    note: String,
}

#[derive(Template)]
#[template(path = "crosswalks/page.html")]
struct CrosswalkPage {
    l: Layout,
    q: String,
    repertoire: String,
    relation: String,
    texte: String,
    relations: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    looked_up: Option<Lookup>,
    found: Vec<Found>,
    rows: Vec<OccupationRows>,
    shown: usize,
    total: usize,
    unmapped: Vec<Unmapped>,
    proposal: String,
    review: String,
    sources: &'static [Source],
}

/// `GET /correspondances`.
pub async fn page(
    State(state): State<AppState>,
    PageQuery(f): PageQuery<CrosswalkForm>,
) -> PageWithStatus {
    let k = &state.knowledge;
    let r = &state.referentiel;
    let title = |id: &str| r.get(id).map(|o| o.title.clone()).unwrap_or_default();
    let q =
        f.q.unwrap_or_default()
            .trim()
            .chars()
            .take(MAX_QUERY_CHARS * 2)
            .collect::<String>();
    let (looked_up, error, status) = if q.is_empty() {
        (None, None, StatusCode::OK)
    } else {
        match lookup(k, Asked::Any(&q)) {
            Ok(l) => (Some(l), None, StatusCode::OK),
            Err(e) => (None, Some(e.message), e.status),
        }
    };
    let found = looked_up
        .iter()
        .flat_map(|l| &l.occupations)
        .map(|m| Found {
            id: m.occupation_id.clone(),
            title: title(&m.occupation_id),
            relation: m.correspondence.relation.label(),
            target: format!("{} {}", m.correspondence.code, m.correspondence.label),
            via: m.via.clone(),
            note: m.correspondence.note.clone(),
        })
        .collect();

    let repertoire = f.repertoire.unwrap_or_default();
    let scheme = match repertoire.as_str() {
        "rome" => Some(Scheme::Rome),
        "esco" => Some(Scheme::Esco),
        _ => None,
    };
    let relation = f.relation.unwrap_or_default();
    let wanted = Relation::parse(&relation);
    let texte: String = f
        .texte
        .unwrap_or_default()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect();
    let words: Vec<String> = metiers_knowledge::fold(&texte)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let mut total = 0;
    let mut shown = 0;
    let mut rows = Vec::new();
    for o in &r.occupations {
        let mut entries = Vec::new();
        for c in k.crosswalk.of(o.id.as_str()) {
            total += 1;
            let haystack = metiers_knowledge::fold(&format!("{} {} {}", o.title, c.code, c.label));
            if scheme.is_some_and(|s| s != c.scheme)
                || wanted.is_some_and(|w| w != c.relation)
                || !words.iter().all(|w| haystack.contains(w.as_str()))
            {
                continue;
            }
            shown += 1;
            entries.push(super::EntryView::new(k, c));
        }
        if !entries.is_empty() {
            rows.push(OccupationRows {
                id: o.id.to_string(),
                title: o.title.clone(),
                entries,
            });
        }
    }
    let unmapped = k
        .crosswalk
        .rome_without_occupation
        .iter()
        .map(|u| Unmapped {
            code: u.code.clone(),
            label: u.label.clone(),
            href: metiers_knowledge::rome::uri(&u.code),
            note: u.note.clone(),
        })
        .collect();
    render_with(
        status,
        &CrosswalkPage {
            l: Layout::new("Correspondances avec ROME et ESCO", "correspondances")
                .crumb("Correspondances", None),
            q,
            repertoire,
            relation,
            texte,
            relations: Relation::ALL
                .iter()
                .map(|r| (r.name(), r.label()))
                .collect(),
            error,
            looked_up,
            found,
            rows,
            shown,
            total,
            unmapped,
            proposal: k.crosswalk.method.proposal.clone(),
            review: k.crosswalk.method.review.clone(),
            sources: &SOURCES,
        },
    )
}
