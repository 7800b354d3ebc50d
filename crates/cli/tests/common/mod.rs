//! Shared helpers of the tests that run the `metiers` binary: workspaces on each backend (a
//! SQLite file, a fresh PostgreSQL schema when `METIERS_TEST_POSTGRES_URL` is set), what a
//! workspace holds ([`snapshot`]), and a `metiers serve` process reached over HTTP
//! ([`Server`]), on 127.0.0.1 only.

#![allow(dead_code)]

use metiers_store::Store;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_metiers");

/// The administrator token given to the servers of the tests.
pub const TOKEN: &str = "jeton-de-test-0123456789abcdef";

/// A file of `crates/store/tests/data`.
pub fn store_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../store/tests/data")
        .join(name)
}

/// `metiers cartographie --db DB ARGS…`, run to its end.
pub fn metiers(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["cartographie", "--db", db])
        .args(args)
        .env_remove("METIERS_DB")
        .output()
        .expect("metiers runs")
}

/// The test database's URL, or `None` after saying on stderr that the PostgreSQL part of
/// `test` did not run.
pub fn postgres_base(test: &str) -> Option<String> {
    match std::env::var("METIERS_TEST_POSTGRES_URL") {
        Ok(base) => Some(base),
        Err(_) => {
            let _ = writeln!(
                std::io::stderr(),
                "IGNORÉ : partie PostgreSQL du test « {test} » non exécutée, METIERS_TEST_POSTGRES_URL n’est pas défini"
            );
            None
        }
    }
}

/// A fresh schema in the test database, dropped with its tables when this is dropped.
#[derive(Debug)]
pub struct PgSchema {
    pub base: String,
    pub name: String,
}

impl PgSchema {
    /// Creates `metiers_<test>_<pid>`.
    pub fn create(base: &str, test: &str) -> Self {
        let name = format!("metiers_{test}_{}", std::process::id());
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

    /// The database URL whose `search_path` is this schema.
    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options[search_path]={}", self.base, self.name)
    }
}

impl Drop for PgSchema {
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

/// One workspace of a test: its URL, and the schema to drop for PostgreSQL.
#[derive(Debug)]
pub struct Workspace {
    pub url: String,
    pub schema: Option<PgSchema>,
}

impl Workspace {
    pub fn kind(&self) -> &'static str {
        if self.schema.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }
}

/// A workspace per backend: SQLite in `dir`, and PostgreSQL in a fresh schema when configured.
pub fn backends(dir: &Path, test: &str) -> Vec<Workspace> {
    let mut out = vec![Workspace {
        url: format!("sqlite://{}", dir.join(format!("{test}.db")).display()),
        schema: None,
    }];
    if let Some(base) = postgres_base(test) {
        let schema = PgSchema::create(&base, test);
        out.push(Workspace {
            url: schema.url(),
            schema: Some(schema),
        });
    }
    out
}

/// A position as (external id, title, occupation, status): what must not change.
pub type PositionKey = (Option<String>, String, Option<String>, &'static str);

/// What a workspace holds: positions sorted, number of imports, number of reviews.
pub async fn snapshot(url: &str) -> (Vec<PositionKey>, usize, i64) {
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

/// A CSV file of `count` positions `{prefix}{i}` with real-shaped titles.
pub fn positions_csv(prefix: &str, count: usize) -> String {
    let titles = [
        "Développeur Java",
        "Administrateur systèmes",
        "Chef de projet MOA",
        "Technicien support",
        "Testeur",
    ];
    let mut text = String::from("Identifiant;Intitulé du poste;Service;ETP\n");
    for i in 0..count {
        text.push_str(&format!(
            "{prefix}{i};{} {};Bureau {};1\n",
            titles[i % titles.len()],
            i % 97,
            i % 13
        ));
    }
    text
}

/// An HTTP answer: status, `Set-Cookie` values, body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub cookies: Vec<String>,
    pub body: String,
}

impl Answer {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("JSON attendu ({e}) : {}", self.body))
    }
}

/// A `metiers serve` process on 127.0.0.1, killed when dropped. Its stderr is read by a
/// thread and kept, line by line.
#[derive(Debug)]
pub struct Server {
    pub child: Child,
    pub addr: String,
    lines: mpsc::Receiver<String>,
    /// Every stderr line received so far.
    pub log: Vec<String>,
    agent: ureq::Agent,
}

impl Server {
    /// `metiers serve` on `db` (see [`serve_command`]).
    pub fn start(db: &str) -> Self {
        Self::spawn(Self::command(db)).expect("metiers serve démarre")
    }

    /// The command that [`Server::start`] runs, to adjust before [`Server::spawn`].
    pub fn command(db: &str) -> Command {
        serve_command(Command::new(BIN), db)
    }

    /// Starts `command` and waits for the address it announces; `Err` holds its stderr and
    /// exit status when it stops before (a refused start-up).
    pub fn spawn(mut command: Command) -> Result<Self, (String, std::process::ExitStatus)> {
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("metiers serve se lance");
        let stderr = child.stderr.take().expect("stderr");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut log = Vec::new();
        let started = Instant::now();
        let addr = loop {
            match lines.recv_timeout(Duration::from_secs(1)) {
                Ok(line) => {
                    let addr = line
                        .split("http://")
                        .nth(1)
                        .map(|rest| rest.split('/').next().unwrap_or_default().to_owned());
                    log.push(line);
                    if let Some(addr) = addr {
                        break addr;
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = child.wait().expect("processus attendu");
                    return Err((log.join("\n"), status));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if started.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                panic!("le serveur n’a pas annoncé son adresse en 120 s : {log:?}");
            }
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Ok(Self {
            child,
            addr,
            lines,
            log,
            agent,
        })
    }

    /// Waits (at most `limit`) for a stderr line for which `wanted` holds; returns it.
    pub fn wait_for_line(&mut self, limit: Duration, wanted: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        while started.elapsed() < limit {
            match self.lines.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    let found = wanted(&line);
                    self.log.push(line.clone());
                    if found {
                        return line;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        panic!(
            "ligne attendue absente du journal du serveur : {:?}",
            self.log
        );
    }

    /// Takes the stderr lines received so far into [`Server::log`].
    pub fn drain_log(&mut self) -> &[String] {
        while let Ok(line) = self.lines.try_recv() {
            self.log.push(line);
        }
        &self.log
    }

    /// An agent of this server: no redirect followed, statuses returned, 120 s at most a call.
    pub fn agent(&self) -> ureq::Agent {
        self.agent.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// One API call with the administrator token; `Err` when no HTTP answer came.
    pub fn try_call(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<Answer, ureq::Error> {
        call(
            &self.agent,
            &self.url(path),
            method,
            body,
            &[("Authorization", &format!("Bearer {TOKEN}"))],
        )
    }

    /// One API call with the administrator token.
    pub fn call(&self, method: &str, path: &str, body: Option<&str>) -> Answer {
        self.try_call(method, path, body)
            .unwrap_or_else(|e| panic!("{method} {path} : pas de réponse ({e})"))
    }

    /// Logs in to the portal as `name`: the session cookie (`name=value`).
    pub fn login(&self, name: &str) -> String {
        let body = format!("jeton={TOKEN}&nom={}", form_encode(name));
        let answer = call(
            &self.agent,
            &self.url("/cartographie/connexion"),
            "POST",
            Some(&body),
            &[("Content-Type", "application/x-www-form-urlencoded")],
        )
        .expect("connexion");
        assert_eq!(answer.status, 303, "connexion : {}", answer.body);
        answer
            .cookies
            .iter()
            .find_map(|c| c.split(';').next().filter(|kv| kv.contains('=')))
            .expect("cookie de session")
            .to_owned()
    }

    /// Uploads `bytes` as `file_name` through the portal's import page (see [`upload`]).
    pub fn upload(
        &self,
        cookie: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Answer, ureq::Error> {
        upload(&self.agent, &self.url(""), cookie, file_name, bytes)
    }

    /// SIGKILL, then waits for the process.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL envoyé");
        self.child.wait().expect("processus attendu");
    }
}

/// `command` (which runs the binary, directly or through a wrapper such as `setpriv`) with
/// the arguments and environment of a test server on `db`: a free port of 127.0.0.1, the test
/// token, `METIERS_LOG=info` (the portal logs its imports' progress).
pub fn serve_command(mut command: Command, db: &str) -> Command {
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--db", db])
        .env("METIERS_ADMIN_TOKEN", TOKEN)
        .env("METIERS_LOG", "info")
        .env_remove("METIERS_DB");
    command
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request with `agent`: `headers`, and `body` for POST, PUT and DELETE.
pub fn call(
    agent: &ureq::Agent,
    url: &str,
    method: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Result<Answer, ureq::Error> {
    let has_type = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    match method {
        "GET" => {
            let mut request = agent.get(url);
            for (k, v) in headers {
                request = request.header(*k, *v);
            }
            read(request.call()?)
        }
        "DELETE" => {
            let mut request = agent.delete(url);
            for (k, v) in headers {
                request = request.header(*k, *v);
            }
            read(request.call()?)
        }
        _ => {
            let mut request = agent.post(url);
            for (k, v) in headers {
                request = request.header(*k, *v);
            }
            if !has_type {
                request = request.header("Content-Type", "application/json");
            }
            send(request, body.unwrap_or_default().as_bytes())
        }
    }
}

fn send(
    request: ureq::RequestBuilder<ureq::typestate::WithBody>,
    body: &[u8],
) -> Result<Answer, ureq::Error> {
    read(request.send(body)?)
}

fn read(mut response: ureq::http::Response<ureq::Body>) -> Result<Answer, ureq::Error> {
    let status = response.status().as_u16();
    let cookies = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()?;
    Ok(Answer {
        status,
        cookies,
        body,
    })
}

/// Uploads `bytes` as `file_name` through the import page of the portal at `base`, with the
/// session of `cookie` and its CSRF token; `Err` when no HTTP answer came (the server died).
pub fn upload(
    agent: &ureq::Agent,
    base: &str,
    cookie: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<Answer, ureq::Error> {
    let url = format!("{base}/cartographie/import");
    let form = call(agent, &url, "GET", None, &[("Cookie", cookie)])?;
    assert_eq!(form.status, 200, "page d’import : {}", form.body);
    let csrf = form
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("jeton CSRF dans la page d’import")
        .to_owned();
    let boundary = "----metiers-test-frontiere-7d3f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"{file_name}\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    send(
        agent
            .post(&url)
            .header("Cookie", cookie)
            .header("Content-Type", &content_type),
        &body,
    )
}

/// Checks that the history of every position is consistent with the position (its occupation
/// and status are those of its last review; each review starts from the previous one's
/// decision); returns the ids of the stored reviews.
pub async fn check_history(url: &str) -> std::collections::BTreeSet<i64> {
    let store = Store::open(url).await.expect("workspace opens");
    let mut ids = std::collections::BTreeSet::new();
    for p in store.all_positions().await.expect("positions") {
        let reviews = store.reviews(p.id).await.expect("reviews");
        for pair in reviews.windows(2) {
            assert_eq!(
                pair[1].previous_occupation_id.as_deref(),
                Some(pair[0].new_occupation_id.as_str()),
                "historique du poste {} : {reviews:?}",
                p.id
            );
            assert_eq!(pair[1].previous_status, pair[0].new_status, "{reviews:?}");
        }
        if let Some(last) = reviews.last() {
            assert_eq!(
                p.occupation_id.as_deref(),
                Some(last.new_occupation_id.as_str()),
                "poste {p:?}"
            );
            assert_eq!(p.status.as_str(), last.new_status, "poste {p:?}");
            assert_eq!(
                p.reviewer.as_deref(),
                Some(last.reviewer.as_str()),
                "poste {p:?}"
            );
        } else {
            assert!(
                !p.status.is_reviewed(),
                "poste relu sans historique : {p:?}"
            );
        }
        ids.extend(reviews.iter().map(|r| r.id));
    }
    if let metiers_store::Backend::Sqlite(pool) = store.backend() {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(pool)
            .await
            .expect("PRAGMA integrity_check");
        assert_eq!(check, "ok", "PRAGMA integrity_check");
    }
    store.close().await;
    ids
}

/// `application/x-www-form-urlencoded` value.
pub fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
