//! Files of positions for the tests.

use std::path::{Path, PathBuf};

/// A file of `crates/store/tests/data`.
pub fn store_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../store/tests/data")
        .join(name)
}

/// A CSV file of `count` positions `{prefix}{i}` with real-shaped titles.
pub fn positions_csv(prefix: &str, count: usize) -> String {
    let titles = [
        "Développeur Java",
        "Administrateur systèmes",
        "Chef de projet MOA",
        "Technicien support",
        "Testeur",
    ];
    let mut text = String::from("Identifiant;Intitulé du poste;Service;ETP\n");
    for i in 0..count {
        text.push_str(&format!(
            "{prefix}{i};{} {};Bureau {};1\n",
            titles[i % titles.len()],
            i % 97,
            i % 13
        ));
    }
    text
}
