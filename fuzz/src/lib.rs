//! The checks that the fuzz targets run, one module per part of the project.
//!
//! Each module holds one `check`-style function that feeds arbitrary bytes to a part of the
//! project and asserts its invariants (a panic is a finding). The fuzz targets under
//! `fuzz_targets/` call them; the replay tests `crates/*/tests/fuzz_regressions.rs` include
//! the same files with `#[path]` and run them on the committed corpus and regressions, so
//! that `cargo test` on stable replays what the fuzzer found. That is why each module uses
//! only crates that the crate it tests already depends on.

pub mod api;
pub mod import;
pub mod referentiel;
pub mod replay;
pub mod search;
