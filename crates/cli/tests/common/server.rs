//! A `metiers serve` process on 127.0.0.1 reached over HTTP, and the portal's forms (login,
//! upload with its CSRF token).

use super::{BIN, TOKEN};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

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

    /// Posts the login form as a browser does: the form's page first (its CSRF token, in a
    /// hidden field and a cookie), then the form with the token.
    pub fn login_attempt(&self, name: &str, token: &str) -> Answer {
        let form = call(
            &self.agent,
            &self.url("/cartographie/connexion"),
            "GET",
            None,
            &[],
        )
        .expect("page de connexion");
        let key = "name=\"csrf\" value=\"";
        let csrf = form
            .body
            .find(key)
            .map(|i| &form.body[i + key.len()..])
            .and_then(|rest| rest.split('"').next())
            .expect("jeton CSRF du formulaire")
            .to_owned();
        let cookie = form
            .cookies
            .iter()
            .find_map(|c| {
                c.split(';')
                    .next()
                    .filter(|kv| kv.starts_with("metiers_connexion="))
            })
            .expect("cookie du formulaire")
            .to_owned();
        let body = format!(
            "csrf={csrf}&jeton={}&nom={}",
            form_encode(token),
            form_encode(name)
        );
        call(
            &self.agent,
            &self.url("/cartographie/connexion"),
            "POST",
            Some(&body),
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Cookie", &cookie),
            ],
        )
        .expect("connexion")
    }

    /// Logs in to the portal as `name`: the session cookie (`name=value`).
    pub fn login(&self, name: &str) -> String {
        let answer = self.login_attempt(name, TOKEN);
        assert_eq!(answer.status, 303, "connexion : {}", answer.body);
        answer
            .cookies
            .iter()
            .find_map(|c| {
                c.split(';')
                    .next()
                    .filter(|kv| kv.starts_with("metiers_session="))
            })
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
