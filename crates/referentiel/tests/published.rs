//! Golden tests over the real published text (`data/referentiel-sic.txt`): every
//! irregularity the parser must handle, checked on the fiche where it occurs.

use metiers_referentiel::{Occupation, Referentiel, Severity, export, published};

fn referentiel() -> Referentiel {
    published().referentiel
}

fn fiche<'a>(r: &'a Referentiel, id: &str) -> &'a Occupation {
    r.get(id).unwrap_or_else(|| panic!("fiche {id} absente"))
}

fn headings(o: &Occupation) -> Vec<&str> {
    o.headings().collect()
}

#[test]
fn the_published_text_has_44_occupations_and_every_bullet() {
    let r = referentiel();
    assert_eq!(r.occupations.len(), 44);
    let activities = r.activity_count();
    let details = r.detail_count();
    let source_bullets = metiers_referentiel::PUBLISHED_TEXT
        .lines()
        .filter(|l| l.starts_with('•'))
        .count();
    let source_details = metiers_referentiel::PUBLISHED_TEXT
        .lines()
        .filter(|l| l.starts_with('–'))
        .count();
    assert_eq!((source_bullets, source_details), (566, 25));
    assert_eq!(activities, 566);
    assert_eq!(details, 25);
}

/// Every activity, detail, heading, title, note and sentence appears in the source: nothing
/// is invented (a continued bullet appears as its two lines joined by a space).
#[test]
fn every_text_of_the_records_appears_in_the_source() {
    let source = metiers_referentiel::text::normalize_ws(
        &metiers_referentiel::PUBLISHED_TEXT.replace('\n', " "),
    );
    let r = referentiel();
    let mut checked = 0;
    for o in &r.occupations {
        let mut texts: Vec<&str> = vec![&o.title];
        texts.extend(o.alt_titles.iter().map(String::as_str));
        texts.extend(o.summary.iter().map(String::as_str));
        if let Some(e) = &o.education {
            texts.push(&e.text);
            texts.extend(e.notes.iter().map(String::as_str));
        }
        for g in &o.activity_groups {
            texts.extend(g.heading.as_deref());
            texts.extend(g.subheading.as_deref());
            for a in &g.activities {
                texts.push(&a.text);
                texts.extend(a.details.iter().map(String::as_str));
            }
        }
        for t in texts {
            assert!(source.contains(t), "« {t} » ({}) absent de la source", o.id);
            checked += 1;
        }
    }
    assert!(checked > 700, "{checked}");
}

/// Nothing of the text is lost: every non-blank line after the table header is found in
/// the records (as a title, alt title, education line, sentence, heading or item).
#[test]
fn every_line_of_the_source_lands_in_the_records() {
    let json = export::to_json(&referentiel());
    let records = metiers_referentiel::text::normalize_ws(&json);
    let body = metiers_referentiel::PUBLISHED_TEXT
        .split_once("Principales activités")
        .map(|(_, b)| b)
        .unwrap_or_default();
    for line in body.lines().map(metiers_referentiel::text::normalize_ws) {
        let core = line
            .trim_start_matches(['•', '–'])
            .trim()
            .trim_end_matches(':')
            .trim_end();
        if core.is_empty() {
            continue;
        }
        // Glued title + heading: each part is checked separately.
        let found = |part: &str| {
            let escaped = serde_json::to_string(part.trim()).unwrap_or_default();
            records.contains(escaped.trim_matches('"'))
        };
        let parts: Vec<&str> = if found(core) {
            vec![]
        } else if core.contains(';')
            || (core.contains(", ") && core.split_whitespace().count() <= 4)
        {
            core.split([';', ',']).collect()
        } else {
            core.split("intrusionsANALYSE")
                .flat_map(|p| p.split("informatiquesTRAITEMENT"))
                .collect()
        };
        for part in parts {
            assert!(found(part), "ligne perdue : « {line} » (partie « {part} »)");
        }
    }
}

#[test]
fn title_glued_to_the_first_heading_is_split() {
    let r = referentiel();
    let o = fiche(&r, "analyste-en-detection-d-intrusions");
    assert_eq!(o.title, "Analyste en détection d’intrusions");
    assert_eq!(
        headings(o),
        [
            "ANALYSE DE RISQUES",
            "ETUDE ET PRECONISATIONS",
            "PARTAGE DE CONNAISSANCES",
            "VEILLE"
        ]
    );
    assert!(o.education.is_none());
    let pilote = fiche(&r, "pilote-en-traitement-d-incidents-informatiques");
    assert_eq!(headings(pilote)[0], "TRAITEMENT D’INCIDENTS");
}

#[test]
fn fiches_without_education_alt_titles_or_headings() {
    let r = referentiel();
    let editeur = fiche(&r, "editeur-de-donnees-publiques");
    assert!(editeur.education.is_none());
    assert_eq!(
        editeur.alt_titles,
        ["Data Editor", "Responsable éditorial des données publiques"]
    );
    assert!(fiche(&r, "responsable-d-etudes-si").alt_titles.is_empty());
    let analyste = fiche(&r, "analyste-de-donnees");
    assert_eq!(analyste.activity_groups.len(), 1);
    assert_eq!(analyste.activity_groups[0].heading, None);
    assert_eq!(analyste.activity_groups[0].activities.len(), 4);
    let explorateur = fiche(&r, "explorateur-de-donnees");
    assert_eq!(explorateur.activity_groups[0].heading, None);
    assert_eq!(explorateur.activity_groups[0].activities.len(), 5);
}

#[test]
fn headings_without_colon_in_mixed_case_or_repeated() {
    let r = referentiel();
    assert!(
        headings(fiche(&r, "integrateur-d-exploitation"))
            .contains(&"ASSISTANCE ET GESTION DES INCIDENTS")
    );
    assert!(
        headings(fiche(&r, "urbaniste-des-systemes-d-information"))
            .contains(&"SIMPLIFICATION DES EVOLUTIONS DU SI")
    );
    assert!(
        headings(fiche(
            &r,
            "analyste-en-traitement-d-incidents-informatiques"
        ))
        .contains(&"Analyser FORENSIQUE")
    );
    let expert = headings(fiche(
        &r,
        "expert-outils-systemes-d-exploitation-reseaux-et-telecoms",
    ));
    assert_eq!(
        expert
            .iter()
            .filter(|h| **h == "SOUTIEN AUPRES DES EQUIPES")
            .count(),
        2
    );
    let entite = headings(fiche(&r, "responsable-d-entite"));
    assert!(entite.contains(&"RELATION FOURNISSEURS"));
    // The line after the last heading of "Expert méthode" is the next fiche, not a heading.
    assert_eq!(
        headings(fiche(&r, "expert-methode-et-outils-qualite-securite")).last(),
        Some(&"ACCOMPAGNEMENT AU PILOTAGE DES ACTIVITES SI")
    );
}

#[test]
fn continued_bullet_sub_items_sub_heading_and_intro_sentences() {
    let r = referentiel();
    let etudes = fiche(&r, "responsable-d-etudes-si");
    let last = etudes
        .activities()
        .last()
        .map(|a| a.text.as_str())
        .unwrap_or_default();
    assert!(last.ends_with("sociétés de services et cabinets de conseil intervenant sur les projets de mise en œuvre de systèmes de son entité."), "{last}");

    let exploitation = fiche(&r, "responsable-d-exploitation");
    let superviser = exploitation
        .activities()
        .find(|a| a.text == "Superviser :")
        .expect("Superviser :");
    assert_eq!(superviser.details.len(), 2);
    assert!(superviser.details[0].starts_with("l’ensemble de la production"));

    let ihm = fiche(&r, "specialiste-ihm");
    let tests = ihm
        .activity_groups
        .iter()
        .find(|g| g.heading.as_deref() == Some("TESTS D’UTILISABILITE"))
        .expect("group");
    assert_eq!(tests.subheading.as_deref(), Some("Conduire les entretiens"));
    assert_eq!(tests.activities.len(), 6);

    assert_eq!(
        fiche(&r, "integrateur-d-applications").summary,
        [
            "L’intégrateur d’application intervient dans la mise en œuvre d’applications nouvelles ou existantes."
        ]
    );
    let testeur = fiche(&r, "testeur");
    assert_eq!(testeur.summary.len(), 1);
    assert!(testeur.summary[0].starts_with("Le testeur réalise"));
}

#[test]
fn alternative_titles_separated_by_semicolons_commas_or_lines() {
    let r = referentiel();
    assert_eq!(
        fiche(&r, "testeur").alt_titles,
        ["Recetteur", "Homologateur"]
    );
    assert_eq!(fiche(&r, "concepteur-developpeur").alt_titles.len(), 4);
    let explorateur = fiche(&r, "explorateur-de-donnees");
    assert_eq!(
        explorateur.alt_titles,
        [
            "Explorateur-programmeur de données",
            "Prospecteur de données",
            "Data Scientist"
        ]
    );
    assert_eq!(fiche(&r, "specialiste-ihm").alt_titles, ["Ergonome"]);
}

#[test]
fn education_in_every_published_form() {
    let r = referentiel();
    let level = |id: &str| {
        let e = fiche(&r, id)
            .education
            .as_ref()
            .unwrap_or_else(|| panic!("{id} sans formation"));
        (e.text.as_str(), e.min_level, e.max_level)
    };
    assert_eq!(
        level("administrateur-de-bases-de-donnees"),
        ("Bac + 2 à 4", Some(2), Some(4))
    );
    assert_eq!(
        level("responsable-d-applications"),
        ("De Bac +3 à 5", Some(3), Some(5))
    );
    assert_eq!(
        level("auditeur-en-securite-des-systemes-d-information"),
        ("BAC +5", Some(5), Some(5))
    );
    assert_eq!(
        level("conseiller-en-systemes-d-information"),
        ("Bac+5", Some(5), Some(5))
    );
    assert_eq!(
        level("parametreur-de-logiciels"),
        ("Bac + 2 ou 3", Some(2), Some(3))
    );
    assert_eq!(
        level("directeur-des-donnees"),
        ("Bac + 5 à 6", Some(5), Some(6))
    );
    assert_eq!(
        level("chef-de-projet-maitrise-d-oeuvre-si"),
        ("Bac + 3", Some(3), Some(5))
    );
    assert_eq!(
        level("technicien-poste-de-travail"),
        ("Bac+2", Some(0), Some(2))
    );
    assert_eq!(
        level("assistant-fonctionnel"),
        ("Bac + 2 minimum", Some(2), None)
    );
    let dev = fiche(&r, "concepteur-developpeur")
        .education
        .as_ref()
        .map(|e| e.notes.clone());
    assert_eq!(dev, Some(vec!["(BTS ou DUT) ou ingénieur".to_owned()]));
    let moe = fiche(&r, "chef-de-projet-maitrise-d-oeuvre-si")
        .education
        .as_ref()
        .map(|e| e.notes.clone());
    assert_eq!(
        moe,
        Some(vec![
            "avec expérience".to_owned(),
            "ou Bac + 5".to_owned(),
            "sans expérience".to_owned()
        ])
    );
}

#[test]
fn diagnostics_name_each_interpretation_and_no_error() {
    let parsed = published();
    assert!(!parsed.has_errors(), "{:#?}", parsed.diagnostics);
    let at = |line: usize| {
        parsed
            .diagnostics
            .iter()
            .filter(move |d| d.line == Some(line))
            .map(|d| d.message.as_str())
            .collect::<Vec<_>>()
    };
    assert!(at(1092).iter().any(|m| m.contains("collé")));
    assert!(at(153).iter().any(|m| m.contains("rattachée")));
    assert!(at(182).iter().any(|m| m.contains("sous-rubrique")));
    assert!(at(350).iter().any(|m| m.contains("sans deux-points")));
    assert!(at(1119).iter().any(|m| m.contains("casse mixte")));
    let warnings: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    assert_eq!(warnings.len(), 4, "{warnings:#?}"); // 3 fiches without education, 1 repeated heading
}

#[test]
fn ids_are_stable_slugs() {
    let r = referentiel();
    assert_eq!(r.occupations[0].id.as_str(), "concepteur-developpeur");
    for o in &r.occupations {
        assert!(metiers_referentiel::OccupationId::parse(o.id.as_str()).is_ok());
    }
    assert_eq!(
        r.find("Data Scientist").map(|o| o.id.as_str()),
        Some("explorateur-de-donnees")
    );
    assert_eq!(
        r.find("concepteur développeur").map(|o| o.id.as_str()),
        Some("concepteur-developpeur")
    );
    assert_eq!(
        r.closest_ids("administrateur base", 1)[0].as_str(),
        "administrateur-de-bases-de-donnees"
    );
}

#[test]
fn canonical_json_round_trips_unchanged() {
    let r = referentiel();
    let json = export::to_json(&r);
    let back = metiers_referentiel::load(json.as_bytes(), "ignored").expect("JSON relisible");
    assert_eq!(back.referentiel, r);
    assert!(!back.has_errors());
    assert_eq!(export::to_json(&back.referentiel), json);
}

#[test]
fn csv_has_one_row_per_activity_or_detail() {
    let r = referentiel();
    let csv = export::to_csv(&r, &export::CsvOptions::default());
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("CSV valide");
    // 566 activities, 25 details carried by 8 activities: 566 - 8 + 25 rows.
    let carriers = r
        .occupations
        .iter()
        .flat_map(|o| o.activities())
        .filter(|a| !a.details.is_empty())
        .count();
    assert_eq!(carriers, 8);
    assert_eq!(rows.len(), 566 - 8 + 25);
    assert!(rows.iter().all(|r| r.len() == 5));
    let excel = export::to_csv(
        &r,
        &export::CsvOptions {
            excel_fr: true,
            ..Default::default()
        },
    );
    assert!(excel.starts_with("\u{feff}id;title;heading;activity;detail\r\n"));
}

#[test]
fn bad_input_gives_a_clear_error_or_diagnostics() {
    assert!(matches!(
        metiers_referentiel::load(&[0xff, 0xfe, 0x00], "x"),
        Err(metiers_referentiel::LoadError::NotUtf8(_))
    ));
    assert!(matches!(
        metiers_referentiel::load(b"{ \"edition\": 3 }", "x"),
        Err(metiers_referentiel::LoadError::Json { .. })
    ));
    let empty = metiers_referentiel::load(b"", "x").expect("texte vide lisible");
    assert!(empty.has_errors());
    assert!(empty.referentiel.occupations.is_empty());
}
