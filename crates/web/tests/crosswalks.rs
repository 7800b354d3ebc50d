//! Correspondences with ROME and ESCO through the API and the portal (issue 11): on each
//! fiche (page and JSON), reverse lookups for every IT fiche of ROME and every ESCO
//! occupation the table names, the whole table as JSON and CSV, the attribution shown.

mod common;

use axum::http::StatusCode;
use common::{get, knowledge};
use metiers_knowledge::Scheme;

#[tokio::test]
async fn every_fiche_carries_its_rome_and_esco_correspondences() {
    for o in &common::STATE.referentiel.occupations {
        let r = get(&format!("/api/v1/occupations/{}", o.id)).await;
        assert_eq!(r.status, StatusCode::OK);
        let v = r.json();
        assert_eq!(v["id"], o.id.as_str(), "la fiche elle-même est toujours là");
        let list = v["crosswalks"].as_array().expect("crosswalks");
        for scheme in ["rome", "esco"] {
            assert!(
                list.iter().any(|c| c["scheme"] == scheme),
                "{} sans {scheme}",
                o.id
            );
        }
        for c in list {
            for key in ["scheme", "code", "label", "relation", "note"] {
                assert!(c[key].is_string(), "{} : {key} dans {c}", o.id);
            }
        }
    }
    let page = get("/metiers/concepteur-developpeur").await;
    assert_eq!(page.status, StatusCode::OK);
    for needed in [
        "Correspondances",
        "M1805",
        "très proche",
        "France Travail – ROME 4.0 v460",
        "ESCO – European Commission, v1.1.1",
    ] {
        assert!(
            page.body.contains(needed),
            "« {needed} » absent de la fiche"
        );
    }
    // The fiche's JSON download carries them too.
    let json = get("/metiers/concepteur-developpeur/export/json").await;
    assert!(json.body.contains("\"crosswalks\""));
}

#[tokio::test]
async fn reverse_lookups_answer_for_every_it_fiche_of_rome_and_every_named_esco_occupation() {
    let k = knowledge();
    for f in k.rome.fiches().iter().filter(|f| f.code.starts_with("M18")) {
        let r = get(&format!("/api/v1/crosswalks?rome={}", f.code)).await;
        assert_eq!(r.status, StatusCode::OK, "{} : {}", f.code, r.body);
        let v = r.json();
        assert_eq!(v["code"], f.code.as_str());
        assert!(
            v["occupations"].as_array().is_some_and(|l| !l.is_empty())
                || v["none_because"].is_string(),
            "{} sans réponse : {v}",
            f.code
        );
    }
    for (id, list) in k.crosswalk.all() {
        for c in list.iter().filter(|c| c.scheme == Scheme::Esco) {
            let r = get(&format!("/api/v1/crosswalks?esco={}", common::enc(&c.code))).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert!(
                r.json()["occupations"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|m| m["occupation_id"] == id)),
                "{} ne mène pas à {id}",
                c.code
            );
        }
    }
    let r = get("/api/v1/crosswalks?rome=M1805").await.json();
    assert!(r["occupations"].as_array().is_some_and(|l| {
        l.iter()
            .any(|m| m["occupation_id"] == "concepteur-developpeur")
    }));
}

#[tokio::test]
async fn appellations_are_found_by_code_and_by_text() {
    let k = knowledge();
    let a = k
        .rome
        .appellations_of("M1805")
        .next()
        .expect("une appellation de M1805");
    let by_code = get(&format!("/api/v1/crosswalks?appellation={}", a.ogr)).await;
    assert_eq!(by_code.status, StatusCode::OK, "{}", by_code.body);
    let v = by_code.json();
    assert_eq!(v["kind"], "appellation");
    assert!(
        v["occupations"][0]["via"]
            .as_str()
            .is_some_and(|s| s.contains("M1805"))
    );
    let by_text = get(&format!(
        "/api/v1/crosswalks?appellation={}",
        common::enc(&a.label.to_lowercase())
    ))
    .await;
    assert_eq!(by_text.status, StatusCode::OK, "{}", by_text.body);
    assert_eq!(by_text.json()["occupations"], v["occupations"]);
}

#[tokio::test]
async fn bad_codes_get_a_400_or_a_404_with_the_closest_ones() {
    get("/api/v1/crosswalks?rome=M18")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "code_invalide");
    get("/api/v1/crosswalks?esco=http%3A%2F%2Fexample.org%2Fx")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "code_invalide");
    let unknown = get("/api/v1/crosswalks?rome=M1899").await;
    unknown.assert_error(StatusCode::NOT_FOUND, "code_inconnu");
    assert!(
        unknown.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("Codes proches : M18"))
    );
    get("/api/v1/crosswalks?esco=http%3A%2F%2Fdata.europa.eu%2Fesco%2Foccupation%2F00000000-0000-0000-0000-000000000000")
        .await
        .assert_error(StatusCode::NOT_FOUND, "code_inconnu");
    get("/api/v1/crosswalks?appellation=zzzz%20inexistant")
        .await
        .assert_error(StatusCode::NOT_FOUND, "code_inconnu");
    get("/api/v1/crosswalks?rome=M1805&esco=x")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_incompatibles");
}

#[tokio::test]
async fn the_whole_table_downloads_as_json_and_csv_with_its_sources() {
    let json = get("/api/v1/crosswalks").await;
    assert_eq!(json.status, StatusCode::OK);
    let v = json.json();
    let rows = v["correspondences"].as_array().expect("lignes").len();
    assert!(rows > 44 * 2);
    assert_eq!(
        v["sources"][0]["attribution"],
        "France Travail – ROME 4.0 v460"
    );
    assert!(v["method"]["review"].is_string());
    let csv = get("/api/v1/crosswalks?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type().starts_with("text/csv"));
    assert_eq!(csv.body.lines().count(), rows + 1);
    // The same table through the edition export.
    let export = get("/api/v1/export?format=crosswalk-csv").await;
    assert_eq!(export.body, csv.body);
    // SKOS mappings in the edition's Turtle.
    let ttl = get("/api/v1/export?format=ttl").await;
    assert!(ttl.body.contains("skos:closeMatch"));
    assert!(ttl.body.contains("http://data.europa.eu/esco/occupation/"));
}

#[tokio::test]
async fn the_portal_page_lists_the_table_and_answers_lookups() {
    let page = get("/correspondances").await;
    assert_eq!(page.status, StatusCode::OK);
    for needed in [
        "Correspondances avec ROME et ESCO",
        "M1805",
        "sans métier",
        "France Travail – ROME 4.0 v460",
    ] {
        assert!(page.body.contains(needed), "« {needed} »");
    }
    let found = get("/correspondances?q=M1805").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found
            .body
            .contains("href=\"/metiers/concepteur-developpeur\"")
    );
    let filtered = get("/correspondances?repertoire=esco&relation=exactMatch").await;
    assert!(!filtered.body.contains(">ROME 4.0</td>"));
    let unknown = get("/correspondances?q=M1899").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("Codes proches"));
    let about = get("/a-propos").await;
    assert!(about.body.contains("ESCO – European Commission, v1.1.1"));
}
