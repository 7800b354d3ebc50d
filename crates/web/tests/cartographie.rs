//! The cartographie through the portal: login (with its CSRF token), CSRF on every form,
//! upload, review, API, export, and a restart (a new state on the same database) that finds
//! everything again.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use common::portal::{Portal, TOKEN, cookie_of, csrf_of, multipart};
use std::sync::Arc;

async fn start(url: &str) -> (Portal, metiers_web::cartographie::Cartographie) {
    let p = Portal::open(url).await;
    let carto = p.carto.clone();
    (p, carto)
}

async fn send(p: &Portal, req: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let r = p.send(req).await;
    (r.status, r.headers, r.body)
}

fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    common::portal::page(uri, cookie)
}

fn form(uri: &str, cookie: Option<&str>, body: &str) -> Request<Body> {
    common::portal::form(uri, cookie, body.to_owned())
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
    let (status, _, body) = send(&app, get("/api/v1/positions", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body.contains("\"code\":\"authentification_requise\""),
        "{body}"
    );

    // Login: the form needs its CSRF token (and its cookie); a wrong administrator token is
    // refused; the right one gives a protected session cookie.
    let (status, _, body) = send(
        &app,
        form(
            "/cartographie/connexion",
            None,
            &format!("nom=Alice&jeton={TOKEN}"),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("formulaire de connexion a expiré"), "{body}");
    let r = app.login_attempt(None, "Alice", "faux").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Jeton d’administration incorrect"));
    let r = app.login_attempt(None, "Alice Martin", TOKEN).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let set_cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("metiers_session="))
        .expect("cookie de session")
        .to_owned();
    for attr in ["HttpOnly", "SameSite=Strict", "Max-Age=28800", "Path=/"] {
        assert!(set_cookie.contains(attr), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "not behind https in this test"
    );
    let cookie = cookie_of(&r.headers, "metiers_session");

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
    let api_review = Request::post(format!("/api/v1/positions/{}/review", p1.id))
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
    let no_csrf = Request::post(format!("/api/v1/positions/{}/review", p1.id))
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
    let (status, _, body) = send(&app2, get("/api/v1/dashboard", Some(&cookie))).await;
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
    let cookie = app.login("<b>Eve").await.cookie;
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
