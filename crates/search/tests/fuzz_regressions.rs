//! What the fuzzer keeps for the query analysis, replayed on stable by `cargo test`: every
//! file of `fuzz/corpus/search_query/` and `fuzz/regressions/search_query/` goes through the
//! same check as the fuzz target (`fuzz/src/search.rs`: first byte = number of results).

#[path = "../../../fuzz/src/search.rs"]
mod check;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;

use std::path::Path;

#[test]
fn committed_corpus_and_regressions_replay() {
    let fuzz_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let n = replay::replay(&fuzz_dir, "search_query", check::check);
    assert!(n >= 10, "corpus search_query presque vide ({n} fichiers)");
}

/// Found by `search_query` (`fuzz/regressions/search_query/top-zero-sur-sans-resultat`):
/// asked for no result, `match_text` said it was sure of a first match it did not return.
#[test]
fn no_confidence_without_a_match() {
    let r = metiers_referentiel::published().referentiel;
    let engine = metiers_search::Engine::build(&r).expect("moteur");
    let none = engine.match_text("développeur web", 0);
    assert!(none.matches.is_empty());
    assert!(!none.confident);
    // The same text with room for an answer is matched surely: only `top` changed.
    let one = engine.match_text("développeur web", 1);
    assert_eq!(one.matches.len(), 1);
    assert!(one.confident, "{one:?}");
}
