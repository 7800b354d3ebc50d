//! What the fuzzer keeps for the JSON API, replayed on stable by `cargo test`: every file of
//! `fuzz/corpus/api_match/` and `fuzz/regressions/api_match/` goes through the same check as
//! the fuzz target (`fuzz/src/api.rs`: body of `POST /api/v1/match`, query string of
//! `GET /api/v1/search`, through the whole router).

#[path = "../../../fuzz/src/api.rs"]
mod check;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;

use std::path::Path;

#[test]
fn committed_corpus_and_regressions_replay() {
    let fuzz_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let n = replay::replay(&fuzz_dir, "api_match", check::check);
    assert!(n >= 10, "corpus api_match presque vide ({n} fichiers)");
}
