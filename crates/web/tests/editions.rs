//! Issue 6 in the portal and the API: the printable job description and "De A vers B".

mod common;

use axum::http::StatusCode;
use common::{enc, get};

#[tokio::test]
async fn job_description_page_marks_the_places_to_complete() {
    let r = get("/metiers/technicien-d-exploitation/fiche-de-poste?activites=1,3").await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        &r.body[..r.body.len().min(2000)]
    );
    assert!(r.body.starts_with("<!doctype html>"));
    assert!(r.body.contains("<mark>[À COMPLÉTER : service]</mark>"));
    assert!(r.body.contains("avec 2 activité(s) sur 14"));
    assert!(r.body.contains("value=\"1,3\""));
    assert!(!r.body.contains("<script>") && !r.body.contains("style=\""));
    let all = get("/metiers/technicien-d-exploitation/fiche-de-poste").await;
    assert!(all.body.contains("avec 14 activité(s) sur 14"));
}

#[tokio::test]
async fn job_description_page_refuses_bad_numbers_and_unknown_ids() {
    let r = get("/metiers/technicien-d-exploitation/fiche-de-poste?activites=99").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("n’a pas d’activité n° 99"));
    let r = get(&format!(
        "/metiers/technicien-d-exploitation/fiche-de-poste?activites={}",
        enc("<b>")
    ))
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(!r.body.contains("<b>"), "texte de la requête échappé");
    let r = get("/metiers/inconnu/fiche-de-poste").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn gap_page_and_api() {
    let r = get("/ecart?de=technicien-d-exploitation&vers=superviseur-d-exploitation").await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        &r.body[..r.body.len().min(2000)]
    );
    assert!(
        r.body
            .contains("De « Technicien d’exploitation » vers « Superviseur d’exploitation »")
    );
    assert!(r.body.contains("Activités à acquérir"));
    let empty = get("/ecart").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("Choisir un métier"));
    let bad = get("/ecart?de=technicien-d-exploitation&vers=nulle-part").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Métier visé inconnu"));

    let api =
        get("/api/v1/ecart?de=technicien-d-exploitation&vers=superviseur-d-exploitation").await;
    assert_eq!(api.status, StatusCode::OK);
    let g = api.json();
    assert_eq!(g["to"]["id"], "superviseur-d-exploitation");
    let n =
        g["covered"].as_array().map_or(0, Vec::len) + g["missing"].as_array().map_or(0, Vec::len);
    assert_eq!(n, 10);
    get("/api/v1/ecart?de=technicien-d-exploitation")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_manquants");
    get("/api/v1/ecart?de=a&vers=b")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "metier_inconnu");
}
