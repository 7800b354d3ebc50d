//! The OpenAPI document: version 3.1, every route documented, every reference resolved,
//! and the document served is the one generated from the code.

mod common;

use axum::http::StatusCode;
use common::get;
use serde_json::Value;
use std::collections::BTreeSet;

/// Every route of the API, as `METHOD path`.
const ROUTES: &[&str] = &[
    "get /api/v1/occupations",
    "get /api/v1/occupations/{id}",
    "get /api/v1/occupations/{id}/similar",
    "get /api/v1/search",
    "get /api/v1/skills",
    "get /api/v1/skills/{id}",
    "post /api/v1/profile",
    "get /api/v1/suggest",
    "post /api/v1/match",
    "get /api/v1/export",
    "get /api/v1/editions",
    "get /api/v1/editions/changes",
    "get /api/v1/crosswalks",
    "get /api/v1/gaps",
    "get /api/v1/gaps/person",
    "get /api/v1/openapi.json",
    "get /healthz",
    "get /api/v1/positions",
    "get /api/v1/positions/{id}",
    "post /api/v1/positions/{id}/review",
    "get /api/v1/dashboard",
    "get /api/v1/learned-titles",
    "delete /api/v1/learned-titles/{id}",
    "get /api/v1/positions/export/{format}",
];

async fn document() -> Value {
    let r = get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("application/json"));
    r.json()
}

fn operations(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, _) in item.as_object().into_iter().flatten() {
            out.insert(format!("{method} {path}"));
        }
    }
    out
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_covers_every_route() {
    let doc = document().await;
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let expected: BTreeSet<String> = ROUTES.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(operations(&doc), expected);
}

#[tokio::test]
async fn every_documented_route_answers() {
    // A documented route that the router does not serve would be a lie of the document.
    // The cartographie's routes answer 503 here (this state has no store; with one, they are
    // exercised in tests/cartographie.rs and tests/hostile.rs).
    let doc = document().await;
    for op in operations(&doc) {
        let (method, path) = op.split_once(' ').unwrap_or_default();
        let carto = is_cartographie(path);
        let query = match path {
            p if p.ends_with("search") || p.ends_with("suggest") => "?q=test",
            "/api/v1/gaps" => "?from=testeur&to=integrateur-d-exploitation",
            "/api/v1/gaps/person" => "?from=testeur",
            // One edition loaded: compared with itself.
            "/api/v1/editions/changes" => "?from=jurisconforme&to=jurisconforme",
            _ => "",
        };
        let id = if carto {
            "1"
        } else if path.starts_with("/api/v1/skills") {
            "traitement-incidents"
        } else {
            "testeur"
        };
        let uri = path
            .replace("{id}", id)
            .replace("{numero}", "1")
            .replace("{format}", "csv")
            + query;
        let r = match method {
            "get" => get(&uri).await,
            "post" if carto => common::post_json(&uri, r#"{"occupation_id": "testeur"}"#).await,
            "post" if path == "/api/v1/profile" => {
                common::post_json(&uri, r#"{"skills": ["traitement-incidents"]}"#).await
            }
            "post" => common::post_json(&uri, r#"{"text": "testeur"}"#).await,
            "delete" => {
                common::request(
                    axum::http::Method::DELETE,
                    &uri,
                    None,
                    axum::body::Body::empty(),
                )
                .await
            }
            other => panic!("méthode inattendue {other}"),
        };
        if carto {
            r.assert_error(StatusCode::SERVICE_UNAVAILABLE, "cartographie_indisponible");
        } else {
            assert_eq!(r.status, StatusCode::OK, "{op}: {}", r.body);
        }
    }
}

#[tokio::test]
async fn every_operation_is_described_with_its_responses_and_errors() {
    let doc = document().await;
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let responses = op["responses"].as_object().expect("responses");
            assert!(responses.contains_key("200"), "{method} {path}");
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{method} {path}"
            );
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path} sans résumé"
            );
            for (status, r) in responses {
                assert!(
                    r["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{method} {path} {status}"
                );
                if status.starts_with('4') {
                    let schema = &r["content"]["application/json"]["schema"]["$ref"];
                    assert_eq!(
                        schema, "#/components/schemas/ErrorBody",
                        "{method} {path} {status}"
                    );
                }
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                assert!(
                    p["name"].is_string() && p["in"].is_string() && !p["schema"].is_null(),
                    "{p}"
                );
            }
        }
    }
}

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_resolves() {
    let doc = document().await;
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 10);
    for r in all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("référence externe {r}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} non défini"
        );
    }
    for needed in [
        "Occupation",
        "OccupationList",
        "MatchResult",
        "SearchHit",
        "Suggestion",
        "Close",
        "OccupationDetail",
        "Gap",
        "SkillDetail",
        "ProfileAnswer",
        "ErrorBody",
        "MatchRequest",
        "PositionPage",
        "PositionDetail",
        "ReviewBody",
        "ReviewOutcome",
        "Dashboard",
        "StoredLearned",
    ] {
        assert!(
            doc["components"]["schemas"][needed].is_object(),
            "{needed} absent"
        );
    }
}

#[tokio::test]
async fn the_cartographie_routes_declare_their_security_schemes() {
    let doc = document().await;
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(
        schemes["jeton_administration"]["scheme"], "bearer",
        "{schemes}"
    );
    assert_eq!(schemes["session"]["in"], "cookie", "{schemes}");
    assert_eq!(schemes["session"]["name"], "metiers_session", "{schemes}");
    assert_eq!(schemes["jeton_csrf"]["in"], "header", "{schemes}");
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let security = op["security"].as_array();
            if is_cartographie(path) {
                let security = security.unwrap_or_else(|| panic!("{method} {path} sans sécurité"));
                assert!(
                    security
                        .iter()
                        .any(|s| s.get("jeton_administration").is_some())
                );
                assert!(op["responses"]["401"].is_object(), "{method} {path}");
                if method != "get" {
                    // Writes by session need the CSRF header too.
                    assert!(
                        security
                            .iter()
                            .any(|s| s.get("session").is_some() && s.get("jeton_csrf").is_some()),
                        "{method} {path}"
                    );
                }
            } else {
                assert!(security.is_none(), "{method} {path} est public");
            }
        }
    }
}

#[tokio::test]
async fn the_served_document_is_the_generated_one() {
    let served = document().await;
    let generated = serde_json::to_value(metiers_web::api::openapi()).unwrap_or_default();
    assert_eq!(served, generated);
}

/// Whether a documented path is one of the cartographie's (authenticated) routes.
fn is_cartographie(path: &str) -> bool {
    [
        "/api/v1/positions",
        "/api/v1/dashboard",
        "/api/v1/learned-titles",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}
