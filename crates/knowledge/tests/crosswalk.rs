//! The embedded crosswalk against the published edition and the embedded repertories
//! (issue 11): every code and URI exists with its label, no duplicate, 44 occupations of 44
//! with both schemes, every ROME fiche of the IT family answered; and the reverse lookups.

use metiers_knowledge::{Knowledge, LookupError, Query, Relation, Scheme};
use std::sync::LazyLock;

static K: LazyLock<Knowledge> =
    LazyLock::new(|| Knowledge::embedded().expect("données embarquées lisibles"));

#[test]
fn the_embedded_crosswalk_is_valid_for_the_published_edition() {
    let r = metiers_referentiel::published().referentiel;
    let problems = K.crosswalk.validate(&r, &K.rome, &K.esco);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(r.occupations.len(), 44);
    for o in &r.occupations {
        let list = K.crosswalk.of(o.id.as_str());
        for scheme in [Scheme::Rome, Scheme::Esco] {
            assert!(
                list.iter().any(|c| c.scheme == scheme),
                "{} sans {scheme:?}",
                o.id
            );
        }
    }
}

#[test]
fn the_embedded_slices_hold_what_their_readmes_say() {
    assert_eq!(K.rome.fiches().len(), 1_584);
    assert_eq!(K.rome.appellations().len(), 13_120);
    assert_eq!(K.esco.occupations().len(), 3_007);
    let m18 = K
        .rome
        .fiches()
        .iter()
        .filter(|f| f.code.starts_with("M18"))
        .count();
    assert_eq!(m18, 94);
}

#[test]
fn validation_finds_unknown_codes_duplicates_and_missing_schemes() {
    let r = metiers_referentiel::published().referentiel;
    let text = r#"
[method]
proposal = "p"
review = "r"

[[occupation]]
id = "testeur"

[[occupation.rome]]
code = "M9999"
label = "Nulle part"
relation = "closeMatch"
note = "Code inventé."

[[occupation.rome]]
code = "M9999"
label = "Nulle part"
relation = "closeMatch"
note = "En double."

[[occupation]]
id = "pas-un-metier"
"#;
    let c = metiers_knowledge::Crosswalk::parse(text).expect("lisible");
    let problems = c.validate(&r, &K.rome, &K.esco).join("\n");
    for expected in [
        "« testeur » → ROME 4.0 « M9999 » inconnu",
        "« testeur » → ROME 4.0 M9999 en double",
        "« testeur » n’a aucune correspondance ESCO",
        "aucun métier n’a l’identifiant « pas-un-metier »",
        "« concepteur-developpeur » n’a pas de correspondances",
        "de la famille informatique n’est rattachée à aucun métier",
    ] {
        assert!(
            problems.contains(expected),
            "« {expected} » absent de :\n{problems}"
        );
    }
}

#[test]
fn every_m18_fiche_and_every_named_esco_occupation_answers_a_reverse_lookup() {
    for f in K.rome.fiches().iter().filter(|f| f.code.starts_with("M18")) {
        let l = K.lookup_rome(&f.code).expect("fiche connue");
        assert!(
            !l.occupations.is_empty() || l.none_because.is_some(),
            "{} sans réponse",
            f.code
        );
    }
    for (id, list) in K.crosswalk.all() {
        for c in list.iter().filter(|c| c.scheme == Scheme::Esco) {
            let l = K.lookup_esco(&c.code).expect("profession connue");
            assert!(l.occupations.iter().any(|m| m.occupation_id == id));
        }
    }
}

#[test]
fn an_appellation_reaches_the_occupations_of_its_fiche() {
    // Every appellation of a fiche the crosswalk names leads to its occupations, saying so.
    let (id, c) = K
        .crosswalk
        .all()
        .flat_map(|(id, l)| l.iter().map(move |c| (id, c)))
        .find(|(_, c)| c.scheme == Scheme::Rome && c.relation != Relation::RelatedMatch)
        .expect("une correspondance ROME");
    let a = K
        .rome
        .appellations_of(&c.code)
        .next()
        .expect("une appellation");
    let l = K
        .lookup(&Query::Appellation(a.ogr.clone()))
        .expect("connue");
    assert_eq!(l.kind, "appellation");
    let m = l
        .occupations
        .iter()
        .find(|m| m.occupation_id == id)
        .expect("le métier de la fiche");
    assert!(m.via.as_deref().is_some_and(|v| v.contains(&c.code)));
    // The same appellation found by its text, accents and case aside.
    let by_text = K
        .appellations_named(&a.label.to_uppercase())
        .expect("trouvée");
    assert!(by_text.iter().any(|x| x.ogr == a.ogr));
}

#[test]
fn malformed_and_unknown_codes_are_told_apart() {
    for bad in ["", "M18", "informatique", "http://example.org/x", "M 1805"] {
        assert!(
            matches!(Knowledge::parse_query(bad), Err(LookupError::Malformed(_))),
            "{bad}"
        );
    }
    assert_eq!(
        Knowledge::parse_query(" m1805 "),
        Ok(Query::Rome("M1805".to_owned()))
    );
    match K.lookup(&Query::Rome("M1899".to_owned())) {
        Err(LookupError::Unknown { closest, .. }) => assert_eq!(closest.len(), 3),
        other => panic!("{other:?}"),
    }
    let unknown_uri = "http://data.europa.eu/esco/occupation/00000000-0000-0000-0000-000000000000";
    assert!(matches!(
        K.lookup(&Knowledge::parse_query(unknown_uri).expect("bien formée")),
        Err(LookupError::Unknown { .. })
    ));
}

#[test]
fn appellations_are_found_in_the_masculine_or_the_feminine() {
    use metiers_knowledge::rome::gendered_forms;
    assert_eq!(
        gendered_forms("Développeur / Développeuse web"),
        [
            "Développeur / Développeuse web",
            "Développeur web",
            "Développeuse web"
        ]
    );
    assert_eq!(
        gendered_forms("Chef de projet / Cheffe de projet informatique"),
        [
            "Chef de projet / Cheffe de projet informatique",
            "Chef de projet informatique",
            "Cheffe de projet informatique"
        ]
    );
    for text in [
        "développeur web",
        "DÉVELOPPEUSE WEB",
        "Développeur / Développeuse web",
    ] {
        assert!(
            K.rome
                .appellations_named(text)
                .iter()
                .any(|a| a.ogr == "14156"),
            "{text}"
        );
    }
}

#[test]
fn repertory_labels_are_recognised_whole_and_only_whole() {
    // ESCO writes both forms in one label; either form, or the two, is the label.
    for text in [
        "testeur d'utilisabilité/testeuse d'utilisabilité",
        "Testeuse d’utilisabilité",
        "HACKER ÉTHIQUE",
        "pirates éthiques",
    ] {
        assert!(!K.esco.occupations_named(text).is_empty(), "{text}");
        assert!(K.is_repertory_label(text), "{text}");
    }
    // ROME appellations, as written and in one form.
    for text in [
        "Chef / Cheffe de projet utilisateurs des systèmes d'information",
        "Cheffe de projet utilisateurs des systèmes d'information",
    ] {
        assert!(K.is_repertory_label(text), "{text}");
    }
    // Titles people write, which no repertory writes as such.
    for text in [
        "Technicien SSI",
        "testeur",
        "Chef de projet utilisateurs des systèmes d'information domaine finances",
        "",
    ] {
        assert!(!K.is_repertory_label(text), "{text}");
    }
}
