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
use std::sync::Arc;

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
    let answer = if text.len() <= MatchCache::MAX_TEXT_BYTES {
        state.match_cache.get_or_compute(text, top, || {
            Answer::new(&state.engine.match_text(text, top))
        })
    } else if text.len() <= BLOCKING_TEXT_BYTES {
        Answer::new(&state.engine.match_text(text, top)).map(Arc::new)
    } else {
        let text = text.to_owned();
        let engine = state.engine.clone();
        tokio::task::spawn_blocking(move || Answer::new(&engine.match_text(&text, top)))
            .await
            .map_err(|_| AppError::internal())?
            .map(Arc::new)
    }
    .map_err(|_| AppError::internal())?;
    state.metrics.record_match(answer.long, answer.confident);
    Ok(answer)
}

/// A match result as the API serves it: its JSON (`metiers match --format json`'s shape),
/// written once, and what the metrics count. The cache keeps these rather than the result:
/// a title's JSON is ~1.3 KB, while the result itself took ~4 KB more per cached title
/// (its evidence is many small strings; docs/PERFORMANCE.md, « Mémoire du cache »).
#[derive(Debug)]
pub struct Answer {
    json: Bytes,
    confident: bool,
    /// Longer than a title (an ad, a CV).
    long: bool,
}

impl Answer {
    /// The answer of a result.
    pub fn new(result: &MatchResult) -> Result<Self, serde_json::Error> {
        let mut json = serde_json::to_vec(result)?;
        // The writer doubles its buffer as it goes: up to half of it would be kept unused.
        json.shrink_to_fit();
        Ok(Answer {
            json: Bytes::from(json),
            confident: result.confident,
            long: result.is_long(),
        })
    }

    /// The result as JSON.
    pub fn json(&self) -> Bytes {
        self.json.clone()
    }

    /// The result again, read back from its JSON (for the page, which shows it).
    pub fn result(&self) -> Result<MatchResult, serde_json::Error> {
        serde_json::from_slice(&self.json)
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

/// Answers of `match` for short texts, keyed by (text, top). The engine is immutable, so a
/// cached answer is the answer. When full, the cache forgets first the entries asked once
/// (quick_cache's S3-FIFO policy): a stream of distinct titles (an import, a crawler) does
/// not push out the titles that recur. Its locks are sharded, and two requests for the same
/// missing title compute it once.
pub struct MatchCache {
    /// `None` when disabled.
    entries: Option<quick_cache::sync::Cache<(String, usize), Arc<Answer>>>,
}

impl std::fmt::Debug for MatchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatchCache")
            .field("capacity", &self.capacity())
            .field("len", &self.len())
            .finish()
    }
}

impl MatchCache {
    /// Entries kept by default: ~1.6 KB each for a job title (its JSON and its key), so
    /// ~30 MiB when full (measured in docs/PERFORMANCE.md, « Mémoire du cache »).
    pub const DEFAULT_ENTRIES: usize = 20_000;
    /// Texts longer than this (in bytes) are not cached: ads and CVs rarely recur.
    pub const MAX_TEXT_BYTES: usize = 256;

    /// A cache of `capacity` entries; 0 disables it.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: (capacity > 0).then(|| quick_cache::sync::Cache::new(capacity)),
        }
    }

    /// The cached answer, or `compute`'s, kept when the text is short.
    pub fn get_or_compute<E>(
        &self,
        text: &str,
        top: usize,
        compute: impl FnOnce() -> Result<Answer, E>,
    ) -> Result<Arc<Answer>, E> {
        match &self.entries {
            Some(cache) if text.len() <= Self::MAX_TEXT_BYTES => {
                cache.get_or_insert_with(&(text.to_owned(), top), || compute().map(Arc::new))
            }
            _ => compute().map(Arc::new),
        }
    }

    /// Entries it can hold: the capacity asked, rounded up to its shards'.
    pub fn capacity(&self) -> usize {
        self.entries.as_ref().map_or(0, |c| c.capacity() as usize)
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.entries.as_ref().map_or(0, |c| c.len())
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn result(text: &str) -> Result<Answer, serde_json::Error> {
        Answer::new(&MatchResult {
            query: text.to_owned(),
            confident: false,
            matches: Vec::new(),
            title_line: None,
            set_aside: Vec::new(),
            certainty: Default::default(),
            decided: false,
        })
    }

    fn query(answer: &Answer) -> String {
        answer.result().expect("JSON relu").query
    }

    #[test]
    fn the_match_cache_keeps_short_texts_and_never_grows_past_its_capacity() {
        let calls = Cell::new(0);
        let cache = MatchCache::new(2);
        let compute = |t: &str| {
            calls.set(calls.get() + 1);
            result(t)
        };
        for _ in 0..3 {
            assert_eq!(
                query(
                    &cache
                        .get_or_compute("a", 3, || compute("a"))
                        .expect("réponse")
                ),
                "a"
            );
        }
        assert_eq!(calls.get(), 1);
        // Another `top` is another entry.
        let _ = cache.get_or_compute("a", 5, || compute("a"));
        assert_eq!(calls.get(), 2);
        for t in ["b", "c", "d", "e"] {
            let _ = cache.get_or_compute(t, 3, || compute(t));
        }
        assert!(cache.len() <= cache.capacity(), "{cache:?}");
        // Long texts are never kept.
        let calls_before = calls.get();
        let long = "x".repeat(MatchCache::MAX_TEXT_BYTES + 1);
        let _ = cache.get_or_compute(&long, 3, || compute(&long));
        let _ = cache.get_or_compute(&long, 3, || compute(&long));
        assert_eq!(calls.get(), calls_before + 2);
    }

    #[test]
    fn recurring_titles_outlive_a_stream_of_distinct_ones() {
        // 20 titles asked again and again among 5,000 asked once, in a cache of 500: the
        // recurring ones stay (a cache cleared whole when full recomputed each of them at
        // every clearing: 220 times in all, counted by replaying this sequence on that policy).
        let cache = MatchCache::new(500);
        let recomputed = Cell::new(0);
        let hot: Vec<String> = (0..20).map(|i| format!("intitulé récurrent {i}")).collect();
        for round in 0..5_000 {
            let once = format!("intitulé vu une fois {round}");
            let _ = cache.get_or_compute(&once, 3, || result(&once));
            let title = &hot[round % hot.len()];
            let _ = cache.get_or_compute(title, 3, || {
                recomputed.set(recomputed.get() + 1);
                result(title)
            });
        }
        // Each computed once on first sight, and at most a few times more.
        assert!(
            recomputed.get() <= 2 * hot.len(),
            "{} calculs pour {} intitulés récurrents",
            recomputed.get(),
            hot.len()
        );
        assert!(
            cache.capacity() < 550 && cache.len() <= cache.capacity(),
            "{cache:?}"
        );
    }

    #[test]
    fn a_disabled_match_cache_always_computes() {
        let calls = Cell::new(0);
        let cache = MatchCache::new(0);
        for _ in 0..2 {
            let _ = cache.get_or_compute("a", 3, || {
                calls.set(calls.get() + 1);
                result("a")
            });
        }
        assert_eq!(calls.get(), 2);
    }

    #[test]
    fn a_failed_computation_is_not_kept() {
        let cache = MatchCache::new(4);
        let failed: Result<Arc<Answer>, &str> = cache.get_or_compute("a", 3, || Err("échec"));
        assert!(failed.is_err());
        let calls = Cell::new(0);
        let _ = cache.get_or_compute("a", 3, || {
            calls.set(calls.get() + 1);
            result("a")
        });
        assert_eq!(calls.get(), 1, "l'échec n'a pas été gardé");
    }

    #[test]
    fn an_answer_gives_back_the_engines_result() {
        let engine = metiers_search::Engine::build(&metiers_referentiel::published().referentiel)
            .expect("moteur");
        let ad = "Au sein de la direction du numérique, vous administrez les serveurs Linux et \
                  le réseau. Vous assurez le support aux utilisateurs. Nous offrons un cadre \
                  de travail agréable, télétravail possible. Candidature par courriel.";
        for text in ["administrateur réseaux", "DBA Oracle (H/F)", ad] {
            let mut expected = engine.match_text(text, 5);
            let answer = Answer::new(&expected).expect("JSON");
            expected.certainty = Default::default();
            assert_eq!(answer.result().expect("relu"), expected, "{text}");
            assert_eq!(answer.confident, expected.confident);
            assert_eq!(answer.long, text == ad);
        }
    }
}
