//! `metiers cartographie` as a person runs it: refused files, and a SIGKILL in the middle of
//! a large import, which must leave the workspace as it was (issue 5). Run on SQLite, and on
//! PostgreSQL when `METIERS_TEST_POSTGRES_URL` names a database (otherwise said on stderr).

mod common;

use common::{
    BIN, backends, import_sample, metiers, metiers_ok, positions_csv, snapshot, store_data,
};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test]
async fn refused_file_changes_nothing_and_says_why_in_french() {
    let dir = tempfile::tempdir().expect("tempdir");
    for ws in backends(dir.path(), "refus") {
        let db = ws.url.clone();
        import_sample(&db);
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
    }
}

#[tokio::test]
async fn killing_an_import_leaves_the_workspace_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A large real-shaped file: 30,000 positions, enough for an import to take a while.
    let big = dir.path().join("gros.csv");
    let text = positions_csv("G", 30_000);
    std::fs::write(&big, text).expect("file written");
    for ws in backends(dir.path(), "kill") {
        let db = ws.url.clone();
        import_sample(&db);
        metiers_ok(&db, &["review", "P001", "testeur", "--reviewer", "Alice"]);
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
    }
}
