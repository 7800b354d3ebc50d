//! Shared helpers of the router tests: one application state for all tests of a binary,
//! requests sent with `tower::ServiceExt::oneshot` (no socket).

#![allow(dead_code)]

pub mod portal;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use metiers_web::{AppState, router};
use std::sync::{Arc, LazyLock};
use tower::ServiceExt;

pub static STATE: LazyLock<AppState> = LazyLock::new(|| {
    let r = Arc::new(metiers_referentiel::published().referentiel);
    let engine = Arc::new(metiers_search::Engine::build(&r).expect("moteur"));
    AppState::new(r, engine, knowledge())
});

/// The embedded repertories and crosswalk.
pub fn knowledge() -> Arc<metiers_knowledge::Knowledge> {
    metiers_knowledge::Knowledge::shared().expect("données embarquées")
}

/// A response read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("JSON attendu ({e}) : {}", self.body))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// Asserts the client error shape `{ "code", "message" }` with this status and code.
    pub fn assert_error(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(
            self.content_type().starts_with("application/json"),
            "{}",
            self.content_type()
        );
        let v = self.json();
        assert_eq!(v["code"], code, "{v}");
        let message = v["message"].as_str().expect("message");
        assert!(!message.is_empty());
        assert_eq!(v.as_object().map(|o| o.len()), Some(2), "{v}");
    }
}

pub async fn send(request: Request<Body>) -> Reply {
    send_to(STATE.clone(), request).await
}

/// Sends a request to the application built on `state`.
pub async fn send_to(state: AppState, request: Request<Body>) -> Reply {
    send_to_router(&router(state), request).await
}

/// Sends a request to a router.
pub async fn send_to_router(app: &Router, request: Request<Body>) -> Reply {
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("le routeur répond toujours");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("corps lisible")
        .to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub async fn get(uri: &str) -> Reply {
    send(Request::get(uri).body(Body::empty()).expect("requête")).await
}

pub async fn request(
    method: Method,
    uri: &str,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> Reply {
    let mut b = Request::builder().method(method).uri(uri);
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    send(b.body(body.into()).expect("requête")).await
}

pub async fn post_json(uri: &str, body: &str) -> Reply {
    request(Method::POST, uri, Some("application/json"), body.to_owned()).await
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
