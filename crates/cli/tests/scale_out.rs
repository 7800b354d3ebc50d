//! Scale-out (issue 5): two `metiers serve` instances on different ports against one
//! PostgreSQL database. A review made through one is seen at once through the other, and so
//! is the title it taught: no state that matters lives only in one process.
//!
//! Runs when `METIERS_TEST_POSTGRES_URL` names a database (scripts/test sets it on this
//! project's machines); otherwise it says on stderr that it did not run.

mod common;

use common::{Answer, BIN, PgSchema, Server};
use std::process::Command;

#[test]
fn a_review_through_one_instance_is_seen_through_the_other() {
    let Some(base) = common::postgres_base("scale_out") else {
        return;
    };
    let schema = PgSchema::create(&base, "scale_out");
    let db = schema.url();

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("postes.csv");
    std::fs::write(
        &file,
        "Identifiant;Intitulé du poste;Service\r\nP-001;Gestionnaire du parc bureautique;DSI\r\nP-002;Administrateur systèmes Linux;DSI\r\n",
    )
    .expect("fichier écrit");
    let import = Command::new(BIN)
        .args([
            "cartographie",
            "--db",
            &db,
            "import",
            file.to_str().unwrap_or_default(),
        ])
        .env_remove("METIERS_DB")
        .output()
        .expect("import");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );

    let one = Server::start(&db);
    let two = Server::start(&db);
    assert_ne!(one.addr, two.addr);

    // The position P-001, as listed by instance one.
    let Answer {
        status, body: list, ..
    } = one.call("GET", "/api/v1/positions?limit=10", None);
    assert_eq!(status, 200, "{list}");
    let list: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    let id = find_position(&list, "P-001").expect("poste P-001 listé");

    // Review through instance one…
    let body = r#"{"occupation_id": "technicien-poste-de-travail", "reviewer": "Camille Martin"}"#;
    let Answer {
        status,
        body: answer,
        ..
    } = one.call(
        "POST",
        &format!("/api/v1/positions/{id}/review"),
        Some(body),
    );
    assert_eq!(status, 200, "{answer}");

    // …seen at once through instance two: the decision, its author and its history.
    let Answer {
        status, body: seen, ..
    } = two.call("GET", &format!("/api/v1/positions/{id}"), None);
    assert_eq!(status, 200, "{seen}");
    let seen: serde_json::Value = serde_json::from_str(&seen).expect("JSON");
    assert_eq!(
        seen["position"]["occupation_id"],
        "technicien-poste-de-travail"
    );
    assert_eq!(seen["position"]["reviewer"], "Camille Martin");
    assert!(
        seen["reviews"].as_array().is_some_and(|r| !r.is_empty()),
        "{seen}"
    );

    // The title it taught is a learned title through instance two as well.
    let Answer {
        status,
        body: learned,
        ..
    } = two.call("GET", "/api/v1/learned-titles", None);
    assert_eq!(status, 200, "{learned}");
    assert!(
        learned.contains("Gestionnaire du parc bureautique"),
        "{learned}"
    );
    assert!(learned.contains("technicien-poste-de-travail"), "{learned}");
}

/// The internal number of the position with this external identifier, wherever the page
/// puts its list.
fn find_position(page: &serde_json::Value, external_id: &str) -> Option<i64> {
    let positions = page
        .as_array()
        .or_else(|| page.as_object()?.values().find_map(|v| v.as_array()))?;
    positions
        .iter()
        .find(|p| p["external_id"] == external_id)
        .and_then(|p| p["id"].as_i64())
}
