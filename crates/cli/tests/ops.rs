//! Operations (issue 7, « Exploitation »), with the built binary as an operator runs it:
//! `metiers config` and its precedence, a bad configuration file that stops `serve` before
//! anything starts, the JSON request log and the internal metrics listener, a graceful stop
//! on SIGTERM, and `cartographie backup` / `restore` (while writing, identical data,
//! corrupt file refused, workspace in use or newer refused).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_metiers");

/// The variables of the settings, removed so that the machine's environment does not leak in.
const VARS: [&str; 13] = [
    "METIERS_CONFIG",
    "METIERS_ADDR",
    "METIERS_DB",
    "METIERS_LOG",
    "METIERS_LOG_FORMAT",
    "METIERS_METRICS_ADDR",
    "METIERS_METRICS_TOKEN",
    "METIERS_ADMIN_TOKEN",
    "METIERS_COOKIE_SECURE",
    "METIERS_MATCH_CACHE",
    "METIERS_TRUSTED_PROXIES",
    "METIERS_SESSION_LIFETIME",
    "METIERS_SESSION_IDLE",
];

fn metiers() -> Command {
    let mut c = Command::new(BIN);
    for v in VARS {
        c.env_remove(v);
    }
    c
}

fn run(args: &[&str]) -> Output {
    metiers().args(args).output().expect("metiers démarre")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn carto(db: &str, args: &[&str]) -> Output {
    metiers()
        .args(["cartographie", "--db", db])
        .args(args)
        .output()
        .expect("metiers démarre")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "code {:?}\n{}{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn store_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../store/tests/data")
        .join(name)
}

/// Files of a directory (names), sorted: to see that nothing was left behind.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dossier")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

#[test]
fn config_prints_every_value_with_its_source_and_masks_secrets() {
    let dir = tempfile::tempdir().expect("dossier");
    let file = dir.path().join("metiers.toml");
    std::fs::write(
        &file,
        "# réglages de production\naddr = \"127.0.0.1:7000\"\nlog = \"warn\"\nlog_format = \"json\"\n\
         metrics_token = \"jeton-des-metriques-tres-secret\"\n",
    )
    .expect("écriture");
    let out = metiers()
        .args(["config", "--config"])
        .arg(&file)
        .args(["--addr", "127.0.0.1:9000"])
        .env("METIERS_LOG", "debug")
        .output()
        .expect("metiers démarre");
    let shown = ok(&out);
    let line = |key: &str| {
        shown
            .lines()
            .find(|l| l.starts_with(&format!("{key} = ")) || l.starts_with(&format!("# {key} ")))
            .unwrap_or_else(|| panic!("{key} absent :\n{shown}"))
            .to_owned()
    };
    let file_name = file.display().to_string();
    for (key, value, source) in [
        ("addr", "\"127.0.0.1:9000\"", "# option --addr"),
        ("log", "\"debug\"", "# variable METIERS_LOG"),
        ("log_format", "\"json\"", &format!("# fichier {file_name}")),
        (
            "metrics_token",
            "\"********\"",
            &format!("# fichier {file_name}"),
        ),
        ("match_cache", "20000", "# défaut"),
        ("cookie_secure", "false", "# défaut"),
    ] {
        let l = line(key);
        assert!(l.starts_with(&format!("{key} = {value}")), "{l}");
        assert!(l.trim_end().ends_with(source), "{l}");
    }
    assert!(line("metrics_addr").starts_with("# metrics_addr non défini"));
    assert!(!shown.contains("tres-secret"), "{shown}");
    // What it prints is a configuration file that gives the same values.
    let again = dir.path().join("effective.toml");
    std::fs::write(
        &again,
        shown.replace("\"********\"", "\"un-autre-jeton-assez-long\""),
    )
    .expect("écriture");
    let reread = ok(&metiers()
        .args(["config", "--config"])
        .arg(&again)
        .output()
        .expect("metiers démarre"));
    assert!(reread.contains("addr = \"127.0.0.1:9000\""), "{reread}");
    assert!(reread.contains("log = \"debug\""), "{reread}");
}

#[test]
fn a_bad_setting_stops_serve_before_anything_starts() {
    let dir = tempfile::tempdir().expect("dossier");
    let db = dir.path().join("jamais.db");
    let file = dir.path().join("metiers.toml");
    std::fs::write(
        &file,
        "addr = \"127.0.0.1:0\"\nlog = \"info\"\nadr = \"faute de frappe\"\n",
    )
    .expect("écriture");
    let out = metiers()
        .args(["serve", "--config"])
        .arg(&file)
        .arg("--db")
        .arg(format!("sqlite://{}", db.display()))
        .output()
        .expect("metiers démarre");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("ligne 3"), "{err}");
    assert!(err.contains("clé inconnue « adr »"), "{err}");
    assert!(err.contains("rien n’a été démarré"), "{err}");
    assert!(!err.contains("http://"), "{err}");
    assert!(!db.exists(), "la base a été créée");

    // A bad value in the environment: the same, naming the variable.
    let out = metiers()
        .args(["serve", "--db", "aucune"])
        .env("METIERS_LOG_FORMAT", "xml")
        .output()
        .expect("metiers démarre");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("variable METIERS_LOG_FORMAT"), "{err}");
    assert!(err.contains("text ou json"), "{err}");

    // A file that does not exist.
    let out = run(&["config", "--config", "/nulle-part/metiers.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("fichier introuvable"));
}

/// A running server, stopped with SIGTERM (or killed) when dropped.
struct Server {
    child: Child,
    addr: String,
    metrics: String,
    log: mpsc::Receiver<String>,
    /// The stderr lines up to the address announced.
    startup: Vec<String>,
}

impl Server {
    fn start(args: &[&str]) -> Self {
        let mut child = metiers()
            .arg("serve")
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("metiers serve démarre");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut addr = String::new();
        let mut metrics = String::new();
        let mut startup = Vec::new();
        while addr.is_empty() {
            let line = rx
                .recv_timeout(Duration::from_secs(120))
                .expect("le serveur annonce son adresse");
            startup.push(line.clone());
            let Some(rest) = line.split("http://").nth(1) else {
                continue;
            };
            let host = rest.split('/').next().unwrap_or_default().to_owned();
            if line.contains("métriques") {
                metrics = host;
            } else {
                addr = host;
            }
        }
        Server {
            child,
            addr,
            metrics,
            log: rx,
            startup,
        }
    }

    /// Sends SIGTERM and waits for the exit; returns whether it exited with success and the
    /// lines of stderr after the start.
    fn stop(mut self) -> (bool, Vec<String>) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|s| s.success());
        assert!(sent, "SIGTERM envoyé");
        let status = self.child.wait().expect("fin du serveur");
        let lines: Vec<String> = self.log.try_iter().collect();
        (status.success(), lines)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 GET: (status, body).
fn http_get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connexion");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("délai");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("envoi");
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

#[test]
fn serve_logs_json_serves_metrics_internally_and_stops_on_sigterm() {
    let server = Server::start(&[
        "--addr",
        "127.0.0.1:0",
        "--metrics-addr",
        "127.0.0.1:0",
        "--db",
        "aucune",
        "--log-format",
        "json",
    ]);
    assert!(!server.metrics.is_empty(), "adresse des métriques annoncée");
    // The start-up lines are log events too, one JSON object each.
    for line in &server.startup {
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("ligne de démarrage hors JSON ({e}) : {line}"));
        assert_eq!(v["target"], "metiers::serve", "{line}");
    }
    assert!(server.startup.iter().any(|l| l.contains("portail et API")));
    for _ in 0..2 {
        assert_eq!(http_get(&server.addr, "/healthz").0, 200);
    }
    assert_eq!(
        http_get(
            &server.addr,
            "/api/v1/search?q=donnees-personnelles-secretes"
        )
        .0,
        200
    );
    // Not on the public listener without a token; on the internal one, with the right counts.
    assert_eq!(http_get(&server.addr, "/metrics").0, 404);
    let (status, metrics) = http_get(&server.metrics, "/metrics");
    assert_eq!(status, 200);
    assert!(
        metrics.contains(
            "metiers_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"2xx\"} 2"
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            "metiers_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"4xx\"} 1"
        ),
        "{metrics}"
    );

    let (stopped, lines) = server.stop();
    assert!(stopped, "arrêt propre sur SIGTERM : {lines:?}");
    assert!(lines.iter().any(|l| l.contains("arrêté")), "{lines:?}");
    for line in &lines {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "ligne hors JSON : {line}"
        );
    }
    let requests: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["target"] == "metiers::http")
        .collect();
    assert_eq!(requests.len(), 4, "{lines:?}");
    let search = requests
        .iter()
        .find(|v| v["route"] == "/api/v1/search")
        .expect("requête de recherche journalisée");
    assert_eq!(search["level"], "INFO");
    assert_eq!(search["method"], "GET");
    assert_eq!(search["path"], "/api/v1/search");
    assert_eq!(search["status"], 200);
    assert!(search["latency_ms"].is_number(), "{search}");
    assert!(search["timestamp"].is_string(), "{search}");
    assert!(
        !lines.iter().any(|l| l.contains("secretes")),
        "texte de la requête dans le journal : {lines:?}"
    );
}

/// Positions, history of every position and learned titles, as JSON: what must be identical.
fn contents(db: &str) -> String {
    let list = ok(&carto(db, &["list", "--json", "--limit", "1000"]));
    let mut out = String::new();
    let page: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    for p in page["positions"].as_array().expect("postes") {
        let id = p["id"].to_string();
        out.push_str(&ok(&carto(db, &["history", &id])));
    }
    out + &list + &ok(&carto(db, &["learned", "--all", "--json"]))
}

fn review(db: &str, position: &str, occupation: &str) {
    ok(&carto(
        db,
        &[
            "review",
            position,
            occupation,
            "--reviewer",
            "Relecteur de test",
        ],
    ));
}

#[test]
fn backup_while_writing_then_restore_gives_identical_data() {
    let dir = tempfile::tempdir().expect("dossier");
    let db = format!("sqlite://{}", dir.path().join("carto.db").display());
    let file = store_data("postes-excel-windows1252.csv");
    ok(&carto(&db, &["import", file.to_str().expect("utf-8")]));
    let stats: serde_json::Value =
        serde_json::from_str(&ok(&carto(&db, &["stats", "--json"]))).expect("JSON");
    let positions = stats["positions"].as_i64().expect("nombre de postes");
    assert!(positions >= 5, "{stats}");

    // Reviews written by another process while backups are taken.
    let (started, first_review) = mpsc::channel();
    let writer = {
        let db = db.clone();
        std::thread::spawn(move || {
            for round in 0..3 {
                for n in 1..=positions {
                    if round == 0 && n == 2 {
                        let _ = started.send(());
                    }
                    let occupation = if (n + round) % 2 == 0 {
                        "concepteur-developpeur"
                    } else {
                        "gestionnaire-des-systemes-applicatifs"
                    };
                    review(&db, &n.to_string(), occupation);
                }
            }
        })
    };
    first_review
        .recv_timeout(Duration::from_secs(300))
        .expect("les écritures ont commencé");
    let mut during = Vec::new();
    for i in 0..3 {
        let path = dir.path().join(format!("pendant-{i}.db"));
        let out = carto(&db, &["backup", path.to_str().expect("utf-8")]);
        ok(&out);
        assert!(
            text(&out.stderr).contains("écrite et vérifiée"),
            "{}",
            text(&out.stderr)
        );
        during.push(path);
    }
    writer.join().expect("écritures terminées");

    // Every backup taken during the writes is a whole, valid workspace, each one at least as
    // recent as the one before.
    let mut seen = 0;
    for (i, path) in during.iter().enumerate() {
        let copy = format!(
            "sqlite://{}",
            dir.path().join(format!("copie-{i}.db")).display()
        );
        ok(&carto(&copy, &["restore", path.to_str().expect("utf-8")]));
        let stats: serde_json::Value =
            serde_json::from_str(&ok(&carto(&copy, &["stats", "--json"]))).expect("JSON");
        assert_eq!(stats["positions"], positions, "{stats}");
        let reviews = ok(&carto(&copy, &["list", "--json", "--to-review"]));
        let unreviewed =
            serde_json::from_str::<serde_json::Value>(&reviews).expect("JSON")["total"]
                .as_i64()
                .expect("total");
        let reviewed = positions - unreviewed;
        assert!(reviewed >= seen, "{reviewed} < {seen}");
        seen = reviewed;
    }

    // A backup after the writes, restored elsewhere: the same data, row for row.
    let last = dir.path().join("finale.db");
    ok(&carto(&db, &["backup", last.to_str().expect("utf-8")]));
    // Without --force an existing backup is not replaced.
    let again = carto(&db, &["backup", last.to_str().expect("utf-8")]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("existe déjà"));
    let restored = format!("sqlite://{}", dir.path().join("restauree.db").display());
    ok(&carto(
        &restored,
        &["restore", last.to_str().expect("utf-8")],
    ));
    let original = contents(&db);
    assert!(original.contains("Relecteur de test"));
    assert_eq!(contents(&restored), original);
    assert!(
        !listing(dir.path()).iter().any(|n| n.ends_with(".tmp")),
        "fichier temporaire laissé : {:?}",
        listing(dir.path())
    );
}

#[test]
fn restore_refuses_a_corrupt_file_a_workspace_in_use_or_newer_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("dossier");
    let path = dir.path().join("carto.db");
    let db = format!("sqlite://{}", path.display());
    let file = store_data("postes-excel-windows1252.csv");
    ok(&carto(&db, &["import", file.to_str().expect("utf-8")]));
    let backup = dir.path().join("sauvegarde.db");
    ok(&carto(&db, &["backup", backup.to_str().expect("utf-8")]));
    review(&db, "1", "concepteur-developpeur");
    let before = contents(&db);
    let bytes = std::fs::read(&path).expect("base");
    let files = listing(dir.path());

    // Corrupt files: garbage, a truncated backup, a backup with damaged pages, an SQLite
    // database that is not a cartographie.
    let backup_bytes = std::fs::read(&backup).expect("sauvegarde");
    let garbage = dir.path().join("n-importe-quoi.db");
    std::fs::write(&garbage, b"ceci n'est pas une base SQLite\n".repeat(200)).expect("écriture");
    let truncated = dir.path().join("tronquee.db");
    std::fs::write(&truncated, &backup_bytes[..backup_bytes.len() / 2]).expect("écriture");
    let damaged = dir.path().join("abimee.db");
    let mut d = backup_bytes.clone();
    let page = 4096;
    for b in d.iter_mut().skip(2 * page).take(2 * page) {
        *b = 0xA5;
    }
    std::fs::write(&damaged, &d).expect("écriture");
    let other = dir.path().join("autre.db");
    let status = Command::new("sqlite3")
        .arg(&other)
        .arg("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .status();
    let mut corrupt = vec![garbage, truncated, damaged];
    if status.is_ok_and(|s| s.success()) {
        corrupt.push(other);
    }
    let files_with_corrupt = listing(dir.path());
    for bad in &corrupt {
        let out = carto(&db, &["restore", "--force", bad.to_str().expect("utf-8")]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: {}",
            bad.display(),
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert!(
            err.contains("n’est pas une base de cartographie utilisable"),
            "{err}"
        );
        assert!(err.contains("Rien n’a été modifié"), "{err}");
        assert_eq!(
            std::fs::read(&path).expect("base"),
            bytes,
            "{}",
            bad.display()
        );
        assert_eq!(listing(dir.path()), files_with_corrupt, "{}", bad.display());
    }

    // The workspace has a review the backup lacks: refused without --force.
    let out = carto(&db, &["restore", backup.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("plus récentes que la sauvegarde"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&path).expect("base"), bytes);

    // A server has the workspace open: refused, even though the backup is valid.
    let server = Server::start(&["--addr", "127.0.0.1:0", "--db", &db, "--log", "warn"]);
    let out = carto(&db, &["restore", backup.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("ouverte par un serveur"),
        "{}",
        text(&out.stderr)
    );
    let (stopped, _) = server.stop();
    assert!(stopped);
    assert_eq!(contents(&db), before);
    for f in &files {
        assert!(listing(dir.path()).contains(f), "{f} disparu");
    }

    // With --force, the backup comes back whole: the review made after it is gone.
    let out = carto(
        &db,
        &["restore", "--force", backup.to_str().expect("utf-8")],
    );
    ok(&out);
    assert!(
        text(&out.stderr).contains("remplacée"),
        "{}",
        text(&out.stderr)
    );
    let history = ok(&carto(&db, &["history", "1"]));
    assert!(history.contains("aucune décision enregistrée"), "{history}");
    let restored = format!("sqlite://{}", dir.path().join("temoin.db").display());
    ok(&carto(
        &restored,
        &["restore", backup.to_str().expect("utf-8")],
    ));
    assert_eq!(contents(&db), contents(&restored));
}

#[test]
fn postgres_backup_and_restore_print_the_pg_dump_commands() {
    // No connection is needed to say which commands to run for a PostgreSQL workspace: the
    // restore never opens the database (nor creates tables in it).
    let url = "postgres://metiers:motdepasse@127.0.0.1:5432/metiers?options[search_path]=carto";
    let out = carto(url, &["restore", "sauvegarde.dump"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "pg_restore --clean --if-exists --no-owner --single-transaction --schema=carto"
        ),
        "{err}"
    );
    assert!(!err.contains("motdepasse"), "{err}");
    // Nor for a backup: the guidance needs no server (this port has none).
    let out = carto(
        "postgres://metiers@127.0.0.1:1/metiers",
        &["backup", "sauvegarde.dump"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("pg_dump --format=custom --no-owner --file=sauvegarde.dump 'postgres://metiers@127.0.0.1:1/metiers'"),
        "{err}"
    );
    assert!(!Path::new("sauvegarde.dump").exists());
}

#[test]
fn cartographie_commands_find_the_workspace_in_the_configuration_file() {
    let dir = tempfile::tempdir().expect("dossier");
    let db = format!("sqlite://{}", dir.path().join("depuis-config.db").display());
    let file = dir.path().join("metiers.toml");
    std::fs::write(&file, format!("db = \"{db}\"\nlog = \"warn\"\n")).expect("écriture");
    let data = store_data("postes-excel-windows1252.csv");
    let out = metiers()
        .args(["cartographie", "--config"])
        .arg(&file)
        .arg("import")
        .arg(&data)
        .output()
        .expect("metiers démarre");
    ok(&out);
    let stats: serde_json::Value =
        serde_json::from_str(&ok(&carto(&db, &["stats", "--json"]))).expect("JSON");
    assert!(
        stats["positions"].as_i64().is_some_and(|n| n > 0),
        "{stats}"
    );
    // --db wins over the file.
    let other = format!("sqlite://{}", dir.path().join("autre.db").display());
    let out = metiers()
        .args(["cartographie", "--config"])
        .arg(&file)
        .args(["--db", &other, "stats", "--json"])
        .output()
        .expect("metiers démarre");
    let stats: serde_json::Value = serde_json::from_str(&ok(&out)).expect("JSON");
    assert_eq!(stats["positions"], 0, "{stats}");

    // A configuration that serves without cartographie names no workspace.
    std::fs::write(&file, "db = \"aucune\"\n").expect("écriture");
    let out = metiers()
        .args(["cartographie", "--config"])
        .arg(&file)
        .args(["stats"])
        .output()
        .expect("metiers démarre");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("désactive la cartographie"));
    assert!(!dir.path().join("aucune").exists());
}
