//! The cartographie through the portal (issue 5): login, CSRF, upload, review, API, export,
//! and a restart (a new state on the same database) that finds everything again.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use metiers_web::AppState;
use metiers_web::cartographie::Cartographie;
use std::sync::Arc;
use tower::ServiceExt;

const TOKEN: &str = "jeton-de-test-0123456789";

async fn start(url: &str) -> (Router, Cartographie) {
    let parsed = metiers_referentiel::published();
    let referentiel = Arc::new(parsed.referentiel);
    let engine = Arc::new(metiers_search::Engine::build(&referentiel).expect("engine"));
    let (carto, _) = Cartographie::open(url, Some(TOKEN), false)
        .await
        .expect("store opens");
    let state = AppState::new(referentiel, engine).with_cartographie(carto.clone());
    (metiers_web::router(state), carto)
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = app.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(uri);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).expect("request")
}

fn form(uri: &str, cookie: Option<&str>, body: &str) -> Request<Body> {
    let mut b =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body.to_owned())).expect("request")
}

fn multipart(
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
        .expect("request")
}

fn csrf_of(html: &str) -> String {
    let start =
        html.find("name=\"csrf\" value=\"").expect("a CSRF field") + "name=\"csrf\" value=\"".len();
    html[start..].split('"').next().expect("value").to_owned()
}

fn data(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../store/tests/data")
        .join(name);
    std::fs::read(path).expect("test file")
}

#[tokio::test]
async fn import_review_export_through_the_portal_and_find_it_after_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("portail.db").display());
    let (app, carto) = start(&url).await;

    // The référentiel is public; the cartographie is not.
    assert_eq!(send(&app, get("/", None)).await.0, StatusCode::OK);
    let (status, headers, _) = send(&app, get("/cartographie", None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/cartographie/connexion");
    let (status, _, body) = send(&app, get("/api/v1/cartographie/postes", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body.contains("\"code\":\"authentification_requise\""),
        "{body}"
    );

    // Login: a wrong token is refused, the right one gives a protected session cookie.
    let (status, _, body) = send(
        &app,
        form("/cartographie/connexion", None, "nom=Alice&jeton=faux"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("Jeton d’administration incorrect"));
    let (status, headers, _) = send(
        &app,
        form(
            "/cartographie/connexion",
            None,
            &format!("nom=Alice+Martin&jeton={TOKEN}"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let set_cookie = headers[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .to_owned();
    for attr in ["HttpOnly", "SameSite=Strict", "Max-Age=28800", "Path=/"] {
        assert!(set_cookie.contains(attr), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "not behind https in this test"
    );
    let cookie = set_cookie.split(';').next().expect("cookie").to_owned();

    // Upload: without the CSRF token, refused and nothing written.
    let (_, _, page) = send(&app, get("/cartographie/import", Some(&cookie))).await;
    let csrf = csrf_of(&page);
    let file = data("postes-excel-windows1252.csv");
    let (status, _, _) = send(
        &app,
        multipart("/cartographie/import", &cookie, None, "postes.csv", &file),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(carto.store.count_positions().await.expect("count"), 0);
    let (status, _, _) = send(
        &app,
        multipart(
            "/cartographie/import",
            &cookie,
            Some("mauvais"),
            "postes.csv",
            &file,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, body) = send(
        &app,
        multipart(
            "/cartographie/import",
            &cookie,
            Some(&csrf),
            "postes.csv",
            &file,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("importé : 6 poste(s)"), "{body}");
    assert!(body.contains("Windows-1252"));
    // A bad file is refused with its report, nothing written.
    let (status, _, body) = send(
        &app,
        multipart(
            "/cartographie/import",
            &cookie,
            Some(&csrf),
            "sans-intitule.csv",
            &data("sans-intitule.csv"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("intitulé du poste manquant"), "{body}");
    assert_eq!(carto.store.count_positions().await.expect("count"), 6);

    // Review two positions: one in the portal (form with CSRF), one through the API.
    let p6 = carto
        .store
        .find_position("P006")
        .await
        .expect("query")
        .expect("P006");
    let (status, _, _) = send(
        &app,
        form(
            &format!("/cartographie/postes/{}/revue", p6.id),
            Some(&cookie),
            "csrf=faux&metier=testeur",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers, _) = send(
        &app,
        form(
            &format!("/cartographie/postes/{}/revue", p6.id),
            Some(&cookie),
            &format!("csrf={csrf}&metier=specialiste-ihm"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers[header::LOCATION]
            .to_str()
            .expect("ascii")
            .starts_with("/cartographie/postes?message=")
    );
    let p1 = carto
        .store
        .find_position("P001")
        .await
        .expect("query")
        .expect("P001");
    let api_review = Request::post(format!("/api/v1/cartographie/postes/{}/revue", p1.id))
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            r#"{"occupation_id":"concepteur-developpeur","reviewer":"Service RH (API)"}"#,
        ))
        .expect("request");
    let (status, _, body) = send(&app, api_review).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"status\":\"confirmed\""), "{body}");
    // With a session cookie, the API needs the CSRF header to write.
    let no_csrf = Request::post(format!("/api/v1/cartographie/postes/{}/revue", p1.id))
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"occupation_id":"testeur"}"#))
        .expect("request");
    assert_eq!(send(&app, no_csrf).await.0, StatusCode::FORBIDDEN);

    // Pages: list (escaped), dashboard with its SVG chart, learned titles.
    let (status, _, body) = send(&app, get("/cartographie/postes", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Chargé de la bidouille numérique") && body.contains("par Alice Martin"),
        "{body}"
    );
    let (_, _, body) = send(&app, get("/cartographie", Some(&cookie))).await;
    assert!(body.contains("<svg") && body.contains("<rect"), "{body}");
    let (_, _, body) = send(&app, get("/cartographie/appris", Some(&cookie))).await;
    assert!(body.contains("Chargé de la bidouille numérique"));

    // Export to XLSX: a workbook.
    let (status, headers, _) = send(&app, get("/cartographie/export/xlsx", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .contains("spreadsheetml")
    );

    // Restart: a new application on the same database finds everything, session included.
    carto.store.close().await;
    drop(app);
    let (app2, carto2) = start(&url).await;
    let (status, _, body) = send(
        &app2,
        get("/api/v1/cartographie/tableau-de-bord", Some(&cookie)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"positions\":6"), "{body}");
    let p6 = carto2
        .store
        .find_position("P006")
        .await
        .expect("query")
        .expect("P006");
    assert_eq!(
        (p6.occupation_id.as_deref(), p6.reviewer.as_deref()),
        (Some("specialiste-ihm"), Some("Alice Martin"))
    );
    assert_eq!(carto2.store.count_reviews().await.expect("reviews"), 2);

    // Logout ends the session on the server.
    let (_, _, page) = send(&app2, get("/cartographie", Some(&cookie))).await;
    let csrf2 = csrf_of(&page);
    let (status, _, _) = send(
        &app2,
        form(
            "/cartographie/deconnexion",
            Some(&cookie),
            &format!("csrf={csrf2}"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        send(&app2, get("/cartographie", Some(&cookie))).await.0,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn injected_markup_in_imported_titles_is_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("xss.db").display());
    let (app, carto) = start(&url).await;
    let file = "Intitulé du poste;Service\n<script>alert(1)</script> Développeur;<img src=x onerror=alert(2)>\n";
    carto
        .store
        .import_file(
            "xss.csv",
            file.as_bytes().to_vec(),
            Arc::new(
                metiers_search::Engine::build(&metiers_referentiel::published().referentiel)
                    .expect("engine"),
            ),
            &|_| {},
        )
        .await
        .expect("imported");
    let (_, headers, _) = send(
        &app,
        form(
            "/cartographie/connexion",
            None,
            &format!("nom=%3Cb%3EEve&jeton={TOKEN}"),
        ),
    )
    .await;
    let cookie = headers[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("cookie")
        .to_owned();
    let (_, _, body) = send(&app, get("/cartographie/postes", Some(&cookie))).await;
    assert!(
        !body.contains("<script>alert(1)") && !body.contains("<img src=x"),
        "{body}"
    );
    assert!(
        body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || body.contains("&#60;script&#62;"),
        "{body}"
    );
    assert!(!body.contains("<b>Eve"));
}
