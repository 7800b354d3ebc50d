//! Inputs found by fuzzing the query analysis (`fuzz/`, target `search_query`), kept fixed
//! by name.

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
