//! The pages of the référentiel: home (the fiches by group), « À propos », a fiche with its
//! close occupations, and a fiche's downloads.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use metiers_export::{Format, RenderOptions};
use metiers_knowledge::Scheme;
use metiers_referentiel::Occupation;

use super::{download, export_failed, unknown_page};
use crate::assets::dsfr_version;
use crate::error::AppError;
use crate::view::{Layout, Page, PageError, PagePath, render};
use crate::{AppState, text};

/// A close occupation, as the fiche shows it.
#[derive(Debug)]
struct Close {
    id: String,
    title: String,
    percent: u32,
    reason: String,
    rome: Vec<String>,
}

#[derive(Template)]
#[template(path = "referentiel/fiche.html")]
struct Fiche<'a> {
    l: Layout,
    o: &'a Occupation,
    education_range: String,
    group: Option<String>,
    similar: Vec<Close>,
    crosswalks: Vec<SchemeBlock>,
    skills: Vec<SkillView>,
}

/// A skill of the fiche, as the page shows it.
#[derive(Debug)]
struct SkillView {
    id: String,
    label: String,
    kind: &'static str,
    core: bool,
    level: Option<&'static str>,
}

/// The correspondences of the fiche in one repertory, and how to cite it.
#[derive(Debug)]
struct SchemeBlock {
    caption: &'static str,
    source: &'static str,
    entries: Vec<crate::crosswalks::EntryView>,
}

/// The correspondences of an occupation in one repertory, for the page.
fn crosswalk_views(
    state: &AppState,
    id: &str,
    scheme: Scheme,
) -> Vec<crate::crosswalks::EntryView> {
    state
        .knowledge
        .crosswalk
        .of(id)
        .iter()
        .filter(|c| c.scheme == scheme)
        .map(|c| crate::crosswalks::EntryView::new(&state.knowledge, c))
        .collect()
}

/// `GET /metiers/{id}`.
pub async fn fiche(State(state): State<AppState>, PagePath(id): PagePath<String>) -> Page {
    let o = state
        .referentiel
        .get(&id)
        .ok_or_else(|| unknown_page(&state.referentiel, &id))?;
    let similar = state
        .similar(&id)
        .unwrap_or_default()
        .iter()
        .take(5)
        .map(|s| Close {
            id: s.id.as_str().to_owned(),
            title: s.title.clone(),
            percent: text::percent(s.score),
            reason: s.reason.clone(),
            rome: s
                .rome_mobilities
                .iter()
                .map(|m| format!("{} → {}", m.from_code, m.to_code))
                .collect(),
        })
        .collect();
    let skills = state
        .knowledge
        .occupation_skills(&state.referentiel, o)
        .into_iter()
        .map(|s| SkillView {
            id: s.id,
            label: s.label,
            kind: s.kind.label(),
            core: s.core,
            level: s.level.map(|l| l.label()),
        })
        .collect();
    let group = state.groups.of(&id);
    let mut l = Layout::new(o.title.clone(), "accueil");
    if let Some(g) = group {
        l = l.crumb(g.title.clone(), Some(format!("/#groupe-{}", g.id)));
    }
    l = l.crumb(o.title.clone(), None);
    render(&Fiche {
        l,
        o,
        education_range: metiers_referentiel::export::level_range(o.education.as_ref()),
        group: group.map(|g| g.title.clone()),
        similar,
        crosswalks: vec![
            SchemeBlock {
                caption: "ROME 4.0",
                source: metiers_knowledge::rome::ATTRIBUTION,
                entries: crosswalk_views(&state, &id, Scheme::Rome),
            },
            SchemeBlock {
                caption: "ESCO",
                source: metiers_knowledge::esco::ATTRIBUTION,
                entries: crosswalk_views(&state, &id, Scheme::Esco),
            },
        ],
        skills,
    })
}

/// `GET /metiers/{id}/export/{format}`: one fiche in any export format.
pub async fn export(
    State(state): State<AppState>,
    PagePath((id, format)): PagePath<(String, String)>,
) -> Result<Response, PageError> {
    let r = &state.referentiel;
    let o = r.get(&id).ok_or_else(|| unknown_page(r, &id))?;
    let format = Format::parse(&format).ok_or_else(|| {
        AppError::not_found(
            "format_inconnu",
            "Format d’export inconnu : choisissez json, csv, markdown, ttl, jsonld ou xlsx.",
        )
    })?;
    let bytes = format
        .render_occupation(
            r,
            o,
            &RenderOptions {
                knowledge: Some(&state.knowledge),
                ..RenderOptions::default()
            },
        )
        .map_err(|e| export_failed(format, e))?;
    Ok(download(format, bytes, o.id.as_str()))
}

/// An occupation in the home page's groups.
#[derive(Debug)]
struct HomeOccupation {
    id: String,
    title: String,
    education: String,
    summary: String,
}

#[derive(Debug)]
struct HomeGroup {
    id: String,
    title: String,
    reason: String,
    occupations: Vec<HomeOccupation>,
}

#[derive(Template)]
#[template(path = "referentiel/home.html")]
struct Home {
    l: Layout,
    count: usize,
    note: String,
    groups: Vec<HomeGroup>,
}

pub async fn home(State(state): State<AppState>) -> Page {
    let r = &state.referentiel;
    let groups = state
        .groups
        .groups
        .iter()
        .map(|g| HomeGroup {
            id: g.id.clone(),
            title: g.title.clone(),
            reason: g.reason.clone(),
            occupations: g
                .occupations
                .iter()
                .filter_map(|id| r.get(id))
                .map(|o| HomeOccupation {
                    id: o.id.as_str().to_owned(),
                    title: o.title.clone(),
                    education: format!(
                        "Formation : {}",
                        metiers_referentiel::export::level_range(o.education.as_ref())
                    ),
                    summary: card_summary(o),
                })
                .collect(),
        })
        .collect();
    render(&Home {
        l: Layout::new("Accueil", "accueil"),
        count: r.occupations.len(),
        note: state.groups.note.clone(),
        groups,
    })
}

/// A line for an occupation's card: its other titles, or the start of its summary.
fn card_summary(o: &metiers_referentiel::Occupation) -> String {
    if !o.alt_titles.is_empty() {
        return format!("Aussi : {}", o.alt_titles.join(" ; "));
    }
    let first = o
        .summary
        .first()
        .cloned()
        .or_else(|| o.activities().next().map(|a| a.text.clone()))
        .unwrap_or_default();
    if first.chars().count() > 140 {
        let cut: String = first.chars().take(139).collect();
        format!("{}…", cut.trim_end())
    } else {
        first
    }
}

#[derive(Template)]
#[template(path = "referentiel/about.html")]
struct About {
    l: Layout,
    count: usize,
    edition_title: String,
    edition_id: String,
    sha256: Option<String>,
    groups_note: String,
    dsfr_version: &'static str,
    sources: &'static [metiers_knowledge::Source],
}

pub async fn about(State(state): State<AppState>) -> Page {
    let e = &state.referentiel.edition;
    render(&About {
        l: Layout::new("À propos", "a-propos").crumb("À propos", None),
        count: state.referentiel.occupations.len(),
        edition_title: e.title.clone(),
        edition_id: e.id.clone(),
        sha256: e.source_sha256.clone(),
        groups_note: state.groups.note.clone(),
        dsfr_version: dsfr_version(),
        sources: &metiers_knowledge::SOURCES,
    })
}
