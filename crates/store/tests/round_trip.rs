//! Issue 15: an HR file goes in (CSV `;` Windows-1252, CSV UTF-8 with BOM, XLSX) with extra
//! columns, repeated and empty headers, multi-line cells and decimal commas; every export
//! gives back every original header and value, then the product's columns. On SQLite and on
//! PostgreSQL (when `METIERS_TEST_POSTGRES_URL` names a database).

#[macro_use]
mod common;

use common::{FakeClassifier, TestDb};
use metiers_store::export::PRODUCT_HEADERS;
use metiers_store::import::Field;
use metiers_store::{Classifier, HrSignals, ImportOutcome, Store, StoreError};
use std::sync::Arc;

on_both_backends!(
    hr_file_round_trips_through_both_exports,
    different_columns_are_united_and_said,
    oversized_cells_refuse_the_whole_file,
    repertory_codes_are_used_or_reported_on_their_line,
);

/// The headers as written in the file (`""`: no header), and what the store keeps them as.
const FILE_HEADERS: [&str; 12] = [
    "Matricule",
    "Intitulé du poste",
    "Catégorie",
    "Grade",
    "Site",
    "Site",
    "SITE",
    "",
    "Missions",
    "ETP",
    "Commentaire RH",
    "Code ROME",
];
const KEPT: [&str; 12] = [
    "Matricule",
    "Intitulé du poste",
    "Catégorie",
    "Grade",
    "Site",
    "Site (2)",
    "SITE",
    "Colonne H",
    "Missions",
    "ETP",
    "Commentaire RH",
    "Code ROME",
];

/// The positions of the file, cell by cell (an empty line comes after the second).
fn file_rows() -> Vec<[&'static str; 12]> {
    vec![
        [
            "A001",
            "Développeur PHP",
            "B",
            "Technicien principal",
            "Paris",
            "Bercy",
            "bât. 2",
            "note libre",
            "Développe les applications.\n\nTeste le code ; rédige la doc.",
            "0,5",
            "Remarque\nsur deux lignes",
            "M1805",
        ],
        [
            "A002",
            "Testeur",
            "C",
            "Adjoint technique",
            "Lyon",
            "",
            "",
            "",
            "Recette",
            "1",
            "",
            "",
        ],
        [
            "A003",
            "Chef de projet",
            "A",
            "Attaché principal",
            "Nantes",
            "Site « B »",
            "",
            "",
            "Pilote\r\n\r\nles projets",
            "1,25",
            "l’équipe « projets », 3 agents",
            "",
        ],
    ]
}

/// The file as CSV text with `sep`, quoting what needs it; CRLF line ends as Excel writes.
fn csv_text(sep: char) -> String {
    let quote = |v: &str| {
        if v.contains([sep, '"', '\n', '\r']) {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_owned()
        }
    };
    let line = |cells: &[&str]| {
        cells
            .iter()
            .map(|c| quote(c))
            .collect::<Vec<_>>()
            .join(&sep.to_string())
    };
    let rows = file_rows();
    let mut out = String::new();
    out.push_str(&line(&FILE_HEADERS));
    out.push_str("\r\n");
    for (i, r) in rows.iter().enumerate() {
        out.push_str(&line(r));
        out.push_str("\r\n");
        if i == 1 {
            out.push_str("\r\n");
        }
    }
    out
}

fn csv_windows_1252() -> Vec<u8> {
    let text = csv_text(';');
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable, "the sample fits Windows-1252");
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    bytes.into_owned()
}

fn csv_utf8_bom() -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(csv_text(',').as_bytes());
    bytes
}

/// The same table as a workbook: ETP as numbers, an empty row after the second position.
fn xlsx() -> Vec<u8> {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in FILE_HEADERS.iter().enumerate() {
        if !h.is_empty() {
            sheet.write_string(0, c as u16, *h).expect("write");
        }
    }
    for (i, r) in file_rows().iter().enumerate() {
        let row = 1 + i as u32 + u32::from(i == 2);
        for (c, v) in r.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            if c == 9 {
                let n: f64 = v.replace(',', ".").parse().expect("number");
                sheet.write_number(row, c as u16, n).expect("write");
            } else {
                sheet.write_string(row, c as u16, *v).expect("write");
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

/// The values the store must keep for a format: as written, numbers of a workbook as the
/// workbook gives them (`0.5`).
fn expected_rows(workbook: bool) -> Vec<Vec<String>> {
    file_rows()
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(c, v)| {
                    if workbook && c == 9 {
                        v.replace(',', ".").trim_end_matches(".0").to_owned()
                    } else {
                        (*v).to_owned()
                    }
                })
                .collect()
        })
        .collect()
}

fn classifier() -> Arc<dyn Classifier> {
    Arc::new(HrSignals::new(
        FakeClassifier::shared(),
        Arc::new(metiers_referentiel::published().referentiel),
        metiers_knowledge::Knowledge::shared().expect("embedded knowledge"),
    ))
}

async fn import(store: &Store, name: &str, bytes: Vec<u8>) -> Result<ImportOutcome, StoreError> {
    store.import_file(name, bytes, classifier(), &|_| {}).await
}

/// A CSV export as rows of cells (BOM and `;` of the French convention checked).
fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text)
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

/// An XLSX export as rows of cells, numbers as a spreadsheet shows them.
fn read_xlsx(bytes: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::{Data, Reader};
    let mut book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).expect("workbook");
    let range = book.worksheet_range("Cartographie").expect("sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// Every original header and value first, then the product's columns.
fn check_export(rows: &[Vec<String>], expected: &[Vec<String>], what: &str) {
    let header: Vec<&str> = rows[0].iter().map(String::as_str).collect();
    assert_eq!(
        &header[..KEPT.len()],
        KEPT,
        "{what}: original headers first"
    );
    assert_eq!(
        &header[KEPT.len()..],
        PRODUCT_HEADERS,
        "{what}: then the product's"
    );
    assert_eq!(
        rows.len(),
        1 + expected.len(),
        "{what}: one line per position"
    );
    for (row, want) in rows[1..].iter().zip(expected) {
        assert_eq!(&row[..KEPT.len()], &want[..], "{what}: values unchanged");
    }
}

async fn hr_file_round_trips_through_both_exports(db: &TestDb) {
    let store = &db.store;
    let r = metiers_referentiel::published().referentiel;
    let files: [(&str, Vec<u8>, bool, &str); 3] = [
        ("postes-rh.csv", csv_windows_1252(), false, "Windows-1252"),
        (
            "postes-rh-utf8.csv",
            csv_utf8_bom(),
            false,
            "UTF-8 avec BOM",
        ),
        ("postes-rh.xlsx", xlsx(), true, "XLSX"),
    ];
    for (i, (name, bytes, workbook, format)) in files.into_iter().enumerate() {
        let out = import(store, name, bytes)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let rep = &out.report;
        assert!(rep.format.contains(format), "{name}: {}", rep.format);
        assert_eq!(rep.kept, KEPT, "{name}: every column kept, in order");
        // 1 header + 3 records (the first over 4 lines, the third over 3) + 1 empty line; a
        // workbook has one row per record.
        let physical = if workbook { 5 } else { 1 + 4 + 1 + 1 + 3 };
        assert_eq!(
            (rep.physical_lines, rep.records, rep.rows, rep.empty_lines),
            (physical, 4, 3, 1),
            "{name}: counts"
        );
        assert_eq!(rep.multiline_cells, 3, "{name}");
        let field = |h: &str| rep.columns.iter().find(|c| c.name.as_deref() == Some(h));
        assert_eq!(
            field("Catégorie").and_then(|c| c.field),
            Some(Field::Category)
        );
        assert_eq!(
            field("Code ROME").and_then(|c| c.field),
            Some(Field::RomeCode)
        );
        assert_eq!(
            field("Matricule").and_then(|c| c.field),
            Some(Field::ExternalId)
        );
        assert_eq!(field("Commentaire RH").and_then(|c| c.field), None);
        let warnings: Vec<String> = rep.warnings.iter().map(ToString::to_string).collect();
        assert!(
            warnings.iter().any(|w| w.contains("« Site (2) »")),
            "{warnings:?}"
        );
        assert!(
            warnings.iter().any(|w| w.contains("« Colonne H »")),
            "{warnings:?}"
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("« SITE »") && w.contains("casse")),
            "{warnings:?}"
        );
        let understood = rep.understood().join("\n");
        assert!(
            understood.contains("12 colonne(s) gardée(s)")
                && understood.contains("4 enregistrement(s) sous les en-têtes")
                && understood.contains("1 vide(s) ignoré(s)")
                && understood.contains("3 cellule(s) sur plusieurs lignes"),
            "{understood}"
        );
        assert!(!understood.contains("ligne(s) vide(s)"), "{understood}");
        if i == 0 {
            assert_eq!((out.inserted, out.updated), (3, 0));
        } else {
            assert_eq!(
                (out.inserted, out.updated),
                (0, 3),
                "{name}: same matricules"
            );
        }
        let expected = expected_rows(workbook);
        let positions = store.all_positions().await.expect("positions");
        assert_eq!(positions.len(), 3);
        for (p, want) in positions.iter().zip(&expected) {
            let headers: Vec<&str> = p.columns.iter().map(|c| c.header.as_str()).collect();
            assert_eq!(headers, KEPT);
            let values: Vec<&str> = p.columns.iter().map(|c| c.value.as_str()).collect();
            assert_eq!(values, *want, "{name}: kept exactly as read");
        }
        // Missions keep their line breaks.
        assert_eq!(
            positions[0].missions.as_deref(),
            Some("Développe les applications.\n\nTeste le code ; rédige la doc.")
        );
        // The ROME code went through the crosswalk; the evidence says so, in French.
        assert!(
            positions[0]
                .evidence
                .iter()
                .any(|e| e.starts_with("Code ROME M1805")),
            "{:?}",
            positions[0].evidence
        );
        let csv = read_csv(&metiers_store::export::to_csv(&positions, &r).expect("csv"));
        check_export(&csv, &expected, &format!("{name} → CSV"));
        // One French convention for the product's numbers: no decimal point.
        let score = KEPT.len() + 2;
        let others = KEPT.len() + 7;
        for row in &csv[1..] {
            assert!(!row[score].contains('.'), "score {:?}", row[score]);
            assert!(!row[others].contains('.'), "others {:?}", row[others]);
        }
        assert!(
            csv[1..].iter().any(|row| row[others].contains(',')),
            "a decimal comma in « Autres propositions »: {:?}",
            csv.iter().map(|r| &r[others]).collect::<Vec<_>>()
        );
        let xlsx = read_xlsx(metiers_store::export::to_xlsx(&positions, &r).expect("xlsx"));
        check_export(&xlsx, &expected, &format!("{name} → XLSX"));
    }
}

async fn different_columns_are_united_and_said(db: &TestDb) {
    let store = &db.store;
    import(store, "postes-rh.csv", csv_windows_1252())
        .await
        .expect("first file");
    let other = "Matricule;Intitulé du poste;Bureau;Site\nB001;Testeur;B12;Lille\n";
    let out = import(store, "autre.csv", other.as_bytes().to_vec())
        .await
        .expect("second file");
    assert!(
        out.report.warnings.iter().any(|w| w.message.contains(
            "l’espace contient des imports aux colonnes différentes : l’export en fera l’union"
        )),
        "{:?}",
        out.report.warnings
    );
    let positions = store.all_positions().await.expect("positions");
    let layout = metiers_store::export::Layout::of(&positions);
    let mut union: Vec<&str> = KEPT.to_vec();
    union.push("Bureau");
    assert_eq!(layout.original, union, "first seen first");
    assert!(layout.note().is_some_and(|n| n.contains("l’union")));
    let r = metiers_referentiel::published().referentiel;
    let csv = read_csv(&metiers_store::export::to_csv(&positions, &r).expect("csv"));
    let last = csv.last().expect("a line");
    assert_eq!(last[0], "B001");
    assert_eq!(last[4], "Lille", "« Site » under « Site »");
    assert_eq!(
        last[KEPT.len()],
        "B12",
        "« Bureau » at the end of the union"
    );
    assert_eq!(last[2], "", "no « Catégorie » in that file");
}

async fn oversized_cells_refuse_the_whole_file(db: &TestDb) {
    let store = &db.store;
    let long = "x".repeat(metiers_store::import::MAX_CELL_CHARS + 1);
    let text = format!("Intitulé du poste;Commentaire\nTesteur;court\nDéveloppeur;\"{long}\"\n");
    match import(store, "long.csv", text.into_bytes()).await {
        Err(StoreError::Rejected(r)) => {
            let p = &r.problems[0];
            assert_eq!(p.line, Some(3));
            assert_eq!(p.column.as_deref(), Some("B « Commentaire »"));
            assert!(p.message.contains("32767"), "{}", p.message);
        }
        other => panic!("refused expected: {other:?}"),
    }
    assert_eq!(
        store.count_positions().await.expect("count"),
        0,
        "all or nothing"
    );
}

/// A matcher that waits, once inside, until the test lets it go.
struct Blocking {
    entered: std::sync::Mutex<std::sync::mpsc::Sender<()>>,
    release: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
}

impl Classifier for Blocking {
    fn classify_batch(
        &self,
        inputs: &[metiers_store::ClassifyInput<'_>],
        learned: &[metiers_store::LearnedTitle],
    ) -> Vec<metiers_store::Classification> {
        if let Ok(tx) = self.entered.lock() {
            let _ = tx.send(());
        }
        if let Ok(rx) = self.release.lock() {
            let _ = rx.recv();
        }
        FakeClassifier.classify_batch(inputs, learned)
    }
}

/// Issue 14.5: on SQLite an import takes the write lock when it begins, and a review asked
/// meanwhile is refused at once with a French message instead of waiting for the lock.
#[tokio::test]
async fn sqlite_import_takes_the_write_lock_up_front() {
    use sqlx::Connection;
    let db = TestDb::sqlite().await;
    import(&db.store, "postes-rh.csv", csv_windows_1252())
        .await
        .expect("first import");
    let (entered_tx, entered_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel();
    let blocking = Blocking {
        entered: std::sync::Mutex::new(entered_tx),
        release: std::sync::Mutex::new(release_rx),
    };
    let store = db.store.clone();
    let running = tokio::spawn(async move {
        store
            .import_file("postes-rh.csv", csv_utf8_bom(), Arc::new(blocking), &|_| {})
            .await
    });
    tokio::task::spawn_blocking(move || entered_rx.recv())
        .await
        .expect("joined")
        .expect("the matcher is called");
    while !db.store.import_in_progress() {
        tokio::task::yield_now().await;
    }
    // Another connection cannot write: the lock was taken before the matching ended.
    let mut other = sqlx::SqliteConnection::connect(&db.url)
        .await
        .expect("connection");
    sqlx::query("PRAGMA busy_timeout = 0")
        .execute(&mut other)
        .await
        .expect("pragma");
    let e = sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect_err("the import holds the write lock");
    assert_eq!(
        StoreError::from(e).unavailable(),
        Some(metiers_store::Unavailable::Busy)
    );
    drop(other);
    // A review is told why, in French, without waiting (the store checks before any write).
    match db.store.review(1, "testeur", "Alice", classifier()).await {
        Err(e @ StoreError::ImportInProgress) => {
            assert_eq!(e.unavailable(), Some(metiers_store::Unavailable::Importing));
            let message = e.to_string();
            assert!(
                message.contains("Un import de fichier est en cours")
                    && message.contains("Réessayez dans quelques instants"),
                "{message}"
            );
        }
        other => panic!("refusal expected: {other:?}"),
    }
    release_tx.send(()).expect("release");
    let out = running.await.expect("joined").expect("import");
    assert_eq!(out.updated, 3);
    assert!(!db.store.import_in_progress());
    db.store
        .refuse_during_import()
        .await
        .expect("no import any more");
    db.cleanup().await;
}

/// Issue 11.4: a ROME code or an ESCO URI column goes through the crosswalk; a value the
/// repertories do not know is reported on its line, kept, and not used.
async fn repertory_codes_are_used_or_reported_on_their_line(db: &TestDb) {
    let store = &db.store;
    let developer = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1";
    let file = format!(
        "Identifiant;Intitulé du poste;Code ROME;Profession ESCO\r\n\
         R1;Chargé de la bidouille numérique;M1805;\r\n\
         R2;Chargé de la bidouille numérique;Z9999;\r\n\
         R3;Chargé de la bidouille numérique;pas un code;\r\n\
         R4;Chargé de la bidouille numérique;;{developer}\r\n\
         R5;Chargé de la bidouille numérique;;http://data.europa.eu/esco/occupation/00000000-0000-0000-0000-000000000000\r\n"
    );
    let out = import(store, "codes.csv", file.into_bytes())
        .await
        .expect("unknown codes are warnings, not a refusal");
    assert_eq!(out.inserted, 5);
    let warned = |line: usize, what: &str| {
        out.report
            .warnings
            .iter()
            .any(|w| w.line == Some(line) && w.message.contains(what))
    };
    assert!(warned(3, "Z9999"), "{:?}", out.report.warnings);
    assert!(warned(4, "illisible"), "{:?}", out.report.warnings);
    assert!(warned(6, "ESCO"), "{:?}", out.report.warnings);
    assert!(!warned(2, "") && !warned(5, ""), "known codes: no warning");

    let position = |key: &'static str| async move {
        store.find_position(key).await.expect("query").expect(key)
    };
    let r4 = position("R4").await;
    assert_eq!(r4.occupation_id.as_deref(), Some("concepteur-developpeur"));
    assert!(
        r4.evidence
            .iter()
            .any(|e| e.starts_with("Profession ESCO « développeur de logiciels")),
        "{:?}",
        r4.evidence
    );
    let r2 = position("R2").await;
    assert_eq!(r2.occupation_id, None, "an unknown code teaches nothing");
    assert!(
        r2.evidence.iter().any(|e| e.contains("Non pris en compte")),
        "{:?}",
        r2.evidence
    );
}
