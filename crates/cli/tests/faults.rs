//! Faults (issue 7): `metiers serve` killed (SIGKILL) during an import through the portal and
//! during reviews through the API, then restarted on the same database; a database file the
//! service cannot write; a full disk. Nothing acknowledged is lost, nothing half-written
//! remains, and the person running the service is told in French what to do.
//!
//! SQLite always; PostgreSQL too for the kills when `METIERS_TEST_POSTGRES_URL` is set. The
//! full disk is a small tmpfs mounted for the test (root only: elsewhere the test says it did
//! not run). The PostgreSQL restart has its own binary, `pg_restart.rs`.

mod common;

use common::{
    Answer, BIN, Server, TOKEN, backends, check_history, import_sample, metiers, metiers_ok,
    positions_csv, serve_command, snapshot, store_data,
};
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Occupations the reviews of these tests choose from (ids of the published edition).
fn occupations() -> Vec<String> {
    metiers_referentiel::published()
        .referentiel
        .occupations
        .iter()
        .map(|o| o.id.to_string())
        .take(8)
        .collect()
}

/// Positions of the workspace as (number, external id), through the API.
fn position_ids(server: &Server) -> Vec<(i64, String)> {
    let answer = server.call("GET", "/api/v1/positions?limit=1000", None);
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()["positions"]
        .as_array()
        .expect("liste de postes")
        .iter()
        .map(|p| {
            (
                p["id"].as_i64().expect("numéro"),
                p["external_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn review_body(occupation: &str, reviewer: &str) -> String {
    serde_json::json!({ "occupation_id": occupation, "reviewer": reviewer }).to_string()
}

#[tokio::test]
async fn killing_the_server_during_a_portal_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = positions_csv("G", 30_000);
    for ws in backends(dir.path(), "kill_import") {
        let db = ws.url.clone();
        let mut server = Server::start(&db);
        let cookie = server.login("Alice Martin");
        let small = std::fs::read(store_data("postes-excel-windows1252.csv")).expect("fichier");
        let first = server
            .upload(&cookie, "postes.csv", &small)
            .expect("réponse");
        assert_eq!(first.status, 200, "{}", first.body);
        assert!(first.body.contains("importé"), "{}", first.body);
        let (id, _) = position_ids(&server)[0].clone();
        let acked = server.call(
            "POST",
            &format!("/api/v1/positions/{id}/review"),
            Some(&review_body("testeur", "Alice Martin")),
        );
        assert_eq!(acked.status, 200, "{}", acked.body);
        let review_id = acked.json()["review"]["id"].as_i64().expect("revue");
        let before = snapshot(&db).await;
        assert_eq!(
            (before.0.len(), before.1, before.2),
            (6, 1, 1),
            "{}",
            ws.kind()
        );

        // The 30,000-row upload, from another thread; SIGKILL once rows are being written.
        let agent = server.agent();
        let base = server.url("");
        let upload = {
            let cookie = cookie.clone();
            let big = big.clone();
            std::thread::spawn(move || {
                common::upload(&agent, &base, &cookie, "gros.csv", big.as_bytes())
            })
        };
        server.wait_for_line(Duration::from_secs(300), |l| {
            l.contains("import : postes rapprochés et écrits")
        });
        server.kill();
        let answer = upload.join().expect("thread d’envoi");
        assert!(
            answer.is_err(),
            "{} : l’import tué n’a pas reçu de réponse : {answer:?}",
            ws.kind()
        );

        // Restarted on the same database: as before the killed import, review included.
        let after = snapshot(&db).await;
        assert_eq!(
            after,
            before,
            "{} : rien de l’import tué ne reste",
            ws.kind()
        );
        assert!(check_history(&db).await.contains(&review_id));
        let server = Server::start(&db);
        let seen = server.call("GET", &format!("/api/v1/positions/{id}"), None);
        assert_eq!(seen.status, 200, "{}", seen.body);
        assert_eq!(seen.json()["reviews"][0]["id"], review_id);
        let count = server.call("GET", "/api/v1/positions?limit=1", None);
        assert_eq!(count.json()["total"], 6, "{}", count.body);

        // The workspace still takes an import, whole.
        let cookie = server.login("Alice Martin");
        let again = server
            .upload(&cookie, "gros.csv", positions_csv("H", 2_000).as_bytes())
            .expect("réponse");
        assert_eq!(again.status, 200, "{}", again.body);
        let last = snapshot(&db).await;
        assert_eq!(
            (last.0.len(), last.1, last.2),
            (2_006, 2, 1),
            "{}",
            ws.kind()
        );
    }
}

/// What the reviewing threads saw: reviews acknowledged (review id → position, occupation),
/// and requests sent whose answer never came.
#[derive(Debug, Default)]
struct Reviews {
    acked: BTreeMap<i64, (i64, String)>,
    unanswered: Vec<(i64, String)>,
    other: Vec<String>,
}

#[tokio::test]
async fn killing_the_server_during_reviews_keeps_every_acknowledged_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("postes.csv");
    std::fs::write(&file, positions_csv("R", 300)).expect("fichier écrit");
    let occupations = occupations();
    for ws in backends(dir.path(), "kill_reviews") {
        let db = ws.url.clone();
        metiers_ok(&db, &["import", file.to_str().expect("utf-8")]);
        let mut server = Server::start(&db);
        let ids: Vec<i64> = position_ids(&server)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids.len(), 300);

        let seen = Arc::new(Mutex::new(Reviews::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let workers: Vec<_> = (0..4)
            .map(|w| {
                let (agent, base) = (server.agent(), server.url(""));
                let (seen, stop, occupations) = (seen.clone(), stop.clone(), occupations.clone());
                let ids = ids.clone();
                std::thread::spawn(move || {
                    let started = Instant::now();
                    // Bounded: 2,000 reviews or 5 minutes per thread.
                    for k in 0..2_000usize {
                        if stop.load(Ordering::Relaxed)
                            || started.elapsed() > Duration::from_secs(300)
                        {
                            break;
                        }
                        let position = ids[(k * 4 + w) % ids.len()];
                        let occupation = occupations[(k + w) % occupations.len()].clone();
                        let url = format!("{base}/api/v1/positions/{position}/review");
                        let body = review_body(&occupation, &format!("Relecteur {w}"));
                        let auth = format!("Bearer {TOKEN}");
                        match common::call(
                            &agent,
                            &url,
                            "POST",
                            Some(&body),
                            &[("Authorization", &auth)],
                        ) {
                            Ok(a) if a.status == 200 => {
                                let id = a.json()["review"]["id"].as_i64().expect("revue");
                                seen.lock()
                                    .expect("verrou")
                                    .acked
                                    .insert(id, (position, occupation));
                            }
                            Ok(a) => seen
                                .lock()
                                .expect("verrou")
                                .other
                                .push(format!("{} {}", a.status, a.body)),
                            Err(_) => {
                                seen.lock()
                                    .expect("verrou")
                                    .unanswered
                                    .push((position, occupation));
                                break;
                            }
                        }
                    }
                })
            })
            .collect();
        let started = Instant::now();
        while seen.lock().expect("verrou").acked.len() < 60
            && started.elapsed() < Duration::from_secs(300)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for w in workers {
            w.join().expect("thread de relecture");
        }
        let seen = std::mem::take(&mut *seen.lock().expect("verrou"));
        assert!(seen.acked.len() >= 60, "{} : {seen:?}", ws.kind());
        assert!(
            seen.other.is_empty(),
            "{} : réponses inattendues {:?}",
            ws.kind(),
            seen.other
        );

        // Every acknowledged review is there, with its decision; the only others are requests
        // in flight at the kill; every history is consistent with its position.
        let stored = check_history(&db).await;
        for id in seen.acked.keys() {
            assert!(
                stored.contains(id),
                "{} : revue {id} acquittée puis perdue",
                ws.kind()
            );
        }
        let extra = stored.len() - seen.acked.len();
        assert!(
            extra <= seen.unanswered.len(),
            "{} : {extra} revue(s) enregistrée(s) sans avoir été envoyée(s)",
            ws.kind()
        );
        let server = Server::start(&db);
        for (id, (position, occupation)) in seen.acked.iter().rev().take(20) {
            let answer = server.call("GET", &format!("/api/v1/positions/{position}"), None);
            let history = answer.json();
            let review = history["reviews"]
                .as_array()
                .and_then(|r| r.iter().find(|r| r["id"] == *id))
                .unwrap_or_else(|| panic!("revue {id} absente : {history}"));
            assert_eq!(review["new_occupation_id"], occupation.as_str());
        }
        // And the restarted server records new decisions.
        let more = server.call(
            "POST",
            &format!("/api/v1/positions/{}/review", ids[0]),
            Some(&review_body(&occupations[0], "Après redémarrage")),
        );
        assert_eq!(more.status, 200, "{}", more.body);
        eprintln!(
            "{} : {} revue(s) acquittée(s) avant SIGKILL, toutes retrouvées ; {} en vol (dont {extra} enregistrée(s))",
            ws.kind(),
            seen.acked.len(),
            seen.unanswered.len()
        );
    }
}

/// How these tests run the binary as the service: as `nobody` when they run as root (root
/// writes any file whatever its mode), from a copy that `nobody` may execute.
struct ServiceUser {
    program: PathBuf,
    as_nobody: bool,
}

impl ServiceUser {
    fn new(dir: &Path) -> Self {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let root = status
            .lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(2))
            == Some("0");
        if !root {
            return Self {
                program: PathBuf::from(BIN),
                as_nobody: false,
            };
        }
        let program = dir.join("metiers");
        std::fs::copy(BIN, &program).expect("copie du binaire");
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        Self {
            program,
            as_nobody: true,
        }
    }

    fn command(&self) -> Command {
        if self.as_nobody {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(&self.program);
            c
        } else {
            Command::new(&self.program)
        }
    }

    /// Gives `dir` to the service user (it may create files there), when it is `nobody`.
    fn own(&self, dir: &Path) {
        if self.as_nobody {
            std::os::unix::fs::chown(dir, Some(65534), Some(65534)).expect("chown");
        }
    }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A workspace `espace/cartographie.db` in a temporary directory the service user can enter,
/// with the sample imported.
struct ServiceWorkspace {
    dir: tempfile::TempDir,
    service: ServiceUser,
    work: PathBuf,
    file: PathBuf,
    db: String,
}

fn service_workspace() -> ServiceWorkspace {
    let dir = tempfile::tempdir().expect("tempdir");
    chmod(dir.path(), 0o755);
    let service = ServiceUser::new(dir.path());
    let work = dir.path().join("espace");
    std::fs::create_dir(&work).expect("dossier");
    let file = work.join("cartographie.db");
    let db = format!("sqlite://{}", file.display());
    import_sample(&db);
    ServiceWorkspace {
        dir,
        service,
        work,
        file,
        db,
    }
}

#[tokio::test]
async fn a_read_only_database_is_read_but_not_written_and_the_service_says_so() {
    let ServiceWorkspace {
        dir,
        service,
        work,
        file,
        db,
    } = service_workspace();
    metiers_ok(&db, &["review", "P001", "testeur", "--reviewer", "Alice"]);
    // The token the server will be given, stored while the file is writable; then a command
    // that closes the database cleanly (SQLite removes its -wal and -shm files).
    drop(Server::start(&db));
    assert!(metiers(&db, &["list"]).status.success());
    let before = snapshot(&db).await;

    // The file is read-only for the service; its directory is not (SQLite may put its -wal
    // and -shm files there).
    chmod(&file, 0o444);
    service.own(&work);
    let server = Server::spawn(serve_command(service.command(), &db));
    let mut server =
        server.unwrap_or_else(|(log, status)| panic!("démarrage refusé ({status}) : {log}"));
    let log = server.drain_log().join("\n");
    assert!(
        log.contains("Attention : cartographie servie en consultation seule. La base de la cartographie est en lecture seule"),
        "{log}"
    );

    // Reads work.
    let list = server.call("GET", "/api/v1/positions?limit=100", None);
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.json()["total"], 6);
    let dashboard = server.call("GET", "/api/v1/dashboard", None);
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);

    // A review is refused with the JSON shape and what to do.
    let id = position_ids(&server)[1].0;
    let refused = server.call(
        "POST",
        &format!("/api/v1/positions/{id}/review"),
        Some(&review_body("testeur", "Bob")),
    );
    assert_read_only(&refused);
    // So is a login to the portal (a session is a write), with a French page.
    let login = server.login_attempt("Bob", TOKEN);
    assert_eq!(login.status, 503, "{}", login.body);
    assert!(login.body.contains("lecture seule"), "{}", login.body);

    // An import from the command line, as the service user: refused, in French.
    let small = dir.path().join("petit.csv");
    std::fs::write(&small, "Identifiant;Intitulé du poste\nS1;Testeur\n").expect("fichier");
    chmod(&small, 0o644);
    let out = service
        .command()
        .args([
            "cartographie",
            "--db",
            &db,
            "import",
            small.to_str().expect("utf-8"),
        ])
        .env_remove("METIERS_DB")
        .output()
        .expect("import lancé");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("la base n’a pas été modifiée"), "{err}");
    assert!(err.contains("lecture seule"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    drop(server);

    assert_eq!(snapshot(&db).await, before, "rien n’a changé");
    check_history(&db).await;
}

fn assert_read_only(answer: &Answer) {
    assert_eq!(answer.status, 503, "{}", answer.body);
    let v = answer.json();
    assert_eq!(v["code"], "base_en_lecture_seule", "{v}");
    let message = v["message"].as_str().unwrap_or_default();
    assert!(message.contains("accessibles en écriture"), "{message}");
}

#[tokio::test]
async fn a_database_in_a_read_only_directory_is_refused_at_start_up_in_french() {
    let ServiceWorkspace {
        dir: _dir,
        service,
        work,
        file,
        db,
    } = service_workspace();
    drop(Server::start(&db));
    assert!(metiers(&db, &["list"]).status.success());
    assert!(!work.join("cartographie.db-wal").exists());
    let before = snapshot(&db).await;

    // Neither the file nor its directory can be written by the service: SQLite cannot create
    // its -wal and -shm files there, so the database cannot be opened at all.
    chmod(&file, 0o444);
    chmod(&work, 0o555);
    let outcome = Server::spawn(serve_command(service.command(), &db));
    chmod(&work, 0o755);
    let (log, status) = match outcome {
        Ok(mut server) => panic!("démarrage accepté : {:?}", server.drain_log()),
        Err(refused) => refused,
    };
    assert_eq!(status.code(), Some(1), "{log}");
    assert!(
        log.contains("erreur : ouverture de la cartographie"),
        "{log}"
    );
    assert!(
        log.contains("La base de la cartographie est en lecture seule pour ce service"),
        "{log}"
    );
    assert!(
        log.contains("Rendez le fichier de la base et son dossier accessibles en écriture"),
        "{log}"
    );
    assert!(!log.contains("panicked"), "{log}");
    assert_eq!(snapshot(&db).await, before);
}

/// A tmpfs of `size` mounted on `dir` for the test, unmounted when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(dir: &Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| Self(dir.to_owned()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the file system of `dir` with a file `plein`: writes until it is refused.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("plein");
    let mut f = std::fs::File::create(&path).expect("fichier de remplissage");
    let chunk = vec![0u8; 4096];
    // Bounded: a tmpfs of a few MiB is full long before 1 GiB.
    for _ in 0..262_144 {
        if f.write_all(&chunk).and_then(|()| f.sync_all()).is_err() {
            return path;
        }
    }
    panic!("le disque de test ne se remplit pas");
}

#[tokio::test]
async fn a_full_disk_refuses_writes_in_french_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(disk) = SmallDisk::mount(&dir.path().join("disque"), "8m") else {
        eprintln!(
            "IGNORÉ : test du disque plein non exécuté, montage d’un tmpfs impossible (il faut être root)"
        );
        return;
    };
    let file = disk.0.join("cartographie.db");
    let db = format!("sqlite://{}", file.display());
    let csv = dir.path().join("postes.csv");
    std::fs::write(&csv, positions_csv("D", 200)).expect("fichier");
    metiers_ok(&db, &["import", csv.to_str().expect("utf-8")]);
    let mut server = Server::start(&db);
    let cookie = server.login("Alice Martin");
    let ids = position_ids(&server);
    let first = server.call(
        "POST",
        &format!("/api/v1/positions/{}/review", ids[0].0),
        Some(&review_body("testeur", "Alice Martin")),
    );
    assert_eq!(first.status, 200, "{}", first.body);
    let before = snapshot(&db).await;

    let filler = fill(&disk.0);
    // An import through the portal: refused, in French, nothing written.
    let big = positions_csv("E", 3_000);
    let refused = server
        .upload(&cookie, "gros.csv", big.as_bytes())
        .expect("réponse");
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("Le disque de la base de la cartographie est plein"),
        "{}",
        refused.body
    );
    // A review needs a few pages only: SQLite may find them in its WAL file, already
    // allocated; then it is recorded, otherwise refused like the import.
    let review = server.call(
        "POST",
        &format!("/api/v1/positions/{}/review", ids[2].0),
        Some(&review_body("testeur", "Alice Martin")),
    );
    let review_on_full_disk = review.status == 200;
    if !review_on_full_disk {
        assert_eq!(review.status, 503, "{}", review.body);
        assert_eq!(review.json()["code"], "disque_plein", "{}", review.body);
    }
    // Reads still work.
    let list = server.call("GET", "/api/v1/positions?limit=1", None);
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.json()["total"], 200);
    // An import from the command line: refused, in French.
    let big_csv = dir.path().join("gros.csv");
    std::fs::write(&big_csv, &big).expect("fichier");
    let out = metiers(&db, &["import", big_csv.to_str().expect("utf-8")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("la base n’a pas été modifiée"), "{err}");
    assert!(err.contains("disque"), "{err}");
    let on_full_disk = snapshot(&db).await;
    assert_eq!(
        on_full_disk.0.len(),
        before.0.len(),
        "aucun poste écrit sur le disque plein"
    );
    assert_eq!(
        on_full_disk.1, before.1,
        "aucun import enregistré sur le disque plein"
    );
    assert_eq!(on_full_disk.2, before.2 + i64::from(review_on_full_disk));

    // Space again: the same import goes through, whole, and reviews are recorded.
    std::fs::remove_file(&filler).expect("place libérée");
    let ok = server
        .upload(&cookie, "gros.csv", big.as_bytes())
        .expect("réponse");
    assert_eq!(ok.status, 200, "{}", ok.body);
    let more = server.call(
        "POST",
        &format!("/api/v1/positions/{}/review", ids[1].0),
        Some(&review_body("testeur", "Alice Martin")),
    );
    assert_eq!(
        more.status,
        200,
        "{} ; journal : {:?}",
        more.body,
        server.drain_log()
    );
    // Killed: what was acknowledged must be in the database (see the SQLite pool's
    // `after_release`: an import whose commit only released a savepoint was lost here).
    drop(server);
    let after = snapshot(&db).await;
    assert_eq!((after.0.len(), after.1), (3_200, 2));
    assert_eq!(after.2, 2 + i64::from(review_on_full_disk));
    check_history(&db).await;
}
