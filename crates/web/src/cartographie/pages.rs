//! The cartographie's pages: login, dashboard, upload, positions and review, learned titles.

use super::{Cartographie, MAX_UPLOAD_BYTES, Session, carto, chart, csrf_ok, internal, session};
use crate::AppState;
use crate::error::{AppError, PageError, PageForm, PagePath, PageQuery};
use crate::pages::{Layout, render};
use crate::security::ClientAddr;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use metiers_store::dashboard::GroupRef;
use metiers_store::import::{ColumnMapping, Problem};
use metiers_store::{ImportProgress, PositionFilter, Status, StoreError};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cartographie", get(dashboard))
        .route("/cartographie/connexion", get(login_form).post(login))
        .route("/cartographie/deconnexion", post(logout))
        .route(
            "/cartographie/import",
            get(upload_form)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/cartographie/postes", get(positions))
        .route("/cartographie/postes/{id}/revue", post(review))
        .route("/cartographie/appris", get(learned))
        .route("/cartographie/appris/{id}/retrait", post(remove_learned))
        .route("/cartographie/export/{format}", get(export))
}

fn layout(title: &str) -> Layout {
    Layout::new(title, "cartographie").crumb("Cartographie", Some("/cartographie".to_owned()))
}

/// The session, or a redirect to the login page.
async fn require(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Cartographie, Session), Response> {
    let c = carto(state).map_err(|e| PageError(e).into_response())?;
    match session(c, headers).await {
        Ok(Some(s)) => Ok((c.clone(), s)),
        Ok(None) => Err(Redirect::to("/cartographie/connexion").into_response()),
        Err(e) => Err(PageError(e).into_response()),
    }
}

fn forbidden() -> Response {
    PageError(AppError::new(
        StatusCode::FORBIDDEN,
        "jeton_csrf_invalide",
        "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et recommencez.",
    ))
    .into_response()
}

// ----- login -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "cartographie/connexion.html")]
struct LoginPage {
    l: Layout,
    error: Option<String>,
    name: String,
}

async fn login_form() -> Response {
    render(
        StatusCode::OK,
        &LoginPage {
            l: layout("Connexion"),
            error: None,
            name: String::new(),
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    jeton: String,
    nom: String,
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    PageForm(f): PageForm<LoginForm>,
) -> Response {
    let c = match carto(&state) {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let name = f.nom.trim().chars().take(100).collect::<String>();
    let page = |error: &str, status| {
        render(
            status,
            &LoginPage {
                l: layout("Connexion"),
                error: Some(error.to_owned()),
                name: name.clone(),
            },
        )
    };
    if name.is_empty() {
        return page(
            "Indiquez votre nom : il est enregistré avec chacune de vos décisions.",
            StatusCode::BAD_REQUEST,
        );
    }
    match super::login(c, client, &f.jeton, &name).await {
        Ok(Some(token)) => {
            let mut response = Redirect::to("/cartographie").into_response();
            if let Ok(v) = HeaderValue::from_str(&super::session_cookie(c, &token)) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            response
        }
        Ok(None) => page(
            "Jeton d’administration incorrect. Il est affiché au premier démarrage du serveur, ou fixé par METIERS_ADMIN_TOKEN.",
            StatusCode::UNAUTHORIZED,
        ),
        Err(e) if e.status == StatusCode::TOO_MANY_REQUESTS => {
            let mut response = page(&e.message, e.status);
            if let Some(secs) = e.retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, secs.into());
            }
            response
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageForm(f): PageForm<CsrfForm>,
) -> Response {
    let (c, s) = match require(&state, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !csrf_ok(&s, &f.csrf) {
        return forbidden();
    }
    if let Some(token) = super::session_token(&headers)
        && let Err(e) = c
            .store
            .delete_session(&metiers_store::auth::hash_token(&token))
            .await
    {
        return PageError(internal(e)).into_response();
    }
    let mut response = Redirect::to("/cartographie/connexion").into_response();
    if let Ok(v) = HeaderValue::from_str(&super::expired_cookie(&c)) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

// ----- dashboard -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "cartographie/tableau.html")]
struct DashboardPage {
    l: Layout,
    csrf: String,
    reviewer: String,
    d: metiers_store::dashboard::Dashboard,
    chart: chart::BarChart,
    note: String,
    tables: Vec<Table>,
}

struct Table {
    caption: &'static str,
    lines: Vec<metiers_store::dashboard::Line>,
    /// Whether line keys are occupation ids (linked to their fiche).
    links: bool,
}

async fn dashboard(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (c, s) = match require(&state, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let d = match dashboard_data(&state, &c).await {
        Ok(d) => d,
        Err(e) => return PageError(e).into_response(),
    };
    let chart = chart::bars(
        &d.by_group
            .iter()
            .map(|l| (l.label.clone(), l.positions))
            .collect::<Vec<_>>(),
    );
    let tables = vec![
        Table {
            caption: "Par groupe de métiers",
            lines: d.by_group.clone(),
            links: false,
        },
        Table {
            caption: "Par métier",
            lines: d.by_occupation.clone(),
            links: true,
        },
        Table {
            caption: "Par niveau d’études du métier",
            lines: d.by_education.clone(),
            links: false,
        },
    ];
    let page = DashboardPage {
        l: Layout::new("Cartographie des emplois", "cartographie").crumb("Cartographie", None),
        csrf: s.csrf,
        reviewer: s.reviewer,
        d,
        chart,
        note: state.groups.note.clone(),
        tables,
    };
    render(StatusCode::OK, &page)
}

/// The dashboard's figures (shared with the API).
pub(super) async fn dashboard_data(
    state: &AppState,
    c: &Cartographie,
) -> Result<metiers_store::dashboard::Dashboard, AppError> {
    let counts = c.store.occupation_counts().await.map_err(internal)?;
    let statuses = c.store.status_counts().await.map_err(internal)?;
    let groups: Vec<GroupRef<'_>> = state
        .groups
        .groups
        .iter()
        .map(|g| GroupRef {
            id: &g.id,
            title: &g.title,
            occupations: &g.occupations,
        })
        .collect();
    Ok(metiers_store::dashboard::build(
        &state.referentiel,
        &counts,
        &statuses,
        &groups,
    ))
}

// ----- upload ----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "cartographie/import.html")]
struct UploadPage {
    l: Layout,
    csrf: String,
    result: Option<UploadResult>,
}

struct UploadResult {
    accepted: bool,
    file_name: String,
    format: String,
    /// Column letter, header, what it was read as.
    columns: Vec<(String, String, String)>,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    rows: usize,
    inserted: usize,
    updated: usize,
}

fn columns(columns: &[ColumnMapping]) -> Vec<(String, String, String)> {
    columns
        .iter()
        .map(|c| {
            let label = match (&c.field, &c.note) {
                (Some(f), _) => f.label().to_owned(),
                (None, Some(n)) => format!("ignorée : {n}"),
                (None, None) => "ignorée".to_owned(),
            };
            (c.column.clone(), c.header.clone(), label)
        })
        .collect()
}

async fn upload_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (_, s) = match require(&state, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    render(
        StatusCode::OK,
        &UploadPage {
            l: layout("Importer des postes").crumb("Importer", None),
            csrf: s.csrf,
            result: None,
        },
    )
}

async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let (c, s) = match require(&state, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().unwrap_or("fichier").to_owned();
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) => return multipart_error(&e),
                };
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                    "fichier" => file = Some((file_name, bytes.to_vec())),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => return multipart_error(&e),
        }
    }
    if !csrf_ok(&s, &csrf) {
        return forbidden();
    }
    let Some((file_name, bytes)) = file else {
        return upload_error("aucun fichier reçu : choisissez un fichier CSV ou XLSX");
    };
    let outcome = c
        .store
        .import_file(&file_name, bytes, super::classifier(&state), &|p| match p {
            ImportProgress::Rows { done, total } => {
                tracing::info!(fichier = %file_name, done, total, "import : postes rapprochés et écrits");
            }
            ImportProgress::Committing => {
                tracing::info!(fichier = %file_name, "import : enregistrement de la transaction");
            }
        })
        .await;
    state.metrics.record_import(&outcome);
    let (status, result) = match outcome {
        Ok(o) => (
            StatusCode::OK,
            UploadResult {
                accepted: true,
                file_name: o.report.file_name.clone(),
                format: o.report.format.clone(),
                columns: columns(&o.report.columns),
                problems: Vec::new(),
                warnings: o.report.warnings.clone(),
                rows: o.report.rows,
                inserted: o.inserted,
                updated: o.updated,
            },
        ),
        Err(StoreError::Rejected(r)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            UploadResult {
                accepted: false,
                file_name: r.file_name.clone(),
                format: r.format.clone(),
                columns: columns(&r.columns),
                problems: r.problems.iter().take(200).cloned().collect(),
                warnings: r.warnings.clone(),
                rows: 0,
                inserted: 0,
                updated: 0,
            },
        ),
        Err(e) => return PageError(internal(e)).into_response(),
    };
    render(
        status,
        &UploadPage {
            l: layout("Importer des postes").crumb("Importer", None),
            csrf: s.csrf,
            result: Some(result),
        },
    )
}

/// A multipart body that could not be read: 413 past the upload limit, 400 otherwise (the
/// details, in English, are logged, not shown).
fn multipart_error(e: &axum::extract::multipart::MultipartError) -> Response {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return PageError(AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "fichier_trop_volumineux",
            format!(
                "Le fichier dépasse la taille maximale de {} Mo : découpez-le en plusieurs fichiers.",
                MAX_UPLOAD_BYTES / (1024 * 1024)
            ),
        ))
        .into_response();
    }
    tracing::info!("cartographie : envoi illisible : {}", e.body_text());
    upload_error("formulaire multipart mal formé")
}

fn upload_error(detail: &str) -> Response {
    PageError(AppError::bad_request(
        "envoi_illisible",
        format!(
            "Envoi du fichier illisible ({detail}). Le fichier ne doit pas dépasser {} Mo.",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ),
    ))
    .into_response()
}

// ----- positions and review --------------------------------------------------------------

#[derive(Template)]
#[template(path = "cartographie/postes.html")]
struct PositionsPage {
    l: Layout,
    csrf: String,
    reviewer: String,
    rows: Vec<PositionRow>,
    total: i64,
    page: i64,
    pages: i64,
    statut: String,
    texte: String,
    statuses: Vec<(&'static str, &'static str)>,
    options: Vec<(String, String)>,
    message: Option<String>,
}

struct PositionRow {
    id: i64,
    external_id: String,
    title: String,
    service: String,
    occupation_id: String,
    occupation: String,
    status: &'static str,
    reviewed: bool,
    reviewer: String,
    suggestions: Vec<(String, String, String)>,
}

#[derive(Debug, Deserialize)]
pub struct PositionsQuery {
    statut: Option<String>,
    texte: Option<String>,
    page: Option<i64>,
    message: Option<String>,
}

const PAGE_SIZE: i64 = 50;

async fn positions(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageQuery(q): PageQuery<PositionsQuery>,
) -> Response {
    let (c, s) = match require(&state, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let statut = q.statut.unwrap_or_default();
    let (status, unreviewed) = match statut.as_str() {
        "a-relire" => (None, true),
        other => (Status::parse(other), false),
    };
    let texte: String = q.texte.unwrap_or_default().chars().take(200).collect();
    let page = q.page.unwrap_or(1).clamp(1, 1_000_000);
    let filter = PositionFilter {
        status,
        unreviewed,
        text: Some(texte.clone()),
        occupation_id: None,
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let result = match c.store.positions(&filter).await {
        Ok(p) => p,
        Err(e) => return PageError(internal(e)).into_response(),
    };
    let r = &state.referentiel;
    let title = |id: &str| r.get(id).map_or_else(|| id.to_owned(), |o| o.title.clone());
    let rows = result
        .positions
        .iter()
        .map(|p| PositionRow {
            id: p.id,
            external_id: p.external_id.clone().unwrap_or_default(),
            title: p.title.clone(),
            service: p.service.clone().unwrap_or_default(),
            occupation_id: p.occupation_id.clone().unwrap_or_default(),
            occupation: p.occupation_id.as_deref().map(title).unwrap_or_default(),
            status: p.status.label(),
            reviewed: p.status.is_reviewed(),
            reviewer: p.reviewer.clone().unwrap_or_default(),
            suggestions: p
                .matches
                .iter()
                .map(|m| {
                    (
                        m.occupation_id.clone(),
                        title(&m.occupation_id),
                        crate::text::percent(m.score).to_string(),
                    )
                })
                .collect(),
        })
        .collect();
    let options = r
        .occupations
        .iter()
        .map(|o| (o.id.to_string(), o.title.clone()))
        .collect();
    let page_view = PositionsPage {
        l: layout("Postes").crumb("Postes", None),
        csrf: s.csrf,
        reviewer: s.reviewer,
        rows,
        total: result.total,
        page,
        pages: ((result.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        statut,
        texte,
        statuses: vec![
            ("", "Tous"),
            ("a-relire", "À relire"),
            ("a-revoir", "À revoir"),
            ("propose", "Proposés"),
            ("confirme", "Confirmés"),
            ("corrige", "Corrigés"),
        ],
        options,
        message: q.message.map(|m| m.chars().take(300).collect()),
    };
    render(StatusCode::OK, &page_view)
}

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    csrf: String,
    metier: String,
    retour: Option<String>,
}

async fn review(
    State(state): State<AppState>,
    headers: HeaderMap,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ReviewForm>,
) -> Response {
    let (c, s) = match require(&state, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !csrf_ok(&s, &f.csrf) {
        return forbidden();
    }
    let Some(occ) = state.referentiel.get(f.metier.trim()) else {
        return PageError(AppError::bad_request(
            "metier_inconnu",
            format!(
                "Aucun métier n’a l’identifiant « {} ».",
                crate::error::shown(&f.metier)
            ),
        ))
        .into_response();
    };
    let outcome = c.store.review(id, occ.id.as_str(), &s.reviewer).await;
    state.metrics.record_review(outcome.is_ok());
    let message = match outcome {
        Ok(o) => format!(
            "Poste « {} » rattaché à « {} » ({}).",
            o.position.title,
            occ.title,
            o.position.status.label()
        ),
        Err(StoreError::UnknownPosition(_)) => {
            return PageError(AppError::not_found(
                "poste_inconnu",
                "Ce poste n’existe pas (ou plus).",
            ))
            .into_response();
        }
        Err(e) => return PageError(internal(e)).into_response(),
    };
    // Back to the list the form came from (only a local path of the positions list).
    // Visible ASCII only: it goes into the Location header (a control character there was a
    // 500, docs/RELIABILITY.md).
    let back = f
        .retour
        .filter(|r| {
            r.starts_with("/cartographie/postes")
                && !r.contains("//")
                && !r.contains('\\')
                && r.bytes().all(|b| b.is_ascii_graphic())
        })
        .unwrap_or_else(|| "/cartographie/postes".to_owned());
    let sep = if back.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{back}{sep}message={}", encode(&message))).into_response()
}

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ----- learned titles ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "cartographie/appris.html")]
struct LearnedPage {
    l: Layout,
    csrf: String,
    rows: Vec<(metiers_store::StoredLearned, String)>,
}

async fn learned(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (c, s) = match require(&state, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let all = match c.store.learned_titles(true).await {
        Ok(a) => a,
        Err(e) => return PageError(internal(e)).into_response(),
    };
    let rows = all
        .into_iter()
        .map(|l| {
            let t = state
                .referentiel
                .get(&l.occupation_id)
                .map_or_else(|| l.occupation_id.clone(), |o| o.title.clone());
            (l, t)
        })
        .collect();
    render(
        StatusCode::OK,
        &LearnedPage {
            l: layout("Intitulés appris").crumb("Intitulés appris", None),
            csrf: s.csrf,
            rows,
        },
    )
}

async fn remove_learned(
    State(state): State<AppState>,
    headers: HeaderMap,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<CsrfForm>,
) -> Response {
    let (c, s) = match require(&state, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !csrf_ok(&s, &f.csrf) {
        return forbidden();
    }
    match c.store.remove_learned(id, &s.reviewer).await {
        Ok(_) | Err(StoreError::UnknownLearned(_)) => {
            Redirect::to("/cartographie/appris").into_response()
        }
        Err(e) => PageError(internal(e)).into_response(),
    }
}

// ----- export ----------------------------------------------------------------------------

async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    PagePath(format): PagePath<String>,
) -> Response {
    let (c, _) = match require(&state, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match export_bytes(&state, &c, &format).await {
        Ok(r) => r,
        Err(e) => PageError(e).into_response(),
    }
}

/// The workspace as CSV or XLSX, as a download (shared with the API).
pub(super) async fn export_bytes(
    state: &AppState,
    c: &Cartographie,
    format: &str,
) -> Result<Response, AppError> {
    let positions = c.store.all_positions().await.map_err(internal)?;
    let (bytes, mime, name) = match format {
        "csv" => (
            metiers_store::export::to_csv(&positions, &state.referentiel).map_err(internal)?,
            "text/csv; charset=utf-8",
            "cartographie.csv",
        ),
        "xlsx" => (
            metiers_store::export::to_xlsx(&positions, &state.referentiel).map_err(internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "cartographie.xlsx",
        ),
        other => {
            return Err(AppError::not_found(
                "format_inconnu",
                format!(
                    "Format d’export « {} » inconnu : csv ou xlsx.",
                    other.chars().take(20).collect::<String>()
                ),
            ));
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
