//! Router tests of the JSON API: every endpoint, every bad input.

mod common;

use axum::http::{Method, StatusCode};
use common::{STATE, enc, get, post_json, request};

#[tokio::test]
async fn healthz_answers_with_the_edition_and_the_security_headers() {
    let r = get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["occupations"], 44);
    for (name, expected) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
    ] {
        assert_eq!(
            r.headers.get(name).and_then(|v| v.to_str().ok()),
            Some(expected),
            "{name}"
        );
    }
    let csp = r.headers["content-security-policy"]
        .to_str()
        .unwrap_or_default();
    assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"));
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("http"),
        "{csp}"
    );
}

#[tokio::test]
async fn occupations_are_listed_in_published_order() {
    let v = get("/api/v1/occupations").await.json();
    assert_eq!(v["count"], 44);
    assert_eq!(v["edition"], "jurisconforme");
    let first = &v["occupations"][0];
    assert_eq!(first["id"], "concepteur-developpeur");
    assert_eq!(first["education"], "Bac+2");
    assert_eq!(first["group"], "Études et développement");
    assert!(first["headings"].as_array().is_some_and(|h| !h.is_empty()));
}

#[tokio::test]
async fn occupations_filters_combine() {
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["occupations"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|o| o["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Levels: every kept occupation meets the range.
    let v = get("/api/v1/occupations?min_level=5").await.json();
    for o in v["occupations"].as_array().into_iter().flatten() {
        assert!(
            o["max_level"].is_null() || o["max_level"].as_u64() >= Some(5),
            "{o}"
        );
        assert!(!o["min_level"].is_null(), "{o}");
    }
    assert!(ids(&v).contains(&"architecte-technique".to_owned()));
    assert!(!ids(&v).contains(&"testeur".to_owned()));
    let v = get("/api/v1/occupations?max_level=2").await.json();
    assert!(ids(&v).contains(&"testeur".to_owned()));
    assert!(!ids(&v).contains(&"architecte-technique".to_owned()));
    // Text, accents and case ignored.
    let v = get(&format!("/api/v1/occupations?q={}", enc("RÉSEAUX")))
        .await
        .json();
    assert!(ids(&v).contains(&"responsable-reseaux-et-telecoms".to_owned()));
    assert!(v["count"].as_u64() < Some(44));
    let v = get(&format!(
        "/api/v1/occupations?q={}&min_level=5",
        enc("réseaux")
    ))
    .await
    .json();
    assert!(ids(&v).contains(&"responsable-reseaux-et-telecoms".to_owned()));
    assert!(!ids(&v).contains(&"technicien-reseaux-telecoms-multimedias".to_owned()));
    // A word that is nowhere: empty list, not an error.
    let v = get("/api/v1/occupations?q=zzzyyyxxx").await.json();
    assert_eq!(v["count"], 0);
}

#[tokio::test]
async fn occupations_heading_filter_reads_headings_only() {
    let all = STATE.referentiel.occupations.len() as u64;
    let heading = STATE
        .referentiel
        .occupations
        .iter()
        .flat_map(|o| o.headings())
        .next()
        .expect("une rubrique")
        .to_owned();
    let v = get(&format!("/api/v1/occupations?heading={}", enc(&heading)))
        .await
        .json();
    let n = v["count"].as_u64().unwrap_or(0);
    assert!(n >= 1 && n < all, "{heading}: {n}");
    for o in v["occupations"].as_array().into_iter().flatten() {
        assert!(
            o["headings"]
                .to_string()
                .to_lowercase()
                .contains(&heading.to_lowercase()),
            "{o}"
        );
    }
}

#[tokio::test]
async fn occupations_bad_filters_are_client_errors() {
    get("/api/v1/occupations?min_level=abc")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
    get("/api/v1/occupations?min_level=-1")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
    get("/api/v1/occupations?max_level=999")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
    get("/api/v1/occupations?min_level=5&max_level=2")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "niveaux_incoherents");
    let long = "a".repeat(201);
    get(&format!("/api/v1/occupations?q={long}"))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "requete_trop_longue");
    get(&format!("/api/v1/occupations?heading={long}"))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "requete_trop_longue");
    let r = get("/api/v1/occupations?min_level=abc").await;
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap_or_default()
            .contains("min_level")
    );
}

#[tokio::test]
async fn one_occupation_is_everything_the_fiche_says() {
    let r = get("/api/v1/occupations/testeur").await;
    assert_eq!(r.status, StatusCode::OK);
    let mut v = r.json();
    // Everything the fiche says, its correspondences (tests/crosswalks.rs) and its skills
    // (tests/skills.rs).
    for added in ["crosswalks", "skills"] {
        let list = v.as_object_mut().and_then(|o| o.remove(added));
        assert!(list.is_some_and(|c| c.is_array()), "{added}");
    }
    let expected = serde_json::to_value(STATE.referentiel.get("testeur")).unwrap_or_default();
    assert_eq!(v, expected);
}

#[tokio::test]
async fn an_unknown_occupation_is_a_json_404_naming_close_ids() {
    let r = get("/api/v1/occupations/testeurs").await;
    r.assert_error(StatusCode::NOT_FOUND, "metier_inconnu");
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap_or_default()
            .contains("testeur")
    );
    get("/api/v1/occupations/%3Cscript%3E")
        .await
        .assert_error(StatusCode::NOT_FOUND, "metier_inconnu");
    get(&format!("/api/v1/occupations/{}", "x".repeat(5000)))
        .await
        .assert_error(StatusCode::NOT_FOUND, "metier_inconnu");
    // Invalid UTF-8 in the path.
    get("/api/v1/occupations/%FF%FE")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "adresse_invalide");
}

#[tokio::test]
async fn similar_occupations_say_why() {
    let r = get("/api/v1/occupations/responsable-reseaux-et-telecoms/similar?top=3").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    let list = v.as_array().expect("tableau");
    assert_eq!(list.len(), 3);
    for s in list {
        assert!(s["reason"].as_str().is_some_and(|r| !r.is_empty()), "{s}");
        let score = s["score"].as_f64().unwrap_or(-1.0);
        assert!((0.0..=1.0).contains(&score));
    }
    assert_eq!(
        get("/api/v1/occupations/testeur/similar")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(5)
    );
    get("/api/v1/occupations/inconnu/similar")
        .await
        .assert_error(StatusCode::NOT_FOUND, "metier_inconnu");
    get("/api/v1/occupations/testeur/similar?top=0")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
    get("/api/v1/occupations/testeur/similar?top=abc")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
}

#[tokio::test]
async fn search_ranks_and_highlights() {
    let r = get(&format!("/api/v1/search?q={}", enc("réseaux télécoms"))).await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    let hits = v.as_array().expect("tableau");
    assert!(!hits.is_empty() && hits.len() <= 10);
    let ids: Vec<&str> = hits
        .iter()
        .filter_map(|h| h["id"].as_str())
        .take(5)
        .collect();
    assert!(ids.iter().any(|id| id.contains("reseaux")), "{ids:?}");
    let hl = &hits[0]["highlights"][0];
    let text = hl["text"].as_str().unwrap_or_default();
    let start = hl["ranges"][0]["start"].as_u64().unwrap_or(0) as usize;
    let end = hl["ranges"][0]["end"].as_u64().unwrap_or(0) as usize;
    assert!(text.get(start..end).is_some_and(|w| !w.is_empty()), "{hl}");
    assert_eq!(
        get("/api/v1/search?q=donn%C3%A9es&limit=2")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[tokio::test]
async fn search_and_suggest_refuse_empty_and_overlong_queries() {
    for path in ["/api/v1/search", "/api/v1/suggest"] {
        get(path)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "requete_vide");
        get(&format!("{path}?q="))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "requete_vide");
        get(&format!("{path}?q=%20%20%09"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "requete_vide");
        get(&format!("{path}?q={}", "é".repeat(201)))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "requete_trop_longue");
        get(&format!("{path}?q=test&limit=0"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
        get(&format!("{path}?q=test&limit=51"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
        get(&format!("{path}?q=test&limit=x"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
        // Exactly the limit is fine, and so is a query of symbols only.
        assert_eq!(
            get(&format!("{path}?q={}", "a".repeat(200))).await.status,
            StatusCode::OK
        );
        assert_eq!(
            get(&format!("{path}?q={}", enc("%%% <> ;;"))).await.status,
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn suggest_completes_titles_and_alternative_titles() {
    let v = get("/api/v1/suggest?q=webm").await.json();
    let list = v.as_array().expect("tableau");
    assert!(list.iter().any(|s| s["id"] == "webmestre"), "{v}");
    for s in list {
        assert!(s["label"].is_string() && s["title"].is_string());
    }
    let v = get(&format!(
        "/api/v1/suggest?q={}",
        enc("ADMINISTRATEUR DE BASES")
    ))
    .await
    .json();
    assert_eq!(v[0]["id"], "administrateur-de-bases-de-donnees", "{v}");
}

/// A value as it reads once serialised to JSON text (f32 scores as written).
fn same_as_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::from_str(&serde_json::to_string(value).unwrap_or_default()).unwrap_or_default()
}

#[tokio::test]
async fn match_returns_the_engine_result_unchanged() {
    let r = post_json(
        "/api/v1/match",
        r#"{"text": "administrateur réseaux", "top": 3}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    let expected = same_as_json(&STATE.engine.match_text("administrateur réseaux", 3));
    assert_eq!(v, expected);
    assert_eq!(v["query"], "administrateur réseaux");
    assert!(v["confident"].is_boolean());
    let m = &v["matches"][0];
    for key in ["id", "title", "score", "evidence"] {
        assert!(!m[key].is_null(), "{key} absent : {m}");
    }
    // `top` defaults to 3.
    let v = post_json("/api/v1/match", r#"{"text": "développeur"}"#)
        .await
        .json();
    assert!(
        v["matches"]
            .as_array()
            .is_some_and(|m| !m.is_empty() && m.len() <= 3)
    );
}

#[tokio::test]
async fn match_reads_a_job_ad() {
    let ad = "Au sein de la direction du numérique, vous administrez les bases de données \
              Oracle et PostgreSQL : installation, sauvegardes, optimisation des performances, \
              gestion des droits d'accès. Vous participez aux astreintes. Poste ouvert aux \
              contractuels, télétravail possible deux jours par semaine.";
    let body = serde_json::json!({ "text": ad, "top": 5 }).to_string();
    let v = post_json("/api/v1/match", &body).await.json();
    assert_eq!(v, same_as_json(&STATE.engine.match_text(ad, 5)));
    let ids: Vec<&str> = v["matches"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(ids.len() <= 5 && !ids.is_empty());
    assert!(
        ids.contains(&"administrateur-de-bases-de-donnees"),
        "{ids:?}"
    );
}

#[tokio::test]
async fn match_bad_bodies_get_the_error_shape() {
    let url = "/api/v1/match";
    post_json(url, r#"{"text": ""}"#)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "texte_vide");
    post_json(url, r#"{"text": "   \n\t "}"#)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "texte_vide");
    post_json(url, r#"{"text": "x", "top": 0}"#)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
    post_json(url, r#"{"text": "x", "top": 51}"#)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
    post_json(url, r#"{"text": "x", "#)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "json_invalide");
    post_json(url, "")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "json_invalide");
    post_json(url, "\u{0}\u{1}")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "json_invalide");
    post_json(url, "{}")
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "json_non_conforme");
    post_json(url, r#"{"text": 3}"#)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "json_non_conforme");
    post_json(url, r#"{"text": "x", "top": "trois"}"#)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "json_non_conforme");
    post_json(url, "[1, 2]")
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "json_non_conforme");
    let missing = post_json(url, "{}").await.json();
    assert!(
        missing["message"]
            .as_str()
            .unwrap_or_default()
            .contains("« text »"),
        "{missing}"
    );
    // Deeply nested JSON: refused, not a crash.
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let r = post_json(url, &nested).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    // Invalid UTF-8.
    let r = request(
        Method::POST,
        url,
        Some("application/json"),
        vec![b'{', b'"', 0xff, b'"', b'}'],
    )
    .await;
    r.assert_error(StatusCode::BAD_REQUEST, "json_invalide");
    // No or wrong content type.
    request(Method::POST, url, None, r#"{"text": "x"}"#)
        .await
        .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "type_de_contenu");
    request(Method::POST, url, Some("text/plain"), r#"{"text": "x"}"#)
        .await
        .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "type_de_contenu");
}

#[tokio::test]
async fn match_size_limits() {
    // Over 1 MiB: 413.
    let big = serde_json::json!({ "text": "a ".repeat(600_000) }).to_string();
    assert!(big.len() > metiers_web::MAX_BODY_BYTES);
    post_json("/api/v1/match", &big)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "corps_trop_volumineux");
    // Under 1 MiB but over the text limit: 400.
    let long = serde_json::json!({ "text": "réseau ".repeat(10_000) }).to_string();
    assert!(long.len() < metiers_web::MAX_BODY_BYTES);
    post_json("/api/v1/match", &long)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "texte_trop_long");
    // A long CV within the limit is matched (on a blocking thread).
    let cv =
        serde_json::json!({ "text": "administration des réseaux et des télécoms, ".repeat(500) })
            .to_string();
    assert_eq!(post_json("/api/v1/match", &cv).await.status, StatusCode::OK);
}

#[tokio::test]
async fn export_in_the_three_formats() {
    let r = get("/api/v1/export").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("application/json"));
    assert_eq!(r.json()["occupations"].as_array().map(Vec::len), Some(44));
    assert_eq!(
        r.body,
        metiers_referentiel::export::to_json(&STATE.referentiel)
    );

    let r = get("/api/v1/export?format=csv").await;
    assert!(r.content_type().starts_with("text/csv"));
    assert!(
        r.body
            .starts_with("id,title,heading,activity,detail,rome,esco\r\n")
    );
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .contains("referentiel-metiers-sic.csv")
    );
    let r = get("/api/v1/export?format=csv&excel=true").await;
    assert!(r.body.starts_with("\u{feff}id;title;"));

    let r = get("/api/v1/export?format=markdown").await;
    assert!(r.content_type().starts_with("text/markdown"));
    assert!(r.body.starts_with("# ") && r.body.contains("## Testeur"));

    get("/api/v1/export?format=xml")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
    get("/api/v1/export?format=csv&excel=peut-etre")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
}

#[tokio::test]
async fn wrong_methods_are_json_405() {
    for (method, uri) in [
        (Method::POST, "/api/v1/occupations"),
        (Method::DELETE, "/api/v1/occupations/testeur"),
        (Method::GET, "/api/v1/match"),
        (Method::PUT, "/api/v1/search?q=x"),
        (Method::POST, "/healthz"),
        (Method::DELETE, "/"),
        (Method::PUT, "/correspondance"),
    ] {
        let r = request(method.clone(), uri, None, "").await;
        r.assert_error(StatusCode::METHOD_NOT_ALLOWED, "methode_non_autorisee");
        assert!(
            r.headers.contains_key("content-security-policy"),
            "{method} {uri}"
        );
    }
}

#[tokio::test]
async fn unknown_api_addresses_are_json_404() {
    get("/api/v1/inconnu")
        .await
        .assert_error(StatusCode::NOT_FOUND, "adresse_inconnue");
    get("/api/v2/occupations")
        .await
        .assert_error(StatusCode::NOT_FOUND, "adresse_inconnue");
    get("/api/v1/occupations/testeur/inconnu")
        .await
        .assert_error(StatusCode::NOT_FOUND, "adresse_inconnue");
}
