//! What operators watch: Prometheus metrics and the request log.
//!
//! - [`Metrics`] holds the counters and histograms of one server (one registry per
//!   [`crate::AppState`], no global state): HTTP requests by route template and status class,
//!   their latency, matches served (title or long text, confident or not), imports (outcome,
//!   rows) and reviews.
//! - [`track`] is the middleware that counts, times and logs every request. The route label
//!   is axum's [`MatchedPath`] (the template, e.g. `/metiers/{id}`), never the raw path, so
//!   the number of series stays bounded whatever clients send; requests that match no route
//!   count under `route="aucune"`.
//! - The request log is one `tracing` event at `info` per request, target `metiers::http`:
//!   method, path (without the query string, which holds what people typed), route, status,
//!   latency. No query text, no personal data.
//! - `/metrics` is served by [`router`] on a separate listener (`metiers serve --metrics-addr`,
//!   meant for an internal address), and on the public listener only with the bearer token
//!   set by `--metrics-token` ([`AppState::with_metrics_token`]); without a token it is not
//!   found there. The metrics hold no personal data, but they tell how the service is used and
//!   when it struggles: that is for its operators.

use crate::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metiers_store::{ImportOutcome, StoreError};
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Instant;

/// The path of the metrics endpoint.
pub const PATH: &str = "/metrics";

/// Content type of the OpenMetrics text format (Prometheus reads it).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds of the latency buckets, in seconds: from 0.5 ms (a cached match) to 10 s
/// (a large import).
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

type HistogramFamily<S> = Family<S, Histogram, fn() -> Histogram>;

/// The metrics of one server.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    http_requests: Family<RequestLabels, Counter>,
    http_duration: HistogramFamily<RouteLabels>,
    matches: Family<MatchLabels, Counter>,
    imports: Family<ImportLabels, Counter>,
    import_rows: Counter,
    reviews: Family<ReviewLabels, Counter>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: HttpMethod,
    route: String,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: HttpMethod,
    route: String,
}

/// The methods the application answers; anything else is `OTHER` (bounded cardinality).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(clippy::upper_case_acronyms)]
enum HttpMethod {
    GET,
    HEAD,
    POST,
    PUT,
    PATCH,
    DELETE,
    OPTIONS,
    OTHER,
}

impl From<&Method> for HttpMethod {
    fn from(m: &Method) -> Self {
        match *m {
            Method::GET => Self::GET,
            Method::HEAD => Self::HEAD,
            Method::POST => Self::POST,
            Method::PUT => Self::PUT,
            Method::PATCH => Self::PATCH,
            Method::DELETE => Self::DELETE,
            Method::OPTIONS => Self::OPTIONS,
            _ => Self::OTHER,
        }
    }
}

/// `1xx` … `5xx`.
fn status_class(s: StatusCode) -> &'static str {
    match s.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// `kind`: `intitule` or `texte_long`; `confident`: `oui` or `non`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MatchLabels {
    kind: &'static str,
    confident: &'static str,
}

/// `outcome`: `accepte` (written, one transaction), `refuse` (refused for its content,
/// nothing written) or `echec` (failed on the server's side, nothing written).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ImportLabels {
    outcome: &'static str,
}

/// `outcome`: `enregistree` or `echec`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReviewLabels {
    outcome: &'static str,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Empty metrics, every family registered under the `metiers_` prefix.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("metiers");
        let http_requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status class",
            http_requests.clone(),
        );
        let http_duration: HistogramFamily<RouteLabels> =
            Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS));
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request, by method and route template",
            prometheus_client::registry::Unit::Seconds,
            http_duration.clone(),
        );
        let matches = Family::<MatchLabels, Counter>::default();
        registry.register(
            "matches",
            "Texts matched to occupations (API and portal), by kind (intitule or texte_long) and confidence",
            matches.clone(),
        );
        let imports = Family::<ImportLabels, Counter>::default();
        registry.register(
            "imports",
            "Files of positions imported into the cartographie, by outcome",
            imports.clone(),
        );
        let import_rows = Counter::default();
        registry.register(
            "import_rows",
            "Positions written by accepted imports",
            import_rows.clone(),
        );
        let reviews = Family::<ReviewLabels, Counter>::default();
        registry.register(
            "reviews",
            "Reviewers' decisions on positions, by outcome",
            reviews.clone(),
        );
        Self {
            registry,
            http_requests,
            http_duration,
            matches,
            imports,
            import_rows,
            reviews,
        }
    }

    /// Counts one match served (computed or from the cache).
    pub fn record_match(&self, long: bool, confident: bool) {
        self.matches
            .get_or_create(&MatchLabels {
                kind: if long { "texte_long" } else { "intitule" },
                confident: if confident { "oui" } else { "non" },
            })
            .inc();
    }

    /// Counts one import and, when accepted, the positions it wrote.
    pub fn record_import(&self, outcome: &Result<ImportOutcome, StoreError>) {
        let result = match outcome {
            Ok(o) => {
                self.import_rows.inc_by((o.inserted + o.updated) as u64);
                "accepte"
            }
            Err(StoreError::Rejected(_)) => "refuse",
            Err(_) => "echec",
        };
        self.imports
            .get_or_create(&ImportLabels { outcome: result })
            .inc();
    }

    /// Counts one review, recorded or not.
    pub fn record_review(&self, recorded: bool) {
        let outcome = if recorded { "enregistree" } else { "echec" };
        self.reviews.get_or_create(&ReviewLabels { outcome }).inc();
    }

    /// The metrics in the OpenMetrics text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    fn record_request(&self, method: &Method, route: &str, status: StatusCode, seconds: f64) {
        let method = HttpMethod::from(method);
        self.http_requests
            .get_or_create(&RequestLabels {
                method,
                route: route.to_owned(),
                status: status_class(status),
            })
            .inc();
        self.http_duration
            .get_or_create(&RouteLabels {
                method,
                route: route.to_owned(),
            })
            .observe(seconds);
    }
}

/// Label of the requests that match no route (unknown paths, 404).
pub const UNMATCHED_ROUTE: &str = "aucune";

/// Counts, times and logs every request (see the module's documentation). Must be added with
/// `Router::layer`, which runs it after routing, so that [`MatchedPath`] is known.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED_ROUTE.to_owned(), |m| m.as_str().to_owned());
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status();
    metrics.record_request(&method, &route, status, elapsed.as_secs_f64());
    tracing::info!(
        target: "metiers::http",
        method = %method,
        path = %path,
        route = %route,
        status = status.as_u16(),
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        "requête"
    );
    response
}

/// The router of the internal metrics listener: `GET /metrics`, without token.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(PATH, get(internal))
        .fallback(crate::view::not_found)
        .with_state(state)
}

/// Serves [`router`] on `listener` (the internal metrics address) until the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state)).await
}

/// `/metrics` on the public listener: only with `Authorization: Bearer TOKEN` when a token is
/// set; not found otherwise.
pub(crate) async fn public(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let Some(expected) = state.metrics_token.as_deref() else {
        return crate::view::not_found(uri).await;
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    if !metiers_store::auth::constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        let mut response = crate::AppError::new(
            StatusCode::UNAUTHORIZED,
            "jeton_metriques",
            "Les métriques demandent le jeton fixé par --metrics-token (en-tête « Authorization: Bearer JETON »).",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"metriques\""),
        );
        return response;
    }
    exposition(&state.metrics)
}

async fn internal(State(state): State<AppState>) -> Response {
    exposition(&state.metrics)
}

fn exposition(metrics: &Metrics) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        metrics.render(),
    )
        .into_response()
}
