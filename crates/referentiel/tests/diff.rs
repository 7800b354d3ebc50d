//! Issue 6: `diff` between the published edition and a modified copy reports exactly the
//! changes made, and the registry keeps the id of a renamed fiche.

use metiers_referentiel::diff::{EditionDiff, diff};
use metiers_referentiel::registry::{EMBEDDED_REGISTRY, IdNote, Registry};
use metiers_referentiel::{
    Activity, ActivityGroup, Occupation, OccupationId, Referentiel, published,
};

fn occupation<'a>(r: &'a mut Referentiel, id: &str) -> &'a mut Occupation {
    r.occupations
        .iter_mut()
        .find(|o| o.id.as_str() == id)
        .unwrap_or_else(|| panic!("fiche {id} absente"))
}

/// The published edition with one change of each kind, ids as the parser would give them
/// (the slug of each title).
fn modified() -> Referentiel {
    let mut r = published().referentiel;
    r.edition.id = "modifiee".into();
    // Renamed: « Testeur » becomes « Testeur logiciel ».
    let t = occupation(&mut r, "testeur");
    t.title = "Testeur logiciel".into();
    t.id = OccupationId::from_title(&t.title).expect("id");
    // Removed: « Webmestre ».
    r.occupations.retain(|o| o.id.as_str() != "webmestre");
    // Added: « Ingénieur cloud ».
    r.occupations.push(Occupation {
        id: OccupationId::parse("ingenieur-cloud").expect("id"),
        title: "Ingénieur cloud".into(),
        alt_titles: vec!["Architecte cloud".into()],
        education: None,
        summary: vec![],
        activity_groups: vec![ActivityGroup {
            heading: Some("INFRASTRUCTURE".into()),
            subheading: None,
            activities: vec![Activity {
                text: "Concevoir et exploiter les plateformes d’informatique en nuage.".into(),
                details: vec![],
            }],
        }],
    });
    let cd = occupation(&mut r, "concepteur-developpeur");
    // Reworded: « Effectuer les tests unitaires ; » (QUALIFICATION).
    let qualif = &mut cd.activity_groups[1];
    assert_eq!(qualif.heading.as_deref(), Some("QUALIFICATION"));
    assert_eq!(qualif.activities[1].text, "Effectuer les tests unitaires ;");
    qualif.activities[1].text = "Réaliser les tests unitaires et les tests d’intégration ;".into();
    // Moved: « Rédiger les documentations. » from DEVELOPPEMENT to MAINTENANCE.
    let dev = &mut cd.activity_groups[2];
    assert_eq!(dev.heading.as_deref(), Some("DEVELOPPEMENT"));
    let moved = dev.activities.remove(2);
    assert_eq!(moved.text, "Rédiger les documentations.");
    cd.activity_groups[3].activities.push(moved);
    r
}

/// The embedded registry, plus the new title of the renamed fiche (what a maintainer adds
/// with the new edition).
fn registry_with_rename() -> Registry {
    let text = EMBEDDED_REGISTRY.replace(
        "id = \"testeur\"\ntitles = [\"Testeur\"]",
        "id = \"testeur\"\ntitles = [\"Testeur\", \"Testeur logiciel\"]\nwhy = \"Renommée dans l’édition de test.\"",
    );
    assert_ne!(
        text, EMBEDDED_REGISTRY,
        "entrée « testeur » introuvable dans le registre"
    );
    Registry::parse(&text).expect("registre")
}

fn check_activity_changes(d: &EditionDiff) {
    let ids: Vec<&str> = d.changed.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["concepteur-developpeur"], "{d:#?}");
    let c = &d.changed[0];
    assert!(
        c.added_activities.is_empty() && c.removed_activities.is_empty(),
        "{c:#?}"
    );
    assert!(
        c.alt_titles_added.is_empty() && c.alt_titles_removed.is_empty() && c.education.is_none()
    );
    assert_eq!(c.reworded_activities.len(), 1);
    let rw = &c.reworded_activities[0];
    assert_eq!(rw.old_text, "Effectuer les tests unitaires ;");
    assert_eq!(
        rw.new_text,
        "Réaliser les tests unitaires et les tests d’intégration ;"
    );
    assert_eq!(rw.new_heading.as_deref(), Some("QUALIFICATION"));
    assert_eq!(c.moved_activities.len(), 1);
    let mv = &c.moved_activities[0];
    assert_eq!(mv.text, "Rédiger les documentations.");
    assert_eq!(
        (mv.old_heading.as_deref(), mv.new_heading.as_deref()),
        (Some("DEVELOPPEMENT"), Some("MAINTENANCE"))
    );
}

#[test]
fn diff_reports_exactly_the_changes_and_the_registry_keeps_the_renamed_id() {
    let old = published().referentiel;
    let reconciled = registry_with_rename().reconcile(&modified());
    // The rename kept its id; the new fiche is reported as missing from the registry.
    assert_eq!(reconciled.notes.len(), 2, "{:?}", reconciled.notes);
    assert!(
        matches!(&reconciled.notes[0], IdNote::Kept { parsed, id, .. } if parsed.as_str() == "testeur-logiciel" && id.as_str() == "testeur")
    );
    assert!(
        matches!(&reconciled.notes[1], IdNote::Unregistered { id, .. } if id.as_str() == "ingenieur-cloud")
    );
    let new = reconciled.referentiel;
    assert_eq!(
        new.get("testeur").map(|o| o.title.as_str()),
        Some("Testeur logiciel")
    );

    let d = diff(&old, &new);
    let ids = |v: &[metiers_referentiel::diff::OccupationRef]| {
        v.iter().map(|o| o.id.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&d.added), ["ingenieur-cloud"]);
    assert_eq!(ids(&d.removed), ["webmestre"]);
    assert_eq!(d.renamed.len(), 1);
    let rn = &d.renamed[0];
    assert_eq!(
        (rn.old_id.as_str(), rn.new_id.as_str()),
        ("testeur", "testeur")
    );
    assert_eq!(
        (rn.old_title.as_str(), rn.new_title.as_str()),
        ("Testeur", "Testeur logiciel")
    );
    check_activity_changes(&d);
    assert!(
        d.to_text().contains("identifiant « testeur » conservé"),
        "{}",
        d.to_text()
    );
    assert!(d.to_markdown().contains("## Fiches renommées"));
}

#[test]
fn without_the_registry_entry_the_rename_is_paired_by_content() {
    let old = published().referentiel;
    let d = diff(&old, &modified());
    assert_eq!(d.added.len(), 1, "{:?}", d.added);
    assert_eq!(d.removed.len(), 1, "{:?}", d.removed);
    assert_eq!(d.renamed.len(), 1);
    let rn = &d.renamed[0];
    assert_eq!(
        (rn.old_id.as_str(), rn.new_id.as_str()),
        ("testeur", "testeur-logiciel")
    );
    check_activity_changes(&d);
    assert!(
        d.to_text()
            .contains("ajoutez le nouvel intitulé à « testeur »")
    );
}
