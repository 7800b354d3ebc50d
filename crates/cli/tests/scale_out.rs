//! Scale-out (issue 5): two `metiers serve` instances on different ports against one
//! PostgreSQL database. A review made through one is seen at once through the other, and so
//! is the title it taught: no state that matters lives only in one process.
//!
//! Runs when `METIERS_TEST_POSTGRES_URL` names a database (scripts/test sets it on this
//! project's machines); otherwise it says on stderr that it did not run.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_metiers");
const TOKEN: &str = "jeton-de-test-scale-out-0123456789";

/// A fresh schema in the test database, dropped at the end.
struct Schema {
    base: String,
    name: String,
}

impl Schema {
    fn create(base: &str) -> Self {
        let name = format!("metiers_scale_out_{}", std::process::id());
        let ok = Command::new("psql")
            .args([base, "-q", "-c", &format!("CREATE SCHEMA {name}")])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "création du schéma {name}");
        Self {
            base: base.to_owned(),
            name,
        }
    }

    fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options[search_path]={}", self.base, self.name)
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                self.base.as_str(),
                "-q",
                "-c",
                &format!(
                    "SET client_min_messages = warning; DROP SCHEMA {} CASCADE",
                    self.name
                ),
            ])
            .status();
    }
}

/// A running server, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(db: &str) -> Self {
        let mut child = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0", "--db", db])
            .env("METIERS_ADMIN_TOKEN", TOKEN)
            .env_remove("METIERS_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("metiers serve démarre");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("le serveur annonce son adresse")
                .expect("ligne");
            if let Some(rest) = line.split("http://").nth(1) {
                break rest.split('/').next().unwrap_or_default().to_owned();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, addr }
    }

    /// One HTTP/1.1 request with the administrator token: (status, body).
    fn call(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).expect("connexion");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let body = body.unwrap_or("");
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        stream.write_all(request.as_bytes()).expect("envoi");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("réponse");
        let status = response
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (status, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_review_through_one_instance_is_seen_through_the_other() {
    let Ok(base) = std::env::var("METIERS_TEST_POSTGRES_URL") else {
        eprintln!(
            "IGNORÉ : test de montée en charge horizontale non exécuté, METIERS_TEST_POSTGRES_URL n’est pas défini"
        );
        return;
    };
    let schema = Schema::create(&base);
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
    let (status, list) = one.call("GET", "/api/v1/cartographie/postes?limit=10", None);
    assert_eq!(status, 200, "{list}");
    let list: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    let id = find_position(&list, "P-001").expect("poste P-001 listé");

    // Review through instance one…
    let body = r#"{"occupation_id": "technicien-poste-de-travail", "reviewer": "Camille Martin"}"#;
    let (status, answer) = one.call(
        "POST",
        &format!("/api/v1/cartographie/postes/{id}/revue"),
        Some(body),
    );
    assert_eq!(status, 200, "{answer}");

    // …seen at once through instance two: the decision, its author and its history.
    let (status, seen) = two.call("GET", &format!("/api/v1/cartographie/postes/{id}"), None);
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
    let (status, learned) = two.call("GET", "/api/v1/cartographie/appris", None);
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
