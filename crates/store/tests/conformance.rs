//! The conformance suite: every test runs on SQLite and on PostgreSQL (when
//! `METIERS_TEST_POSTGRES_URL` names a database; otherwise each PostgreSQL test says, on
//! standard error, that it did not run).

#[macro_use]
mod common;

use common::stale_keys::{self, execute};
use common::{FakeClassifier, TestDb, data, sample_xlsx};
use metiers_store::import::Field;
use metiers_store::{PositionFilter, Status, Store, StoreError};

on_both_backends!(
    real_shaped_csv_is_understood_and_classified,
    same_file_twice_does_not_duplicate,
    files_without_identifiers_are_keyed_by_content,
    bad_files_are_refused_and_nothing_is_written,
    xlsx_with_merged_cells_imports,
    reviews_are_recorded_with_previous_value_and_teach_titles,
    learned_titles_are_reversible,
    a_review_reclassifies_the_same_title_at_once_and_its_removal_undoes_it,
    reviewed_positions_survive_reimport,
    reviews_history_is_append_only,
    dashboard_counts_positions_agents_and_what_is_left,
    exports_read_back,
    positions_are_filtered_and_paged,
    admin_token_and_sessions,
    workspace_survives_reopening,
    keys_written_under_older_rules_are_rewritten_at_opening,
);

async fn import(
    store: &Store,
    name: &str,
    bytes: Vec<u8>,
) -> Result<metiers_store::ImportOutcome, StoreError> {
    store
        .import_file(name, bytes, FakeClassifier::shared(), &|_| {})
        .await
}

async fn import_ok(store: &Store, name: &str) -> metiers_store::ImportOutcome {
    import(store, name, data(name))
        .await
        .unwrap_or_else(|e| panic!("{name} importé : {e:?}"))
}

/// The position of the file's identifier `key`, which must exist.
async fn position(store: &Store, key: &str) -> metiers_store::Position {
    store
        .find_position(key)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("{key} exists"))
}

/// A reviewer's decision, which must be recorded.
async fn review(store: &Store, id: i64, occupation: &str, reviewer: &str) {
    store
        .review(id, occupation, reviewer, FakeClassifier::shared())
        .await
        .expect("review");
}

fn referentiel() -> metiers_referentiel::Referentiel {
    metiers_referentiel::published().referentiel
}

async fn real_shaped_csv_is_understood_and_classified(db: &TestDb) {
    let store = &db.store;
    let out = import_ok(store, "postes-excel-windows1252.csv").await;
    assert_eq!((out.inserted, out.updated), (6, 0));
    let r = &out.report;
    assert!(r.format.contains("Windows-1252"), "{}", r.format);
    assert!(r.format.contains("« ; »"), "{}", r.format);
    assert_eq!(
        r.header_line,
        Some(3),
        "the title line above the table is skipped"
    );
    assert_eq!(r.empty_lines, 2);
    let field = |h: &str| {
        r.columns
            .iter()
            .find(|c| c.header == h)
            .and_then(|c| c.field)
    };
    assert_eq!(field("Code poste"), Some(Field::ExternalId));
    assert_eq!(field("Intitulé du poste"), Some(Field::Title));
    assert_eq!(field("Direction / Service"), Some(Field::Service));
    assert_eq!(field("ETP"), Some(Field::Headcount));
    assert_eq!(field("Missions principales"), Some(Field::Missions));
    assert_eq!(
        field("Nom de l'agent"),
        None,
        "personal data is not imported"
    );
    assert_eq!(field("Commentaire"), None);
    let understood = r.understood().join("\n");
    assert!(
        understood.contains(
            "Colonne B « Intitulé du poste » : gardée, → intitulé du poste (lue pour le rapprochement)"
        ),
        "{understood}"
    );

    let p = position(store, "P003").await;
    assert_eq!(p.title, "Chef de projet maîtrise d'ouvrage");
    assert_eq!(p.headcount, Some(0.5));
    assert_eq!(p.service.as_deref(), Some("Mission transformation"));
    assert_eq!(p.status, Status::ToReview, "not confident");
    assert_eq!(p.matches.len(), 3);
    assert_eq!(
        p.occupation_id.as_deref(),
        Some("chef-de-projet-maitrise-d-ouvrage-si")
    );
    let p = position(store, "P001").await;
    assert_eq!(p.status, Status::Proposed);
    assert_eq!(
        p.missions.as_deref(),
        Some("Développe et maintient les applications métier en Java")
    );
    assert_eq!(p.source_line, Some(4));
    let p = position(store, "P006").await;
    assert_eq!(
        (p.status, p.occupation_id.clone()),
        (Status::ToReview, None),
        "no suggestion"
    );
}

async fn same_file_twice_does_not_duplicate(db: &TestDb) {
    let store = &db.store;
    import_ok(store, "postes-excel-windows1252.csv").await;
    let again = import_ok(store, "postes-excel-windows1252.csv").await;
    assert_eq!((again.inserted, again.updated), (0, 6));
    assert_eq!(store.count_positions().await.expect("count"), 6);
    let imports = store.imports().await.expect("imports");
    assert_eq!(imports.len(), 2);
    let last = &imports[0];
    assert!(last.id > imports[1].id, "most recent first: {imports:?}");
    assert_eq!(
        (
            last.file_name.as_str(),
            last.row_count,
            last.inserted,
            last.updated
        ),
        ("postes-excel-windows1252.csv", 6, 0, 6)
    );
}

async fn files_without_identifiers_are_keyed_by_content(db: &TestDb) {
    let store = &db.store;
    let out = import_ok(store, "postes-utf8-bom-virgules.csv").await;
    assert!(
        out.report.format.contains("UTF-8 avec BOM") && out.report.format.contains("« , »"),
        "{}",
        out.report.format
    );
    // Two identical « Testeur » rows are two positions.
    assert_eq!(out.inserted, 4);
    let again = import_ok(store, "postes-utf8-bom-virgules.csv").await;
    assert_eq!((again.inserted, again.updated), (0, 4));
    assert_eq!(store.count_positions().await.expect("count"), 4);
    let page = store
        .positions(&PositionFilter {
            text: Some("java".into()),
            ..Default::default()
        })
        .await
        .expect("list");
    let p = page.positions.first().expect("found");
    assert_eq!(p.service.as_deref(), Some("Bureau des applications, SI RH"));
    assert_eq!(
        p.missions.as_deref(),
        Some("Développe les applications, rédige les tests\net maintient le code"),
        "the line break of the cell is kept"
    );
}

async fn bad_files_are_refused_and_nothing_is_written(db: &TestDb) {
    let store = &db.store;
    let mut truncated = sample_xlsx();
    truncated.truncate(truncated.len() / 2);
    let cases: Vec<(&str, Vec<u8>, Option<usize>, &str)> = vec![
        ("vide.csv", data("vide.csv"), None, "vide"),
        (
            "sans-intitule.csv",
            data("sans-intitule.csv"),
            Some(3),
            "intitulé du poste manquant",
        ),
        (
            "colonnes-decalees.csv",
            data("colonnes-decalees.csv"),
            Some(3),
            "guillemets",
        ),
        (
            "identifiant-en-double.csv",
            data("identifiant-en-double.csv"),
            Some(3),
            "déjà utilisé ligne 2",
        ),
        (
            "effectif-illisible.csv",
            data("effectif-illisible.csv"),
            Some(2),
            "effectif « deux » illisible",
        ),
        (
            "sans-en-tete.csv",
            data("sans-en-tete.csv"),
            Some(1),
            "aucune colonne d’intitulé",
        ),
        (
            "en-tetes-seulement.csv",
            data("en-tetes-seulement.csv"),
            None,
            "aucun poste",
        ),
        (
            "binaire.csv",
            data("binaire.csv"),
            Some(3),
            "pas du texte lisible",
        ),
        (
            "bom-utf8-invalide.csv",
            data("bom-utf8-invalide.csv"),
            Some(1),
            "UTF-8",
        ),
        ("tronque.xlsx", truncated, None, "classeur illisible"),
        (
            "renomme.xlsx",
            b"Intitule;Service\nDev;SI\n".to_vec(),
            None,
            "extension de classeur",
        ),
    ];
    for (name, bytes, line, words) in cases {
        match import(store, name, bytes).await {
            Err(StoreError::Rejected(report)) => {
                let first = report
                    .problems
                    .first()
                    .unwrap_or_else(|| panic!("{name}: a problem is reported"));
                assert!(
                    first.message.contains(words),
                    "{name}: « {} » should contain « {words} »",
                    first.message
                );
                assert_eq!(first.line, line, "{name}: {first}");
                assert!(first.message.contains(':'), "{name}: says what to do");
            }
            other => panic!("{name} should be refused, got {other:?}"),
        }
        assert_eq!(
            store.count_positions().await.expect("count"),
            0,
            "{name}: nothing written"
        );
        assert!(
            store.imports().await.expect("imports").is_empty(),
            "{name}: no import recorded"
        );
    }
    // A file with one bad row among good ones writes none of them either.
    import_ok(store, "postes-excel-windows1252.csv").await;
    let Err(StoreError::Rejected(_)) =
        import(store, "sans-intitule.csv", data("sans-intitule.csv")).await
    else {
        panic!("refused");
    };
    assert_eq!(store.count_positions().await.expect("count"), 6);
    assert!(store.find_position("A1").await.expect("query").is_none());
}

async fn xlsx_with_merged_cells_imports(db: &TestDb) {
    let store = &db.store;
    let out = import(store, "postes.xlsx", sample_xlsx())
        .await
        .expect("imported");
    assert_eq!(out.inserted, 3);
    assert!(
        out.report.format.contains("XLSX, feuille « Postes »"),
        "{}",
        out.report.format
    );
    assert_eq!(out.report.header_line, Some(3));
    let p = position(store, "1002").await;
    assert_eq!(
        p.service.as_deref(),
        Some("Bureau des applications"),
        "merged cell value repeated"
    );
    assert_eq!(p.headcount, Some(2.0));
    assert!(
        out.report
            .warnings
            .iter()
            .any(|w| w.message.contains("fusionnées"))
    );
}

async fn reviews_are_recorded_with_previous_value_and_teach_titles(db: &TestDb) {
    let store = &db.store;
    import_ok(store, "postes-excel-windows1252.csv").await;
    let p1 = position(store, "P001").await;
    let confirmed = store
        .review(
            p1.id,
            "concepteur-developpeur",
            "Alice",
            FakeClassifier::shared(),
        )
        .await
        .expect("review");
    assert_eq!(confirmed.position.status, Status::Confirmed);
    assert_eq!(confirmed.position.reviewer.as_deref(), Some("Alice"));
    assert_eq!(confirmed.review.previous_status, "proposed");
    assert_eq!(
        confirmed.review.previous_occupation_id.as_deref(),
        Some("concepteur-developpeur")
    );

    let p6 = position(store, "P006").await;
    let corrected = store
        .review(p6.id, "specialiste-ihm", "Bruno", FakeClassifier::shared())
        .await
        .expect("review");
    assert_eq!(corrected.position.status, Status::Corrected);
    assert_eq!(corrected.review.previous_occupation_id, None);
    let learned = corrected.learned.expect("title learned");
    assert_eq!(
        (learned.title.as_str(), learned.occupation_id.as_str()),
        ("Chargé de la bidouille numérique", "specialiste-ihm")
    );

    // Changing one's mind appends to the history.
    review(store, p6.id, "testeur", "Chloé").await;
    let history = store.reviews(p6.id).await.expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[1].previous_occupation_id.as_deref(),
        Some("specialiste-ihm")
    );
    assert_eq!(history[1].previous_status, "corrected");
    assert_eq!(history[1].reviewer, "Chloé");
    let active = store.active_learned().await.expect("learned");
    assert!(
        active
            .iter()
            .any(|l| l.title == "Chargé de la bidouille numérique" && l.occupation_id == "testeur")
    );
    assert!(
        !active.iter().any(|l| l.occupation_id == "specialiste-ihm"),
        "the older lesson is superseded"
    );

    // A later import in this workspace uses the learned title.
    let file = "Identifiant;Intitulé du poste\r\nN1;CHARGÉ DE LA BIDOUILLE NUMÉRIQUE\r\n"
        .as_bytes()
        .to_vec();
    import(store, "nouveaux.csv", file).await.expect("imported");
    let n1 = store.find_position("N1").await.expect("query").expect("N1");
    assert_eq!(
        (n1.occupation_id.as_deref(), n1.status),
        (Some("testeur"), Status::Proposed)
    );

    assert!(matches!(
        store
            .review(p1.id, "testeur", "  ", FakeClassifier::shared())
            .await,
        Err(StoreError::BadReviewer)
    ));
    assert!(matches!(
        store
            .review(999_999, "testeur", "Alice", FakeClassifier::shared())
            .await,
        Err(StoreError::UnknownPosition(_))
    ));
    assert_eq!(store.count_reviews().await.expect("count"), 3);
}

async fn learned_titles_are_reversible(db: &TestDb) {
    let store = &db.store;
    import_ok(store, "postes-excel-windows1252.csv").await;
    let p6 = position(store, "P006").await;
    let learned = store
        .review(p6.id, "specialiste-ihm", "Alice", FakeClassifier::shared())
        .await
        .expect("review")
        .learned
        .expect("learned");
    let removed = store
        .remove_learned(learned.id, "Bruno", FakeClassifier::shared())
        .await
        .expect("removed");
    assert_eq!(removed.learned.removed_by.as_deref(), Some("Bruno"));
    assert!(store.active_learned().await.expect("active").is_empty());
    let all = store.learned_titles(true).await.expect("history");
    assert_eq!(all.len(), 1, "removal is kept in the history");
    assert!(matches!(
        store
            .remove_learned(learned.id, "Bruno", FakeClassifier::shared())
            .await,
        Err(StoreError::UnknownLearned(_))
    ));
    let file = "Identifiant;Intitulé du poste\r\nN1;Chargé de la bidouille numérique\r\n"
        .as_bytes()
        .to_vec();
    import(store, "nouveaux.csv", file).await.expect("imported");
    let n1 = store.find_position("N1").await.expect("query").expect("N1");
    assert_eq!(
        n1.occupation_id, None,
        "the removed title no longer teaches the matcher"
    );
}

async fn reviewed_positions_survive_reimport(db: &TestDb) {
    let store = &db.store;
    import_ok(store, "postes-excel-windows1252.csv").await;
    let p3 = position(store, "P003").await;
    review(store, p3.id, "directeur-de-projets-si", "Alice").await;
    import_ok(store, "postes-excel-windows1252.csv").await;
    let p3 = position(store, "P003").await;
    assert_eq!(p3.status, Status::Corrected);
    assert_eq!(p3.occupation_id.as_deref(), Some("directeur-de-projets-si"));
    assert_eq!(p3.reviewer.as_deref(), Some("Alice"));
}

/// The number a `SELECT COUNT(*)` returns, whatever the backend.
async fn count(store: &Store, sql: &'static str) -> i64 {
    match store.backend() {
        metiers_store::Backend::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        metiers_store::Backend::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
    }
    .expect(sql)
}

async fn reviews_history_is_append_only(db: &TestDb) {
    let store = &db.store;
    import_ok(store, "postes-excel-windows1252.csv").await;
    let p1 = position(store, "P001").await;
    review(store, p1.id, "testeur", "Alice").await;
    let update = "UPDATE reviews SET reviewer = 'Mallory'";
    let delete = "DELETE FROM reviews";
    for sql in [update, delete] {
        assert!(execute(store, sql).await.is_err(), "{sql} must be refused");
    }
    assert_eq!(
        store.reviews(p1.id).await.expect("history")[0].reviewer,
        "Alice"
    );
}

async fn dashboard_counts_positions_agents_and_what_is_left(db: &TestDb) {
    let store = &db.store;
    import_ok(store, "postes-excel-windows1252.csv").await;
    let p1 = position(store, "P001").await;
    review(store, p1.id, "concepteur-developpeur", "Alice").await;
    let r = referentiel();
    let groups_ids = vec!["concepteur-developpeur".to_owned(), "testeur".to_owned()];
    let groups = [metiers_store::dashboard::GroupRef {
        id: "etudes",
        title: "Études et développement",
        occupations: &groups_ids,
    }];
    let counts = store.counts().await.expect("counts");
    let d = metiers_store::dashboard::build(&r, &counts, &groups);
    assert_eq!(d.positions, 6);
    assert!(
        (d.agents - 8.5).abs() < 1e-9,
        "1 + 2 + 0.5 + 3 + 1 + 1 = {}",
        d.agents
    );
    assert_eq!(d.unreviewed, 5);
    let status = |s: Status| {
        d.by_status
            .iter()
            .find(|c| c.status == s)
            .map(|c| c.positions)
    };
    assert_eq!(status(Status::Confirmed), Some(1));
    assert_eq!(
        status(Status::ToReview),
        Some(4),
        "P003 (not confident), P004, P005, P006 (nothing found)"
    );
    let dev = d
        .by_occupation
        .iter()
        .find(|l| l.key == "concepteur-developpeur")
        .expect("line");
    assert_eq!((dev.positions, dev.reviewed), (1, 1));
    assert_eq!(
        dev.label,
        r.get("concepteur-developpeur")
            .map(|o| o.title.as_str())
            .unwrap_or("?"),
        "titles come from the référentiel: {}",
        dev.label
    );
    assert_eq!(
        d.by_occupation.last().map(|l| l.key.as_str()),
        Some(""),
        "unclassified last"
    );
    assert_eq!(d.by_group[0].positions, 1);
    assert!(d.by_group.iter().any(|g| g.label == "Autres métiers"));
    assert_eq!(d.by_education.iter().map(|l| l.positions).sum::<i64>(), 6);

    // An occupation with positions in two statuses is one line (the counts are read per
    // occupation and status).
    let moved = execute(
        store,
        "UPDATE positions SET occupation_id = 'concepteur-developpeur' WHERE external_id = 'P006'",
    )
    .await
    .expect("P006 retained as concepteur-developpeur, still to review");
    assert_eq!(moved, 1);
    let d = metiers_store::dashboard::build(&r, &store.counts().await.expect("counts"), &groups);
    let dev: Vec<_> = d
        .by_occupation
        .iter()
        .filter(|l| l.key == "concepteur-developpeur")
        .map(|l| (l.positions, l.reviewed))
        .collect();
    assert_eq!(dev, [(2, 1)], "confirmed P001 and P006 to review, one line");
    assert_eq!(d.positions, 6);
    assert_eq!((d.by_group[0].positions, d.by_group[0].reviewed), (2, 1));
}

async fn exports_read_back(db: &TestDb) {
    use calamine::{Data, Reader};
    let store = &db.store;
    import_ok(store, "postes-excel-windows1252.csv").await;
    let p1 = position(store, "P001").await;
    review(store, p1.id, "concepteur-developpeur", "Alice").await;
    let r = referentiel();
    let positions = store.all_positions().await.expect("all");
    let xlsx = metiers_store::export::to_xlsx(&positions, &r).expect("xlsx");
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(xlsx.clone()))
        .expect("reads back");
    let range = book.worksheet_range("Cartographie").expect("sheet");
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[0][1], Data::String("Intitulé du poste".into()));
    let col = |h: &str| {
        rows[0]
            .iter()
            .position(|c| *c == Data::String(h.into()))
            .unwrap_or_else(|| panic!("column {h}"))
    };
    let row = rows
        .iter()
        .find(|r| r[0] == Data::String("P001".into()))
        .expect("P001 row");
    assert_eq!(
        row[col("Identifiant du métier")],
        Data::String("concepteur-developpeur".into())
    );
    assert_eq!(row[col("Score")], Data::Float(0.9));
    assert_eq!(row[col("Statut")], Data::String("confirmé".into()));
    assert_eq!(row[col("Relecteur")], Data::String("Alice".into()));
    assert_eq!(
        row[col("Commentaire")],
        Data::Empty,
        "the file's own columns come back"
    );
    assert!(
        rows[0]
            .iter()
            .all(|c| *c != Data::String("Nom de l'agent".into())),
        "personal data is still not kept"
    );
    // The exports can be imported again: same positions, no duplicates.
    let csv = metiers_store::export::to_csv(&positions, &r).expect("csv");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    for (name, bytes) in [("export.csv", csv), ("export.xlsx", xlsx)] {
        let out = import(store, name, bytes).await.expect("re-imported");
        assert_eq!((out.inserted, out.updated), (0, 6), "{name}");
    }
    assert_eq!(store.count_positions().await.expect("count"), 6);
}

async fn positions_are_filtered_and_paged(db: &TestDb) {
    let store = &db.store;
    import_ok(store, "postes-excel-windows1252.csv").await;
    let all = store
        .positions(&PositionFilter {
            limit: 2,
            ..Default::default()
        })
        .await
        .expect("page");
    assert_eq!((all.total, all.positions.len()), (6, 2));
    let next = store
        .positions(&PositionFilter {
            limit: 2,
            offset: 4,
            ..Default::default()
        })
        .await
        .expect("page");
    assert_eq!(next.positions.len(), 2);
    let to_review = store
        .positions(&PositionFilter {
            status: Some(Status::ToReview),
            ..Default::default()
        })
        .await
        .expect("page");
    assert_eq!(to_review.total, 4);
    let text = store
        .positions(&PositionFilter {
            text: Some("ADMINISTRATEUR".into()),
            ..Default::default()
        })
        .await
        .expect("page");
    assert_eq!(text.total, 1);
    let hostile = store
        .positions(&PositionFilter {
            text: Some("%' OR 1=1 --".into()),
            ..Default::default()
        })
        .await
        .expect("page");
    assert_eq!(hostile.total, 0);
    let by_occ = store
        .positions(&PositionFilter {
            occupation_id: Some("testeur".into()),
            unreviewed: true,
            ..Default::default()
        })
        .await
        .expect("page");
    assert_eq!(by_occ.total, 0);
}

async fn admin_token_and_sessions(db: &TestDb) {
    use metiers_store::auth::{AdminToken, check_admin_token, ensure_admin_token, hash_token};
    let store = &db.store;
    let AdminToken::Generated(token) = ensure_admin_token(store, None).await.expect("token") else {
        panic!("a first start generates a token");
    };
    assert_eq!(token.len(), 64);
    assert_eq!(
        ensure_admin_token(store, None).await.expect("token"),
        AdminToken::Existing
    );
    assert!(check_admin_token(store, &token).await.expect("check"));
    assert!(!check_admin_token(store, "wrong").await.expect("check"));
    assert_eq!(
        ensure_admin_token(store, Some("from-env"))
            .await
            .expect("token"),
        AdminToken::FromEnvironment
    );
    assert!(check_admin_token(store, "from-env").await.expect("check"));
    assert!(!check_admin_token(store, &token).await.expect("check"));

    let h = hash_token("session-1");
    store
        .create_session(
            &h,
            "csrf-1",
            "Alice",
            &metiers_store::utc_in(std::time::Duration::from_secs(3600)),
        )
        .await
        .expect("session");
    let idle = std::time::Duration::from_secs(1800);
    assert_eq!(
        store.session(&h, idle).await.expect("session"),
        Some(metiers_store::SessionRecord {
            csrf_token: "csrf-1".to_owned(),
            reviewer: "Alice".to_owned()
        })
    );
    // Idle expiry: a session last used at least `idle` ago is refused (here `idle` = 0:
    // it was last used this very second).
    assert_eq!(
        store
            .session(&h, std::time::Duration::ZERO)
            .await
            .expect("session"),
        None,
        "idle sessions are refused"
    );
    let old = hash_token("session-old");
    store
        .create_session(&old, "csrf-2", "Bruno", "2000-01-01T00:00:00Z")
        .await
        .expect("session");
    assert_eq!(
        store.session(&old, idle).await.expect("session"),
        None,
        "expired sessions are refused"
    );
    store.delete_session(&h).await.expect("logout");
    assert_eq!(store.session(&h, idle).await.expect("session"), None);
}

async fn workspace_survives_reopening(db: &TestDb) {
    import_ok(&db.store, "postes-excel-windows1252.csv").await;
    let p1 = position(&db.store, "P001").await;
    review(&db.store, p1.id, "testeur", "Alice").await;
    let other = Store::open(&db.url)
        .await
        .expect("second connection, migrations already applied");
    assert_eq!(other.count_positions().await.expect("count"), 6);
    let p1 = other
        .find_position("P001")
        .await
        .expect("query")
        .expect("P001");
    assert_eq!(
        (p1.status, p1.occupation_id.as_deref()),
        (Status::Corrected, Some("testeur"))
    );
    assert_eq!(other.active_learned().await.expect("learned").len(), 1);
    other.close().await;
}

async fn a_review_reclassifies_the_same_title_at_once_and_its_removal_undoes_it(db: &TestDb) {
    let store = &db.store;
    // Three positions of one title written three ways, one of another title, none that the
    // matcher knows; then a reviewer decides the first.
    let file = "Identifiant;Intitulé du poste\r\n\
                B1;Chargé de la bidouille numérique\r\n\
                B2;CHARGÉ DE LA BIDOUILLE NUMÉRIQUE\r\n\
                B3;Chargé  de la bidouille-numérique\r\n\
                Z1;Chargé du bricolage\r\n"
        .as_bytes()
        .to_vec();
    import(store, "bidouille.csv", file)
        .await
        .expect("imported");
    let status = |key: &'static str| async move {
        let p = position(store, key).await;
        (p.occupation_id, p.status)
    };
    assert_eq!(status("B2").await, (None, Status::ToReview));
    // B3 as a position imported before titles were keyed (no title_key): still found.
    let legacy = "UPDATE positions SET title_key = NULL WHERE external_id = 'B3'";
    assert_eq!(execute(store, legacy).await.expect("legacy row"), 1);
    // The others carry their normalised title, written by the import.
    let keyed =
        "SELECT COUNT(*) FROM positions WHERE title_key = 'charge-de-la-bidouille-numerique'";
    assert_eq!(count(store, keyed).await, 2, "B1 and B2");
    let b1 = position(store, "B1").await;
    let outcome = store
        .review(b1.id, "testeur", "Alice", FakeClassifier::shared())
        .await
        .expect("review");
    assert_eq!(outcome.reclassified, 2, "B2 and B3, not B1 itself nor Z1");
    let proposed = (Some("testeur".to_owned()), Status::Proposed);
    assert_eq!(status("B2").await, proposed);
    assert_eq!(status("B3").await, proposed);
    assert_eq!(status("Z1").await, (None, Status::ToReview));

    // A position decided by someone keeps its decision when the lesson changes.
    let b3 = position(store, "B3").await;
    review(store, b3.id, "specialiste-ihm", "Bruno").await;
    let b3 = position(store, "B3").await;
    assert_eq!(
        (b3.occupation_id.as_deref(), b3.status),
        (Some("specialiste-ihm"), Status::Corrected)
    );
    // Bruno's decision superseded Alice's lesson: B2 follows it at once.
    assert_eq!(
        status("B2").await,
        (Some("specialiste-ihm".to_owned()), Status::Proposed)
    );

    // Removing the learned title undoes it for the unreviewed position only.
    let learned = store
        .learned_titles(false)
        .await
        .expect("learned")
        .into_iter()
        .find(|l| l.occupation_id == "specialiste-ihm")
        .expect("Bruno's lesson");
    let removal = store
        .remove_learned(learned.id, "Chloé", FakeClassifier::shared())
        .await
        .expect("removed");
    assert_eq!(removal.reclassified, 1);
    assert_eq!(status("B2").await, (None, Status::ToReview));
    assert_eq!(status("B1").await.1, Status::Corrected);
    assert_eq!(status("B3").await.1, Status::Corrected);
}

async fn keys_written_under_older_rules_are_rewritten_at_opening(db: &TestDb) {
    let store = &db.store;
    let rules = metiers_referentiel::text::SLUG_RULES.to_string();
    // A new workspace records the rules of its keys.
    assert_eq!(
        store.setting("title_key_rules").await.expect("setting"),
        Some(rules.clone())
    );
    let file = stale_keys::POSITIONS_CSV.as_bytes().to_vec();
    import(store, "bidouille.csv", file)
        .await
        .expect("imported");
    let b1 = position(store, "B1").await;
    review(store, b1.id, "testeur", "Alice").await;

    // As if written by a release whose rules differed.
    for sql in stale_keys::AGE_TITLE_KEYS {
        execute(store, sql).await.expect(sql);
    }

    let reopened = Store::open(&db.url).await.expect("reopened");
    assert_eq!(
        reopened.rewritten_keys(),
        Some(&metiers_store::RewrittenKeys {
            positions: 3,
            lessons: 1,
            superseded: 1,
            superseded_titles: vec!["charge-de-la-bidouille-numerique".to_owned()],
        }),
        "the three positions, Alice's lesson rekeyed, Bruno's removed"
    );
    // B2 holds the removed lesson's proposal until it is classified again with the kept one.
    let b2 = position(&reopened, "B2").await;
    assert_eq!(b2.occupation_id.as_deref(), Some("specialiste-ihm"));
    let reclassified = reopened
        .reclassify_superseded(FakeClassifier::shared())
        .await
        .expect("reclassified");
    assert_eq!(
        reclassified, 1,
        "B2 only: B1 was reviewed, Z1 is another title"
    );
    let b2 = position(&reopened, "B2").await;
    assert_eq!(
        (b2.occupation_id.as_deref(), b2.status),
        (Some("testeur"), Status::Proposed)
    );
    assert_eq!(
        reopened.setting("title_key_rules").await.expect("setting"),
        Some(rules)
    );
    let keyed =
        "SELECT COUNT(*) FROM positions WHERE title_key = 'charge-de-la-bidouille-numerique'";
    assert_eq!(count(&reopened, keyed).await, 2, "B1 and B2 keyed anew");
    let stale = "SELECT COUNT(*) FROM positions WHERE title_key LIKE 'ancienne-%'";
    assert_eq!(count(&reopened, stale).await, 0);
    // One lesson per title stays active: Alice's, the latest; Bruno's older one is removed,
    // with who removed it.
    let active = reopened.active_learned().await.expect("learned");
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].occupation_id, "testeur");
    let removed = "SELECT COUNT(*) FROM learned_titles WHERE occupation_id = 'specialiste-ihm' \
                   AND removed_at IS NOT NULL AND removed_by LIKE 'Métiers SIC%'";
    assert_eq!(count(&reopened, removed).await, 1);

    // Reviews meet the rewritten keys: deciding B2 otherwise supersedes Alice's lesson.
    let b2 = position(&reopened, "B2").await;
    review(&reopened, b2.id, "specialiste-ihm", "Chloé").await;
    let active = reopened.active_learned().await.expect("learned");
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].occupation_id, "specialiste-ihm");

    // Current keys: a second opening changes nothing.
    let before = count(
        &reopened,
        "SELECT COUNT(*) FROM learned_titles WHERE removed_at IS NULL",
    )
    .await;
    let again = Store::open(&db.url).await.expect("reopened again");
    assert_eq!(again.rewritten_keys(), None);
    assert_eq!(
        count(
            &again,
            "SELECT COUNT(*) FROM learned_titles WHERE removed_at IS NULL"
        )
        .await,
        before
    );
    again.close().await;
    reopened.close().await;
}
