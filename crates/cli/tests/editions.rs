//! Issue 6, run as a user would: `metiers diff` between the published edition and a
//! modified copy, editions loaded side by side, the SKOS/XLSX exports, `fiche-de-poste` and
//! `ecart`.

use serde_json::Value;
use std::path::Path;
mod common;

use common::run as metiers;
use std::process::Output;

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "échec : {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

fn occupation<'a>(edition: &'a mut Value, id: &str) -> &'a mut Value {
    edition["occupations"]
        .as_array_mut()
        .and_then(|list| list.iter_mut().find(|o| o["id"] == id))
        .unwrap_or_else(|| panic!("fiche {id} absente"))
}

/// The published edition as canonical JSON with one change of each kind; the renamed fiche
/// carries the id the parser would give its new title.
fn modified_edition() -> Value {
    let mut e: Value =
        serde_json::from_str(&ok(&metiers(&["export", "--format", "json"]))).expect("JSON");
    e["edition"]["id"] = "2027".into();
    let t = occupation(&mut e, "testeur");
    t["title"] = "Testeur logiciel".into();
    t["id"] = "testeur-logiciel".into();
    if let Some(list) = e["occupations"].as_array_mut() {
        list.retain(|o| o["id"] != "webmestre");
        list.push(serde_json::json!({
            "id": "ingenieur-cloud",
            "title": "Ingénieur cloud",
            "alt_titles": ["Architecte cloud"],
            "education": null,
            "activity_groups": [{ "heading": "INFRASTRUCTURE", "activities": [
                { "text": "Concevoir et exploiter les plateformes d’informatique en nuage." }
            ]}]
        }));
    }
    let groups = &mut occupation(&mut e, "concepteur-developpeur")["activity_groups"];
    assert_eq!(
        groups[1]["activities"][1]["text"],
        "Effectuer les tests unitaires ;"
    );
    groups[1]["activities"][1]["text"] =
        "Réaliser les tests unitaires et les tests d’intégration ;".into();
    let moved = groups[2]["activities"]
        .as_array_mut()
        .map(|a| a.remove(2))
        .expect("activités");
    assert_eq!(moved["text"], "Rédiger les documentations.");
    if let Some(list) = groups[3]["activities"].as_array_mut() {
        list.push(moved);
    }
    e
}

fn registry_with_rename(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/identifiants.toml"
    ))
    .expect("registre");
    let text = text.replace(
        "id = \"testeur\"\ntitles = [\"Testeur\"]",
        "id = \"testeur\"\ntitles = [\"Testeur\", \"Testeur logiciel\"]",
    );
    let p = dir.join("identifiants.toml");
    std::fs::write(&p, text).expect("écriture");
    p
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|x| x[key].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn diff_reports_exactly_the_changes_of_a_modified_copy_and_ids_survive_the_rename() {
    let dir = tempfile::tempdir().expect("tempdir");
    let new = dir.path().join("2027.json");
    std::fs::write(&new, modified_edition().to_string()).expect("écriture");
    let reg = registry_with_rename(dir.path());
    let out = ok(&metiers(&[
        "--identifiers",
        path(&reg),
        "diff",
        "jurisconforme",
        path(&new),
        "--format",
        "json",
    ]));
    let d: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(strings(&d["added"], "id"), ["ingenieur-cloud"]);
    assert_eq!(strings(&d["removed"], "id"), ["webmestre"]);
    assert_eq!(strings(&d["renamed"], "old_id"), ["testeur"]);
    assert_eq!(
        strings(&d["renamed"], "new_id"),
        ["testeur"],
        "l’identifiant survit au renommage"
    );
    assert_eq!(strings(&d["renamed"], "new_title"), ["Testeur logiciel"]);
    assert_eq!(strings(&d["changed"], "id"), ["concepteur-developpeur"]);
    let c = &d["changed"][0];
    assert_eq!(
        strings(&c["reworded_activities"], "old_text"),
        ["Effectuer les tests unitaires ;"]
    );
    assert_eq!(
        strings(&c["reworded_activities"], "new_text"),
        ["Réaliser les tests unitaires et les tests d’intégration ;"]
    );
    assert_eq!(
        strings(&c["moved_activities"], "text"),
        ["Rédiger les documentations."]
    );
    assert_eq!(
        strings(&c["moved_activities"], "new_heading"),
        ["MAINTENANCE"]
    );
    assert_eq!(c["added_activities"], serde_json::json!([]));
    assert_eq!(c["removed_activities"], serde_json::json!([]));
    assert_eq!(strings(&d["id_notes"], "kind"), ["kept", "unregistered"]);

    // The same, in text, from two editions loaded side by side in a directory.
    let editions = dir.path().join("editions");
    std::fs::create_dir(&editions).expect("dossier");
    std::fs::write(
        editions.join("1-publiee.json"),
        ok(&metiers(&["export", "--format", "json"])),
    )
    .expect("écriture");
    std::fs::copy(&new, editions.join("2-2027.json")).expect("copie");
    let text = ok(&metiers(&[
        "--referentiel",
        path(&editions),
        "--identifiers",
        path(&reg),
        "diff",
    ]));
    assert!(
        text.contains("Changements de l’édition « jurisconforme » à l’édition « 2027 »"),
        "{text}"
    );
    assert!(text.contains("1 fiche(s) ajoutée(s), 1 retirée(s), 1 renommée(s) ; activités : 0 ajoutée(s), 0 retirée(s), 1 reformulée(s), 1 déplacée(s)"), "{text}");
    assert!(text.contains("identifiant « testeur » conservé"), "{text}");
    // The current edition is the last one, or the one named by --edition.
    let current = ok(&metiers(&[
        "--referentiel",
        path(&editions),
        "--identifiants",
        path(&reg),
        "show",
        "testeur",
    ]));
    assert!(current.starts_with("Testeur logiciel"), "{current}");
    let chosen = ok(&metiers(&[
        "--referentiel",
        path(&editions),
        "--edition",
        "jurisconforme",
        "show",
        "testeur",
    ]));
    assert!(chosen.starts_with("Testeur\n"), "{chosen}");
    let unknown = metiers(&[
        "--referentiel",
        path(&editions),
        "--edition",
        "2030",
        "list",
    ]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("édition « 2030 » non chargée"));
}

#[test]
fn without_the_registry_entry_the_rename_is_still_paired_and_the_fix_is_said() {
    let dir = tempfile::tempdir().expect("tempdir");
    let new = dir.path().join("2027.json");
    std::fs::write(&new, modified_edition().to_string()).expect("écriture");
    let text = ok(&metiers(&[
        "diff",
        "jurisconforme",
        path(&new),
        "--format",
        "markdown",
    ]));
    assert!(
        text.contains("« Testeur » devient « Testeur logiciel »"),
        "{text}"
    );
    assert!(
        text.contains("ajoutez le nouvel intitulé à « testeur »"),
        "{text}"
    );
    let alone = metiers(&["diff"]);
    assert_eq!(alone.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&alone.stderr).contains("une seule édition chargée"));
}

#[test]
fn skos_and_xlsx_exports_from_the_command_line() {
    let ttl = ok(&metiers(&[
        "export",
        "--format",
        "ttl",
        "--base-uri",
        "https://exemple.gouv.fr/metiers/",
    ]));
    assert!(ttl.contains("@prefix metier: <https://exemple.gouv.fr/metiers/metier/>"));
    let concepts = oxttl_count(&ttl);
    assert_eq!(concepts, 44);
    let jsonld: Value =
        serde_json::from_str(&ok(&metiers(&["export", "--format", "jsonld"]))).expect("JSON-LD");
    assert_eq!(jsonld["@graph"].as_array().map(Vec::len), Some(45));
    let bad = metiers(&["export", "--format", "ttl", "--base-uri", "exemple"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("URI de base invalide"));

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("referentiel.xlsx");
    ok(&metiers(&[
        "export",
        "--format",
        "xlsx",
        "--output",
        path(&file),
    ]));
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&file).expect("XLSX");
    use calamine::Reader as _;
    let activities = wb.worksheet_range("Activités").expect("feuille");
    assert_eq!(activities.height(), 567, "566 activités et l’en-tête");
    // Piped (not a terminal), the bytes go to standard output.
    let piped = metiers(&["export", "--format", "xlsx"]);
    assert!(piped.status.success() && piped.stdout.starts_with(b"PK"));
}

/// Counts the `skos:Concept`s of a Turtle text without an RDF crate: each concept line of
/// the export is `metier:… a skos:Concept , msic:Metier ;` or similar.
fn oxttl_count(ttl: &str) -> usize {
    ttl.lines()
        .filter(|l| l.contains("skos:Concept") && !l.contains("ConceptScheme"))
        .count()
}

#[test]
fn job_description_in_markdown_and_html_with_ticked_activities() {
    let md = ok(&metiers(&[
        "job-description",
        "technicien-d-exploitation",
        "--activities",
        "1,3",
    ]));
    assert!(md.contains("[À COMPLÉTER : service]") && md.contains("[À COMPLÉTER : grade]"));
    assert!(md.contains("avec 2 activité(s) retenue(s)"), "{md}");
    let list = ok(&metiers(&[
        "job-description",
        "technicien-d-exploitation",
        "--list",
    ]));
    assert!(list.contains(" 14. "), "{list}");
    let html = ok(&metiers(&[
        "job-description",
        "Technicien d’exploitation",
        "--format",
        "html",
    ]));
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<mark class=\"a-completer\">"));
    let bad = metiers(&[
        "fiche-de-poste",
        "technicien-d-exploitation",
        "--activites",
        "1,99",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("n’a pas d’activité n° 99 (elle en compte 14)")
    );
}

#[test]
fn gap_between_two_occupations_and_for_a_person() {
    let out = ok(&metiers(&[
        "gaps",
        "technicien-d-exploitation",
        "superviseur-d-exploitation",
        "--format",
        "json",
    ]));
    let g: Value = serde_json::from_str(&out).expect("JSON");
    // The weighted share of B's skills that A already has (outside checks read it).
    let coverage = g["coverage"].as_f64().expect("coverage");
    assert!((0.0..=1.0).contains(&coverage), "{out}");
    assert!(coverage >= 0.3, "{out}");
    let shared = g["shared"].as_array().map_or(0, Vec::len);
    assert!(shared >= 1, "{out}");
    assert_eq!(g["education_step"], 0);
    let person = ok(&metiers(&[
        "gaps",
        "superviseur-d-exploitation",
        "--activities",
        "all",
        "--format",
        "json",
    ]));
    let ranking: Value = serde_json::from_str(&person).expect("JSON");
    let occupations = &ranking["occupations"];
    assert_eq!(occupations[0]["id"], "superviseur-d-exploitation");
    assert_eq!(occupations[0]["coverage"], 1.0);
    assert_eq!(occupations.as_array().map(Vec::len), Some(10));
    assert!(ranking["training"].is_array());
    let free = metiers(&[
        "gaps",
        "--practice",
        "J’effectue les tests unitaires et d’intégration des applications",
        "--top",
        "3",
    ]);
    let text = ok(&free);
    assert!(
        text.contains("Testeur") || text.contains("Concepteur"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&free.stderr).contains("compétence reconnue"));
    let nothing = metiers(&["gaps"]);
    assert_eq!(nothing.status.code(), Some(1));
    // A bullet list pasted as it is: its dash does not read as an option.
    let bullets = metiers(&[
        "gaps",
        "--practice",
        "- Effectuer les tests unitaires\n- Rédiger les cahiers de recette",
        "--top",
        "3",
    ]);
    assert!(ok(&bullets).contains("Testeur"), "{}", ok(&bullets));
    // Elsewhere such a text is told how to pass it.
    let dash = metiers(&["match", "- Administrer les serveurs"]);
    assert_eq!(dash.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&dash.stderr).contains("après « -- »"),
        "{}",
        String::from_utf8_lossy(&dash.stderr)
    );
    // The hint names the command used.
    let dash = metiers(&["search", "- Administrer les serveurs"]);
    let said = String::from_utf8_lossy(&dash.stderr);
    assert!(said.contains("metiers search -- "), "{said}");
    let after = metiers(&["match", "--", "- Administrer les serveurs"]);
    assert!(after.status.success());
}

#[test]
fn the_old_french_names_of_commands_and_flags_still_work() {
    // Kept as aliases when the CLI moved to English names (issue 14).
    let old = ok(&metiers(&[
        "fiche-de-poste",
        "technicien-d-exploitation",
        "--activites",
        "1,3",
    ]));
    let new = ok(&metiers(&[
        "job-description",
        "technicien-d-exploitation",
        "--activities",
        "1,3",
    ]));
    assert_eq!(old, new);
    assert!(ok(&metiers(&["fiche-de-poste", "testeur", "--liste"])).contains(" 1. "));
    let old = ok(&metiers(&[
        "ecart",
        "--pratique",
        "Effectuer les tests unitaires",
        "--nombre",
        "3",
    ]));
    let new = ok(&metiers(&[
        "gaps",
        "--practice",
        "Effectuer les tests unitaires",
        "--top",
        "3",
    ]));
    assert_eq!(old, new);
}
