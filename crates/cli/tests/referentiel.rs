//! The `metiers` commands of the référentiel, run as a user would.

mod common;

use common::run as metiers;
use std::process::Output;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn export_json_lists_the_44_occupations_and_loads_back() {
    let out = metiers(&["export", "--format", "json"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["occupations"].as_array().map(Vec::len), Some(44));
    assert_eq!(json["edition"]["id"], "jurisconforme");

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("edition.json");
    std::fs::write(&path, &out.stdout).expect("write");
    let again = metiers(&[
        "--referentiel",
        path.to_str().unwrap_or_default(),
        "export",
        "--format",
        "json",
    ]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        again.stdout, out.stdout,
        "le JSON canonique se recharge à l’identique"
    );
}

#[test]
fn show_the_intrusion_analyst_four_headings_and_no_education() {
    let out = metiers(&["show", "analyste-en-detection-d-intrusions"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for h in [
        "ANALYSE DE RISQUES",
        "ETUDE ET PRECONISATIONS",
        "PARTAGE DE CONNAISSANCES",
        "VEILLE",
    ] {
        assert!(text.contains(h), "{h} absent de\n{text}");
    }
    assert!(text.contains("Cursus / formation : non précisé"));
}

#[test]
fn show_by_title_lists_data_scientist_among_alt_titles() {
    let out = metiers(&["show", "--format", "json", "Explorateur de données"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let alts: Vec<&str> = json["alt_titles"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(alts.contains(&"Data Scientist"), "{alts:?}");
    // An alternative title finds its fiche too.
    let by_alt = metiers(&["show", "data", "scientist"]);
    assert!(stdout(&by_alt).starts_with("Explorateur de données"));
}

#[test]
fn unknown_name_exits_2_with_suggestions() {
    let out = metiers(&["show", "administrateur base"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("administrateur-de-bases-de-donnees"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn csv_and_markdown_exports() {
    let csv = metiers(&["export", "--format", "csv"]);
    // The référentiel's five columns, then the crosswalk's ROME codes and ESCO URIs.
    assert!(stdout(&csv).starts_with("id,title,heading,activity,detail,rome,esco\r\n"));
    let md = metiers(&["export", "--format", "markdown"]);
    assert!(stdout(&md).contains("## Webmestre"));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out.csv");
    let out = metiers(&[
        "export",
        "--format",
        "csv",
        "--excel",
        "--output",
        path.to_str().unwrap_or_default(),
    ]);
    assert!(out.status.success());
    let bytes = std::fs::read(&path).expect("fichier écrit");
    assert!(bytes.starts_with("\u{feff}id;title".as_bytes()));
}

#[test]
fn check_reports_findings_and_fails_only_on_errors() {
    let out = metiers(&["check"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains(
            "44 fiches, 566 activités, 25 sous-éléments ; 0 erreur(s), 4 avertissement(s)"
        ),
        "{text}"
    );
    assert!(text.contains("sans cursus ni formation"));

    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("vide.txt");
    std::fs::write(&bad, "rien d'utile ici\n").expect("write");
    let out = metiers(&["check", bad.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(1));
    let latin1 = dir.path().join("latin1.txt");
    std::fs::write(&latin1, b"Intitul\xe9\n").expect("write");
    let out = metiers(&["check", latin1.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("UTF-8"));
}

#[test]
fn missing_edition_file_is_a_clear_french_error() {
    let out = metiers(&["--referentiel", "/nonexistent/edition.txt", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("impossible de lire l’édition"));
}

#[test]
fn help_and_usage_errors_are_in_french() {
    let help = metiers(&["--help"]);
    assert!(help.status.success());
    let text = stdout(&help);
    assert!(text.contains("Utilisation : metiers"), "{text}");
    assert!(
        text.contains("Affiche l’aide") && !text.contains("Print help"),
        "{text}"
    );
    let sub = stdout(&metiers(&["cartographie", "import", "--help"]));
    assert!(
        sub.contains("Affiche l’aide") && !sub.contains("Print help"),
        "{sub}"
    );

    let bad = metiers(&["list", "--format", "tableur"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("valeur « tableur » invalide pour --format"),
        "{err}"
    );
    assert!(err.contains("table, json"), "{err}");
    let unknown = metiers(&["lister"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("commande inconnue « lister »"));
}

#[test]
fn eval_tells_apart_the_texts_that_are_titles_of_the_repertories() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/eval");
    let dev = format!("{data}/dev.jsonl");
    let out = metiers(&["eval", &dev, "--format", "json"]);
    assert!(out.status.success(), "{}", stdout(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // 116 of the 226 texts are ROME appellations or ESCO labels, word for word.
    assert_eq!(json["all"]["items"], 226);
    assert_eq!(json["other_texts"]["items"], 110);
    assert_eq!(json["other_texts"]["labelled"], 94);
    let text = stdout(&metiers(&["eval", &dev]));
    assert!(
        text.contains("pas, mot pour mot, une appellation ROME ou une profession ESCO")
            && text.contains("top-1 des autres textes ≥ 85 %"),
        "{text}"
    );
    // A set without such titles is not split.
    let pep = stdout(&metiers(&["eval", &format!("{data}/pep-dev.jsonl")]));
    assert!(!pep.contains("mot pour mot"), "{pep}");
}
