//! Fuzz check of the importer of positions: `metiers_store::import::parse` on arbitrary
//! bytes, as a CSV file and as an XLSX file (pure parsing, no database).
//!
//! Included as a module by the fuzz targets `import_csv` and `import_xlsx` and by the replay
//! test `crates/store/tests/fuzz_regressions.rs`; it uses nothing but `metiers_store` and `metiers_referentiel`.

use metiers_store::import::{ParsedFile, parse};

/// Reads `data` as the file `postes.csv`.
pub fn check_csv(data: &[u8]) {
    check("postes.csv", data);
}

/// Reads `data` as the file `postes.xlsx`.
pub fn check_xlsx(data: &[u8]) {
    check("postes.xlsx", data);
}

/// Reads `data` as `file_name` and checks what the importer promises: no panic; a refused
/// file says why; an accepted file has at least one position, each with a non-blank,
/// whitespace-normalised title, a unique key, a plausible headcount and its own line.
pub fn check(file_name: &str, data: &[u8]) {
    match parse(file_name, data) {
        Err(report) => {
            assert!(!report.problems.is_empty(), "fichier refusé sans raison");
            for p in &report.problems {
                assert!(!p.message.trim().is_empty(), "raison de refus vide");
            }
        }
        Ok(file) => check_accepted(&file),
    }
}

fn check_accepted(file: &ParsedFile) {
    let report = &file.report;
    assert!(
        report.problems.is_empty(),
        "fichier accepté avec des problèmes"
    );
    assert!(!file.positions.is_empty(), "fichier accepté sans poste");
    assert_eq!(report.rows, file.positions.len());
    assert_eq!(file.sha256.len(), 64);
    let mut keys = std::collections::HashSet::new();
    let mut previous_line = 0;
    for p in &file.positions {
        assert!(!p.title.trim().is_empty(), "intitulé vide ligne {}", p.line);
        assert_eq!(
            p.title,
            metiers_referentiel::text::normalize_ws(&p.title),
            "intitulé non normalisé ligne {}",
            p.line
        );
        assert!(!p.key.is_empty(), "clé vide ligne {}", p.line);
        assert!(keys.insert(p.key.as_str()), "clé en double : {}", p.key);
        if let Some(n) = p.headcount {
            assert!(
                n.is_finite() && (0.0..=1_000_000.0).contains(&n),
                "effectif {n} accepté ligne {}",
                p.line
            );
        }
        assert!(
            p.line > previous_line,
            "lignes dans le désordre : {} après {previous_line}",
            p.line
        );
        previous_line = p.line;
    }
}
