//! Issue 6: job descriptions for three occupations and the gap between two close ones, kept
//! as snapshots (`tests/snapshots/`; review changes with `cargo insta review`, or accept
//! them with `INSTA_UPDATE=always`).

use metiers_export::ecart::GapAnalyzer;
use metiers_export::poste::{JobDescription, Selection};
use metiers_referentiel::{Occupation, Referentiel, published};

fn fiche<'a>(r: &'a Referentiel, id: &str) -> &'a Occupation {
    r.get(id).unwrap_or_else(|| panic!("fiche {id} absente"))
}

fn job(id: &str, selection: &Selection) -> String {
    let r = published().referentiel;
    let jd = JobDescription::new(&r.edition, fiche(&r, id), selection).expect("fiche de poste");
    jd.to_markdown()
}

#[test]
fn job_description_technicien_d_exploitation_all_activities() {
    insta::assert_snapshot!(job("technicien-d-exploitation", &Selection::All));
}

#[test]
fn job_description_concepteur_developpeur_ticked_activities() {
    insta::assert_snapshot!(job(
        "concepteur-developpeur",
        &Selection::Numbers(vec![1, 2, 4, 5, 7, 10])
    ));
}

#[test]
fn job_description_administrateur_de_bases_de_donnees_ticked_activities() {
    insta::assert_snapshot!(job(
        "administrateur-de-bases-de-donnees",
        &Selection::Numbers(vec![1, 3, 5])
    ));
}

#[test]
fn job_description_printable_html_marks_the_places_to_complete() {
    let r = published().referentiel;
    let jd = JobDescription::new(&r.edition, fiche(&r, "testeur"), &Selection::All)
        .expect("fiche de poste");
    insta::assert_snapshot!(jd.to_html());
}

#[test]
fn gap_technicien_vers_superviseur_d_exploitation() {
    let r = published().referentiel;
    let g = GapAnalyzer::new(&r);
    let gap = g.between(
        fiche(&r, "technicien-d-exploitation"),
        fiche(&r, "superviseur-d-exploitation"),
    );
    insta::assert_snapshot!(gap.to_markdown());
}
