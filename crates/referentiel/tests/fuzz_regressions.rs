//! What the fuzzer keeps for the edition loader, replayed on stable by `cargo test`: every
//! file of `fuzz/corpus/referentiel_load/` and `fuzz/regressions/referentiel_load/` goes
//! through the same check as the fuzz target (`fuzz/src/referentiel.rs`).

#[path = "../../../fuzz/src/referentiel.rs"]
mod check;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;

use std::path::Path;

#[test]
fn committed_corpus_and_regressions_replay() {
    let fuzz_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let n = replay::replay(&fuzz_dir, "referentiel_load", check::check);
    assert!(
        n >= 5,
        "corpus referentiel_load presque vide ({n} fichiers)"
    );
}

/// The published edition, too large for the fuzzer's inputs, holds the same invariants.
#[test]
fn published_edition_passes_the_check() {
    check::check(metiers_referentiel::PUBLISHED_TEXT.as_bytes());
}
