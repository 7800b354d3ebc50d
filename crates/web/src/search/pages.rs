//! The pages « Rechercher » and « Quel métier correspond ? ».

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::{evidence_kind, run_match};
use crate::params::{MAX_QUERY_CHARS, MAX_TEXT_CHARS, check_text};
use crate::referentiel::levels_match;
use crate::text::{Segment, segments};
use crate::view::{Layout, PageForm, PageQuery, PageWithStatus, levels, render_with};
use crate::{AppError, AppState, text};

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    /// Empty string when "Indifférent" is chosen.
    min_level: Option<String>,
    max_level: Option<String>,
}

#[derive(Debug)]
struct HitView {
    id: String,
    title: String,
    percent: u32,
    education: String,
    highlights: Vec<HighlightView>,
}

#[derive(Debug)]
struct HighlightView {
    heading: Option<String>,
    segments: Vec<Segment>,
}

#[derive(Template)]
#[template(path = "search/search.html")]
struct SearchPage {
    l: Layout,
    q: String,
    min_options: Vec<(u8, String, bool)>,
    max_options: Vec<(u8, String, bool)>,
    error: Option<String>,
    searched: bool,
    filtered: bool,
    hits: Vec<HitView>,
}

/// A level from a select: empty means none; anything else must be 0 to 8.
fn level(v: Option<&str>) -> Result<Option<u8>, String> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<u8>()
            .ok()
            .filter(|n| *n <= 8)
            .map(Some)
            .ok_or_else(|| {
                "Niveau d’études invalide : choisissez une valeur de la liste.".to_owned()
            }),
    }
}

/// `GET /recherche?q=…&min_level=…&max_level=…`.
pub async fn search(
    State(state): State<AppState>,
    PageQuery(p): PageQuery<SearchParams>,
) -> PageWithStatus {
    let q = p.q.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let mut error = None;
    let (min_level, max_level) =
        match (level(p.min_level.as_deref()), level(p.max_level.as_deref())) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                error = Some(e);
                (None, None)
            }
        };
    if let (Some(a), Some(b)) = (min_level, max_level)
        && a > b
    {
        error = Some("Le niveau minimal est supérieur au niveau maximal.".to_owned());
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        error = Some(format!(
            "La recherche dépasse {MAX_QUERY_CHARS} caractères : raccourcissez-la."
        ));
    }
    let searched = error.is_none() && !q.is_empty();
    let filtered = min_level.is_some() || max_level.is_some();
    let hits = if searched {
        let r = &state.referentiel;
        state
            .engine
            .search(&q, r.occupations.len())
            .into_iter()
            .filter_map(|h| r.get(h.id.as_str()).map(|o| (h, o)))
            .filter(|(_, o)| levels_match(o, min_level, max_level))
            .map(|(h, o)| HitView {
                id: h.id.as_str().to_owned(),
                title: h.title,
                percent: text::percent(h.score),
                education: format!(
                    "Formation : {}",
                    metiers_referentiel::export::level_range(o.education.as_ref())
                ),
                highlights: h
                    .highlights
                    .into_iter()
                    .take(3)
                    .map(|hl| HighlightView {
                        segments: segments(&hl.text, &hl.ranges),
                        heading: hl.heading,
                    })
                    .collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let title = if searched {
        format!("Recherche « {} »", q.chars().take(60).collect::<String>())
    } else {
        "Rechercher un métier".to_owned()
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render_with(
        status,
        &SearchPage {
            l: Layout::new(title, "recherche").crumb("Recherche", None),
            q,
            min_options: options(min_level),
            max_options: options(max_level),
            error,
            searched,
            filtered,
            hits,
        },
    )
}

/// The level options of a select, the chosen one marked.
fn options(chosen: Option<u8>) -> Vec<(u8, String, bool)> {
    levels()
        .into_iter()
        .map(|(n, label)| (n, label, chosen == Some(n)))
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct MatchForm {
    texte: Option<String>,
    top: Option<String>,
}

#[derive(Debug)]
struct MatchView {
    id: String,
    title: String,
    percent: u32,
    /// The score rounded down to a tenth, for the gauge's width class.
    percent_step: u32,
    evidence: Vec<EvidenceView>,
    /// For a long text: its sentences that decided for this occupation.
    sentences: Vec<String>,
}

#[derive(Debug)]
struct EvidenceView {
    kind: &'static str,
    text: String,
    heading: Option<String>,
    terms: Vec<String>,
    /// For a repertory's label: how it reaches the occupation.
    via: Option<String>,
}

#[derive(Debug)]
struct ResultView {
    confident: bool,
    matches: Vec<MatchView>,
    /// For a long text: the line read as its title, and the sentences set aside.
    title_line: Option<String>,
    set_aside: Vec<String>,
}

#[derive(Template)]
#[template(path = "search/correspondance.html")]
struct Correspondance {
    l: Layout,
    text: String,
    top_options: Vec<(usize, bool)>,
    error: Option<String>,
    result: Option<ResultView>,
}

/// `GET /correspondance` (the form; `?texte=` runs it, for short texts and links).
pub async fn correspondance_form(
    State(state): State<AppState>,
    PageQuery(f): PageQuery<MatchForm>,
) -> PageWithStatus {
    if f.texte.is_some() {
        run(&state, f).await
    } else {
        page(String::new(), 3, None, None, StatusCode::OK)
    }
}

/// `POST /correspondance`.
pub async fn correspondance(
    State(state): State<AppState>,
    PageForm(f): PageForm<MatchForm>,
) -> PageWithStatus {
    run(&state, f).await
}

async fn run(state: &AppState, f: MatchForm) -> PageWithStatus {
    let raw = f.texte.unwrap_or_default();
    let top = match f.top.as_deref().map(str::trim) {
        None | Some("") => 3,
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=10).contains(n))
            .unwrap_or(3),
    };
    let text = match check_text(&raw) {
        Ok(t) => t.to_owned(),
        Err(e) => {
            // Keep what was typed (cut, so that a huge text is not sent back).
            let kept: String = raw.chars().take(MAX_TEXT_CHARS).collect();
            return page(kept, top, Some(e.message), None, StatusCode::BAD_REQUEST);
        }
    };
    let result = run_match(state, &text, top)
        .await?
        .result()
        .map_err(|_| AppError::internal())?;
    let view = ResultView {
        confident: result.confident,
        matches: result
            .matches
            .iter()
            .map(|m| {
                let percent = text::percent(m.score);
                MatchView {
                    id: m.id.as_str().to_owned(),
                    title: m.title.clone(),
                    percent,
                    percent_step: (percent / 10) * 10,
                    evidence: m
                        .evidence
                        .iter()
                        .take(6)
                        .map(|e| EvidenceView {
                            kind: evidence_kind(e.kind),
                            text: e.text.clone(),
                            heading: e.heading.clone(),
                            terms: e.terms.clone(),
                            via: e.via.clone(),
                        })
                        .collect(),
                    sentences: m.sentences.clone(),
                }
            })
            .collect(),
        title_line: result.title_line.clone(),
        set_aside: result.set_aside.clone(),
    };
    page(text, top, None, Some(view), StatusCode::OK)
}

fn page(
    text: String,
    top: usize,
    error: Option<String>,
    result: Option<ResultView>,
    status: StatusCode,
) -> PageWithStatus {
    render_with(
        status,
        &Correspondance {
            l: Layout::new("Quel métier correspond ?", "correspondance")
                .crumb("Quel métier correspond ?", None),
            text,
            top_options: [3, 5, 10].into_iter().map(|n| (n, n == top)).collect(),
            error,
            result,
        },
    )
}
