//! `metiers cartographie` as a person runs it: refused files, and a SIGKILL in the middle of
//! a large import, which must leave the workspace as it was (issue 5). Run on SQLite, and on
//! PostgreSQL when `METIERS_TEST_POSTGRES_URL` names a database (otherwise said on stderr).

mod common;

use common::{
    BIN, PositionKey, backends, import_sample, metiers, metiers_ok, metiers_said, positions_csv,
    snapshot, stale_keys, store_data,
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
        metiers_ok(&db, &["import", small.to_str().expect("utf-8 path")]);
        let after = snapshot(&db).await;
        assert_eq!((after.0.len(), after.1, after.2), (8, 2, 1));
    }
}

/// A workspace holding B1 (reviewed by Alice as testeur), B2 (the same title in capitals)
/// and Z1 (another title), its keys then aged as the store's conformance test
/// `keys_written_under_older_rules_are_rewritten_at_opening` ages them
/// ([`stale_keys::AGE_TITLE_KEYS`]), for the commands that open a workspace.
async fn workspace_with_aged_keys(db: &str, dir: &std::path::Path) {
    let file = dir.join("bidouille.csv");
    std::fs::write(&file, stale_keys::POSITIONS_CSV).expect("file written");
    metiers_ok(db, &["import", file.to_str().expect("utf-8 path")]);
    metiers_ok(db, &["review", "B1", "testeur", "--reviewer", "Alice"]);
    let store = metiers_store::Store::open(db)
        .await
        .expect("workspace opens");
    for sql in stale_keys::AGE_TITLE_KEYS {
        stale_keys::execute(&store, sql).await.expect(sql);
    }
    store.close().await;
}

/// The (occupation, status) of the position with external id `id` among `positions` (a
/// [`snapshot`]).
fn held(positions: &[PositionKey], id: &str) -> (Option<String>, &'static str) {
    positions
        .iter()
        .find(|p| p.0.as_deref() == Some(id))
        .map(|p| (p.2.clone(), p.3))
        .unwrap_or_else(|| panic!("{id} in the workspace"))
}

/// Checks that B2 holds the kept lesson (Alice's, testeur), not the removed one (Bruno's).
async fn assert_b2_holds_the_kept_lesson(ws: &common::Workspace) {
    let (positions, _, _) = snapshot(&ws.url).await;
    assert_eq!(
        held(&positions, "B2"),
        (Some("testeur".to_owned()), "proposed"),
        "{}",
        ws.kind()
    );
}

const REWRITE_SAID: &str = "intitulés normalisés réécrits selon les règles en vigueur : 3 poste(s), 1 intitulé(s) appris ; 1 intitulé(s) appris en double retiré(s)";
const RECLASSIFIED_SAID: &str =
    "1 poste(s) non relu(s) de ces intitulés rapproché(s) de nouveau avec la décision gardée";

#[tokio::test]
async fn a_key_rewrite_at_opening_is_said_and_its_titles_classified_again_by_the_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    for ws in backends(dir.path(), "rekey_cli") {
        let db = ws.url.clone();
        workspace_with_aged_keys(&db, dir.path()).await;
        let said = metiers_said(&db, &["stats"]);
        assert!(said.contains(REWRITE_SAID), "{}: {said}", ws.kind());
        assert!(said.contains(RECLASSIFIED_SAID), "{}: {said}", ws.kind());
        assert_b2_holds_the_kept_lesson(&ws).await;
        // Said once: the next opening finds the keys current.
        let again = metiers_said(&db, &["stats"]);
        assert!(!again.contains("réécrits"), "{}: {again}", ws.kind());
    }
}

#[tokio::test]
async fn a_key_rewrite_at_opening_is_said_and_its_titles_classified_again_by_serve() {
    let dir = tempfile::tempdir().expect("tempdir");
    for ws in backends(dir.path(), "rekey_serve") {
        let db = ws.url.clone();
        workspace_with_aged_keys(&db, dir.path()).await;
        let mut server = common::Server::start(&db);
        // Both said at start-up, before or after the address is announced.
        for wanted in [REWRITE_SAID, RECLASSIFIED_SAID] {
            if !server.drain_log().iter().any(|l| l.contains(wanted)) {
                server.wait_for_line(Duration::from_secs(30), |l| l.contains(wanted));
            }
        }
        drop(server);
        assert_b2_holds_the_kept_lesson(&ws).await;
    }
}

/// The learning loop with the real matcher: a decision on a title, even one that contradicts
/// the fiches, is proposed at once to the unreviewed positions of the same normalised title,
/// and removing the lesson gives them the fiches' answer again. A position whose catégorie is
/// far from the decided occupation's education keeps the decision first, sent back to review.
#[tokio::test]
async fn a_review_proposes_its_decision_to_the_positions_of_the_same_title() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("parc.csv");
    std::fs::write(
        &file,
        "Identifiant;Intitulé du poste;Catégorie\r\n\
         C1;Gestionnaire de parc informatique;\r\n\
         C2;GESTIONNAIRE DE PARC INFORMATIQUE;\r\n\
         C3;Gestionnaire du parc informatique et de la téléphonie;\r\n\
         C4;Gestionnaire de parc informatique;C\r\n",
    )
    .expect("file written");
    for ws in backends(dir.path(), "lesson") {
        let db = ws.url.clone();
        metiers_ok(&db, &["import", file.to_str().expect("utf-8 path")]);
        let (before, _, _) = snapshot(&db).await;
        let fiches = held(&before, "C2");
        assert_ne!(fiches.0.as_deref(), Some("testeur"), "{}", ws.kind());

        let said = metiers_said(&db, &["review", "C1", "testeur", "--reviewer", "Alice"]);
        assert!(
            said.contains("2 autre(s) poste(s) non relu(s) de même intitulé rapproché(s) de nouveau : cette décision leur est proposée"),
            "{}: {said}",
            ws.kind()
        );
        let (after, _, _) = snapshot(&db).await;
        assert_eq!(
            held(&after, "C2"),
            (Some("testeur".to_owned()), "proposed"),
            "{}",
            ws.kind()
        );
        // The testeur is recruited at Bac + 2, far from a catégorie C: the decision stays
        // first (the fiches' technicien poste de travail, within reach, would pass it), and a
        // person looks again.
        assert_eq!(
            held(&after, "C4"),
            (Some("testeur".to_owned()), "to_review"),
            "{}",
            ws.kind()
        );
        // Another title is not decided by the lesson.
        assert_eq!(held(&after, "C3"), held(&before, "C3"), "{}", ws.kind());

        metiers_ok(&db, &["learned", "--remove", "1", "--reviewer", "Bob"]);
        let (undone, _, _) = snapshot(&db).await;
        assert_eq!(held(&undone, "C2"), fiches, "{}", ws.kind());
    }
}
