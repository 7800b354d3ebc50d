//! `metiers cartographie` as a person runs it: refused files, and a SIGKILL in the middle of
//! a large import, which must leave the workspace as it was (issue 5). Run on SQLite, and on
//! PostgreSQL when `METIERS_TEST_POSTGRES_URL` names a database (otherwise said on stderr).

use metiers_store::Store;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_metiers");

fn store_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../store/tests/data")
        .join(name)
}

fn metiers(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["cartographie", "--db", db])
        .args(args)
        .env_remove("METIERS_DB")
        .output()
        .expect("metiers runs")
}

/// A workspace URL per backend: SQLite in `dir`, and PostgreSQL in a fresh schema when configured.
fn backends(dir: &Path, test: &str) -> Vec<(String, Option<(String, String)>)> {
    let mut out = vec![(format!("sqlite://{}", dir.join("carto.db").display()), None)];
    match std::env::var("METIERS_TEST_POSTGRES_URL") {
        Ok(base) => {
            let schema = format!("metiers_cli_{}_{test}", std::process::id());
            let status = Command::new("psql")
                .args([
                    base.as_str(),
                    "-q",
                    "-c",
                    &format!("CREATE SCHEMA {schema}"),
                ])
                .status()
                .expect("psql runs");
            assert!(status.success(), "schema {schema} created");
            let sep = if base.contains('?') { '&' } else { '?' };
            out.push((
                format!("{base}{sep}options[search_path]={schema}"),
                Some((base, schema)),
            ));
        }
        Err(_) => {
            let _ = writeln!(
                std::io::stderr(),
                "IGNORÉ : partie PostgreSQL du test « {test} » non exécutée, METIERS_TEST_POSTGRES_URL n’est pas défini"
            );
        }
    }
    out
}

fn drop_schema(pg: Option<(String, String)>) {
    if let Some((base, schema)) = pg {
        let _ = Command::new("psql")
            .args([
                base.as_str(),
                "-q",
                "-c",
                &format!("SET client_min_messages = warning; DROP SCHEMA {schema} CASCADE"),
            ])
            .status();
    }
}

/// Positions as (external id, title, occupation, status), sorted: what must not change.
async fn snapshot(
    url: &str,
) -> (
    Vec<(Option<String>, String, Option<String>, &'static str)>,
    usize,
    i64,
) {
    let store = Store::open(url).await.expect("workspace opens");
    let mut all: Vec<_> = store
        .all_positions()
        .await
        .expect("positions")
        .into_iter()
        .map(|p| (p.external_id, p.title, p.occupation_id, p.status.as_str()))
        .collect();
    all.sort();
    let imports = store.imports().await.expect("imports").len();
    let reviews = store.count_reviews().await.expect("reviews");
    store.close().await;
    (all, imports, reviews)
}

#[tokio::test]
async fn refused_file_changes_nothing_and_says_why_in_french() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (db, pg) in backends(dir.path(), "refus") {
        let ok = metiers(
            &db,
            &[
                "import",
                store_data("postes-excel-windows1252.csv")
                    .to_str()
                    .expect("utf-8 path"),
            ],
        );
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let before = snapshot(&db).await;
        let out = metiers(
            &db,
            &[
                "import",
                store_data("sans-intitule.csv")
                    .to_str()
                    .expect("utf-8 path"),
            ],
        );
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("refusé"), "{err}");
        assert!(
            err.contains("ligne 3, colonne B « Intitulé du poste » : intitulé du poste manquant"),
            "{err}"
        );
        assert!(err.contains("Aucune modification"), "{err}");
        assert_eq!(snapshot(&db).await, before);
        drop_schema(pg);
    }
}

#[tokio::test]
async fn killing_an_import_leaves_the_workspace_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A large real-shaped file: 30,000 positions, enough for an import to take a while.
    let big = dir.path().join("gros.csv");
    let titles = [
        "Développeur Java",
        "Administrateur systèmes",
        "Chef de projet MOA",
        "Technicien support",
        "Testeur",
    ];
    let mut text = String::from("Identifiant;Intitulé du poste;Service;ETP\n");
    for i in 0..30_000 {
        text.push_str(&format!(
            "G{i};{} {};Bureau {};1\n",
            titles[i % titles.len()],
            i % 97,
            i % 13
        ));
    }
    std::fs::write(&big, text).expect("file written");
    for (db, pg) in backends(dir.path(), "kill") {
        let ok = metiers(
            &db,
            &[
                "import",
                store_data("postes-excel-windows1252.csv")
                    .to_str()
                    .expect("utf-8 path"),
            ],
        );
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let p1 = metiers(&db, &["review", "P001", "testeur", "--reviewer", "Alice"]);
        assert!(
            p1.status.success(),
            "{}",
            String::from_utf8_lossy(&p1.stderr)
        );
        let before = snapshot(&db).await;
        assert_eq!((before.0.len(), before.1, before.2), (6, 1, 1));

        let mut child = Command::new(BIN)
            .args([
                "cartographie",
                "--db",
                &db,
                "import",
                big.to_str().expect("utf-8 path"),
            ])
            .env_remove("METIERS_DB")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("import starts");
        let stderr = child.stderr.take().expect("stderr piped");
        // Wait until rows are being written inside the transaction, then SIGKILL.
        let started = Instant::now();
        let mut seen = Vec::new();
        for line in BufReader::new(stderr).lines() {
            let line = line.expect("stderr line");
            let writing = line.starts_with("progression : ") && !line.contains("enregistrement");
            seen.push(line);
            if writing {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "no progress: {seen:?}"
            );
        }
        child.kill().expect("SIGKILL sent");
        let status = child.wait().expect("child reaped");
        assert!(
            !status.success(),
            "the import was killed before its end: {seen:?}"
        );

        assert_eq!(
            snapshot(&db).await,
            before,
            "nothing of the killed import remains"
        );
        // The workspace still works: another import completes.
        let small = dir.path().join("petit.csv");
        std::fs::write(
            &small,
            "Identifiant;Intitulé du poste\nS1;Testeur\nS2;Webmestre\n",
        )
        .expect("file written");
        let again = metiers(&db, &["import", small.to_str().expect("utf-8 path")]);
        assert!(
            again.status.success(),
            "{}",
            String::from_utf8_lossy(&again.stderr)
        );
        let after = snapshot(&db).await;
        assert_eq!((after.0.len(), after.1, after.2), (8, 2, 1));
        drop_schema(pg);
    }
}
