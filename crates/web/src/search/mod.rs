//! Search, autocompletion and matching of free text (a job title, an ad, a CV) to the
//! occupations: the API (`/api/v1/search`, `/suggest`, `/match`) and the pages
//! (« Rechercher », « Quel métier correspond ? »).
//!
//! This module holds what both use: [`run_match`] (the cache of short texts, long texts off
//! the async workers, the metrics) and the French names of the kinds of evidence.

pub mod api;
mod pages;

use axum::Router;
use axum::body::Bytes;
use axum::routing::get;
use metiers_search::MatchResult;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::AppState;
use crate::error::AppError;

/// Texts longer than this (in bytes) are matched on a blocking thread, off the async workers.
const BLOCKING_TEXT_BYTES: usize = 4_000;

/// Routes of the pages (the API's are registered by [`crate::api`]).
pub fn router() -> Router<AppState> {
    Router::new().route("/recherche", get(pages::search)).route(
        "/correspondance",
        get(pages::correspondance_form).post(pages::correspondance),
    )
}

/// Matches a checked text: short texts through the cache, long ones on a blocking thread;
/// counted in the metrics.
pub async fn run_match(state: &AppState, text: &str, top: usize) -> Result<Arc<Answer>, AppError> {
    let result = if text.len() <= MatchCache::MAX_TEXT_BYTES {
        state
            .match_cache
            .get_or_compute(text, top, || state.engine.match_text(text, top))
    } else if text.len() <= BLOCKING_TEXT_BYTES {
        Arc::new(Answer::new(state.engine.match_text(text, top)))
    } else {
        let text = text.to_owned();
        let engine = state.engine.clone();
        tokio::task::spawn_blocking(move || engine.match_text(&text, top))
            .await
            .map(|r| Arc::new(Answer::new(r)))
            .map_err(|_| AppError::internal())?
    };
    state.metrics.record_match(&result);
    Ok(result)
}

/// A match result, and its JSON once written: a cached result is served again without being
/// serialised again.
#[derive(Debug)]
pub struct Answer {
    result: MatchResult,
    json: OnceLock<Bytes>,
}

impl Answer {
    pub fn new(result: MatchResult) -> Self {
        Answer {
            result,
            json: OnceLock::new(),
        }
    }

    /// The result as JSON (`metiers match --format json`'s shape), written once.
    pub fn json(&self) -> Result<Bytes, serde_json::Error> {
        if let Some(json) = self.json.get() {
            return Ok(json.clone());
        }
        let json = Bytes::from(serde_json::to_vec(&self.result)?);
        Ok(self.json.get_or_init(|| json).clone())
    }
}

impl std::ops::Deref for Answer {
    type Target = MatchResult;

    fn deref(&self) -> &MatchResult {
        &self.result
    }
}

/// The French name of a kind of evidence.
pub fn evidence_kind(k: metiers_search::EvidenceKind) -> &'static str {
    use metiers_search::EvidenceKind as K;
    match k {
        K::Title => "Intitulé",
        K::AltTitle => "Autre appellation",
        K::LearnedTitle => "Intitulé appris",
        K::Activity => "Activité",
        K::Heading => "Rubrique",
        K::Vocabulary => "Vocabulaire",
        K::Term => "Terme",
        K::RomeAppellation => "Appellation ROME",
        K::EscoLabel => "Profession ESCO",
    }
}

/// Results of `match` for short texts, keyed by (text, top). The engine is immutable, so a
/// cached result is the result; the cache is cleared when full (no eviction order to keep).
#[derive(Debug)]
pub struct MatchCache {
    capacity: usize,
    entries: Mutex<HashMap<(String, usize), Arc<Answer>>>,
}

impl MatchCache {
    /// Entries kept by default (a few MB at most).
    pub const DEFAULT_ENTRIES: usize = 20_000;
    /// Texts longer than this (in bytes) are not cached: ads and CVs rarely recur.
    pub const MAX_TEXT_BYTES: usize = 256;

    /// A cache of `capacity` entries; 0 disables it.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached result, or `compute`'s, kept when the text is short.
    pub fn get_or_compute(
        &self,
        text: &str,
        top: usize,
        compute: impl FnOnce() -> MatchResult,
    ) -> Arc<Answer> {
        if self.capacity == 0 || text.len() > Self::MAX_TEXT_BYTES {
            return Arc::new(Answer::new(compute()));
        }
        let key = (text.to_owned(), top);
        if let Some(hit) = self.entries.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return hit;
        }
        let result = Arc::new(Answer::new(compute()));
        if let Ok(mut m) = self.entries.lock() {
            if m.len() >= self.capacity {
                m.clear();
            }
            m.insert(key, result.clone());
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn result(text: &str) -> MatchResult {
        MatchResult {
            query: text.to_owned(),
            confident: false,
            matches: Vec::new(),
            title_line: None,
            set_aside: Vec::new(),
            certainty: Default::default(),
        }
    }

    #[test]
    fn the_match_cache_keeps_short_texts_and_forgets_when_full() {
        let calls = Cell::new(0);
        let cache = MatchCache::new(2);
        let compute = |t: &str| {
            calls.set(calls.get() + 1);
            result(t)
        };
        for _ in 0..3 {
            assert_eq!(cache.get_or_compute("a", 3, || compute("a")).query, "a");
        }
        assert_eq!(calls.get(), 1);
        // Another `top` is another entry.
        cache.get_or_compute("a", 5, || compute("a"));
        assert_eq!(calls.get(), 2);
        // Full: cleared, then kept again.
        cache.get_or_compute("b", 3, || compute("b"));
        cache.get_or_compute("a", 3, || compute("a"));
        assert_eq!(calls.get(), 4);
        // Long texts are never kept.
        let long = "x".repeat(MatchCache::MAX_TEXT_BYTES + 1);
        cache.get_or_compute(&long, 3, || compute(&long));
        cache.get_or_compute(&long, 3, || compute(&long));
        assert_eq!(calls.get(), 6);
    }

    #[test]
    fn a_disabled_match_cache_always_computes() {
        let calls = Cell::new(0);
        let cache = MatchCache::new(0);
        for _ in 0..2 {
            cache.get_or_compute("a", 3, || {
                calls.set(calls.get() + 1);
                result("a")
            });
        }
        assert_eq!(calls.get(), 2);
    }
}
