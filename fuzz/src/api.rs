//! Fuzz check of the JSON API: the whole router (`metiers_web::router`) driven with
//! `tower::ServiceExt::oneshot` inside a current-thread tokio runtime, no socket.
//!
//! Included as a module by the fuzz target `api_match` and by the replay test
//! `crates/web/tests/fuzz_regressions.rs`; it uses only crates `metiers_web` depends on.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, Uri, header};
use http_body_util::BodyExt;
use metiers_search::MatchResult;
use metiers_web::{AppState, router};
use std::sync::{Arc, LazyLock};
use tower::ServiceExt;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime tokio")
});

static APP: LazyLock<Router> = LazyLock::new(|| {
    let r = Arc::new(metiers_referentiel::published().referentiel);
    let engine = Arc::new(metiers_search::Engine::build(&r).expect("moteur"));
    // Without the cache every input reaches the engine, and the result does not depend on
    // the inputs that came before.
    let state = AppState::new(
        r,
        engine,
        metiers_knowledge::Knowledge::shared().expect("données embarquées"),
    )
    .with_match_cache(0);
    router(state)
});

/// Sends `data` as the body of `POST /api/v1/match` (`Content-Type: application/json`),
/// and, when it can be one, as the query string of `GET /api/v1/search`. Checks: no 5xx;
/// every answer is JSON; a client error has the shape `{ "code", "message" }`; a match
/// has scores in [0, 1], best first, and at most the number asked.
pub fn check(data: &[u8]) {
    RUNTIME.block_on(async {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/match")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(data.to_vec()))
            .expect("requête");
        let (status, body) = send(request).await;
        if status == StatusCode::OK {
            let result: MatchResult = serde_json::from_slice(&body)
                .unwrap_or_else(|e| panic!("réponse de match illisible ({e})"));
            let asked = serde_json::from_slice::<serde_json::Value>(data)
                .ok()
                .and_then(|v| v.get("top").and_then(serde_json::Value::as_u64))
                .unwrap_or(3);
            assert!(result.matches.len() as u64 <= asked, "trop de métiers");
            let mut previous = f32::INFINITY;
            for m in &result.matches {
                assert!(
                    (0.0..=1.0).contains(&m.score),
                    "score {} hors de [0, 1]",
                    m.score
                );
                assert!(m.score <= previous, "scores dans le désordre");
                previous = m.score;
            }
        }

        let Ok(query) = std::str::from_utf8(data) else {
            return;
        };
        let Ok(uri) = format!("/api/v1/search?{query}").parse::<Uri>() else {
            return;
        };
        if uri.path() != "/api/v1/search" {
            return;
        }
        let request = Request::get(uri).body(Body::empty()).expect("requête");
        send(request).await;
    });
}

/// Sends a request to the router and checks the answer's status and shape.
async fn send(request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let what = format!("{} {}", request.method(), request.uri());
    let response = APP
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|e| match e {});
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("corps de la réponse")
        .to_bytes()
        .to_vec();
    assert!(
        !status.is_server_error(),
        "{what} : {status} {}",
        String::from_utf8_lossy(&body)
    );
    assert!(
        content_type.starts_with("application/json"),
        "{what} : {status} en {content_type:?}"
    );
    if status.is_client_error() {
        let v: serde_json::Value = serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("{what} : erreur illisible ({e})"));
        let shape_ok = v.as_object().is_some_and(|o| o.len() == 2)
            && v["code"].as_str().is_some_and(|c| !c.is_empty())
            && v["message"].as_str().is_some_and(|m| !m.trim().is_empty());
        assert!(
            shape_ok,
            "{what} : erreur hors de la forme {{ code, message }} : {v}"
        );
    }
    (status, body)
}
