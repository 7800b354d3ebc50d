//! Hostile input against the whole router (issue 7, « Conformité de l’API et entrées
//! hostiles » in docs/RELIABILITY.md): oversized and deeply nested bodies, invalid UTF-8,
//! very long queries, path traversal, markup injected in every field shown back, CSRF on
//! every form of the cartographie, login brute force and session expiry.
//!
//! What tests/api.rs, tests/pages.rs and tests/cartographie.rs already check (the match
//! body's limits, the search page's escaping, the import's CSRF) is not repeated here.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::portal::{Portal, TOKEN, bearer, cookie_of, form, from, multipart};
use common::{Reply, enc, get, post_json, request};
use metiers_web::cartographie::Cartographie;
use std::time::Duration;

const ATTACK: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";

/// Asserts that `body` shows `ATTACK` escaped and never raw.
fn assert_escaped(body: &str, what: &str) {
    assert!(
        !body.contains("<script>alert"),
        "{what} : balise brute\n{body}"
    );
    assert!(
        !body.contains("<img src=x"),
        "{what} : balise brute\n{body}"
    );
    assert!(
        body.contains("&lt;script&gt;alert(1)")
            || body.contains("&#60;script&#62;alert(1)")
            || body.contains("&#x3c;script&#x3e;alert(1)"),
        "{what} : forme échappée absente\n{body}"
    );
}

// ----- a portal with its cartographie ---------------------------------------------------

async fn portal() -> Portal {
    Portal::new().await
}

async fn portal_with(adjust: impl FnOnce(&mut Cartographie)) -> Portal {
    Portal::new_with(adjust).await
}

fn page(uri: &str, cookie: &str) -> Request<Body> {
    common::portal::page(uri, Some(cookie))
}

/// Logs in as `name`: the session cookie (`name=value`) and its CSRF token.
async fn login(p: &Portal, name: &str) -> (String, String) {
    let l = Portal::login(p, name).await;
    (l.cookie, l.csrf)
}

async fn import(p: &Portal, cookie: &str, csrf: &str, file_name: &str, csv: &str) -> Reply {
    p.send(multipart(
        "/cartographie/import",
        cookie,
        Some(csrf),
        file_name,
        csv.as_bytes(),
    ))
    .await
}

// ----- bodies ----------------------------------------------------------------------------

#[tokio::test]
async fn oversized_bodies_are_413_on_every_post() {
    let p = portal().await;
    let big = "a".repeat(metiers_web::MAX_BODY_BYTES + 1);
    // The login form (a page: French error page with its status).
    let r = p
        .send(form(
            "/cartographie/connexion",
            None,
            format!("nom=x&jeton={big}"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("Envoi trop volumineux"), "{}", r.body);
    // The portal's match form.
    let r = request(
        Method::POST,
        "/correspondance",
        Some("application/x-www-form-urlencoded"),
        format!("texte={big}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // The cartographie's JSON API.
    let json = format!(r#"{{"occupation_id":"testeur","reviewer":"{big}"}}"#);
    p.send(bearer(
        Method::POST,
        "/api/v1/positions/1/review",
        TOKEN,
        Some(&json),
    ))
    .await
    .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "corps_trop_volumineux");
    // The upload has its own, larger limit (64 MiB): past it, refused and nothing written.
    let (cookie, csrf) = login(&p, "Alice").await;
    let huge = vec![b'x'; metiers_web::cartographie::MAX_UPLOAD_BYTES + 1];
    let r = p
        .send(multipart(
            "/cartographie/import",
            &cookie,
            Some(&csrf),
            "enorme.csv",
            &huge,
        ))
        .await;
    assert_eq!(
        r.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{} {}",
        r.status,
        r.body.split("<main").nth(1).unwrap_or_default()
    );
    assert!(r.body.contains("64 Mo"), "{}", r.body);
    assert_eq!(p.carto.store.count_positions().await.expect("count"), 0);
}

#[tokio::test]
async fn deeply_nested_json_is_a_400_with_the_error_shape() {
    let p = portal().await;
    let arrays = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let objects = format!("{}1{}", r#"{"a":"#.repeat(50_000), "}".repeat(50_000));
    let in_field = format!(r#"{{"text": {}}}"#, "[".repeat(100_000));
    for body in [&arrays, &objects, &in_field] {
        post_json("/api/v1/match", body)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "json_trop_imbrique");
        p.send(bearer(
            Method::POST,
            "/api/v1/positions/1/review",
            TOKEN,
            Some(body),
        ))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "json_trop_imbrique");
    }
    // Up to the limit, the body is read as usual (an unknown field is ignored).
    let deep_ok = format!(
        r#"{{"text": "x", "extra": {}{}}}"#,
        "[".repeat(metiers_web::error::MAX_JSON_DEPTH - 1),
        "]".repeat(metiers_web::error::MAX_JSON_DEPTH - 1)
    );
    assert_eq!(
        post_json("/api/v1/match", &deep_ok).await.status,
        StatusCode::OK
    );
    assert_eq!(p.reviews().await, 0);
}

#[tokio::test]
async fn invalid_utf8_in_bodies_queries_and_paths_is_a_clear_error() {
    let p = portal().await;
    // JSON body of the review.
    let mut body = br#"{"occupation_id":"testeur","reviewer":""#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe, b'"', b'}']);
    let req = Request::post("/api/v1/positions/1/review")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("request");
    p.send(req)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "json_invalide");
    // Form bodies: the login form with raw invalid bytes is refused (no session).
    let r = p
        .send(form(
            "/cartographie/connexion",
            None,
            vec![
                b'n', b'o', b'm', b'=', 0xff, b'&', b'j', b'e', b't', b'o', b'n', b'=', 0xc3,
            ],
        ))
        .await;
    assert!(
        [
            StatusCode::BAD_REQUEST,
            StatusCode::UNAUTHORIZED,
            StatusCode::FORBIDDEN
        ]
        .contains(&r.status),
        "{} {}",
        r.status,
        r.body
    );
    assert!(!opens_a_session(&r));
    // Percent-encoded invalid UTF-8 in query strings: a bounded answer or a 400, never a 500.
    for uri in [
        "/api/v1/search?q=%FF%FE",
        "/api/v1/suggest?q=d%C3%A9v%FF",
        "/api/v1/occupations?q=%C0%AF",
        "/recherche?q=%FF",
        "/correspondance?texte=%ED%A0%80",
        "/comparer?a=%FF&b=testeur",
        "/ecart?de=%FF&vers=testeur",
        "/api/v1/gaps?from=%FF&to=testeur",
    ] {
        let r = get(uri).await;
        assert!(
            r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST,
            "{uri} : {} {}",
            r.status,
            r.body
        );
    }
    // In paths: the API answers its JSON error, pages and assets a French page.
    get("/api/v1/occupations/%FF%FE")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "adresse_invalide");
    get("/api/v1/occupations/%FF/similar")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "adresse_invalide");
    let dsfr = metiers_web::assets::DSFR_PREFIX.as_str();
    let app = metiers_web::assets::APP_PREFIX.as_str();
    for uri in [
        "/metiers/%FF".to_owned(),
        "/metiers/%C3%28/export/json".to_owned(),
        format!("{dsfr}/%FF.css"),
        format!("{app}/%C0%AE%C0%AE/Cargo.toml"),
    ] {
        let r = get(&uri).await;
        assert!(
            r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::NOT_FOUND,
            "{uri} : {}",
            r.status
        );
        assert!(
            r.content_type().starts_with("text/html"),
            "{uri} : {}",
            r.body
        );
        assert!(r.body.contains("lang=\"fr\""), "{uri} : {}", r.body);
    }
    let (cookie, _) = login(&p, "Alice").await;
    let r = p
        .send(form(
            "/cartographie/postes/%FF/revue",
            Some(&cookie),
            "csrf=x&metier=testeur",
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("Adresse invalide"), "{}", r.body);
}

// ----- long queries --------------------------------------------------------------------

#[tokio::test]
async fn very_long_queries_get_a_clear_400_or_a_bounded_answer() {
    // URIs are at most 64 KiB (the `http` crate; hyper answers 414 past it): just under.
    let long = "développeur ".repeat(2_000); // ~60 kB encoded
    let word = "a".repeat(60_000);
    for q in [&long, &word] {
        for path in ["/api/v1/search", "/api/v1/suggest", "/api/v1/occupations"] {
            let r = get(&format!("{path}?q={}", enc(q))).await;
            assert!(
                r.status == StatusCode::BAD_REQUEST,
                "{path} : {} {}",
                r.status,
                &r.body[..r.body.len().min(300)]
            );
            r.assert_error(
                StatusCode::BAD_REQUEST,
                r.json()["code"].as_str().unwrap_or_default(),
            );
        }
        let r = get(&format!("/recherche?q={}", enc(q))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("raccourcissez"), "{}", &r.body[..300]);
        // The match page matches it (under 50,000 characters) or says it is too long: a
        // bounded answer either way.
        let r = get(&format!("/correspondance?texte={}", enc(q))).await;
        let expected = if q.chars().count() > metiers_web::params::MAX_TEXT_CHARS {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        assert_eq!(r.status, expected);
        assert!(r.body.len() < 4 * q.len() + 200_000, "{}", r.body.len());
    }
    // The longest text accepted by match, in the shapes that cost the engine most: one
    // 50,000-character word, and 50,000 characters of distinct words.
    let one_word = "z".repeat(metiers_web::params::MAX_TEXT_CHARS);
    let distinct: String = (0..20_000)
        .map(|i| format!("m{i} "))
        .collect::<String>()
        .chars()
        .take(metiers_web::params::MAX_TEXT_CHARS)
        .collect();
    for text in [one_word, distinct] {
        let body = serde_json::json!({ "text": text, "top": 50 }).to_string();
        let r = post_json("/api/v1/match", &body).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{}",
            &r.body[..r.body.len().min(300)]
        );
        assert!(
            r.json()["matches"]
                .as_array()
                .is_some_and(|m| m.len() <= 50)
        );
    }
    // The gap analysis and the comparison take ids: long ones are unknown ids, 4xx.
    let id = "x".repeat(20_000);
    let r = get(&format!("/api/v1/gaps?from={id}&to=testeur")).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(r.body.len() < 10_000, "{}", r.body.len());
    let r = get(&format!("/comparer?a={id}&b={id}&c={id}")).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    // Messages show at most 100 characters of what the request gave (they echoed it whole).
    for uri in [
        format!("/api/v1/gaps?from={id}&to=testeur"),
        format!("/api/v1/occupations/{id}"),
        format!("/api/v1/{id}"),
        format!("/metiers/{id}"),
        format!("/metiers/{id}/fiche-de-poste"),
        format!("/ecart?de=testeur&vers={id}"),
        format!("/{id}"),
        format!("{}/{id}", metiers_web::assets::DSFR_PREFIX.as_str()),
    ] {
        let r = get(&uri).await;
        assert!(r.status.is_client_error(), "{uri} : {}", r.status);
        assert!(
            !r.body.contains(&"x".repeat(101)),
            "{} : {} octets",
            &uri[..40],
            r.body.len()
        );
    }
}

// ----- path traversal --------------------------------------------------------------------

#[tokio::test]
async fn path_traversal_in_asset_paths_is_404() {
    let dsfr = metiers_web::assets::DSFR_PREFIX.as_str();
    let app = metiers_web::assets::APP_PREFIX.as_str();
    for prefix in [dsfr, app, "/dsfr", "/assets"] {
        for bad in [
            "../../etc/passwd",
            "../../../../../../etc/passwd",
            "%2e%2e/%2e%2e/etc/passwd",
            "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
            "%252e%252e%252fetc%252fpasswd",
            "..\\..\\Cargo.toml",
            "..%5C..%5CCargo.toml",
            "%5c..%5c..%5cwindows%5cwin.ini",
            "/etc/passwd",
            "//etc/passwd",
            "dsfr.min.css%00.txt",
            "dsfr.min.css/../../../Cargo.toml",
            "./dsfr.min.css/..",
            "fonts/../../../../proc/self/environ",
        ] {
            let uri = format!("{prefix}/{bad}");
            let Ok(req) = Request::get(&uri).body(Body::empty()) else {
                continue; // not even a request (a client cannot send it)
            };
            let r = common::send(req).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
            assert!(r.content_type().starts_with("text/html"), "{uri}");
            for secret in ["root:", "[workspace]", "PATH=", "[fonts]"] {
                assert!(!r.body.contains(secret), "{uri} : {secret}");
            }
        }
    }
}

// ----- markup shown back -----------------------------------------------------------------

#[tokio::test]
async fn markup_in_what_public_pages_show_back_is_escaped() {
    let a = enc(ATTACK);
    for uri in [
        // Compare: every id slot (tests/pages.rs covers `a`).
        format!("/comparer?a=testeur&b={a}"),
        format!("/comparer?a=testeur&b=concepteur-developpeur&c={a}"),
        // The error page of an unknown address, and of an unknown fiche.
        format!("/{a}"),
        format!("/metiers/{a}/export/json"),
        format!("/metiers/testeur/export/{a}"),
        // The match page, by GET and its number field.
        format!("/correspondance?texte={a}&top={a}"),
        // Gap analysis and job description.
        format!("/ecart?de={a}&vers=testeur"),
        format!("/ecart?de=testeur&vers={a}"),
        format!("/metiers/{a}/fiche-de-poste"),
        format!("/metiers/testeur/fiche-de-poste?activites={a}"),
        // The search page's filters.
        format!("/recherche?q=test&niveau={a}"),
    ] {
        let r = get(&uri).await;
        assert!(!r.body.contains("<script>alert"), "{uri}\n{}", r.body);
        assert!(!r.body.contains("<img src=x"), "{uri}\n{}", r.body);
        assert!(r.status != StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
    }
    // The match form by POST shows the text back in its text area.
    let r = request(
        Method::POST,
        "/correspondance",
        Some("application/x-www-form-urlencoded"),
        format!("texte={}", enc(&format!("{ATTACK} développeur"))),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_escaped(&r.body, "POST /correspondance");
    // JSON answers carry the text as JSON, never as HTML.
    let r = post_json(
        "/api/v1/match",
        &serde_json::json!({ "text": ATTACK }).to_string(),
    )
    .await;
    assert!(r.content_type().starts_with("application/json"));
    assert_eq!(r.json()["query"], ATTACK);
}

#[tokio::test]
async fn markup_in_the_cartographie_is_escaped_everywhere_it_is_shown() {
    let p = portal().await;
    // The reviewer's name (shown on the dashboard, the positions and the learned titles).
    let (cookie, csrf) = login(&p, ATTACK).await;
    let dashboard = p.send(page("/cartographie", &cookie)).await;
    assert_escaped(&dashboard.body, "nom du relecteur (tableau de bord)");
    // An import whose file name, headers, title, identifier and service carry markup.
    let csv = format!(
        "Identifiant;Intitulé du poste;Service;{ATTACK}\n{ATTACK};{ATTACK} Développeur;{ATTACK};x\n"
    );
    let r = import(&p, &cookie, &csrf, &format!("{ATTACK}.csv"), &csv).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_escaped(&r.body, "compte rendu d’import");
    // A refused file's report shows its problems (with the cell's text) escaped too.
    let bad = format!("Service\n{ATTACK}\n");
    let r = import(&p, &cookie, &csrf, "refuse.csv", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(!r.body.contains("<script>alert"), "{}", r.body);
    // Positions: title, identifier, service; the filter and the message shown back.
    let list = p
        .send(page(
            &format!(
                "/cartographie/postes?texte={}&message={}",
                enc(ATTACK),
                enc(ATTACK)
            ),
            &cookie,
        ))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_escaped(&list.body, "liste des postes");
    // Review it: the confirmation message names the title; the learned title is listed.
    let position = p
        .carto
        .store
        .find_position(ATTACK)
        .await
        .expect("query")
        .expect("the position");
    let r = p
        .send(form(
            &format!("/cartographie/postes/{}/revue", position.id),
            Some(&cookie),
            format!("csrf={csrf}&metier=concepteur-developpeur"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let back = r.headers[header::LOCATION]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(!back.contains('<'), "{back}");
    let shown = p.send(page(&back, &cookie)).await;
    assert_escaped(&shown.body, "message de relecture");
    let learned = p.send(page("/cartographie/appris", &cookie)).await;
    assert_escaped(&learned.body, "intitulés appris");
    // Exports are downloads, never HTML.
    let r = p.send(page("/cartographie/export/csv", &cookie)).await;
    assert!(
        r.content_type().starts_with("text/csv"),
        "{}",
        r.content_type()
    );
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment")
    );
}

// ----- CSRF --------------------------------------------------------------------------------

#[tokio::test]
async fn every_cartographie_form_refuses_a_missing_or_wrong_csrf_token_and_writes_nothing() {
    let p = portal().await;
    let (cookie, csrf) = login(&p, "Alice").await;
    // Another session's token is a wrong token too.
    let (_, other_csrf) = login(&p, "Bruno").await;
    assert_ne!(csrf, other_csrf);
    let csv =
        "Identifiant;Intitulé du poste\nP1;Développeur d’applications\nP2;Administrateur réseaux\n";
    assert_eq!(
        import(&p, &cookie, &csrf, "postes.csv", csv).await.status,
        StatusCode::OK
    );
    let position = p
        .carto
        .store
        .find_position("P1")
        .await
        .expect("q")
        .expect("P1");
    let before = p
        .carto
        .store
        .position(position.id)
        .await
        .expect("q")
        .expect("P1");
    // Teach one title, to have a learned title to (not) remove.
    let r = p
        .send(form(
            &format!("/cartographie/postes/{}/revue", position.id),
            Some(&cookie),
            format!("csrf={csrf}&metier=concepteur-developpeur"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let learned = p.carto.store.learned_titles(false).await.expect("learned");
    assert_eq!(learned.len(), 1);
    let reviews = p.reviews().await;
    let p2 = p
        .carto
        .store
        .find_position("P2")
        .await
        .expect("q")
        .expect("P2");

    for bad in [
        String::new(),
        "csrf=".to_owned(),
        "csrf=faux".to_owned(),
        format!("csrf={other_csrf}"),
        format!("csrf={}", &csrf[..csrf.len() - 1]),
    ] {
        let sep = if bad.is_empty() { "" } else { "&" };
        for (uri, extra) in [
            (
                format!("/cartographie/postes/{}/revue", p2.id),
                "metier=testeur",
            ),
            (
                format!("/cartographie/appris/{}/retrait", learned[0].id),
                "",
            ),
            ("/cartographie/deconnexion".to_owned(), ""),
        ] {
            let body = format!("{bad}{sep}{extra}");
            let r = p.send(form(&uri, Some(&cookie), body.clone())).await;
            assert!(
                r.status == StatusCode::FORBIDDEN || r.status == StatusCode::BAD_REQUEST,
                "{uri} « {body} » : {}",
                r.status
            );
            if !bad.is_empty() {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri} « {body} »");
                assert!(r.body.contains("rechargez la page"), "{}", r.body);
            }
        }
        // Upload with a wrong token.
        let r = import(
            &p,
            &cookie,
            bad.trim_start_matches("csrf="),
            "autre.csv",
            "Intitulé du poste\nTesteur\n",
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    // Nothing was written: same positions, reviews, learned titles; the session still works.
    assert_eq!(p.carto.store.count_positions().await.expect("count"), 2);
    assert_eq!(p.reviews().await, reviews);
    assert_eq!(
        p.carto
            .store
            .position(p2.id)
            .await
            .expect("q")
            .expect("P2")
            .status,
        before.status
    );
    assert_eq!(
        p.carto.store.learned_titles(false).await.expect("l").len(),
        1
    );
    assert_eq!(
        p.send(page("/cartographie", &cookie)).await.status,
        StatusCode::OK
    );
    // The API by session: the CSRF header is needed to write, a wrong one is refused.
    for header_value in [None, Some("faux"), Some(other_csrf.as_str())] {
        let mut b = Request::delete(format!("/api/v1/learned-titles/{}", learned[0].id))
            .header(header::COOKIE, &cookie);
        if let Some(v) = header_value {
            b = b.header("x-csrf-token", v);
        }
        p.send(b.body(Body::empty()).expect("request"))
            .await
            .assert_error(StatusCode::FORBIDDEN, "jeton_csrf_invalide");
    }
    assert_eq!(
        p.carto.store.learned_titles(false).await.expect("l").len(),
        1
    );
    // With the right one, it is written.
    let r = p
        .send(
            Request::delete(format!("/api/v1/learned-titles/{}", learned[0].id))
                .header(header::COOKIE, &cookie)
                .header("x-csrf-token", &csrf)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["removed_by"], "Alice");
}

#[tokio::test]
async fn a_return_address_with_control_characters_is_not_a_500() {
    // Regression: `retour` went into the Location header as given; a control character made
    // the response a 500 (axum's Redirect cannot build the header).
    let p = portal().await;
    let (cookie, csrf) = login(&p, "Alice").await;
    let csv = "Identifiant;Intitulé du poste\nP1;Développeur d’applications\n";
    assert_eq!(
        import(&p, &cookie, &csrf, "postes.csv", csv).await.status,
        StatusCode::OK
    );
    let p1 = p
        .carto
        .store
        .find_position("P1")
        .await
        .expect("q")
        .expect("P1");
    for retour in [
        "/cartographie/postes%0D%0ASet-Cookie:%20x=1",
        "/cartographie/postes%01",
        "/cartographie/postes?statut=%C3%A9",
    ] {
        let r = p
            .send(form(
                &format!("/cartographie/postes/{}/revue", p1.id),
                Some(&cookie),
                format!("csrf={csrf}&metier=testeur&retour={retour}"),
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{retour} : {}", r.body);
        let location = r.headers[header::LOCATION].to_str().expect("visible ASCII");
        assert!(
            location.starts_with("/cartographie/postes?message="),
            "{location}"
        );
        assert!(!r.headers.contains_key(header::SET_COOKIE));
    }
}

// ----- login brute force -----------------------------------------------------------------

/// Whether a response sets a session cookie (the login form's own CSRF cookie is not one).
fn opens_a_session(r: &Reply) -> bool {
    r.headers.get_all(header::SET_COOKIE).iter().any(|v| {
        v.to_str()
            .unwrap_or_default()
            .starts_with("metiers_session=")
    })
}

async fn attempt(p: &Portal, client: u8, token: &str) -> Reply {
    p.login_attempt(Some(client), "Eve", token).await
}

#[tokio::test]
async fn login_brute_force_is_slowed_per_client_with_429_and_retry_after() {
    let p = portal().await;
    for i in 0..5 {
        let r = attempt(&p, 9, &format!("essai-{i}")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "essai {i}");
    }
    // The sixth attempt waits, even with the right token (it is not even checked).
    for token in ["essai-5", TOKEN] {
        let r = attempt(&p, 9, token).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        let retry: u64 = r.headers[header::RETRY_AFTER]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("seconds");
        assert!((1..=900).contains(&retry), "{retry}");
        assert!(
            r.body.contains("Trop de tentatives de connexion"),
            "{}",
            r.body
        );
        assert!(r.content_type().starts_with("text/html"));
        assert!(!opens_a_session(&r));
    }
    // The bearer token of the API shares the count: refused too, as JSON.
    let r = p
        .send(from(
            9,
            bearer(Method::GET, "/api/v1/positions", TOKEN, None),
        ))
        .await;
    r.assert_error(StatusCode::TOO_MANY_REQUESTS, "trop_de_tentatives");
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    // Another client is not concerned, and its success is a session.
    let r = attempt(&p, 10, TOKEN).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(opens_a_session(&r));
}

#[tokio::test]
async fn wrong_bearer_tokens_count_as_failed_logins() {
    let p = portal().await;
    for i in 0..5 {
        p.send(from(
            20,
            bearer(
                Method::GET,
                "/api/v1/learned-titles",
                &format!("faux-{i}"),
                None,
            ),
        ))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "authentification_requise");
    }
    p.send(from(
        20,
        bearer(Method::GET, "/api/v1/learned-titles", TOKEN, None),
    ))
    .await
    .assert_error(StatusCode::TOO_MANY_REQUESTS, "trop_de_tentatives");
    // The right token from another client works.
    let r = p
        .send(from(
            21,
            bearer(Method::GET, "/api/v1/learned-titles", TOKEN, None),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_guess_spread_over_many_clients_slows_the_account() {
    let p = portal().await;
    // Twenty clients, one failure each: none is slowed for itself...
    for client in 30..50 {
        assert_eq!(
            attempt(&p, client, "devine").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // ...but the account is: a new client waits too.
    let r = attempt(&p, 99, "devine").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
}

// ----- session expiry ----------------------------------------------------------------------

async fn assert_logged_out(p: &Portal, cookie: &str) {
    let r = p.send(page("/cartographie", cookie)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/cartographie/connexion");
    let r = p.send(page("/cartographie/postes", cookie)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    p.send(page("/api/v1/positions", cookie))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "authentification_requise");
    // A form sent with it writes nothing.
    let r = p
        .send(form(
            "/cartographie/postes/1/revue",
            Some(cookie),
            "csrf=x&metier=testeur",
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_session_past_its_lifetime_is_sent_to_the_login_page() {
    // Lifetime 0: the session has expired as soon as it is created (absolute expiry).
    let p = portal_with(|c| c.session_ttl = Duration::ZERO).await;
    let r = p.login_attempt(None, "Alice", TOKEN).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_logged_out(&p, &cookie_of(&r.headers, "metiers_session")).await;
    assert_eq!(p.reviews().await, 0);
}

#[tokio::test]
async fn an_idle_session_is_sent_to_the_login_page() {
    // Idle lifetime 0: the session is idle as soon as it is created (idle expiry), while its
    // absolute lifetime (8 h) is far.
    let p = portal_with(|c| c.session_idle = Duration::ZERO).await;
    assert_eq!(p.carto.session_ttl, Cartographie::SESSION_TTL);
    let r = p.login_attempt(None, "Alice", TOKEN).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_logged_out(&p, &cookie_of(&r.headers, "metiers_session")).await;
}

#[tokio::test]
async fn forged_and_malformed_session_cookies_are_no_session() {
    let p = portal().await;
    let (cookie, _) = login(&p, "Alice").await;
    assert_eq!(
        p.send(page("/cartographie", &cookie)).await.status,
        StatusCode::OK
    );
    let value = cookie.split_once('=').expect("name=value").1;
    for forged in [
        "metiers_session=".to_owned(),
        "metiers_session=0000".to_owned(),
        format!("metiers_session={}", "a".repeat(64)),
        format!("metiers_session={}", "a".repeat(10_000)),
        format!("metiers_session={value}x"),
        format!("metiers_session={}", value.to_uppercase()),
        format!("autre={value}"),
    ] {
        assert_logged_out(&p, &forged).await;
    }
    // Defaults: 8 hours at most, 30 minutes without use.
    assert_eq!(Cartographie::SESSION_TTL, Duration::from_secs(8 * 3600));
    assert_eq!(Cartographie::SESSION_IDLE, Duration::from_secs(30 * 60));
}

// ----- the cartographie's API with odd parameters -------------------------------------------

#[tokio::test]
async fn odd_parameters_of_the_cartographie_api_are_never_a_500() {
    let p = portal().await;
    let (cookie, csrf) = login(&p, "Alice").await;
    let csv = "Identifiant;Intitulé du poste\nP1;Développeur d’applications\n";
    assert_eq!(
        import(&p, &cookie, &csrf, "postes.csv", csv).await.status,
        StatusCode::OK
    );
    for query in [
        format!("offset={}", i64::MAX),
        format!("limit={}", i64::MAX),
        format!("offset={}&limit={}", i64::MIN, i64::MIN),
        "limit=-1".to_owned(),
        "text=%00".to_owned(),
        "text=a%00b&occupation=%00".to_owned(),
        "text=%25%5F%5C".to_owned(),
        format!("text={}", "é".repeat(10_000)),
        "status=%00".to_owned(),
        "to_review=peut-etre".to_owned(),
        "offset=1e3".to_owned(),
    ] {
        let r = p
            .send(bearer(
                Method::GET,
                &format!("/api/v1/positions?{query}"),
                TOKEN,
                None,
            ))
            .await;
        assert!(
            r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST,
            "{query} : {} {}",
            r.status,
            r.body
        );
    }
    for (uri, body) in [
        (
            "/api/v1/positions/1/review",
            r#"{"occupation_id":"testeur","reviewer":"a\u0000b"}"#,
        ),
        (
            "/api/v1/positions/1/review",
            r#"{"occupation_id":"\u0000","reviewer":"x"}"#,
        ),
        (
            "/api/v1/positions/9223372036854775807/review",
            r#"{"occupation_id":"testeur","reviewer":"x"}"#,
        ),
        (
            "/api/v1/positions/-1/review",
            r#"{"occupation_id":"testeur","reviewer":"x"}"#,
        ),
        (
            "/api/v1/positions/99999999999999999999/review",
            r#"{"occupation_id":"testeur","reviewer":"x"}"#,
        ),
    ] {
        let r = p.send(bearer(Method::POST, uri, TOKEN, Some(body))).await;
        assert!(
            r.status.is_success() || r.status.is_client_error(),
            "{uri} {body} : {} {}",
            r.status,
            r.body
        );
    }
}

#[tokio::test]
async fn an_integral_float_is_an_integer_as_the_schema_says() {
    // Regression (Schemathesis): `"top": 3.0` is an integer for JSON Schema but was a 422.
    let r = post_json("/api/v1/match", r#"{"text": "testeur", "top": 3.0}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["matches"].as_array().is_some_and(|m| m.len() <= 3));
    for bad in ["2.5", "-1", "1e300", "\"3\""] {
        post_json(
            "/api/v1/match",
            &format!(r#"{{"text": "testeur", "top": {bad}}}"#),
        )
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "json_non_conforme");
    }
}
