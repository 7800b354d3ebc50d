//! Correspondences of the occupations with ROME 4.0 and ESCO: the reverse lookups (which
//! occupations correspond to a ROME code, an appellation or an ESCO occupation) and the whole
//! table, in the API (`/api/v1/crosswalks`) and on the portal (« Correspondances »). The
//! correspondences of one fiche are shown on its page and returned with it
//! ([`crate::referentiel`]).
//!
//! This module holds what the API and the pages share: [`lookup`], and [`EntryView`], one
//! correspondence as the pages show it (here and on the fiche).

pub mod api;
mod pages;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use metiers_knowledge::{Knowledge, Lookup, LookupError, Query};

use crate::AppState;
use crate::error::AppError;

/// Routes of the pages (the API's are registered by [`crate::api`]).
pub fn router() -> Router<AppState> {
    Router::new().route("/correspondances", get(pages::page))
}

/// One correspondence as a page shows it.
#[derive(Debug, Clone)]
pub struct EntryView {
    /// `rome` or `esco`.
    pub scheme: &'static str,
    /// The ROME code, or the ESCO occupation's code (its URI is `href`).
    pub code: String,
    pub label: String,
    pub href: String,
    /// French label and SKOS name of the relation.
    pub relation: &'static str,
    pub relation_name: &'static str,
    pub note: String,
}

impl EntryView {
    pub fn new(k: &Knowledge, c: &metiers_knowledge::Correspondence) -> Self {
        EntryView {
            scheme: c.scheme.name(),
            code: match c.scheme {
                metiers_knowledge::Scheme::Rome => c.code.clone(),
                metiers_knowledge::Scheme::Esco => k
                    .esco
                    .occupation(&c.code)
                    .map(|e| e.code.clone())
                    .unwrap_or_default(),
            },
            label: c.label.clone(),
            href: c.uri.clone(),
            relation: c.relation.label(),
            relation_name: c.relation.name(),
            note: c.note.clone(),
        }
    }
}

/// What a reverse lookup asks: a ROME code, an appellation (OGR code or text) or an ESCO
/// URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked<'a> {
    Rome(&'a str),
    Appellation(&'a str),
    Esco(&'a str),
    /// Any of the three, recognised by its shape; other text is an appellation's.
    Any(&'a str),
}

/// The occupations corresponding to what was asked: 400 for a malformed code, 404 with the
/// closest known ones for an unknown one.
pub fn lookup(k: &Knowledge, asked: Asked<'_>) -> Result<Lookup, AppError> {
    let malformed = |what: &str, example: &str, got: &str| {
        AppError::bad_request(
            "code_invalide",
            format!(
                "« {} » n’est pas {what} (ex. {example}).",
                crate::error::shown(got.trim())
            ),
        )
    };
    let result = match asked {
        Asked::Rome(code) => match Knowledge::parse_query(code) {
            Ok(q @ Query::Rome(_)) => k.lookup(&q),
            _ => return Err(malformed("un code ROME", "M1805", code)),
        },
        Asked::Esco(uri) => match Knowledge::parse_query(uri) {
            Ok(q @ Query::Esco(_)) => k.lookup(&q),
            _ => {
                return Err(malformed(
                    "une URI de profession ESCO",
                    "http://data.europa.eu/esco/occupation/…",
                    uri,
                ));
            }
        },
        Asked::Appellation(text) => appellation(k, text),
        Asked::Any(text) => match Knowledge::parse_query(text) {
            Ok(q) => k.lookup(&q),
            Err(_) => appellation(k, text),
        },
    };
    result.map_err(|e| match e {
        LookupError::Malformed(message) => AppError::bad_request("code_invalide", message),
        LookupError::Unknown { message, closest } => AppError::new(
            StatusCode::NOT_FOUND,
            "code_inconnu",
            if closest.is_empty() {
                message
            } else {
                format!("{message} Codes proches : {}.", closest.join(", "))
            },
        ),
    })
}

/// An appellation by its OGR code, or else by its text.
fn appellation(k: &Knowledge, text: &str) -> Result<Lookup, LookupError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(LookupError::Malformed(
            "Indiquez un code OGR ou l’intitulé d’une appellation ROME.".to_owned(),
        ));
    }
    if t.chars().count() > crate::params::MAX_QUERY_CHARS {
        return Err(LookupError::Malformed(format!(
            "L’intitulé dépasse {} caractères.",
            crate::params::MAX_QUERY_CHARS
        )));
    }
    match Knowledge::parse_query(t) {
        Ok(q @ Query::Appellation(_)) => k.lookup(&q),
        _ => k.lookup_appellation_text(t),
    }
}
