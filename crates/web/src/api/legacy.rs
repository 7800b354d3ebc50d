//! The API paths renamed in this release (French paths and parameters became English), kept
//! for one release: each answers `308 Permanent Redirect` to its new path, with the query's
//! parameters renamed, so that a client keeps working (a 308 keeps the method and the body)
//! and learns the new address. They are not in the OpenAPI document; the README lists them.

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};

use crate::AppState;

/// Old path → new path, and old parameter → new parameter, for each renamed route.
struct Renamed {
    to: &'static str,
    params: &'static [(&'static str, &'static str)],
}

const GAPS: Renamed = Renamed {
    to: "/api/v1/gaps",
    params: &[("de", "from"), ("vers", "to")],
};
const GAPS_PERSON: Renamed = Renamed {
    to: "/api/v1/gaps/person",
    params: &[
        ("de", "from"),
        ("activites", "activities"),
        ("nombre", "top"),
    ],
};
const POSITIONS: Renamed = Renamed {
    to: "/api/v1/positions",
    params: &[
        ("statut", "status"),
        ("a_relire", "to_review"),
        ("metier", "occupation"),
        ("texte", "text"),
    ],
};
const DASHBOARD: Renamed = Renamed {
    to: "/api/v1/dashboard",
    params: &[],
};
const LEARNED: Renamed = Renamed {
    to: "/api/v1/learned-titles",
    params: &[],
};

/// Routes of the old paths.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/ecart",
            get(|q: RawQuery| async move { redirect(&GAPS, "", q) }),
        )
        .route(
            "/api/v1/ecart/personne",
            get(|q: RawQuery| async move { redirect(&GAPS_PERSON, "", q) }),
        )
        .route(
            "/api/v1/cartographie/postes",
            get(|q: RawQuery| async move { redirect(&POSITIONS, "", q) }),
        )
        .route(
            "/api/v1/cartographie/postes/{id}",
            get(|Path(id): Path<String>, q: RawQuery| async move {
                redirect(&POSITIONS, &format!("/{}", segment(&id)), q)
            }),
        )
        .route(
            "/api/v1/cartographie/postes/{id}/revue",
            any(|Path(id): Path<String>, q: RawQuery| async move {
                redirect(&POSITIONS, &format!("/{}/review", segment(&id)), q)
            }),
        )
        .route(
            "/api/v1/cartographie/tableau-de-bord",
            get(|q: RawQuery| async move { redirect(&DASHBOARD, "", q) }),
        )
        .route(
            "/api/v1/cartographie/appris",
            get(|q: RawQuery| async move { redirect(&LEARNED, "", q) }),
        )
        .route(
            "/api/v1/cartographie/appris/{id}",
            any(|Path(id): Path<String>, q: RawQuery| async move {
                redirect(&LEARNED, &format!("/{}", segment(&id)), q)
            }),
        )
        .route(
            "/api/v1/cartographie/export/{format}",
            get(|Path(f): Path<String>, q: RawQuery| async move {
                redirect(&POSITIONS, &format!("/export/{}", segment(&f)), q)
            }),
        )
}

/// A path segment as it may go back into a URL: percent-encoded but for unreserved bytes.
fn segment(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `308` to `renamed.to` + `suffix`, with the query's parameters renamed (others kept).
fn redirect(renamed: &Renamed, suffix: &str, RawQuery(query): RawQuery) -> Response {
    let mut location = format!("{}{suffix}", renamed.to);
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            let key = renamed
                .params
                .iter()
                .find(|(old, _)| *old == k)
                .map_or(k.as_ref(), |(_, new)| *new);
            out.append_pair(key, &v);
        }
        location.push('?');
        location.push_str(&out.finish());
    }
    match HeaderValue::from_str(&location) {
        Ok(v) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, v)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(renamed: &Renamed, suffix: &str, query: Option<&str>) -> String {
        let r = redirect(renamed, suffix, RawQuery(query.map(str::to_owned)));
        assert_eq!(r.status(), StatusCode::PERMANENT_REDIRECT);
        r.headers()[header::LOCATION]
            .to_str()
            .expect("ASCII")
            .to_owned()
    }

    #[test]
    fn old_parameters_are_renamed_and_others_kept() {
        assert_eq!(
            location(&GAPS, "", Some("de=testeur&vers=concepteur-developpeur")),
            "/api/v1/gaps?from=testeur&to=concepteur-developpeur"
        );
        assert_eq!(
            location(
                &GAPS_PERSON,
                "",
                Some("de=testeur&activites=1%2C3&nombre=5")
            ),
            "/api/v1/gaps/person?from=testeur&activities=1%2C3&top=5"
        );
        assert_eq!(
            location(&POSITIONS, "/12/review", None),
            "/api/v1/positions/12/review"
        );
        assert_eq!(
            location(&POSITIONS, "", Some("statut=confirmed&limit=5")),
            "/api/v1/positions?status=confirmed&limit=5"
        );
    }
}
