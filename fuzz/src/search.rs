//! Fuzz check of the query analysis: `metiers_search::Engine` (built once from the published
//! edition) asked to search, suggest and match arbitrary text.
//!
//! Included as a module by the fuzz target `search_query` and by the replay test
//! `crates/search/tests/fuzz_regressions.rs`; it uses nothing but `metiers_search` and
//! `metiers_referentiel`.

use metiers_search::Engine;
use std::collections::HashSet;
use std::sync::LazyLock;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    let r = metiers_referentiel::published().referentiel;
    Engine::build(&r).expect("le moteur se construit sur l’édition publiée")
});

static KNOWN_IDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    metiers_referentiel::published()
        .referentiel
        .occupations
        .iter()
        .map(|o| o.id.as_str().to_owned())
        .collect()
});

/// The first byte chooses the number of results (0 to 50, as a caller may ask), the rest is
/// the text (invalid UTF-8 replaced). Checks: no panic; at most that many results; scores
/// finite, in [0, 1], best first; every id an occupation of the edition, once; highlighted
/// ranges inside their text, on character boundaries, in order and not overlapping.
pub fn check(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let limit = usize::from(first % 51);
    let text = String::from_utf8_lossy(rest);
    let engine = &*ENGINE;
    let known = &*KNOWN_IDS;

    let hits = engine.search(&text, limit);
    assert!(
        hits.len() <= limit,
        "search : {} résultats pour {limit}",
        hits.len()
    );
    check_scores("search", hits.iter().map(|h| h.score));
    check_ids("search", known, hits.iter().map(|h| h.id.as_str()));
    for h in &hits {
        for hl in &h.highlights {
            let mut end = 0;
            for r in &hl.ranges {
                assert!(
                    end <= r.start && r.start < r.end && r.end <= hl.text.len(),
                    "search : plage {}..{} invalide dans « {} »",
                    r.start,
                    r.end,
                    hl.text
                );
                assert!(
                    hl.text.is_char_boundary(r.start) && hl.text.is_char_boundary(r.end),
                    "search : plage {}..{} hors des limites de caractères",
                    r.start,
                    r.end
                );
                end = r.end;
            }
        }
    }

    let suggestions = engine.suggest(&text, limit);
    assert!(suggestions.len() <= limit, "suggest : trop de résultats");
    for s in &suggestions {
        assert!(
            known.contains(s.id.as_str()),
            "suggest : id inconnu {}",
            s.id
        );
        assert!(!s.label.is_empty(), "suggest : libellé vide");
    }

    let result = engine.match_text(&text, limit);
    assert_eq!(
        result.query, text,
        "match : le texte rendu n’est pas celui donné"
    );
    assert!(result.matches.len() <= limit, "match : trop de résultats");
    assert!(
        !result.confident || !result.matches.is_empty(),
        "match : sûr de lui sans résultat"
    );
    check_scores("match", result.matches.iter().map(|m| m.score));
    check_ids("match", known, result.matches.iter().map(|m| m.id.as_str()));
}

fn check_scores(what: &str, scores: impl Iterator<Item = f32>) {
    let mut previous = f32::INFINITY;
    for s in scores {
        assert!(
            s.is_finite() && (0.0..=1.0).contains(&s),
            "{what} : score {s} hors de [0, 1]"
        );
        assert!(s <= previous, "{what} : score {s} après {previous}");
        previous = s;
    }
}

fn check_ids<'a>(what: &str, known: &HashSet<String>, ids: impl Iterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for id in ids {
        assert!(known.contains(id), "{what} : id inconnu {id}");
        assert!(seen.insert(id), "{what} : {id} deux fois");
    }
}
