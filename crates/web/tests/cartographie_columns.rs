//! Issue 15 through the portal: an HR file uploaded (CSV Windows-1252 and XLSX) comes back
//! whole from both downloads, its original columns first; the review page shows them; a
//! second file with other columns is said to be united. Issue 14.5: a review while another
//! process's import holds the SQLite write lock gets a French 503 after a short wait (not
//! the 30 s of the lock's timeout), with Retry-After; an import of the portal's own process
//! is refused at once (tested in the store, `sqlite_import_takes_the_write_lock_up_front`).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::portal::{Portal, TOKEN, bearer, page};
use http_body_util::BodyExt;
use tower::ServiceExt;

const HEADERS: [&str; 9] = [
    "Matricule",
    "Intitulé du poste",
    "Catégorie",
    "Site",
    "Site",
    "",
    "Missions",
    "ETP",
    "Code ROME",
];
const KEPT: [&str; 9] = [
    "Matricule",
    "Intitulé du poste",
    "Catégorie",
    "Site",
    "Site (2)",
    "Colonne F",
    "Missions",
    "ETP",
    "Code ROME",
];

fn rows() -> Vec<[&'static str; 9]> {
    vec![
        [
            "RH-01",
            "Développeur PHP",
            "B",
            "Paris",
            "Bercy",
            "sans en-tête",
            "Développe.\n\nTeste ; documente.",
            "0,5",
            "M1805",
        ],
        ["RH-02", "Testeur", "C", "Lyon", "", "", "Recette", "1", ""],
    ]
}

fn csv_1252() -> Vec<u8> {
    let quote = |v: &str| {
        if v.contains([';', '"', '\n']) {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_owned()
        }
    };
    let mut text = HEADERS.join(";") + "\r\n";
    for r in rows() {
        text += &r.iter().map(|v| quote(v)).collect::<Vec<_>>().join(";");
        text += "\r\n\r\n";
    }
    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!bad);
    bytes.into_owned()
}

fn xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        if !h.is_empty() {
            sheet.write_string(0, c as u16, *h).expect("write");
        }
    }
    for (i, r) in rows().iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            if !v.is_empty() {
                sheet
                    .write_string(1 + i as u32, c as u16, *v)
                    .expect("write");
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

/// A download's bytes, with its status.
async fn download(p: &Portal, uri: &str, cookie: &str) -> Vec<u8> {
    let response = p
        .app
        .clone()
        .oneshot(page(uri, Some(cookie)))
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK, "{uri}");
    response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec()
}

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
                    Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn check(rows_read: &[Vec<String>], what: &str) {
    assert_eq!(&rows_read[0][..KEPT.len()], KEPT, "{what}: headers");
    assert_eq!(rows_read[0][KEPT.len()], "Identifiant du métier", "{what}");
    assert_eq!(rows_read.len(), 3, "{what}");
    for (got, want) in rows_read[1..].iter().zip(rows()) {
        assert_eq!(&got[..KEPT.len()], want, "{what}: values unchanged");
    }
}

#[tokio::test]
async fn an_hr_file_comes_back_whole_through_the_portal() {
    let p = Portal::new().await;
    let login = p.login("Alice").await;
    for (name, bytes) in [("rh.csv", csv_1252()), ("rh.xlsx", xlsx())] {
        let r = p.import(&login, name, &bytes).await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
        for said in [
            "9 colonne(s) gardée(s) telles quelles",
            "2 poste(s) lu(s)",
            "1 cellule(s) sur plusieurs lignes",
            "« Site (2) »",
            "« Colonne F »",
            "catégorie statutaire",
        ] {
            assert!(r.body.contains(said), "{name}: « {said} » in {}", r.body);
        }
        let csv = read_csv(&download(&p, "/cartographie/export/csv", &login.cookie).await);
        check(&csv, &format!("{name} → CSV"));
        let xlsx = read_xlsx(download(&p, "/cartographie/export/xlsx", &login.cookie).await);
        check(&xlsx, &format!("{name} → XLSX"));
    }
    // The review page shows a position's original columns and what the HR columns weighed.
    let list = p.get("/cartographie/postes", Some(&login)).await;
    assert_eq!(list.status, StatusCode::OK);
    for said in [
        "Colonnes du fichier (9)",
        "<dt><strong>Site (2)</strong></dt><dd>Bercy</dd>",
        "<dd>Développe.<br><br>Teste ; documente.</dd>",
        "Code ROME M1805",
    ] {
        assert!(list.body.contains(said), "« {said} » in {}", list.body);
    }
    // The API gives the columns too.
    let api = p
        .send(bearer(
            axum::http::Method::GET,
            "/api/v1/positions?limit=1",
            TOKEN,
            None,
        ))
        .await
        .json();
    assert_eq!(api["positions"][0]["columns"][4]["header"], "Site (2)");
    assert_eq!(api["positions"][0]["columns"][4]["value"], "Bercy");

    // A file with other columns: the import and the dashboard say that the export unites.
    let other = "\u{feff}Matricule;Intitulé du poste;Bureau\nRH-03;Testeur;B12\n";
    let r = p.import(&login, "autre.csv", other.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains(
            "l’espace contient des imports aux colonnes différentes : l’export en fera l’union"
        ),
        "{}",
        r.body
    );
    let dashboard = p.get("/cartographie", Some(&login)).await;
    assert!(
        dashboard.body.contains("l’export en fait l’union"),
        "{}",
        dashboard.body
    );
    let csv = read_csv(&download(&p, "/cartographie/export/csv", &login.cookie).await);
    assert_eq!(csv[0][KEPT.len()], "Bureau", "union, first seen first");
    assert_eq!(csv[3][KEPT.len()], "B12");
}

#[tokio::test]
async fn a_review_during_an_import_is_told_to_retry() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("portail.db");
    let p = Portal::open(&format!("sqlite://{}", path.display())).await;
    let login = p.login("Alice").await;
    let r = p.import(&login, "rh.csv", &csv_1252()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = p.carto.store.all_positions().await.expect("positions")[0].id;
    // Another process's import: a connection of its own holding the write lock.
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("connection");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("lock");
    // The same review, asked while the lock is held and after.
    let review = || {
        Request::post(format!("/api/v1/positions/{id}/review"))
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                r#"{"occupation_id":"testeur","reviewer":"Alice"}"#,
            ))
            .expect("request")
    };
    let r = p.send(review()).await;
    r.assert_error(StatusCode::SERVICE_UNAVAILABLE, "base_occupee");
    assert!(
        r.json()["message"].as_str().is_some_and(|m| m
            .contains("occupée par une autre écriture (un import en cours, par exemple)")
            && m.contains("Réessayez dans quelques instants")),
        "{}",
        r.body
    );
    assert_eq!(r.headers[header::RETRY_AFTER], "5");
    assert_eq!(p.reviews().await, 0, "nothing recorded");
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("unlock");
    // The lock released, the same review goes through.
    assert_eq!(p.send(review()).await.status, StatusCode::OK);
    assert_eq!(p.reviews().await, 1);
}
