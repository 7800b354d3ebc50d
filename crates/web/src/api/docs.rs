//! `GET /api/v1/docs`: the OpenAPI document read for a human, in French, on the
//! portal's layout (no third-party viewer, nothing from a CDN).

use askama::Template;
use axum::extract::State;
use serde_json::Value;

use crate::AppState;
use crate::view::{Layout, Page, render};

#[derive(Debug)]
struct Param {
    name: String,
    location: &'static str,
    required: bool,
    kind: String,
    description: String,
}

#[derive(Debug)]
struct ResponseView {
    status: String,
    description: String,
    content: String,
}

#[derive(Debug)]
struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    parameters: Vec<Param>,
    request_body: Option<String>,
    responses: Vec<ResponseView>,
    example: Option<String>,
}

#[derive(Debug)]
struct SchemaView {
    name: String,
    description: String,
    fields: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "api/docs.html")]
struct ApiDoc {
    l: Layout,
    description: String,
    openapi_version: String,
    operations: Vec<Operation>,
    schemas: Vec<SchemaView>,
}

/// `GET /api/v1/docs`.
pub async fn page(State(state): State<AppState>) -> Page {
    let doc = &state.openapi.value;
    let page = ApiDoc {
        l: Layout::new("Documentation de l’API", "").crumb("Documentation de l’API", None),
        description: str_at(doc, &["info", "description"]),
        openapi_version: str_at(doc, &["openapi"]),
        operations: operations(doc),
        schemas: schemas(doc),
    };
    render(&page)
}

fn str_at(v: &Value, path: &[&str]) -> String {
    let mut cur = v;
    for key in path {
        cur = &cur[*key];
    }
    cur.as_str().unwrap_or_default().to_owned()
}

/// A short name of a schema: `SearchHit`, `tableau de SearchHit`, `chaîne`…
fn type_name(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    if let Some(one) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        return one
            .iter()
            .map(type_name)
            .filter(|t| t != "null")
            .collect::<Vec<_>>()
            .join(" ou ");
    }
    let kind = match &schema["type"] {
        Value::String(s) => s.clone(),
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| *s != "null")
            .collect::<Vec<_>>()
            .join(" ou "),
        _ => String::new(),
    };
    match kind.as_str() {
        "array" => format!("tableau de {}", type_name(&schema["items"])),
        "string" => match schema["enum"].as_array() {
            Some(values) => format!(
                "chaîne parmi {}",
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => "chaîne".to_owned(),
        },
        "integer" => "entier".to_owned(),
        "number" => "nombre".to_owned(),
        "boolean" => "booléen".to_owned(),
        "object" => "objet".to_owned(),
        "" => "valeur".to_owned(),
        other => other.to_owned(),
    }
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = doc["paths"].as_object() else {
        return out;
    };
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            let op = &item[method];
            if op.is_null() {
                continue;
            }
            let parameters = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .map(|p| Param {
                            name: p["name"].as_str().unwrap_or_default().to_owned(),
                            location: match p["in"].as_str() {
                                Some("path") => "chemin",
                                Some("query") => "requête",
                                Some("header") => "en-tête",
                                _ => "autre",
                            },
                            required: p["required"].as_bool().unwrap_or(false),
                            kind: type_name(&p["schema"]),
                            description: p["description"].as_str().unwrap_or_default().to_owned(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let request_body = op["requestBody"]["content"].as_object().map(|c| {
                c.iter()
                    .map(|(mime, m)| format!("{mime} : {}", type_name(&m["schema"])))
                    .collect::<Vec<_>>()
                    .join(" ; ")
            });
            let responses = op["responses"]
                .as_object()
                .map(|rs| {
                    rs.iter()
                        .map(|(status, r)| ResponseView {
                            status: status.clone(),
                            description: r["description"].as_str().unwrap_or_default().to_owned(),
                            content: r["content"]
                                .as_object()
                                .map(|c| {
                                    c.iter()
                                        .map(|(mime, m)| {
                                            format!("{mime} : {}", type_name(&m["schema"]))
                                        })
                                        .collect::<Vec<_>>()
                                        .join(" ; ")
                                })
                                .unwrap_or_default(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let summary = [op["summary"].as_str(), op["description"].as_str()]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let anchor = format!(
                "{method}{}",
                path.replace(['/', '{', '}', '.'], "-")
                    .trim_end_matches('-')
            );
            out.push(Operation {
                anchor,
                method: method.to_uppercase(),
                path: path.clone(),
                summary,
                parameters,
                request_body,
                responses,
                example: example(method, path),
            });
        }
    }
    out
}

/// A `curl` example for the main routes.
fn example(method: &str, path: &str) -> Option<String> {
    let base = "http://127.0.0.1:8080";
    Some(match (method, path) {
        ("get", "/api/v1/occupations") => {
            format!("curl '{base}{path}?min_level=5&heading=s%C3%A9curit%C3%A9'")
        }
        ("get", "/api/v1/occupations/{id}") => format!("curl {base}/api/v1/occupations/testeur"),
        ("get", "/api/v1/occupations/{id}/similar") => {
            format!("curl '{base}/api/v1/occupations/testeur/similar?top=3'")
        }
        ("get", "/api/v1/search") => format!("curl '{base}{path}?q=r%C3%A9seaux'"),
        ("get", "/api/v1/suggest") => format!("curl '{base}{path}?q=admin'"),
        ("post", "/api/v1/match") => format!(
            "curl -H 'Content-Type: application/json' -d '{{\"text\": \"administrateur réseaux\", \"top\": 3}}' {base}{path}"
        ),
        ("get", "/api/v1/export") => format!("curl -o referentiel.csv '{base}{path}?format=csv'"),
        _ => return None,
    })
}

fn schemas(doc: &Value) -> Vec<SchemaView> {
    let Some(schemas) = doc["components"]["schemas"].as_object() else {
        return Vec::new();
    };
    schemas
        .iter()
        .map(|(name, s)| SchemaView {
            name: name.clone(),
            description: s["description"].as_str().unwrap_or_default().to_owned(),
            fields: s["properties"]
                .as_object()
                .map(|props| {
                    props
                        .iter()
                        .map(|(field, p)| {
                            (
                                field.clone(),
                                type_name(p),
                                p["description"].as_str().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}
