//! What the fuzzer keeps for the importer of positions, replayed on stable by `cargo test`:
//! every file of `fuzz/corpus/import_{csv,xlsx}/` and `fuzz/regressions/import_{csv,xlsx}/`
//! goes through the same check as the fuzz targets (`fuzz/src/import.rs`).
//!
//! The XLSX seeds of the corpus are real workbooks written by rust_xlsxwriter
//! ([`xlsx_seeds`]); `METIERS_FUZZ_SEEDS=1 cargo test -p metiers-store --test fuzz_regressions`
//! writes them again into `fuzz/corpus/import_xlsx/`. The corpus also holds them repacked
//! without compression (stored zip entries, `*-stocke.xlsx`), so that the fuzzer's mutations reach the XML of the
//! sheets instead of breaking a deflate stream.

mod common;

#[path = "../../../fuzz/src/import.rs"]
mod check;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn committed_csv_corpus_and_regressions_replay() {
    let n = replay::replay(&fuzz_dir(), "import_csv", check::check_csv);
    assert!(n >= 10, "corpus import_csv presque vide ({n} fichiers)");
}

#[test]
fn committed_xlsx_corpus_and_regressions_replay() {
    let n = replay::replay(&fuzz_dir(), "import_xlsx", check::check_xlsx);
    assert!(n >= 4, "corpus import_xlsx presque vide ({n} fichiers)");
}

/// The seeds are the shapes of real files, and each imports as such; the check holds on them.
#[test]
fn xlsx_seeds_import_and_pass_the_check() {
    let seeds = xlsx_seeds().expect("classeurs d’amorce");
    let expected = [
        ("simple", 3),
        ("fusions-et-titre", 3),
        ("deux-feuilles-formules", 2),
        ("types-varies", 3),
    ];
    assert_eq!(seeds.len(), expected.len());
    for ((name, bytes), (want_name, rows)) in seeds.iter().zip(expected) {
        assert_eq!(*name, want_name);
        let file = metiers_store::import::parse("postes.xlsx", bytes)
            .unwrap_or_else(|r| panic!("{name} refusé : {:?}", r.problems));
        assert_eq!(file.positions.len(), rows, "{name}");
        check::check_xlsx(bytes);
    }
    if std::env::var_os("METIERS_FUZZ_SEEDS").is_some() {
        let dir = fuzz_dir().join("corpus/import_xlsx");
        std::fs::create_dir_all(&dir).expect("dossier du corpus");
        for (name, bytes) in &seeds {
            std::fs::write(dir.join(format!("{name}.xlsx")), bytes).expect("écriture");
        }
    }
}

/// Small workbooks of the shapes HR teams send: plain, merged cells under a title row, an
/// empty first sheet and formulas, numbers and booleans among the strings.
fn xlsx_seeds() -> Result<Vec<(&'static str, Vec<u8>)>, XlsxError> {
    let mut seeds = Vec::new();

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Identifiant", "Intitulé du poste", "Service", "ETP"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (r, (id, title, service, n)) in [
        ("A1", "Développeur", "DSI", 1.0),
        ("A2", "Chef de projet MOA", "SG", 0.5),
        ("A3", "Administrateur réseaux", "", 2.0),
    ]
    .iter()
    .enumerate()
    {
        let r = 1 + r as u32;
        sheet.write_string(r, 0, *id)?;
        sheet.write_string(r, 1, *title)?;
        if !service.is_empty() {
            sheet.write_string(r, 2, *service)?;
        }
        sheet.write_number(r, 3, *n)?;
    }
    seeds.push(("simple", book.save_to_buffer()?));

    seeds.push(("fusions-et-titre", common::sample_xlsx()));

    let mut book = Workbook::new();
    book.add_worksheet().set_name("Vide")?;
    let sheet = book.add_worksheet();
    sheet.set_name("Postes 2026")?;
    sheet.write_string(0, 0, "Libellé emploi")?;
    sheet.write_string(0, 1, "Effectif")?;
    sheet.write_string(1, 0, "Testeur")?;
    sheet.write_formula(1, 1, "=1+1")?;
    sheet.write_string(2, 0, "Architecte technique")?;
    sheet.write_number(2, 1, 1.0)?;
    seeds.push(("deux-feuilles-formules", book.save_to_buffer()?));

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, "Matricule", &bold)?;
    sheet.write_string_with_format(0, 1, "INTITULE DU POSTE", &bold)?;
    sheet.write_string_with_format(0, 2, "Missions principales", &bold)?;
    sheet.write_number(1, 0, 1001.0)?;
    sheet.write_string(1, 1, "Data scientist")?;
    sheet.write_string(1, 2, "Analyser les données ;\nproduire des modèles")?;
    sheet.write_boolean(2, 0, true)?;
    sheet.write_string(2, 1, "RSSI")?;
    sheet.write_number(3, 0, 46_000.5)?;
    sheet.write_string(3, 1, "Urbaniste des systèmes d’information — 🏛")?;
    sheet.write_string(3, 2, "")?;
    seeds.push(("types-varies", book.save_to_buffer()?));

    Ok(seeds)
}

/// Found by `import_csv` (`fuzz/regressions/import_csv/fins-de-ligne-cr-seul.csv`): lines
/// ended by a lone `\r`, as the « CSV (Macintosh) » of Excel for Mac writes them, all got the
/// line number of the line before, so the report pointed at the wrong lines.
#[test]
fn lone_carriage_returns_end_lines() {
    let file = metiers_store::import::parse(
        "postes.csv",
        b"Intitul\xc3\xa9 du poste;Service\rD\xc3\xa9veloppeur;DSI\r\rTesteur;SG\r\nDBA;DSI\n",
    )
    .expect("fichier accepté");
    let lines: Vec<usize> = file.positions.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 4, 5]);
    assert_eq!(file.report.empty_lines, 1);

    let refused = metiers_store::import::parse(
        "postes.csv",
        b"Intitul\xc3\xa9 du poste;Service\rA;X\r\r;DSI\r",
    )
    .map(|_| ())
    .expect_err("ligne sans intitulé");
    assert_eq!(refused.problems[0].line, Some(4), "{:?}", refused.problems);
}
