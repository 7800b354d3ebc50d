//! A portal with its cartographie on a fresh SQLite workspace, and the requests a browser
//! sends to it: forms, uploads, cookies, the login (with its CSRF token), bearer calls.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use metiers_web::AppState;
use metiers_web::cartographie::Cartographie;
use std::net::SocketAddr;

use super::{Reply, enc, send_to_router};

/// The administrator token of the test portals.
pub const TOKEN: &str = "jeton-de-test-0123456789";

/// A router on a state with a cartographie, and that cartographie.
pub struct Portal {
    pub app: Router,
    pub state: AppState,
    pub carto: Cartographie,
    _dir: Option<tempfile::TempDir>,
}

/// A logged-in browser: its session cookie (`name=value`) and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Login {
    pub cookie: String,
    pub csrf: String,
}

impl Portal {
    /// A portal on a new SQLite workspace.
    pub async fn new() -> Portal {
        Self::new_with(|_| {}).await
    }

    /// A portal on a new SQLite workspace; `adjust` changes the cartographie's settings.
    pub async fn new_with(adjust: impl FnOnce(&mut Cartographie)) -> Portal {
        let dir = tempfile::tempdir().expect("dossier temporaire");
        let url = format!("sqlite://{}", dir.path().join("portail.db").display());
        let mut p = Self::open_with(&url, adjust).await;
        p._dir = Some(dir);
        p
    }

    /// A portal on the workspace at `url` (a restart, when it exists).
    pub async fn open(url: &str) -> Portal {
        Self::open_with(url, |_| {}).await
    }

    async fn open_with(url: &str, adjust: impl FnOnce(&mut Cartographie)) -> Portal {
        let (mut carto, _) = Cartographie::open(url, Some(TOKEN), false)
            .await
            .expect("la base s’ouvre");
        adjust(&mut carto);
        let state = AppState::new(
            super::STATE.referentiel.clone(),
            super::STATE.engine.clone(),
            super::knowledge(),
        )
        .with_cartographie(carto.clone());
        Portal {
            app: metiers_web::router(state.clone()),
            state,
            carto,
            _dir: None,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        send_to_router(&self.app, req).await
    }

    pub async fn get(&self, uri: &str, login: Option<&Login>) -> Reply {
        self.send(page(uri, login.map(|l| l.cookie.as_str()))).await
    }

    /// Posts the login form as a browser does (the form's page first, for its CSRF token and
    /// cookie), from `client` (`127.0.0.{client}`) when given.
    pub async fn login_attempt(&self, client: Option<u8>, name: &str, token: &str) -> Reply {
        let form_page = self.send(page("/cartographie/connexion", None)).await;
        assert_eq!(form_page.status, StatusCode::OK, "{}", form_page.body);
        let csrf = csrf_of(&form_page.body);
        let cookie = cookie_of(&form_page.headers, "metiers_connexion");
        let req = form(
            "/cartographie/connexion",
            Some(&cookie),
            format!("csrf={csrf}&nom={}&jeton={}", enc(name), enc(token)),
        );
        self.send(match client {
            Some(c) => from(c, req),
            None => req,
        })
        .await
    }

    /// Logs in as `name` with the right token.
    pub async fn login(&self, name: &str) -> Login {
        let r = self.login_attempt(None, name, TOKEN).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let cookie = cookie_of(&r.headers, "metiers_session");
        let dashboard = self.send(page("/cartographie", Some(&cookie))).await;
        let csrf = csrf_of(&dashboard.body);
        Login { cookie, csrf }
    }

    /// Uploads a file through the import page.
    pub async fn import(&self, login: &Login, file_name: &str, bytes: &[u8]) -> Reply {
        self.send(multipart(
            "/cartographie/import",
            &login.cookie,
            Some(&login.csrf),
            file_name,
            bytes,
        ))
        .await
    }

    /// Reviews recorded in the workspace.
    pub async fn reviews(&self) -> i64 {
        self.carto.store.count_reviews().await.expect("relectures")
    }
}

/// A GET, with a cookie when given.
pub fn page(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(uri);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).expect("requête")
}

/// A form POST (`application/x-www-form-urlencoded`), with a cookie when given.
pub fn form(uri: &str, cookie: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut b =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(body.into()).expect("requête")
}

/// A call of the API with the administrator's bearer `token`, with a JSON body when given.
pub fn bearer(method: Method, uri: &str, token: &str, json: Option<&str>) -> Request<Body> {
    let b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    match json {
        Some(j) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(j.to_owned())),
        None => b.body(Body::empty()),
    }
    .expect("requête")
}

/// A multipart upload of one file (field `fichier`) and, when given, the CSRF field.
pub fn multipart(
    uri: &str,
    cookie: &str,
    csrf: Option<&str>,
    file_name: &str,
    bytes: &[u8],
) -> Request<Body> {
    let boundary = "----metiers-test-boundary";
    let mut body = Vec::new();
    if let Some(csrf) = csrf {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .expect("requête")
}

/// A request from the client at `127.0.0.{client}` (as `metiers serve` sees it).
pub fn from(client: u8, mut req: Request<Body>) -> Request<Body> {
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, client], 40_000))));
    req
}

/// The cookie `name` set by a response, as `name=value`.
pub fn cookie_of(headers: &HeaderMap, name: &str) -> String {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|kv| kv.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("pas de cookie {name} : {headers:?}"))
        .to_owned()
}

/// The value of the first `csrf` field of a page.
pub fn csrf_of(html: &str) -> String {
    let key = "name=\"csrf\" value=\"";
    let start = html
        .find(key)
        .unwrap_or_else(|| panic!("pas de champ CSRF\n{html}"))
        + key.len();
    html[start..].split('"').next().expect("valeur").to_owned()
}
