//! Skills through the API and the portal (issue 12): the list and one skill, the skills of
//! each fiche, close occupations on skills, « Mon profil » and its bad input.

mod common;

use axum::http::{Method, StatusCode};
use common::{get, post_json, request};

#[tokio::test]
async fn the_skills_list_filters_by_words_and_kind() {
    let all = get("/api/v1/skills").await;
    assert_eq!(all.status, StatusCode::OK);
    let list = all.json();
    let n = list.as_array().map_or(0, Vec::len);
    assert!(n >= 100, "{n}");
    let savoirs = get("/api/v1/skills?kind=savoir").await.json();
    assert!(
        savoirs
            .as_array()
            .is_some_and(|l| !l.is_empty() && l.iter().all(|s| s["kind"] == "savoir"))
    );
    let incidents = get("/api/v1/skills?q=incidents").await.json();
    assert!(
        incidents
            .as_array()
            .is_some_and(|l| l.iter().any(|s| s["id"] == "traitement-incidents"))
    );
    get("/api/v1/skills?kind=autre")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_invalides");
    let page = get("/competences?nature=savoir-etre").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Savoir-être"));
}

#[tokio::test]
async fn one_skill_says_who_mobilises_it_with_the_fiches_sentences() {
    let r = get("/api/v1/skills/traitement-incidents").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    let holders = v["occupations"].as_array().expect("métiers");
    assert!(holders.len() >= 5);
    assert!(
        holders
            .iter()
            .any(|h| h["sentences"].as_array().is_some_and(|s| !s.is_empty()))
    );
    assert!(v["merge"].is_string());
    let unknown = get("/api/v1/skills/traitement-incident").await;
    unknown.assert_error(StatusCode::NOT_FOUND, "competence_inconnue");
    assert!(
        unknown.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("traitement-incidents"))
    );
    let page = get("/competences/traitement-incidents").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Qui mobilise cette compétence"));
    assert!(page.body.contains("au cœur du métier"));
    assert_eq!(
        get("/competences/inconnue").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn fiches_show_their_skills_and_close_occupations_on_skills() {
    let fiche = get("/metiers/superviseur-d-exploitation").await;
    assert!(fiche.body.contains("Au cœur du métier"));
    assert!(fiche.body.contains("href=\"/competences/"));
    let close = get("/api/v1/occupations/technicien-d-exploitation/similar?top=5").await;
    assert_eq!(close.status, StatusCode::OK);
    let list = close.json();
    let first = &list[0];
    assert!(
        first["reason"]
            .as_str()
            .is_some_and(|r| r.contains("compétence(s) en commun"))
    );
    assert!(first["shared_core"].is_array() && first["rome_mobilities"].is_array());
    let compare = get("/comparer?a=technicien-d-exploitation&b=superviseur-d-exploitation").await;
    assert_eq!(compare.status, StatusCode::OK);
    assert!(compare.body.contains("Compétence commune"));
}

#[tokio::test]
async fn a_profile_ranks_occupations_and_lists_training_needs() {
    let r = post_json(
        "/api/v1/profile",
        r#"{"skills": ["traitement-incidents"], "text": "J’administre les bases de données de production et j’en assure la sauvegarde.", "top": 5}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(v["ticked"][0]["id"], "traitement-incidents");
    assert!(
        v["found"]
            .as_array()
            .is_some_and(|f| f.iter().all(|x| x["sentence"].is_string()))
    );
    assert_eq!(v["occupations"].as_array().map(Vec::len), Some(5));
    assert!(v["training"].as_array().is_some_and(|t| !t.is_empty()));

    post_json("/api/v1/profile", r#"{"skills": []}"#)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "profil_vide");
    post_json("/api/v1/profile", r#"{"text": "Bonjour, merci."}"#)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "profil_vide");
    post_json("/api/v1/profile", r#"{"skills": ["pas-une-competence"]}"#)
        .await
        .assert_error(StatusCode::NOT_FOUND, "competence_inconnue");
    let many = serde_json::json!({ "skills": vec!["traitement-incidents"; 201] }).to_string();
    post_json("/api/v1/profile", &many)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "trop_de_competences");
    let long = serde_json::json!({ "text": "a ".repeat(10_001) }).to_string();
    post_json("/api/v1/profile", &long)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "texte_trop_long");
}

#[tokio::test]
async fn the_profile_page_answers_and_says_what_is_wrong() {
    assert_eq!(get("/mon-profil").await.status, StatusCode::OK);
    let form = "application/x-www-form-urlencoded";
    let r = request(
        Method::POST,
        "/mon-profil",
        Some(form),
        "competences=traitement-incidents&competences=support-utilisateurs&texte=",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Métiers classés"));
    assert!(r.body.contains("Besoins de formation"));
    let empty = request(Method::POST, "/mon-profil", Some(form), "texte=").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.body.contains("Cochez au moins une compétence"));
}
