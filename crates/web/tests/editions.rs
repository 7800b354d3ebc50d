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
    // The same sentence as the Markdown, DOCX and ODT drafts (one document).
    assert!(r.body.contains("avec 2 activité(s) retenue(s)"));
    assert!(r.body.contains("value=\"1,3\""));
    assert!(r.body.contains("<h2>Compétences</h2>"));
    assert!(!r.body.contains("<script>") && !r.body.contains("style=\""));
    let all = get("/metiers/technicien-d-exploitation/fiche-de-poste").await;
    assert!(all.body.contains("avec toutes ses activités"));
    // The downloads HR staff edit.
    for (format, media) in [
        ("docx", "wordprocessingml"),
        ("odt", "opendocument.text"),
        ("md", "text/markdown"),
        ("html", "text/html"),
    ] {
        let d = get(&format!(
            "/metiers/technicien-d-exploitation/fiche-de-poste/telecharger/{format}?activites=1,3"
        ))
        .await;
        assert_eq!(d.status, StatusCode::OK, "{format}");
        assert!(
            d.content_type().contains(media),
            "{format}: {}",
            d.content_type()
        );
    }
    assert_eq!(
        get("/metiers/technicien-d-exploitation/fiche-de-poste/telecharger/pdf")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
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
    assert!(r.body.contains("Compétences à acquérir"), "{}", r.body);
    let empty = get("/ecart").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("Choisir un métier"));
    let bad = get("/ecart?de=technicien-d-exploitation&vers=nulle-part").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Métier visé inconnu"));

    let api =
        get("/api/v1/gaps?from=technicien-d-exploitation&to=superviseur-d-exploitation").await;
    assert_eq!(api.status, StatusCode::OK);
    let g = api.json();
    assert_eq!(g["to"]["id"], "superviseur-d-exploitation");
    let coverage = g["coverage"].as_f64().expect("coverage");
    assert!((0.0..=1.0).contains(&coverage));
    let n: usize = ["shared", "partial", "missing"]
        .iter()
        .map(|k| g[*k].as_array().map_or(0, Vec::len))
        .sum();
    assert!(
        n >= 5,
        "les compétences du superviseur d’exploitation : {n}"
    );
    get("/api/v1/gaps?from=technicien-d-exploitation")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_manquants");
    get("/api/v1/gaps?from=a&to=b")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "metier_inconnu");
}

/// The published edition served as current beside an older copy of it, in which
/// « Webmestre » did not exist yet and a test activity of the developer was worded otherwise.
static TWO_EDITIONS: std::sync::LazyLock<metiers_web::AppState> = std::sync::LazyLock::new(|| {
    use std::sync::Arc;
    let current = Arc::new(metiers_referentiel::published().referentiel);
    let mut old = (*current).clone();
    old.edition.id = "ancienne".into();
    old.edition.title = "Édition antérieure (test)".into();
    old.occupations.retain(|o| o.id.as_str() != "webmestre");
    let cd = old
        .occupations
        .iter_mut()
        .find(|o| o.id.as_str() == "concepteur-developpeur")
        .expect("fiche");
    assert_eq!(
        cd.activity_groups[1].activities[1].text,
        "Effectuer les tests unitaires ;"
    );
    cd.activity_groups[1].activities[1].text = "Effectuer les tests unitaires du code ;".into();
    let engine = Arc::new(metiers_search::Engine::build(&current).expect("moteur"));
    metiers_web::AppState::new(current, engine, common::knowledge())
        .with_editions(vec![Arc::new(old)])
});

async fn get_two(uri: &str) -> common::Reply {
    use axum::body::Body;
    use axum::http::Request;
    common::send_to(
        TWO_EDITIONS.clone(),
        Request::get(uri).body(Body::empty()).expect("requête"),
    )
    .await
}

#[tokio::test]
async fn news_page_with_one_edition_says_there_is_nothing_to_compare() {
    let r = get("/nouveautes").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Première édition chargée"), "{}", r.body);
    assert!(r.body.contains("aria-current=\"page\">Nouveautés"));
    let api = get("/api/v1/editions/changes").await;
    api.assert_error(StatusCode::NOT_FOUND, "aucune_edition_precedente");
}

#[tokio::test]
async fn news_page_shows_what_the_current_edition_changed() {
    let r = get_two("/nouveautes").await;
    assert_eq!(r.status, StatusCode::OK);
    let b = &r.body;
    assert!(
        b.contains("1 fiche(s) ajoutée(s), 0 retirée(s), 0 renommée(s)"),
        "{b}"
    );
    assert!(b.contains("<a href=\"/metiers/webmestre\">Webmestre</a>"));
    // The reworded activity is shown with its old wording, not as a removal and an addition.
    assert!(b.contains("<del>Effectuer les tests unitaires du code ;</del>"));
    assert!(b.contains("<ins>Effectuer les tests unitaires ;</ins>"));
    assert!(!b.contains("Activités retirées"));
}

#[tokio::test]
async fn api_serves_any_loaded_edition() {
    let list = get_two("/api/v1/editions").await.json();
    assert_eq!(list["current"], "jurisconforme", "{list}");
    let ids: Vec<&str> = list["editions"]
        .as_array()
        .expect("liste")
        .iter()
        .map(|e| e["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["ancienne", "jurisconforme"]);
    assert_eq!(list["editions"][0]["occupations"], 43);
    assert_eq!(list["editions"][1]["activities"], 566);

    let old = get_two("/api/v1/occupations?edition=ancienne").await.json();
    assert_eq!(
        (old["edition"].as_str(), old["count"].as_u64()),
        (Some("ancienne"), Some(43))
    );
    let now = get_two("/api/v1/occupations").await.json();
    assert_eq!(now["count"], 44);
    get_two("/api/v1/occupations/webmestre?edition=ancienne")
        .await
        .assert_error(StatusCode::NOT_FOUND, "metier_inconnu");
    let cd = get_two("/api/v1/occupations/concepteur-developpeur?edition=ancienne")
        .await
        .json();
    assert_eq!(
        cd["activity_groups"][1]["activities"][1]["text"],
        "Effectuer les tests unitaires du code ;"
    );
    let unknown = get_two("/api/v1/occupations?edition=2030").await;
    unknown.assert_error(StatusCode::NOT_FOUND, "edition_inconnue");
    assert!(
        unknown.json()["message"]
            .as_str()
            .expect("message")
            .contains("ancienne, jurisconforme")
    );

    let export = get_two("/api/v1/export?edition=ancienne&format=csv").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(!export.body.contains("webmestre,"));
    assert!(
        export
            .headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("referentiel-metiers-sic-ancienne.csv"))
    );

    let d = get_two("/api/v1/editions/changes").await.json();
    assert_eq!(d["added"][0]["id"], "webmestre", "{d}");
    assert_eq!(
        d["changed"][0]["reworded_activities"][0]["old_text"],
        "Effectuer les tests unitaires du code ;"
    );
    let back = get_two("/api/v1/editions/changes?from=jurisconforme&to=ancienne")
        .await
        .json();
    assert_eq!(back["removed"][0]["id"], "webmestre", "{back}");
    get_two("/api/v1/editions/changes?to=ancienne")
        .await
        .assert_error(StatusCode::NOT_FOUND, "aucune_edition_precedente");
}

#[tokio::test]
async fn person_ranking_in_the_api_and_the_portal() {
    let r = get("/api/v1/gaps/person?from=technicien-d-exploitation&activities=1-5&top=5").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(v["practised"], serde_json::json!([1, 2, 3, 4, 5]));
    let ranked = v["occupations"].as_array().expect("liste");
    assert_eq!(ranked.len(), 5);
    let coverage: Vec<f64> = ranked
        .iter()
        .map(|c| c["coverage"].as_f64().expect("part"))
        .collect();
    assert!(coverage.windows(2).all(|w| w[0] >= w[1]), "{coverage:?}");
    // The person's own occupation is among the best covered (the five activities may cover
    // a neighbour's skills as well).
    assert!(
        ranked
            .iter()
            .take(3)
            .any(|c| c["id"] == "technicien-d-exploitation"),
        "{ranked:?}"
    );
    assert!(v["training"].is_array());
    get("/api/v1/gaps/person?from=inconnu")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "metier_inconnu");
    get("/api/v1/gaps/person")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "parametres_manquants");
    get("/api/v1/gaps/person?from=technicien-d-exploitation&activities=99")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "activites_invalides");

    // The page: the occupation's activities as checkboxes, then the ranking.
    let form = get("/ecart/personne?de=technicien-d-exploitation").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.body.matches("type=\"checkbox\"").count(), 14);
    let page =
        get("/ecart/personne?de=technicien-d-exploitation&activites=1&activites=3&envoi=1").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Métiers classés pour vos 2 activité(s)"));
    assert!(page.body.contains("(votre métier)"));
    assert_eq!(page.body.matches(" checked>").count(), 2);
    let none = get("/ecart/personne?de=technicien-d-exploitation&envoi=1").await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
    assert!(none.body.contains("Cochez au moins une activité"));
    let bad = get(&format!("/ecart/personne?de={}", enc("<script>"))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("« &#60;script&#62; »"), "{}", bad.body);
}

#[tokio::test]
async fn every_export_format_through_the_api() {
    for (format, content_type) in [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let r = get(&format!("/api/v1/export?format={format}")).await;
        assert_eq!(r.status, StatusCode::OK, "{format}");
        assert!(
            r.content_type().starts_with(content_type),
            "{format}: {}",
            r.content_type()
        );
    }
    let ttl = get("/api/v1/export?format=ttl").await.body;
    let concepts =
        ttl.matches(" a skos:Concept").count() - ttl.matches(" a skos:ConceptScheme").count();
    assert_eq!(concepts, 44, "{}", &ttl[..ttl.len().min(800)]);
    let fiche = get("/metiers/webmestre/export/ttl").await;
    assert_eq!(fiche.status, StatusCode::OK);
    assert!(fiche.body.contains("Webmestre"));
    let excel = get("/api/v1/export?format=csv&excel=true").await;
    assert!(excel.body.starts_with('\u{feff}') && excel.body.contains(';'));
}

/// The API paths renamed in this release answer 308 to the new ones for one release, with
/// their parameters renamed; following the redirect gives the same answer.
#[tokio::test]
async fn old_gap_paths_redirect_to_the_new_ones() {
    let old =
        get("/api/v1/ecart?de=technicien-d-exploitation&vers=superviseur-d-exploitation").await;
    assert_eq!(old.status, StatusCode::PERMANENT_REDIRECT);
    let location = old.headers[axum::http::header::LOCATION]
        .to_str()
        .expect("ASCII");
    assert_eq!(
        location,
        "/api/v1/gaps?from=technicien-d-exploitation&to=superviseur-d-exploitation"
    );
    assert_eq!(get(location).await.status, StatusCode::OK);
    let person = get("/api/v1/ecart/personne?de=testeur&activites=1&nombre=3").await;
    assert_eq!(person.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        person.headers[axum::http::header::LOCATION],
        "/api/v1/gaps/person?from=testeur&activities=1&top=3"
    );
}
