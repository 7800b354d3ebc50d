//! `/metrics` and the request log (issue 7, « Exploitation »): after requests sent through
//! `router(state)`, the metrics say exactly what was answered, by route template (never the
//! raw path) and status class; matches, imports and reviews are counted; `/metrics` is closed
//! on the public listener without its token; the request log holds no query text.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::portal::{Portal, TOKEN};
use metiers_web::AppState;
use std::io::Write;
use std::sync::{Arc, Mutex};

const METRICS_TOKEN: &str = "jeton-metriques-de-test-9876543210";

/// A state of its own (its own counters) on the shared référentiel and engine.
fn state() -> AppState {
    AppState::new(
        common::STATE.referentiel.clone(),
        common::STATE.engine.clone(),
        common::knowledge(),
    )
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let r = common::send_to_router(app, request).await;
    (r.status, r.headers, r.body)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("requête")
}

fn post_json(uri: &str, body: &serde_json::Value) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("requête")
}

/// The metrics as the internal listener serves them.
async fn scrape(state: &AppState) -> String {
    let (status, headers, body) = send(
        &metiers_web::metrics::router(state.clone()),
        get("/metrics"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        headers[header::CONTENT_TYPE],
        metiers_web::metrics::CONTENT_TYPE
    );
    assert!(body.ends_with("# EOF\n"), "{body}");
    body
}

/// The value of one sample (`name{labels}`, labels in the order the encoder writes them).
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|l| {
        let (name, value) = l.rsplit_once(' ')?;
        (name == series).then(|| value.parse().expect("nombre"))
    })
}

#[tokio::test]
async fn requests_are_counted_by_route_template_and_status_class() {
    let state = state();
    let app = metiers_web::router(state.clone());
    let id = state.referentiel.occupations[0].id.as_str().to_owned();
    let other = state.referentiel.occupations[1].id.as_str().to_owned();

    for uri in [format!("/metiers/{id}"), format!("/metiers/{other}")] {
        assert_eq!(send(&app, get(&uri)).await.0, StatusCode::OK, "{uri}");
    }
    assert_eq!(
        send(&app, get("/metiers/pas-un-metier")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, get("/api/v1/occupations")).await.0,
        StatusCode::OK
    );
    for junk in ["/pas/une/adresse", "/encore-une-autre-9f8e7d"] {
        assert_eq!(send(&app, get(junk)).await.0, StatusCode::NOT_FOUND);
    }

    let m = scrape(&state).await;
    let requests = |method: &str, route: &str, status: &str| {
        sample(
            &m,
            &format!(
                "metiers_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}}"
            ),
        )
    };
    assert_eq!(requests("GET", "/metiers/{id}", "2xx"), Some(2.0), "{m}");
    assert_eq!(requests("GET", "/metiers/{id}", "4xx"), Some(1.0), "{m}");
    assert_eq!(
        requests("GET", "/api/v1/occupations", "2xx"),
        Some(1.0),
        "{m}"
    );
    // Every unknown path counts under one series: clients cannot grow the metrics.
    assert_eq!(requests("GET", "aucune", "4xx"), Some(2.0), "{m}");
    for raw in [id.as_str(), "pas-un-metier", "/pas/une/adresse", "9f8e7d"] {
        assert!(
            !m.contains(raw),
            "chemin brut « {raw} » dans les métriques :\n{m}"
        );
    }
    // One latency observation per request, in seconds, with the +Inf bucket holding them all.
    assert_eq!(
        sample(
            &m,
            "metiers_http_request_duration_seconds_count{method=\"GET\",route=\"/metiers/{id}\"}"
        ),
        Some(3.0),
        "{m}"
    );
    assert_eq!(
        sample(
            &m,
            "metiers_http_request_duration_seconds_bucket{le=\"+Inf\",method=\"GET\",route=\"/metiers/{id}\"}"
        ),
        Some(3.0),
        "{m}"
    );
    let sum = sample(
        &m,
        "metiers_http_request_duration_seconds_sum{method=\"GET\",route=\"/metiers/{id}\"}",
    )
    .expect("somme des durées");
    assert!(sum > 0.0, "{m}");
}

#[tokio::test]
async fn matches_are_counted_by_kind_and_confidence() {
    let state = state();
    let app = metiers_web::router(state.clone());
    let title = "administrateur systèmes et réseaux";
    let long = "Au sein de la direction du numérique, vous concevez et développez des applications \
                web, vous rédigez les spécifications, vous testez le code et vous accompagnez \
                les utilisateurs lors de la mise en production des nouvelles versions.";
    let confident_title = state.engine.match_text(title, 3).confident;
    let confident_long = state.engine.match_text(long, 3).confident;

    // Twice the same title: the second comes from the cache and is counted too.
    for text in [title, title, long] {
        let (status, _, body) = send(
            &app,
            post_json("/api/v1/match", &serde_json::json!({ "text": text })),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // The portal's form counts as well.
    let (status, _, _) = send(
        &app,
        Request::post("/correspondance")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(
                "texte=administrateur+syst%C3%A8mes+et+r%C3%A9seaux",
            ))
            .expect("requête"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // A blank text is refused and is no match.
    let (refused, _, _) = send(
        &app,
        post_json("/api/v1/match", &serde_json::json!({ "text": "   " })),
    )
    .await;
    assert_eq!(refused, StatusCode::BAD_REQUEST);

    let m = scrape(&state).await;
    let yes_no = |b: bool| if b { "oui" } else { "non" };
    let count = |kind: &str, confident: bool| {
        sample(
            &m,
            &format!(
                "metiers_matches_total{{kind=\"{kind}\",confident=\"{}\"}}",
                yes_no(confident)
            ),
        )
    };
    assert_eq!(count("intitule", confident_title), Some(3.0), "{m}");
    assert_eq!(count("texte_long", confident_long), Some(1.0), "{m}");
    assert_eq!(count("intitule", !confident_title), None, "{m}");
    // The text matched never appears in the metrics.
    assert!(!m.contains("administrateur"), "{m}");
}

#[tokio::test]
async fn imports_and_reviews_are_counted() {
    let p = Portal::new().await;
    let (state, carto) = (p.state.clone(), p.carto.clone());

    // Log in, then upload an accepted file and a refused one through the portal.
    let login = p.login("Alice").await;
    let upload = |name: &str| {
        let bytes = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../store/tests/data")
                .join(name),
        )
        .expect("fichier de test");
        (name.to_owned(), bytes)
    };
    let (name, bytes) = upload("postes-excel-windows1252.csv");
    let r = p.import(&login, &name, &bytes).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (name, bytes) = upload("sans-intitule.csv");
    assert_eq!(
        p.import(&login, &name, &bytes).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let rows = carto.store.count_positions().await.expect("compte");
    assert!(rows > 0);

    // Two reviews through the API (bearer token): one recorded, one on an unknown position.
    let occupation = state.referentiel.occupations[0].id.as_str().to_owned();
    let review = |position: &str| {
        Request::post(format!("/api/v1/positions/{position}/review"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(Body::from(
                serde_json::json!({ "occupation_id": occupation, "reviewer": "Bob" }).to_string(),
            ))
            .expect("requête")
    };
    let r = p.send(review("1")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(p.send(review("999999")).await.status, StatusCode::NOT_FOUND);

    let m = scrape(&state).await;
    assert_eq!(
        sample(&m, "metiers_imports_total{outcome=\"accepte\"}"),
        Some(1.0),
        "{m}"
    );
    assert_eq!(
        sample(&m, "metiers_imports_total{outcome=\"refuse\"}"),
        Some(1.0),
        "{m}"
    );
    assert_eq!(
        sample(&m, "metiers_import_rows_total"),
        Some(rows as f64),
        "{m}"
    );
    assert_eq!(
        sample(&m, "metiers_reviews_total{outcome=\"enregistree\"}"),
        Some(1.0),
        "{m}"
    );
    assert_eq!(
        sample(&m, "metiers_reviews_total{outcome=\"echec\"}"),
        Some(1.0),
        "{m}"
    );
    // Nothing of the imported positions (titles, agents' names) is in the metrics.
    for personal in ["Dupont", "Martin", "veloppeur", "Bob", "Alice"] {
        assert!(!m.contains(personal), "« {personal} » dans les métriques");
    }
    carto.store.close().await;
}

#[tokio::test]
async fn the_public_listener_serves_metrics_only_with_the_token() {
    // Without a token, /metrics does not exist on the public listener.
    let closed = state();
    let (status, _, body) = send(&metiers_web::router(closed), get("/metrics")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    let state = state().with_metrics_token(METRICS_TOKEN);
    let app = metiers_web::router(state.clone());
    let with = |auth: Option<&str>| {
        let mut b = Request::get("/metrics");
        if let Some(a) = auth {
            b = b.header(header::AUTHORIZATION, a);
        }
        b.body(Body::empty()).expect("requête")
    };
    for auth in [None, Some("Bearer mauvais-jeton"), Some(METRICS_TOKEN)] {
        let (status, headers, body) = send(&app, with(auth)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert!(headers.contains_key(header::WWW_AUTHENTICATE));
        let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(v["code"], "jeton_metriques", "{v}");
        assert!(!body.contains(METRICS_TOKEN));
    }
    let (status, headers, body) = send(&app, with(Some(&format!("Bearer {METRICS_TOKEN}")))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        headers[header::CONTENT_TYPE],
        metiers_web::metrics::CONTENT_TYPE
    );
    // The three refused scrapes were counted before this one was answered.
    assert_eq!(
        sample(
            &body,
            "metiers_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"4xx\"}"
        ),
        Some(3.0),
        "{body}"
    );
}

/// A `MakeWriter` into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("verrou").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The log of this test binary: a global subscriber (a thread's default subscriber misses
/// events whose callsites other test threads registered first).
static LOG: std::sync::LazyLock<Captured> = std::sync::LazyLock::new(|| {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
        .with_writer(captured.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("un seul abonné global");
    captured
});

#[tokio::test]
async fn the_request_log_has_method_path_status_latency_and_no_query_text() {
    let captured = LOG.clone();
    let app = metiers_web::router(state());
    let (status, _, _) = send(&app, get("/api/v1/search?q=jeanne-durand-secret")).await;
    let (long, _, _) = send(
        &app,
        post_json(
            "/api/v1/suggest",
            &serde_json::json!({ "text": "Jeanne Durand, développeuse, 12 rue des Lilas" }),
        ),
    )
    .await;
    assert_eq!(long, StatusCode::METHOD_NOT_ALLOWED);
    // A match of a text with personal data: the text goes nowhere in the log.
    let (matched, _, _) = send(
        &app,
        post_json(
            "/api/v1/match",
            &serde_json::json!({ "text": "Jeanne Durand, développeuse Java, 12 rue des Lilas" }),
        ),
    )
    .await;
    assert_eq!(matched, StatusCode::OK);

    let log = String::from_utf8(captured.0.lock().expect("verrou").clone()).expect("UTF-8");
    let events: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e} : {l}")))
        .filter(|v: &serde_json::Value| {
            v["target"] == "metiers::http"
                && matches!(
                    v["fields"]["path"].as_str(),
                    Some("/api/v1/search" | "/api/v1/suggest")
                )
        })
        .collect();
    assert_eq!(events.len(), 2, "{log}");
    let first = &events[0]["fields"];
    assert_eq!(first["method"], "GET", "{log}");
    assert_eq!(first["path"], "/api/v1/search", "{log}");
    assert_eq!(first["status"], status.as_u16(), "{log}");
    assert!(
        first["latency_ms"].as_f64().is_some_and(|l| l >= 0.0),
        "{log}"
    );
    assert_eq!(events[1]["fields"]["route"], "/api/v1/suggest", "{log}");
    assert_eq!(events[1]["fields"]["status"], 405, "{log}");
    assert_eq!(events[1]["level"], "INFO", "{log}");
    for secret in ["jeanne", "Jeanne", "Durand", "Lilas"] {
        assert!(
            !log.contains(secret),
            "« {secret} » dans le journal :\n{log}"
        );
    }
}
