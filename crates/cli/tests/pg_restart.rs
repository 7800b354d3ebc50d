//! PostgreSQL restarted under load (issue 7): while requests run against `metiers serve`, the
//! local PostgreSQL server is restarted. Every request gets an answer (never a dropped
//! connection, never a hang: the client gives up after 120 s, the pool after 30 s): a success,
//! or 503 with the API's French JSON error. The server reconnects by itself, every review it
//! acknowledged is stored, and the histories are consistent.
//!
//! Its own test binary, so that it does not disturb the other PostgreSQL tests (test binaries
//! run one after the other). Runs as root on a machine whose PostgreSQL is managed by
//! `pg_ctlcluster` and answers at `METIERS_TEST_POSTGRES_URL` on 127.0.0.1; otherwise it says on
//! stderr that it did not run. Whatever happens, PostgreSQL is running again at the end.

mod common;

use common::{Answer, PgSchema, Server, TOKEN, check_history, metiers_ok, positions_csv};
use std::collections::BTreeMap;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The first cluster of `/etc/postgresql` (this project's machines have one).
fn cluster_version() -> Option<String> {
    let mut versions: Vec<String> = std::fs::read_dir("/etc/postgresql")
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    versions.sort();
    versions.into_iter().next()
}

fn pg_ctlcluster(version: &str, action: &str) -> bool {
    Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", version, "main", action])
        .status()
        .is_ok_and(|s| s.success())
}

fn pg_ready() -> bool {
    Command::new("pg_isready")
        .args(["-q", "-h", "127.0.0.1", "-p", "5432"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Waits (at most 60 s) for PostgreSQL to accept connections.
fn wait_ready() -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if pg_ready() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

/// Starts PostgreSQL again when dropped if it is not answering, whatever the test did.
struct RunningAgain(String);

impl Drop for RunningAgain {
    fn drop(&mut self) {
        if !pg_ready() {
            pg_ctlcluster(&self.0, "start");
            wait_ready();
        }
    }
}

/// One request of the load, and what came back.
#[derive(Debug)]
struct Outcome {
    what: &'static str,
    /// Sent after the restart was over.
    after: bool,
    answer: Result<Answer, String>,
}

#[test]
fn restarting_postgresql_under_load_gives_clean_503s_then_service_again() {
    let Some(base) = common::postgres_base("pg_restart") else {
        return;
    };
    let root = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"));
    let local = base.contains("@127.0.0.1") || base.contains("@localhost");
    let Some(version) = cluster_version().filter(|_| root && local) else {
        eprintln!(
            "IGNORÉ : test du redémarrage de PostgreSQL non exécuté (il faut être root, pg_ctlcluster et un serveur local)"
        );
        return;
    };
    let _again = RunningAgain(version.clone());
    assert!(wait_ready(), "PostgreSQL répond avant le test");

    let schema = PgSchema::create(&base, "pg_restart");
    let db = schema.url();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("postes.csv");
    std::fs::write(&file, positions_csv("PG", 200)).expect("fichier écrit");
    metiers_ok(&db, &["import", file.to_str().expect("utf-8")]);
    let mut server = Server::start(&db);
    let list = server.call("GET", "/api/v1/positions?limit=1000", None);
    let ids: Vec<i64> = list.json()["positions"]
        .as_array()
        .expect("postes")
        .iter()
        .filter_map(|p| p["id"].as_i64())
        .collect();
    assert_eq!(ids.len(), 200);
    let occupations: Vec<String> = metiers_referentiel::published()
        .referentiel
        .occupations
        .iter()
        .take(6)
        .map(|o| o.id.to_string())
        .collect();

    let outcomes = Arc::new(Mutex::new(Vec::<Outcome>::new()));
    let acked = Arc::new(Mutex::new(BTreeMap::<i64, String>::new()));
    let restarted = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..6)
        .map(|w| {
            let (agent, base) = (server.agent(), server.url(""));
            let (outcomes, acked, restarted, stop) =
                (outcomes.clone(), acked.clone(), restarted.clone(), stop.clone());
            let (ids, occupations) = (ids.clone(), occupations.clone());
            std::thread::spawn(move || {
                let auth = format!("Bearer {TOKEN}");
                let started = Instant::now();
                // Bounded: 20,000 requests or 5 minutes per thread.
                for k in 0..20_000usize {
                    if stop.load(Ordering::Relaxed) || started.elapsed() > Duration::from_secs(300) {
                        break;
                    }
                    let after = restarted.load(Ordering::Relaxed);
                    let position = ids[(k * 6 + w) % ids.len()];
                    let occupation = occupations[(k + w) % occupations.len()].clone();
                    let (what, answer) = match k % 4 {
                        0 => ("liste", common::call(&agent, &format!("{base}/api/v1/positions?limit=20&offset={}", k % 180), "GET", None, &[("Authorization", &auth)])),
                        1 => ("tableau", common::call(&agent, &format!("{base}/api/v1/dashboard"), "GET", None, &[("Authorization", &auth)])),
                        2 => ("recherche", common::call(&agent, &format!("{base}/api/v1/search?q=administrateur%20r%C3%A9seaux"), "GET", None, &[])),
                        _ => {
                            let body = serde_json::json!({ "occupation_id": occupation, "reviewer": format!("Relecteur {w}") }).to_string();
                            ("revue", common::call(&agent, &format!("{base}/api/v1/positions/{position}/review"), "POST", Some(&body), &[("Authorization", &auth)]))
                        }
                    };
                    if what == "revue"
                        && let Ok(a) = &answer
                        && a.status == 200
                    {
                        let id = a.json()["review"]["id"].as_i64().expect("revue");
                        acked.lock().expect("verrou").insert(id, occupation);
                    }
                    outcomes.lock().expect("verrou").push(Outcome {
                        what,
                        after,
                        answer: answer.map_err(|e| e.to_string()),
                    });
                }
            })
        })
        .collect();

    let count = |after: bool| {
        outcomes
            .lock()
            .expect("verrou")
            .iter()
            .filter(|o| o.after == after && o.answer.as_ref().is_ok_and(|a| a.status == 200))
            .count()
    };
    let started = Instant::now();
    while count(false) < 100 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // The restart, under load.
    assert!(pg_ctlcluster(&version, "restart"), "pg_ctlcluster restart");
    assert!(wait_ready(), "PostgreSQL répond après le redémarrage");
    restarted.store(true, Ordering::Relaxed);
    // Service again: requests sent after the restart succeed.
    let started = Instant::now();
    while count(true) < 200 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().expect("thread de charge");
    }
    assert!(
        server.child.try_wait().expect("état du serveur").is_none(),
        "le serveur tourne encore"
    );
    server.drain_log();

    let outcomes = std::mem::take(&mut *outcomes.lock().expect("verrou"));
    let mut by_kind: BTreeMap<(&str, String), usize> = BTreeMap::new();
    for o in &outcomes {
        let key = match &o.answer {
            Ok(a) if a.status == 200 => "200".to_owned(),
            Ok(a) => {
                // Anything but success is the clean outage answer: 503 and the French JSON.
                assert_eq!(a.status, 503, "{} : {}", o.what, a.body);
                let v = a.json();
                assert_eq!(v["code"], "base_indisponible", "{v}");
                assert!(
                    v["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("ne répond pas")),
                    "{v}"
                );
                "503".to_owned()
            }
            Err(e) => panic!(
                "{} : pas de réponse ({e}) ; journal du serveur : {:?}",
                o.what, server.log
            ),
        };
        *by_kind.entry((o.what, key)).or_default() += 1;
    }
    let after_ok = outcomes
        .iter()
        .filter(|o| o.after && o.answer.as_ref().is_ok_and(|a| a.status == 200))
        .count();
    assert!(
        after_ok >= 200,
        "service rétabli après le redémarrage : {by_kind:?}"
    );
    // The last requests of every kind succeeded: the pool has reconnected.
    for what in ["liste", "tableau", "recherche", "revue"] {
        let last = outcomes
            .iter()
            .rev()
            .find(|o| o.what == what)
            .expect("requête");
        assert!(
            last.answer.as_ref().is_ok_and(|a| a.status == 200),
            "{what} : {:?}",
            last.answer
        );
    }

    // Nothing acknowledged is lost; histories consistent with positions.
    let acked = std::mem::take(&mut *acked.lock().expect("verrou"));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let stored = rt.block_on(check_history(&db));
    for id in acked.keys() {
        assert!(stored.contains(id), "revue {id} acquittée puis perdue");
    }
    eprintln!(
        "redémarrage de PostgreSQL sous charge : {} requêtes, {by_kind:?} ; {} revue(s) acquittée(s), toutes retrouvées",
        outcomes.len(),
        acked.len()
    );
    drop(server);
    drop(schema);
}
