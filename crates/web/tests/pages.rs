//! Router tests of the pages: each page type, the bad inputs, escaping, assets.

mod common;

use axum::http::{Method, StatusCode};
use common::{STATE, enc, get, request};

fn assert_page(r: &common::Reply, status: StatusCode) {
    assert_eq!(r.status, status, "{}", &r.body[..r.body.len().min(2000)]);
    assert!(
        r.content_type().starts_with("text/html"),
        "{}",
        r.content_type()
    );
    assert!(r.body.starts_with("<!doctype html>"));
    assert!(r.body.contains("<html lang=\"fr\""));
    assert!(r.body.contains("<main id=\"contenu\""));
    assert!(r.body.contains("class=\"fr-skiplinks\""));
    assert!(r.headers.contains_key("content-security-policy"));
    // Only the binary's own assets: no other origin in src/href of scripts and styles.
    assert!(
        !r.body.contains("<script>") && !r.body.contains("style=\""),
        "script ou style en ligne"
    );
    assert!(!r.body.contains("src=\"http"), "ressource externe");
}

#[tokio::test]
async fn home_lists_every_occupation_by_group() {
    let r = get("/").await;
    assert_page(&r, StatusCode::OK);
    for o in &STATE.referentiel.occupations {
        assert!(
            r.body.contains(&format!("href=\"/metiers/{}\"", o.id)),
            "{}",
            o.id
        );
    }
    assert!(r.body.contains("aide à la lecture"));
    assert!(r.body.contains("Sécurité") && r.body.contains("Formation : Bac+5"));
    assert!(r.body.contains("data-suggest="));
}

#[tokio::test]
async fn search_page_highlights_and_filters() {
    let r = get(&format!("/recherche?q={}", enc("réseaux"))).await;
    assert_page(&r, StatusCode::OK);
    assert!(r.body.contains("<mark>"), "pas de surlignage");
    assert!(
        r.body
            .contains("href=\"/metiers/responsable-reseaux-et-telecoms\"")
    );
    let filtered = get(&format!(
        "/recherche?q={}&min_level=5&max_level=",
        enc("réseaux")
    ))
    .await;
    assert_page(&filtered, StatusCode::OK);
    assert!(
        filtered
            .body
            .contains("href=\"/metiers/responsable-reseaux-et-telecoms\"")
    );
    assert!(
        !filtered
            .body
            .contains("href=\"/metiers/technicien-reseaux-telecoms-multimedias\"")
    );
    // An empty query shows the form, without results.
    let empty = get("/recherche?q=").await;
    assert_page(&empty, StatusCode::OK);
    assert!(!empty.body.contains("résultat"));
}

#[tokio::test]
async fn search_page_bad_inputs_are_400_pages() {
    for uri in [
        format!("/recherche?q={}", "a".repeat(201)),
        "/recherche?q=test&min_level=abc".to_owned(),
        "/recherche?q=test&min_level=9".to_owned(),
        "/recherche?q=test&min_level=5&max_level=2".to_owned(),
    ] {
        let r = get(&uri).await;
        assert_page(&r, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("fr-alert--error"), "{uri}");
    }
}

#[tokio::test]
async fn what_the_request_says_is_escaped() {
    let attack = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    for uri in [
        format!("/recherche?q={}", enc(attack)),
        format!("/correspondance?texte={}", enc(attack)),
        format!("/metiers/{}", enc(attack)),
        format!("/comparer?a={}&b=testeur", enc(attack)),
    ] {
        let r = get(&uri).await;
        assert!(!r.body.contains("<script>alert"), "{uri}");
        assert!(!r.body.contains("<img src=x"), "{uri}");
        assert!(
            r.body.contains("&lt;script&gt;")
                || r.body.contains("&#60;script&#62;")
                || r.body.contains("&#x3c;script"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn fiche_page_says_everything_and_links_related_occupations() {
    let r = get("/metiers/administrateur-de-bases-de-donnees").await;
    assert_page(&r, StatusCode::OK);
    let o = STATE
        .referentiel
        .get("administrateur-de-bases-de-donnees")
        .expect("fiche");
    let html_escaped = |s: &str| {
        s.replace('&', "&#38;")
            .replace('\'', "&#39;")
            .replace('"', "&#34;")
            .replace('<', "&#60;")
            .replace('>', "&#62;")
    };
    for a in o.activities() {
        let t = &a.text;
        assert!(
            r.body.contains(t.as_str()) || r.body.contains(&html_escaped(t)),
            "activité absente : {t}"
        );
    }
    for h in o.headings() {
        assert!(
            r.body.contains(h) || r.body.contains(&html_escaped(h)),
            "rubrique absente : {h}"
        );
    }
    assert!(r.body.contains("Métiers proches"));
    assert!(
        r.body
            .contains("/metiers/administrateur-de-bases-de-donnees/export/csv")
    );
    assert!(
        r.body
            .contains("/comparer?a=administrateur-de-bases-de-donnees&amp;b=")
    );
    assert!(r.body.contains("fr-breadcrumb"));
}

#[tokio::test]
async fn unknown_fiche_is_a_404_page_with_suggestions() {
    let r = get("/metiers/testeurs").await;
    assert_page(&r, StatusCode::NOT_FOUND);
    assert!(r.body.contains("href=\"/metiers/testeur\""));
    let r = get("/nulle-part").await;
    assert_page(&r, StatusCode::NOT_FOUND);
    let r = get("/metiers/testeur/inconnu/encore").await;
    assert_page(&r, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn fiche_exports() {
    let r = get("/metiers/testeur/export/csv").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("text/csv"));
    assert!(
        r.body.lines().skip(1).all(|l| l.starts_with("testeur,")),
        "{}",
        r.body
    );
    let r = get("/metiers/testeur/export/json").await;
    assert_eq!(r.json()["id"], "testeur");
    let r = get("/metiers/testeur/export/markdown").await;
    assert!(r.body.starts_with("# Testeur"));
    assert_page(
        &get("/metiers/testeur/export/xml").await,
        StatusCode::NOT_FOUND,
    );
    assert_page(
        &get("/metiers/inconnu/export/csv").await,
        StatusCode::NOT_FOUND,
    );
}

#[tokio::test]
async fn correspondance_ranks_with_score_confidence_and_evidence() {
    let r = get("/correspondance").await;
    assert_page(&r, StatusCode::OK);
    assert!(r.body.contains("<textarea") && r.body.contains("for=\"texte\""));
    let r = request(
        Method::POST,
        "/correspondance",
        Some("application/x-www-form-urlencoded"),
        format!(
            "texte={}&top=5",
            enc("Administrateur de bases de données Oracle")
        ),
    )
    .await;
    assert_page(&r, StatusCode::OK);
    assert!(
        r.body
            .contains("href=\"/metiers/administrateur-de-bases-de-donnees\"")
    );
    assert!(r.body.contains("Score ") && r.body.contains("Indices"));
    assert!(r.body.contains("Confiance élevée") || r.body.contains("À vérifier"));
    // The same through GET, for links.
    let r = get(&format!("/correspondance?texte={}", enc("webmestre"))).await;
    assert_page(&r, StatusCode::OK);
    assert!(r.body.contains("href=\"/metiers/webmestre\""));
}

#[tokio::test]
async fn an_ad_shows_how_it_was_read_and_which_sentences_decided() {
    let ad = "Technicien support utilisateurs (H/F)\n\
        Missions :\n\
        - Assurer l’assistance de premier niveau aux utilisateurs et traiter les incidents ;\n\
        - Installer et configurer les postes de travail.\n\
        Rémunération selon la grille, télétravail possible.\n\
        Candidatures : CV et lettre de motivation.";
    let r = request(
        Method::POST,
        "/correspondance",
        Some("application/x-www-form-urlencoded"),
        format!("texte={}", enc(ad)),
    )
    .await;
    assert_page(&r, StatusCode::OK);
    assert!(r.body.contains("Comment le texte a été lu"));
    assert!(
        r.body
            .contains("Intitulé lu : « Technicien support utilisateurs (H/F) »")
    );
    assert!(
        r.body
            .contains("« Rémunération selon la grille, télétravail possible. »")
    );
    assert!(r.body.contains("Phrases du texte qui ont décidé"));
    // A repertory's label says where it comes from.
    let r = get(&format!(
        "/correspondance?texte={}",
        enc("Chargé de mise en exploitation informatique")
    ))
    .await;
    assert!(r.body.contains("(via ROME M18"), "{}", r.body);
}

#[tokio::test]
async fn correspondance_bad_inputs() {
    let form = Some("application/x-www-form-urlencoded");
    let r = request(Method::POST, "/correspondance", form, "texte=%20%20").await;
    assert_page(&r, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("fr-error-text"));
    let r = request(
        Method::POST,
        "/correspondance",
        form,
        format!("texte={}", "a".repeat(50_001)),
    )
    .await;
    assert_page(&r, StatusCode::BAD_REQUEST);
    let r = request(
        Method::POST,
        "/correspondance",
        form,
        format!("texte={}", "a".repeat(1_100_000)),
    )
    .await;
    assert_page(&r, StatusCode::PAYLOAD_TOO_LARGE);
    let r = request(
        Method::POST,
        "/correspondance",
        Some("application/json"),
        "{}",
    )
    .await;
    assert_page(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A bad `top` falls back to 3 rather than failing.
    let r = request(
        Method::POST,
        "/correspondance",
        form,
        "texte=testeur&top=999",
    )
    .await;
    assert_page(&r, StatusCode::OK);
}

#[tokio::test]
async fn compare_two_and_three_occupations() {
    let r = get(
        "/comparer?a=chef-de-projet-maitrise-d-oeuvre-si&b=chef-de-projet-maitrise-d-ouvrage-si",
    )
    .await;
    assert_page(&r, StatusCode::OK);
    assert!(
        r.body.contains("Ce qu’ils partagent") && r.body.contains("Ce qui est propre à chacun")
    );
    assert!(r.body.contains("partagée"), "aucune activité partagée");
    let r = get("/comparer?a=testeur&b=concepteur-developpeur&c=webmestre").await;
    assert_page(&r, StatusCode::OK);
    assert!(
        r.body
            .matches("<th scope=\"col\"><a href=\"/metiers/")
            .count()
            == 3
    );
    // The form alone; one occupation; an unknown one.
    assert_page(&get("/comparer").await, StatusCode::OK);
    assert_page(&get("/comparer?a=testeur").await, StatusCode::BAD_REQUEST);
    assert_page(
        &get("/comparer?a=testeur&b=testeur").await,
        StatusCode::BAD_REQUEST,
    );
    assert_page(
        &get("/comparer?a=testeur&b=inconnu").await,
        StatusCode::BAD_REQUEST,
    );
}

#[tokio::test]
async fn map_links_every_occupation_and_is_deterministic() {
    let r = get("/carte").await;
    assert_page(&r, StatusCode::OK);
    assert!(r.body.contains("<svg"));
    for o in &STATE.referentiel.occupations {
        assert!(
            r.body
                .matches(&format!("href=\"/metiers/{}\"", o.id))
                .count()
                >= 2,
            "{}",
            o.id
        );
    }
    let again = metiers_web::similar::map::Map::compute(&STATE);
    assert_eq!(&again, STATE.map());
    // Nodes inside the picture, not all at one place.
    let xs: Vec<f64> = again.nodes.iter().map(|n| n.x).collect();
    assert!(
        xs.iter()
            .all(|x| (0.0..=metiers_web::similar::map::WIDTH).contains(x))
    );
    assert!(
        xs.iter().cloned().fold(0.0, f64::max) - xs.iter().cloned().fold(f64::MAX, f64::min)
            > 300.0
    );
}

#[tokio::test]
async fn about_and_api_documentation_pages() {
    let r = get("/a-propos").await;
    assert_page(&r, StatusCode::OK);
    assert!(
        r.body.contains("Licence Ouverte")
            && r.body.contains("Jurisconforme")
            && r.body.contains("DINUM")
    );
    let r = get("/api/v1/docs").await;
    assert_page(&r, StatusCode::OK);
    for path in [
        "/api/v1/occupations",
        "/api/v1/match",
        "/api/v1/search",
        "/api/v1/suggest",
        "/api/v1/export",
        "/healthz",
    ] {
        assert!(r.body.contains(path), "{path}");
    }
}

#[tokio::test]
async fn static_assets_are_served_with_their_type_and_nothing_else() {
    let prefix = metiers_web::assets::DSFR_PREFIX.as_str();
    let r = get(&format!("{prefix}/dsfr.min.css")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("text/css"));
    assert!(
        r.headers["cache-control"]
            .to_str()
            .unwrap_or_default()
            .contains("immutable")
    );
    let r = get(&format!("{prefix}/dsfr.module.min.js")).await;
    assert!(r.content_type().starts_with("text/javascript"));
    let r = get(&format!("{prefix}/fonts/Marianne-Regular.woff2")).await;
    assert_eq!(r.content_type(), "font/woff2");
    let app = metiers_web::assets::APP_PREFIX.as_str();
    assert_eq!(get(&format!("{app}/app.js")).await.status, StatusCode::OK);
    assert_eq!(get("/favicon.ico").await.status, StatusCode::OK);
    for bad in [
        "../../Cargo.toml",
        "..%2F..%2FCargo.toml",
        "%2e%2e/%2e%2e/etc/passwd",
        "inconnu.css",
        "",
    ] {
        let r = get(&format!("{prefix}/{bad}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}");
    }
    // The page references the assets at their served paths.
    let home = get("/").await;
    assert!(home.body.contains(&format!("{prefix}/dsfr.min.css")));
    assert!(home.body.contains(&format!("{app}/app.js")));
}
