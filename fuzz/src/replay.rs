//! Replays the committed inputs of a fuzz target through its check, from `cargo test`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Runs `check` on every file of `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/`
/// (`fuzz_dir` is the `fuzz/` folder) and panics naming every input that fails. Returns
/// how many inputs were replayed.
pub fn replay(fuzz_dir: &Path, target: &str, check: fn(&[u8])) -> usize {
    let mut count = 0;
    let mut failures = Vec::new();
    for kind in ["corpus", "regressions"] {
        let dir = fuzz_dir.join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths.into_iter().filter(|p| p.is_file()) {
            let data = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("lecture de {} impossible : {e}", path.display()));
            count += 1;
            if catch_unwind(AssertUnwindSafe(|| check(&data))).is_err() {
                failures.push(path.display().to_string());
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} entrée(s) de {target} en échec :\n{}",
        failures.len(),
        failures.join("\n")
    );
    count
}
