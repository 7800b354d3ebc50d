//! The public API of the engine: confusable fiches, JSON shape, scores, suggestions,
//! similarity, learned titles, robustness.

use metiers_referentiel::OccupationId;
use metiers_search::{Engine, EvidenceKind, LearnedTitle, Mode};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::build(&metiers_referentiel::published().referentiel).expect("engine")
    })
}

fn first(text: &str) -> String {
    engine()
        .match_text(text, 3)
        .matches
        .first()
        .map(|m| m.id.to_string())
        .unwrap_or_default()
}

fn check(cases: &[(&str, &str)]) {
    for (text, id) in cases {
        assert_eq!(first(text), *id, "« {text} »");
    }
}

/// Each text is matched first and surely to its occupation.
fn check_sure(cases: &[(&str, &str)]) {
    for (text, id) in cases {
        let r = engine().match_text(text, 3);
        assert_eq!(
            (r.matches.first().map(|m| m.id.as_str()), r.confident),
            (Some(*id), true),
            "« {text} »: {r:?}"
        );
    }
}

/// No text is matched surely.
fn check_unsure(texts: &[&str]) {
    for text in texts {
        let r = engine().match_text(text, 3);
        assert!(!r.confident, "« {text} » should not be sure: {r:?}");
    }
}

#[test]
fn the_two_project_leads_are_told_apart() {
    check(&[
        ("Chef de projet MOE", "chef-de-projet-maitrise-d-oeuvre-si"),
        (
            "Chef de projet maîtrise d'œuvre",
            "chef-de-projet-maitrise-d-oeuvre-si",
        ),
        (
            "Cheffe de projet technique",
            "chef-de-projet-maitrise-d-oeuvre-si",
        ),
        ("Chef de projet MOA", "chef-de-projet-maitrise-d-ouvrage-si"),
        (
            "Cheffe de projet maitrise d'ouvrage",
            "chef-de-projet-maitrise-d-ouvrage-si",
        ),
        (
            "Chef de projet fonctionnel H/F",
            "chef-de-projet-maitrise-d-ouvrage-si",
        ),
    ]);
}

#[test]
fn operations_technician_and_supervisor_are_told_apart() {
    check(&[
        ("Technicien d'exploitation", "technicien-d-exploitation"),
        (
            "Technicienne d’exploitation informatique (F/H)",
            "technicien-d-exploitation",
        ),
        ("Opérateur d'exploitation", "technicien-d-exploitation"),
        ("Superviseur d'exploitation", "superviseur-d-exploitation"),
        ("Opératrice de supervision", "superviseur-d-exploitation"),
        ("Pilote d'exploitation", "superviseur-d-exploitation"),
    ]);
}

#[test]
fn intrusion_detection_analyst_and_pilot_are_told_apart() {
    check(&[
        (
            "Analyste en détection d'intrusion",
            "analyste-en-detection-d-intrusions",
        ),
        ("Analyste SOC N2", "analyste-en-detection-d-intrusions"),
        (
            "Pilote en détection d’intrusions",
            "pilote-en-detection-d-intrusion",
        ),
        ("Administrateur SIEM", "pilote-en-detection-d-intrusion"),
    ]);
}

#[test]
fn abbreviations_and_english_titles_are_understood() {
    check(&[
        (
            "RSSI",
            "responsable-securite-des-systemes-d-information-rssi",
        ),
        ("DBA", "administrateur-de-bases-de-donnees"),
        ("Ingénieur DevOps", "integrateur-d-exploitation"),
        ("Ingénieur DevSecOps", "integrateur-d-exploitation"),
        ("Product Owner", "chef-de-projet-maitrise-d-ouvrage-si"),
        ("Technicien helpdesk N1", "technicien-support-utilisateurs"),
        (
            "Pentester",
            "auditeur-en-securite-des-systemes-d-information",
        ),
        ("Data scientist", "explorateur-de-donnees"),
    ]);
}

#[test]
fn feminine_inclusive_and_misspelt_titles_are_matched() {
    check(&[
        ("Développeuse", "concepteur-developpeur"),
        (
            "Administrateur·rice de bases de données",
            "administrateur-de-bases-de-donnees",
        ),
        (
            "Urbaniste des sytèmes d'information",
            "urbaniste-des-systemes-d-information",
        ),
        (
            "Technicienne réseaux et télécoms",
            "technicien-reseaux-telecoms-multimedias",
        ),
    ]);
}

#[test]
fn texts_outside_the_referentiel_are_not_confident() {
    check_unsure(&[
        "Serveuse en restauration",
        "Commercial sédentaire H/F",
        "Comptable",
        "",
        "   ",
        "🙂",
    ]);
}

/// « Grands comptes » (key accounts) are a seller's customers: « Responsable grands
/// comptes » read the published alternative title « Responsable de compte » of the
/// Responsable du système d’information « métier » across « grands », sure; it is a sales
/// post, outside the référentiel, while the alternative title keeps its occupation.
#[test]
fn key_account_titles_are_sales_posts_not_the_account_of_a_business_domain() {
    check_unsure(&[
        "Responsable grands comptes",
        "Responsable grands comptes éditeurs et événementiel (H/F)",
        "Ingénieur grands comptes",
    ]);
    check_sure(&[(
        "Responsable de compte",
        "responsable-du-systeme-d-information-metier",
    )]);
}

/// « Manager » alone names the head of a unit, the Responsable d’entité; « Capacity
/// manager », « Risk manager » say in their other word what the post leads (a process of
/// IT service management, risks), which the one-word label does not read: never sure,
/// while the head of a team stays sure.
#[test]
fn a_word_of_command_alone_is_not_sure_of_what_it_leads() {
    check_unsure(&[
        "Capacity manager",
        "Asset manager",
        "Risk manager",
        "Facility manager",
    ]);
    check_sure(&[
        ("Manager", "responsable-d-entite"),
        ("Manager d’équipe", "responsable-d-entite"),
        ("Manager informatique", "responsable-d-entite"),
    ]);
}

/// « Responsable informatique » names the head of IT (the DSI): a word of command and a
/// generic word of the field. « Responsable budget informatique », « … des marchés
/// informatiques », « … formation informatique » say in their other word what the post
/// leads (a budget, procurement, training), which the label does not read: never sure.
#[test]
fn the_head_of_it_is_not_the_head_of_everything_about_it() {
    check_unsure(&[
        "Responsable budget informatique",
        "Responsable des marchés informatiques",
        "Responsable formation informatique",
        "Responsable des équipements informatiques",
    ]);
    check_sure(&[
        (
            "Responsable informatique",
            "directeur-des-systemes-d-information",
        ),
        (
            "Responsable sécurité informatique",
            "responsable-securite-des-systemes-d-information-rssi",
        ),
        (
            "Responsable études informatiques",
            "responsable-d-etudes-si",
        ),
    ]);
}

/// A « centre de données » is a data centre, where operations run: its head is the
/// Responsable d’exploitation, not the data director that « Responsable des données » names.
#[test]
fn a_data_centre_is_where_operations_run() {
    check_sure(&[
        (
            "Responsable du centre de données",
            "responsable-d-exploitation",
        ),
        ("Technicien centre de données", "technicien-d-exploitation"),
        ("Responsable des données", "directeur-des-donnees"),
    ]);
}

/// « Direct », « directement », « directive » share the stemmer's stem of « direction »:
/// an ad's « en lien direct avec » read as the IT department's name, the director's label.
#[test]
fn direct_and_directives_do_not_name_the_department() {
    for text in ["directement", "en lien direct", "appliquer les directives"] {
        let r = engine().match_text(text, 3);
        assert!(
            r.matches
                .iter()
                .all(|m| m.id.as_str() != "directeur-des-systemes-d-information"),
            "« {text} » names no director: {r:?}"
        );
    }
    assert_eq!(
        first("direction des systèmes d'information"),
        "directeur-des-systemes-d-information"
    );
}

/// « Relatif » shares the stemmer's stem of « relation », « chargement » that of « chargé »:
/// « les projets relatifs à … » read as a « chargé de relation », loading data as a title;
/// so do the employer's « établissement » and « établir », « collectif » and « collecte »,
/// « commandement » and « commande », « composé » and « composants », « environ » (about)
/// and « environnement ». None of them names an occupation; nor is a file « format » a
/// « formation ».
#[test]
fn words_that_share_a_stem_with_the_trade_name_no_occupation() {
    for text in [
        "relatifs",
        "relatives",
        "chargement",
        "établissement",
        "collectif",
        "commandement",
        "composé",
        "environ",
    ] {
        let r = engine().match_text(text, 3);
        assert!(
            r.matches.is_empty(),
            "« {text} » names no occupation: {r:?}"
        );
    }
    // A file « format » is the pilot's « formats de journaux », not the training (« FORMATION »)
    // of other fiches.
    let r = engine().match_text("format", 10);
    assert_eq!(
        r.matches.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["pilote-en-detection-d-intrusion"],
        "{r:?}"
    );
}

/// The head of a unit of a trade the référentiel knows nothing of (ROME appellations of
/// other fiches: foundry, freight, textile) is not surely the head of a unit of an IT
/// department; the head of a unit without a field, or of a field the fiches know, is.
#[test]
fn the_head_of_a_unit_of_an_unknown_trade_is_not_sure() {
    check_unsure(&[
        "Chef / Cheffe d'équipe à la fusion en fonderie",
        "Chef / Cheffe de service affrètement",
        "Chef / Cheffe de département textile",
    ]);
    // « Équipements » shared the stem of « équipe »: the devices were read as a team.
    for text in [
        "Chef des équipements",
        "Responsable maintenance équipements",
    ] {
        let r = engine().match_text(text, 3);
        assert!(
            !(r.confident && r.matches[0].id.as_str() == "responsable-d-entite"),
            "« {text} » heads no unit: {r:?}"
        );
    }
    check_sure(&[
        ("Chef de service", "responsable-d-entite"),
        ("Chef d’équipe", "responsable-d-entite"),
        ("Chef du bureau pilotage", "responsable-d-entite"),
    ]);
}

/// « Chargé de recrutement » is outside the référentiel, but « recrutement » was an ad word
/// dropped from every text: the outside term came down to « chargé », and every « Chargé
/// de … » title was read as outside (never sure, its scores halved), the fiche's own title
/// « Chargé de relation sur l’offre de services SI » included.
#[test]
fn titles_of_the_form_charge_de_are_not_read_as_outside() {
    check_sure(&[
        (
            "Chargé de relation sur l’offre de services SI",
            "charge-de-relation-sur-l-offre-de-services-si",
        ),
        (
            "Chargé / Chargée de mise en exploitation informatique",
            "integrateur-d-exploitation",
        ),
    ]);
    check_unsure(&["Chargé de recrutement", "Chargée de recrutement IT"]);
}

/// The boilerplate words of ads are dropped from every text, curated terms included: a term
/// holding one means less than it says (« offre de services » was a label « services » of
/// the chargé de relation, sure on any title with « services »). Only the seniority word
/// « lead » is left in two developer titles (« tech lead », « lead dev »), which their other
/// word still names.
#[test]
fn no_curated_term_holds_a_word_that_ads_drop() {
    use metiers_search::analysis::{analyze, french_analyzer};
    let v = metiers_search::vocabulary::Vocabulary::embedded().expect("vocabulary");
    let boilerplate: Vec<String> = v
        .boilerplate
        .iter()
        .flat_map(|b| b.words.iter().cloned())
        .collect();
    let (plain, ads) = (french_analyzer(&[]), french_analyzer(&boilerplate));
    let stems = |a, t: &str| -> Vec<String> { analyze(a, t).into_iter().map(|t| t.stem).collect() };
    let labels = v.label.iter().flat_map(|l| l.terms.iter());
    let outside = v.outside.iter().flat_map(|o| o.terms.iter());
    let heads: Vec<String> = v.unit.iter().flat_map(|u| u.head_titles()).collect();
    let reduced: Vec<&String> = labels
        .chain(outside)
        .chain(&heads)
        .filter(|t| !["tech lead", "lead dev"].contains(&t.as_str()))
        .filter(|t| stems(&plain, t) != stems(&ads, t))
        .collect();
    assert!(reduced.is_empty(), "{reduced:?}");
}

#[test]
fn clear_titles_are_confident() {
    for text in [
        "Administrateur de bases de données",
        "Webmestre",
        "Testeur / Testeuse informatique",
    ] {
        assert!(engine().match_text(text, 3).confident, "« {text} »");
    }
}

#[test]
fn match_result_has_the_documented_json_shape() {
    let r = engine().match_text("Développeur web", 2);
    let v = serde_json::to_value(&r).expect("json");
    let obj = v.as_object().expect("object");
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["confident", "matches", "query"]);
    let m = v["matches"][0].as_object().expect("match");
    let mut keys: Vec<&str> = m.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["evidence", "id", "score", "title"]);
    assert_eq!(v["matches"][0]["id"], "concepteur-developpeur");
    assert!(v["matches"][0]["evidence"][0]["kind"].is_string());
    assert!(r.matches.len() <= 2);
}

#[test]
fn scores_are_in_the_unit_interval_and_sorted() {
    let texts = [
        "Chef de projet",
        "Administrer les serveurs, les sauvegardes et la supervision du réseau ; assurer le support de niveau 2 aux utilisateurs ; rédiger les procédures d'exploitation et participer aux projets d'infrastructure.",
        "x",
    ];
    for t in texts {
        let r = engine().match_text(t, 44);
        for w in r.matches.windows(2) {
            assert!(w[0].score >= w[1].score, "{t}");
        }
        assert!(
            r.matches.iter().all(|m| (0.0..=1.0).contains(&m.score)),
            "{t}"
        );
    }
}

#[test]
fn evidence_names_what_matched() {
    let r = engine().match_text("Ingénieur DevOps", 1);
    let e = &r.matches[0].evidence[0];
    assert_eq!(e.kind, EvidenceKind::Vocabulary);
    assert!(
        e.terms.iter().any(|t| t.eq_ignore_ascii_case("devops")),
        "{e:?}"
    );
}

#[test]
fn learned_titles_act_as_alternative_titles() {
    let id = OccupationId::parse("technicien-support-utilisateurs").expect("id");
    let learned = [LearnedTitle {
        id: id.clone(),
        title: "Gestionnaire de tickets Glpi".to_owned(),
    }];
    let without = engine().match_text("Gestionnaire de tickets GLPI", 3);
    assert_ne!(without.matches.first().map(|m| &m.id), Some(&id));
    let with = engine().match_learned(
        "Gestionnaire de tickets GLPI",
        3,
        &engine().learned(&learned),
    );
    assert_eq!(with.matches[0].id, id);
    assert_eq!(with.matches[0].evidence[0].kind, EvidenceKind::LearnedTitle);
    // The words of the text that the learned title matched, as the text writes them.
    assert_eq!(
        with.matches[0].evidence[0].terms,
        ["Gestionnaire", "tickets", "GLPI"]
    );
}

/// A title that a person of the organisation decided (a learned title of the same
/// normalised form: case, accents and punctuation aside) is matched as decided, confidently,
/// even where a label of the fiches names another occupation in full; a title of another
/// form is only helped by the lesson, as by any label.
#[test]
fn a_decided_title_is_matched_as_decided_whatever_its_writing() {
    let e = engine();
    let title = "Gestionnaire de parc informatique";
    let plain = e.match_text(title, 3);
    let fiche = plain.matches[0].id.clone();
    let id = OccupationId::parse("technicien-support-utilisateurs").expect("id");
    assert_ne!(fiche, id, "the fiches name another occupation: {plain:?}");
    let learned = e.learned(&[LearnedTitle {
        id: id.clone(),
        title: title.to_owned(),
    }]);
    for text in [
        title,
        "GESTIONNAIRE DE PARC INFORMATIQUE",
        "gestionnaire  de parc-informatique",
    ] {
        let r = e.match_learned(text, 3, &learned);
        assert_eq!(r.matches[0].id, id, "{text}: {r:?}");
        assert!(r.confident && r.decided, "{text}: {r:?}");
        assert_eq!(r.matches[0].evidence[0].kind, EvidenceKind::LearnedTitle);
        assert_eq!(r.matches[0].evidence[0].text, title);
        // The fiches' answer stays in sight, second.
        assert!(r.matches[1..].iter().any(|m| m.id == fiche), "{r:?}");
    }
    // Another title: no decision taken for it.
    let near = e.match_learned(
        "Gestionnaire de parc informatique et téléphonie",
        3,
        &learned,
    );
    assert!(
        !near.decided,
        "a lesson decides its own title only: {near:?}"
    );
    assert!(
        !(near.confident && near.matches[0].id == id),
        "a lesson decides its own title only: {near:?}"
    );
    // A decided title longer than a title is usually read is still the decided one.
    let long_title = "Gestionnaire du parc informatique, de la téléphonie mobile, des copieurs \
                      multifonctions et des abonnements aux services numériques du site de Lyon";
    let learned = e.learned(&[LearnedTitle {
        id: id.clone(),
        title: long_title.to_owned(),
    }]);
    let r = e.match_learned(long_title, 3, &learned);
    assert_eq!((&r.matches[0].id, r.confident), (&id, true), "{r:?}");
    // Unless the caller reads it as a long text (an ad, a CV): a decision is on a title.
    let r = e.match_mode(long_title, 3, &learned, Mode::Long);
    assert!(!r.decided, "{r:?}");
    assert!(!(r.confident && r.matches[0].id == id), "{r:?}");
}

#[test]
fn search_highlights_matching_activities() {
    let hits = engine().search("sauvegardes", 5);
    assert!(!hits.is_empty());
    let h = &hits[0].highlights[0];
    let marked = &h.text[h.ranges[0].start..h.ranges[0].end];
    assert!(marked.to_lowercase().starts_with("sauvegard"), "{marked}");
    assert!(engine().search("zzzzqqq", 5).is_empty());
}

#[test]
fn suggest_completes_titles_and_alternative_titles() {
    let s = engine().suggest("admin", 10);
    assert!(
        s.iter()
            .any(|x| x.id.as_str() == "administrateur-de-bases-de-donnees")
    );
    let s = engine().suggest("data sci", 5);
    assert_eq!(s[0].id.as_str(), "explorateur-de-donnees");
    assert_eq!(s[0].label, "Data Scientist");
    let s = engine().suggest("techn supp", 5);
    assert_eq!(s[0].id.as_str(), "technicien-support-utilisateurs");
    assert!(engine().suggest("", 5).is_empty());
}

#[test]
fn similar_gives_close_fiches_with_reasons() {
    let s = engine()
        .similar("analyste-en-detection-d-intrusions", 5)
        .expect("known id");
    assert_eq!(s.len(), 5);
    assert!(
        s.iter()
            .any(|x| x.id.as_str() == "pilote-en-detection-d-intrusion"),
        "{s:#?}"
    );
    assert!(
        s.iter()
            .all(|x| (0.0..=1.0).contains(&x.score) && !x.reason.is_empty())
    );
    let t = engine()
        .similar("technicien-d-exploitation", 3)
        .expect("known id");
    assert!(
        t.iter()
            .any(|x| !x.shared_headings.is_empty() || !x.shared_activities.is_empty())
    );
    assert!(t.iter().all(|x| x.education_step.is_some()));
    assert!(engine().similar("inconnu", 3).is_none());
}

#[test]
fn no_input_makes_it_panic() {
    let long = "analyse ".repeat(5000);
    for t in [
        "",
        "'",
        "(H/F)",
        "·",
        "l'",
        "\u{0}",
        "ﬁ",
        "a\u{301}",
        &long,
        "x/y/z-(()))",
    ] {
        let _ = engine().match_text(t, 3);
        let _ = engine().search(t, 3);
        let _ = engine().suggest(t, 3);
    }
}

#[test]
fn engine_is_shared_between_threads() {
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| assert_eq!(first("Webmestre"), "webmestre"));
        }
    });
}

#[test]
fn words_of_the_trade_that_the_fiches_do_not_use_are_understood() {
    // Each through a vocabulary entry that says why (data/vocabulaire.toml).
    check(&[
        (
            "Analyste cyberdéfense",
            "analyste-en-detection-d-intrusions",
        ),
        (
            "Pentester",
            "auditeur-en-securite-des-systemes-d-information",
        ),
        (
            "Spécialiste des tests d'intrusion",
            "auditeur-en-securite-des-systemes-d-information",
        ),
        // The calque of penetration testing that French offers also write.
        (
            "Expert en tests de pénétration",
            "auditeur-en-securite-des-systemes-d-information",
        ),
        ("Expert dataviz", "analyste-de-donnees"),
        // A data centre is where operations run, not data analysis.
        ("Technicien Data Centre", "technicien-d-exploitation"),
        ("Analyste organique", "concepteur-developpeur"),
        // IT service management is the production's, not security's.
        ("Problem manager ITIL", "responsable-d-exploitation"),
        ("Gestionnaire des changements", "integrateur-d-exploitation"),
    ]);
}

/// The expansion of a term (« cloud » → infrastructure, hébergement) is appended at the end
/// of the title: a word written after the term (a place, a reference) does not put itself
/// between the label's words, which stay together and sure.
#[test]
fn words_after_an_expanded_term_do_not_scatter_a_label() {
    const ADMIN: &str = "administrateur-d-outils-de-systemes-de-reseaux-telecoms";
    surely(&[
        ("Administrateur Linux Cloud", ADMIN),
        ("Administrateur Linux Cloud Paris", ADMIN),
        ("Administrateur Linux Cloud H/F - Fiche n°9/20", ADMIN),
    ]);
}

/// A title may leave unsaid the generic words of the field (« SI », « informatique »): the
/// fiche's title without them is still the fiche, surely. Not when the title says something
/// the label does not (« vidéo »), nor when the missing word is the label's head.
#[test]
fn a_title_may_leave_the_generic_words_of_the_field_unsaid() {
    surely(&[
        ("Chef de projet maîtrise d'œuvre", PROJECT_LEAD),
        ("Chef·fe de projet Maîtrise d’œuvre", PROJECT_LEAD),
        (
            "Urbaniste des systèmes",
            "urbaniste-des-systemes-d-information",
        ),
        (
            "Conseiller en systèmes",
            "conseiller-en-systemes-d-information",
        ),
    ]);
    for text in ["Technicien de maintenance vidéo", "Technicien SSI"] {
        assert!(!engine().match_text(text, 3).confident, "« {text} »");
    }
}

/// A title that writes out what a label abbreviates says the abbreviation: « maîtrise
/// d’ouvrage » is the « MOA » of « chef de projet MOA ». Not when the abbreviation is the
/// label's head: « DSI » names the director, « direction des systèmes d’information » the
/// department where the post is.
#[test]
fn a_title_may_write_out_what_a_label_abbreviates() {
    surely(&[
        (
            "Chef de projet maîtrise d'ouvrage",
            "chef-de-projet-maitrise-d-ouvrage-si",
        ),
        (
            "Chef(fe) de projet maitrise d'ouvrage informatique H/F",
            "chef-de-projet-maitrise-d-ouvrage-si",
        ),
        ("Chef de projet maîtrise d’œuvre en SIC", PROJECT_LEAD),
    ]);
    for text in [
        "Technicien direction des systèmes d'information",
        "Ingénieur à la direction des systèmes d'information",
    ] {
        let r = engine().match_text(text, 3);
        assert!(
            !r.confident && r.matches[0].id.as_str() != "directeur-des-systemes-d-information",
            "« {text} »: {r:?}"
        );
    }
}

#[test]
fn a_partial_hit_on_a_label_is_never_confident_on_its_own() {
    // « SSI » is a word of « Responsable SSI »: the RSSI may come first, never surely.
    for text in ["Technicien SSI", "Gestionnaire des incidents ITIL"] {
        let r = engine().match_text(text, 3);
        assert!(!r.confident, "« {text} »: {r:?}");
    }
}

/// A rival's complete label counts even when it scores less than its occupation's best
/// label: « Chef de projet utilisateurs » is named whole by the ROME appellation « Chef /
/// Cheffe de projet utilisateurs des systèmes d’information » (generic words aside), placed
/// at the MOA, whose best label is a partial « chef de projet fonctionnel »; « Technicien
/// informatique », by the vocabulary at the poste de travail and by a ROME appellation at the
/// technicien d’exploitation. Neither is sure of one of them; a title that one occupation
/// names more fully than any other stays sure.
#[test]
fn a_rival_label_that_scores_less_still_names_the_title() {
    check_unsure(&[
        "Chef de projet utilisateurs",
        "Technicien / Technicienne informatique",
    ]);
    check_sure(&[
        (
            "Chef de projet maîtrise d'ouvrage",
            "chef-de-projet-maitrise-d-ouvrage-si",
        ),
        ("Technicien poste de travail", "technicien-poste-de-travail"),
    ]);
}

/// A label naming the head of a unit (« responsable du service informatique ») names it only
/// when the title writes the unit: « Responsable ITSM » read the unit « service » in the
/// meaning of « ITSM » (« gestion des services informatiques ») and was surely the head of
/// a unit. Written, the unit keeps the label (« Responsable du service informatique »).
#[test]
fn a_unit_that_an_expansion_brings_is_no_unit_of_the_post() {
    never_surely(
        "responsable-d-entite",
        &["Responsable ITSM", "Responsable ITIL"],
    );
    surely(&[
        (
            "Responsable du service informatique",
            "responsable-d-entite",
        ),
        ("Chef du service informatique", "responsable-d-entite"),
    ]);
}

/// A place where an occupation works (the SOC of the intrusion-detection analysts, the CERT
/// of the incident analysts), named after another role's head word, says where the post is,
/// not the post: its head, those who build its tools and its analysts all work there. The
/// place alone, or after the occupation's own head word, still names the occupation surely.
#[test]
fn a_place_named_after_another_role_is_not_the_post() {
    never_surely(
        "analyste-en-detection-d-intrusions",
        &[
            "Chef de projet SOC",
            "Responsable du SOC",
            "Ingénieur SOC",
            "Chef de projet security operations center",
        ],
    );
    never_surely(
        "analyste-en-traitement-d-incidents-informatiques",
        &["Chef du CERT", "Chef de projet CSIRT", "Directeur du CSIRT"],
    );
    surely(&[
        ("SOC", "analyste-en-detection-d-intrusions"),
        ("Analyste SOC", "analyste-en-detection-d-intrusions"),
        (
            "Analyste CSIRT",
            "analyste-en-traitement-d-incidents-informatiques",
        ),
        (
            "Responsable CERT",
            "pilote-en-traitement-d-incidents-informatiques",
        ),
    ]);
}

/// A title whose head takes two complements, each completing another occupation's label
/// (« Technicien d’exploitation » and « technicien systèmes et réseaux »), names first the
/// one written next to the head: the label read across the other's words is weak, never
/// sure, whichever explains more. A label whose words stand together stays sure, and so does
/// one read across the unit that a head of a unit names (« Chef du service exploitation »).
#[test]
fn a_label_read_across_another_complete_label_is_weak() {
    surely(&[
        (
            "Technicien d'exploitation systèmes et réseaux",
            "technicien-d-exploitation",
        ),
        ("Technicien d'exploitation", "technicien-d-exploitation"),
        (
            "Technicien systèmes et réseaux",
            "technicien-reseaux-telecoms-multimedias",
        ),
        ("Ingénieur DevOps", "integrateur-d-exploitation"),
        ("Chef du service exploitation", "responsable-d-exploitation"),
    ]);
    // « ingénieur DevOps » read across « système », the head's first complement.
    never_surely("integrateur-d-exploitation", &["Ingénieur système DevOps"]);
    // A label already scattered (« responsable … domaine », two words skipped) is weakened
    // once: the DSI's « responsable des systèmes d'information » does not pass it.
    assert_eq!(
        first("Responsable des systèmes d'information domaine RH"),
        "responsable-du-systeme-d-information-metier"
    );
}

/// Every unit of an organisation has its head among the Responsable d’entité’s titles, as
/// `[[unit]]` lists them (« Responsable de la division » was the DSI’s, by « responsable »
/// alone), but for the units headed by others (a domain) or by no IT manager (a sector).
#[test]
fn the_heads_of_units_are_the_unit_managers_titles() {
    const ENTITY: &str = "responsable-d-entite";
    for text in [
        "Responsable de bureau",
        "Responsable de la division",
        "Responsable de section",
        "Cheffe de cellule",
        "Chef d’unité",
        "Responsable d’équipe",
    ] {
        let r = engine().match_text(text, 3);
        assert!(r.confident, "« {text} »: {r:?}");
        assert_eq!(r.matches[0].id.as_str(), ENTITY, "« {text} »: {r:?}");
    }
    for text in ["Chef de domaine", "Responsable de secteur"] {
        let r = engine().match_text(text, 3);
        assert!(
            r.matches[0].id.as_str() != ENTITY || !r.confident,
            "« {text} »: {r:?}"
        );
    }
}

/// What a State service calls its parts says nothing of their field: the head of a unit of
/// a field is the field's manager whatever the unit (« Chef de la cellule réseaux » as « Chef
/// du service réseaux », a curated term), and the evidence shows the title's own unit. A unit
/// named without the field (« Chef du bureau informatique ») is the Responsable d’entité's,
/// and a unit headed by others (a domain, a group) does not stand for the service. A field
/// manager's whole label read across the unit alone says it too (« chef d’exploitation »
/// in « Chef de la cellule exploitation »), but not a director's, who heads a directorate.
#[test]
fn the_unit_a_head_of_a_field_heads_does_not_matter() {
    surely(&[
        ("Chef de service réseaux", "responsable-reseaux-et-telecoms"),
        (
            "Chef de la cellule réseaux",
            "responsable-reseaux-et-telecoms",
        ),
        ("Chef du bureau réseaux", "responsable-reseaux-et-telecoms"),
        (
            "Responsable de la division réseaux",
            "responsable-reseaux-et-telecoms",
        ),
        ("Chef du service études", "responsable-d-etudes-si"),
        ("Chef de la section études", "responsable-d-etudes-si"),
        ("Chef du bureau informatique", "responsable-d-entite"),
        (
            "Chef de la cellule exploitation",
            "responsable-d-exploitation",
        ),
        ("Chef du bureau exploitation", "responsable-d-exploitation"),
        (
            "Responsable de la division production",
            "responsable-d-exploitation",
        ),
    ]);
    never_surely(
        "directeur-des-donnees",
        &[
            "Responsable de la cellule données",
            "Responsable du pôle données",
        ],
    );
    // The evidence shows the title's words where they stand for the label's (its unit for
    // « service », or its head word for « responsable »: `a_unit_head_is_matched_alike…`).
    let title = "Chef de la cellule réseaux";
    let r = engine().match_text(title, 3);
    let terms = &r.matches[0].evidence[0].terms;
    assert!(terms.iter().any(|t| t == "réseaux"), "{r:?}");
    assert!(terms.iter().all(|t| title.contains(t.as_str())), "{r:?}");
    // Without the field, the label of a field's head says nothing more than the unit's: no
    // such label is read in « Chef du bureau informatique ».
    let r = engine().match_text("Chef du bureau informatique", 5);
    for m in &r.matches {
        for e in &m.evidence {
            assert!(
                !["chef du service réseaux", "chef du service études"].contains(&e.text.as_str()),
                "« {} » read in « Chef du bureau informatique »: {r:?}",
                e.text
            );
        }
    }
    never_surely(
        "responsable-reseaux-et-telecoms",
        &["Chef de domaine réseaux", "Chef de groupe réseaux"],
    );
}

/// Chef, cheffe and responsable of a unit are one post under its names: the head of a unit
/// of a field is matched alike whichever the title writes.
#[test]
fn a_unit_head_is_matched_alike_under_each_of_its_names() {
    for field in [
        "production",
        "exploitation",
        "réseaux",
        "études",
        "applications",
        "sécurité des systèmes d'information",
        "informatique",
    ] {
        for unit in ["service", "bureau", "pôle"] {
            let (chef, responsable) = (
                format!("Chef du {unit} {field}"),
                format!("Responsable du {unit} {field}"),
            );
            assert_eq!(
                first(&chef),
                first(&responsable),
                "« {chef} », « {responsable} »"
            );
        }
    }
    surely(&[
        ("Chef du service production", "responsable-d-exploitation"),
        ("Cheffe du bureau production", "responsable-d-exploitation"),
        (
            "Chef de la cellule sécurité des systèmes d'information",
            "responsable-securite-des-systemes-d-information-rssi",
        ),
    ]);
    // The evidence shows the title's head word where it stands for the label's.
    let r = engine().match_text("Chef du service production", 3);
    let e = &r.matches[0].evidence[0];
    assert_eq!(e.text, "responsable de production", "{r:?}");
    assert_eq!(e.terms, ["Chef", "production"], "{r:?}");
    // Only a title naming the head of a unit: a project's head (« Chef de projet
    // production ») is no head of production, nor is the head of a domain or a deputy.
    assert_eq!(
        first("Chef de projet production"),
        "chef-de-projet-maitrise-d-oeuvre-si"
    );
    never_surely(
        "responsable-d-exploitation",
        &[
            "Chef de domaine production",
            "Adjoint au chef du service production",
        ],
    );
}

/// In a long text a label is mentioned by its words in a title’s order, head word first:
/// « Le service informatique est responsable du parc » says what the service does and
/// names no « responsable du service informatique ».
#[test]
fn a_long_text_mentions_a_label_head_first() {
    let reversed = "Le service informatique est responsable du parc des postes de travail de la \
        direction. Vous installez et configurez les postes de travail, les imprimantes et les \
        logiciels, et vous assurez leur maintenance.";
    let r = engine().match_text(reversed, 5);
    assert!(
        r.matches
            .iter()
            .all(|m| m.id.as_str() != "responsable-d-entite"),
        "{r:?}"
    );
    let written = "Responsable de service, vous encadrez une équipe de dix agents chargés du parc \
        des postes de travail de la direction et vous pilotez son budget et ses marchés.";
    let r = engine().match_text(written, 3);
    assert_eq!(r.matches[0].id.as_str(), "responsable-d-entite", "{r:?}");
    assert!(
        r.matches[0]
            .evidence
            .iter()
            .any(|e| e.kind == EvidenceKind::Vocabulary),
        "{r:?}"
    );
}

/// A title that a text introduces by a relation (« en lien avec le chef de projet maîtrise
/// d’ouvrage », « auprès du … », « en lien direct avec … », « sous l'autorité fonctionnelle
/// d'un … ») is someone the post works with or for: none of the labels in
/// it is mentioned, while the same title said of the post is, and so is the post's own title
/// set apart from it by a comma.
#[test]
fn a_title_introduced_by_a_relation_is_someone_elses() {
    let vocabulary = |text: &str| -> Vec<String> {
        engine()
            .match_text(text, 3)
            .matches
            .iter()
            .flat_map(|m| m.evidence.iter())
            .filter(|e| e.kind == EvidenceKind::Vocabulary)
            .map(|e| e.text.clone())
            .collect()
    };
    let colleague = "Au sein du bureau des infrastructures, vous travaillez en lien avec le chef \
        de projet maîtrise d’ouvrage et vous administrez les serveurs Linux, les sauvegardes et \
        le réseau local du site.";
    assert!(
        vocabulary(colleague).is_empty(),
        "{:?}",
        vocabulary(colleague)
    );
    let beside = "Au sein du bureau des infrastructures, vous intervenez auprès du chef de \
        projet maîtrise d’ouvrage et vous administrez les serveurs Linux du site.";
    assert!(vocabulary(beside).is_empty(), "{:?}", vocabulary(beside));
    for direct in [
        "Au sein du bureau des infrastructures, vous travaillez en lien direct avec le chef de \
        projet maîtrise d’ouvrage et vous administrez les serveurs Linux du site.",
        "Au sein du bureau des infrastructures, rattaché directement au chef de projet \
        maîtrise d’ouvrage, vous administrez les serveurs Linux du site.",
        "Au sein du bureau des infrastructures, en relation avec le chef de projet maîtrise \
        d’ouvrage, vous administrez les serveurs Linux du site.",
        "Au sein du bureau des infrastructures, vous travaillez en lien étroit avec le chef de \
        projet maîtrise d’ouvrage et vous administrez les serveurs Linux du site.",
        "Au sein du bureau des infrastructures, sous l'autorité fonctionnelle d'un chef de \
        projet maîtrise d’ouvrage, vous administrez les serveurs Linux du site.",
    ] {
        assert!(vocabulary(direct).is_empty(), "{:?}", vocabulary(direct));
    }
    let own = "Au sein du bureau des infrastructures, vous êtes chef de projet maîtrise \
        d’ouvrage et vous recueillez les besoins des utilisateurs, rédigez le cahier des charges \
        et pilotez la recette.";
    assert!(
        vocabulary(own).iter().any(|t| t == "maîtrise d’ouvrage"),
        "{:?}",
        vocabulary(own)
    );
    // The related title ends at a comma: the apposition after it names the post.
    let apposed = "En lien avec le chef de service, administrateur systèmes et réseaux, vous \
        assurez le maintien en condition opérationnelle des serveurs du site.";
    assert!(
        vocabulary(apposed)
            .iter()
            .any(|t| t == "administrateur systèmes et réseaux"),
        "{:?}",
        vocabulary(apposed)
    );
}

/// An ad without a title line that names the post in a sentence (« En tant que … ») is
/// read with that title: « En tant qu'ingénieur data » names the data analyst, whose label
/// the body's words about data pipelines alone left behind the data director. It is still
/// a long text without a title line for « sûr ».
#[test]
fn the_title_a_sentence_gives_the_post_is_read_as_its_title() {
    let ad = "En tant qu'ingénieur data, vous serez responsable de la conception et de la \
        maintenance de nos pipelines de données : collecter, nettoyer, transformer et stocker \
        les données, en veillant à leur qualité.";
    let r = engine().match_text(ad, 3);
    assert_eq!(r.title_line.as_deref(), Some("ingénieur data"), "{r:?}");
    assert_eq!(r.matches[0].id.as_str(), "analyste-de-donnees", "{r:?}");
}

/// The words of a title that a relation cue introduces are someone else's (a colleague's,
/// or the rules the post works within: « dans le respect de la politique de sécurité »):
/// they say nothing of the post's activities either (the sentences of a long text are matched to the
/// activities without them).
#[test]
fn a_related_title_does_not_speak_for_the_activities() {
    for text in [
        "Sous l'autorité du chef de bureau, en lien avec le responsable de la sécurité des \
        systèmes d'information, vous administrez les serveurs Linux et les sauvegardes du site.",
        // The rules the post works within are someone else's too.
        "Au sein du bureau des infrastructures, vous administrez les serveurs Linux du site \
        dans le respect de la politique de sécurité.",
    ] {
        assert_eq!(
            first(text),
            "administrateur-d-outils-de-systemes-de-reseaux-telecoms",
            "{:?}",
            engine().match_text(text, 3)
        );
    }
}

/// « Chef de service … », « Chef de bureau … » name the head of a unit: a label that takes
/// the head word without the unit (« chef de projet ») is never sure of them, while the
/// occupations that manage units keep their titles, and a project lead stays one.
#[test]
fn the_head_of_a_unit_is_not_surely_a_project_lead() {
    never_surely(
        PROJECT_LEAD,
        &[
            "Chef de service Applications et projets",
            "Chef de section projets innovants",
            "Chef de pôle projets numériques",
        ],
    );
    // A unit head is a manager: only an occupation that manages is surely it. ROME files
    // the first with the workstation technicians (I1401), in a doubled form whose repeated
    // head word must not hide the unit; the second took the urbaniste's words.
    for text in [
        "Chef / Cheffe d'équipe de help desk en informatique",
        "Chef de la cellule urbanisation des systèmes d'information",
        "Chef d'équipe développement",
    ] {
        let r = engine().match_text(text, 3);
        assert!(
            !r.confident || manages(r.matches[0].id.as_str()),
            "« {text} »: {r:?}"
        );
    }
    // A State IT department's domain is a unit: its head is no technician of the domain.
    never_surely(
        "technicien-support-utilisateurs",
        &["Chef de domaine support et intervention"],
    );
    // A unit named for projects is still a unit: a project lead's label that takes the head
    // word and reads on past the unit (« chef … projets ») does not put the project lead
    // first, however the unit is named.
    for text in [
        "Chef du département des projets et de la maintenance des applications",
        "Cheffe du service des projets informatiques",
        "Chef de la division projets et applications",
        "Chef du pôle projets applicatifs",
    ] {
        let id = first(text);
        assert!(manages(&id), "« {text} »: {id}");
    }
    // After a head word that commands no unit, the unit only says where the post is: the
    // title stays surely its occupation.
    surely(&[
        ("Chef de projet applications", PROJECT_LEAD),
        (
            "Responsable du service exploitation",
            "responsable-d-exploitation",
        ),
        (
            "Technicien service informatique",
            "technicien-poste-de-travail",
        ),
        ("Développeur équipe mobile", "concepteur-developpeur"),
        ("Technicien pôle support", "technicien-support-utilisateurs"),
    ]);
    // A unit named by another occupation's label (« hotline », « help desk », « DevOps »)
    // does not hold back the occupation that manages it: the label names the unit.
    surely(&[
        ("Responsable du Service Hotline", "responsable-d-entite"),
        (
            "Chef / Cheffe d'équipe de help desk en informatique",
            "responsable-d-entite",
        ),
        ("Responsable du service DevOps", "responsable-d-entite"),
    ]);
    // The head of each unit of the State's organisations names the responsable d'entité:
    // a section, a cell and a unit as a service, an office or a division.
    surely(&[
        ("Chef de Section Projets Innovants", "responsable-d-entite"),
        ("Cheffe de cellule", "responsable-d-entite"),
        ("Chef d'unité", "responsable-d-entite"),
        ("Responsable d’unité", "responsable-d-entite"),
    ]);
}

/// An ad that says to whom the post answers names a boss, not the post: the clause is set
/// aside (a real offer of pep-dev.jsonl, its missions only).
#[test]
fn an_ad_is_not_matched_to_the_boss_it_names() {
    let text = "Le poste a pour objectif de participer au dispositif de délivrance des \
        autorisations de plantation de vignes à travers d’une part les évolutions à prévoir et \
        à mener et d’autre part la maintenance de la téléprocédure Vitiplantation.\n\
        Sous la responsabilité de la chef d’unité et son adjointe :\n\
        • S’assurer de la cohérence de l’outil avec les évolutions réglementaires.\n\
        • Piloter le projet à travers l’évolution de l’outil informatique (développement et \
        adaptations) et la gestion des incidents et bugs applicatifs : animation de réunions, \
        rédaction d’expressions de besoins, recette fonctionnelle…";
    let r = engine().match_text(text, 3);
    assert_ne!(r.matches[0].id.as_str(), "responsable-d-entite", "{r:?}");
    assert!(
        r.set_aside
            .iter()
            .any(|s| s.starts_with("Sous la responsabilité de la chef d’unité")),
        "{r:?}"
    );
}

/// « DSI » names the director in a title of its own (« DSI », « DSI adjoint », « Adjoint au
/// DSI »), and the department after another role (« Technicien DSI », « Chef de projet
/// DSI »): there the director is never a sure answer, nor the first (no label of the
/// director, not even ROME's « … -DSI- », counts), and the role is.
#[test]
fn a_managers_abbreviation_after_another_role_names_the_department() {
    const CIO: &str = "directeur-des-systemes-d-information";
    never_surely(
        CIO,
        &[
            "Chef de projet DSI",
            "Technicien DSI",
            "Développeur DSI",
            "Architecte DSI",
        ],
    );
    check(&[
        ("Développeur DSI", "concepteur-developpeur"),
        ("Chef de projet DSI", PROJECT_LEAD),
    ]);
    // The department's name and its expansion say where the post is: the role's title
    // explains what is left, as surely as without them.
    surely(&[
        (
            "Technicien poste de travail DSI",
            "technicien-poste-de-travail",
        ),
        ("Technicien support DSI", "technicien-support-utilisateurs"),
        (
            "Administrateur systèmes DSI",
            "administrateur-d-outils-de-systemes-de-reseaux-telecoms",
        ),
    ]);
    // A word of command is a role wherever it stands, never a department: « Incident
    // Manager » is the vocabulary's label of the head of operations. After a head word of
    // the manager's own labels, the name restates the role. Alone, it is the manager.
    surely(&[
        ("Incident Manager", "responsable-d-exploitation"),
        (
            "Chief Information Security Officer (CISO)",
            "responsable-securite-des-systemes-d-information-rssi",
        ),
        ("DSI", CIO),
        ("DSI adjoint", CIO),
        ("Directeur DSI", CIO),
        ("Adjoint au DSI", CIO),
    ]);
}

/// The department's name before a separator and another role's title (« DSI - Chef de
/// projet », as an employer writes where the post is) names the department too: the role is
/// the answer, surely. A deputy's word (« DSI - adjoint ») or the director's own head word
/// (« DSI - Directeur adjoint ») after it still names the director.
#[test]
fn a_managers_abbreviation_before_a_separator_names_the_department() {
    const CIO: &str = "directeur-des-systemes-d-information";
    surely(&[
        ("DSI - Chef de projet", PROJECT_LEAD),
        (
            "DSI - Technicien support",
            "technicien-support-utilisateurs",
        ),
        (
            "DSI 75 - Administrateur réseau",
            "administrateur-d-outils-de-systemes-de-reseaux-telecoms",
        ),
        ("DSI | Développeur", "concepteur-developpeur"),
        ("DSI - adjoint", CIO),
        ("DSI - Directeur adjoint", CIO),
    ]);
}

const PROJECT_LEAD: &str = "chef-de-projet-maitrise-d-oeuvre-si";

/// Asserts that each text is matched first, and surely, to its occupation.
fn surely(cases: &[(&str, &str)]) {
    for (text, id) in cases {
        let r = engine().match_text(text, 3);
        assert_eq!(r.matches[0].id.as_str(), *id, "« {text} »");
        assert!(r.confident, "« {text} »: {r:?}");
    }
}

/// Asserts that none of `texts` is matched surely to occupation `id`.
fn never_surely(id: &str, texts: &[&str]) {
    for text in texts {
        let r = engine().match_text(text, 3);
        let first = r.matches.first().map(|m| m.id.as_str()) == Some(id);
        assert!(!(first && r.confident), "« {text} »: {r:?}");
    }
}

/// Whether an occupation manages a unit (its title begins so).
fn manages(id: &str) -> bool {
    id.starts_with("responsable") || id.starts_with("directeur")
}

#[test]
fn repertory_labels_are_evidence_that_says_where_they_come_from() {
    let r = engine().match_text("Chargé / Chargée de mise en exploitation informatique", 3);
    let e = r.matches[0]
        .evidence
        .iter()
        .find(|e| e.kind == EvidenceKind::RomeAppellation)
        .unwrap_or_else(|| panic!("a ROME appellation in {r:?}"));
    let via = e.via.as_deref().unwrap_or_default();
    assert!(via.starts_with("via ROME M18"), "{via}");
}

#[test]
fn an_ad_is_read_title_first_and_its_boilerplate_set_aside() {
    let ad = "Administrateur systèmes et réseaux (H/F)\n\
        La direction du numérique du ministère compte 300 agents et a pour mission de \
        moderniser les services.\n\
        Missions :\n\
        - Administrer les serveurs Linux et Windows et les équipements réseau ;\n\
        - Superviser les infrastructures et traiter les incidents d'exploitation ;\n\
        - Gérer les sauvegardes et la sécurité des systèmes.\n\
        Rémunération selon l'expérience, télétravail possible deux jours par semaine.\n\
        Candidatures : CV et lettre de motivation avant le 30 juin.";
    let r = engine().match_text(ad, 3);
    assert_eq!(
        r.title_line.as_deref(),
        Some("Administrateur systèmes et réseaux (H/F)")
    );
    assert_eq!(
        r.matches[0].id.as_str(),
        "administrateur-d-outils-de-systemes-de-reseaux-telecoms"
    );
    assert!(
        r.set_aside.iter().any(|s| s.starts_with("Rémunération")),
        "{r:?}"
    );
    assert!(
        r.set_aside.iter().any(|s| s.starts_with("Candidatures")),
        "{r:?}"
    );
    // The sentences that decided are missions, never the boilerplate.
    let sentences = &r.matches[0].sentences;
    assert!(!sentences.is_empty(), "{r:?}");
    assert!(sentences.iter().all(|s| !r.set_aside.contains(s)));
    // The label that the title line names is the first evidence, with the title's words.
    let e = &r.matches[0].evidence[0];
    assert_eq!(e.text, "administrateur systèmes et réseaux", "{r:?}");
    assert_eq!(e.terms, ["Administrateur", "systèmes", "réseaux"]);
}

/// An organisation that has taught hundreds of titles, read once: a text equal to one of them
/// is matched to the occupation it was taught as, through the index of the learned titles.
#[test]
fn many_learned_titles_read_once_each_name_their_occupation() {
    let e = engine();
    let ids: Vec<OccupationId> = e.occupations().map(|(id, _)| id.clone()).collect();
    let titles: Vec<String> = include_str!("../../../data/eval/public-it-posts.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["title"].as_str().map(str::to_owned))
        .collect::<std::collections::BTreeSet<String>>()
        .into_iter()
        .collect();
    assert!(titles.len() > 400);
    // Each title taught as an occupation other than the one the engine gives it.
    let learned: Vec<LearnedTitle> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let first = e.match_text(t, 1).matches.first().map(|m| m.id.clone());
            let id = (0..ids.len())
                .map(|k| ids[(i + k) % ids.len()].clone())
                .find(|id| Some(id) != first.as_ref())
                .expect("another occupation");
            LearnedTitle {
                id,
                title: t.clone(),
            }
        })
        .collect();
    let read = e.learned(&learned);
    assert_eq!(
        read.len(),
        learned.len(),
        "every title has a meaningful word"
    );
    // Each is a decided title: named first, confidently, by the learned title (399 of 405
    // among the first three before decided titles came first, on 2026-12-02: a title the
    // engine already holds, titles of more than 16 words read as ads…). Two writings of one
    // title (« ADMINISTRATEUR SYSTEMES F/H », « Administrateur systèmes (F/H) ») are one
    // decided title: the latest lesson decides, as in the cartographie.
    let mut decided = std::collections::HashMap::new();
    for l in &learned {
        decided.insert(metiers_referentiel::text::slug(&l.title), l);
    }
    assert!(decided.len() < learned.len(), "some titles written twice");
    for l in &learned {
        let r = e.match_learned(&l.title, 3, &read);
        let lesson = decided[&metiers_referentiel::text::slug(&l.title)];
        let first = &r.matches[0];
        assert_eq!(first.id, lesson.id, "{r:?}");
        assert!(r.confident, "{r:?}");
        assert!(
            first
                .evidence
                .iter()
                .any(|x| x.kind == EvidenceKind::LearnedTitle && x.text == lesson.title),
            "{r:?}"
        );
    }
}

#[test]
fn a_long_text_mentions_a_label_only_with_its_words_together() {
    // The missions of a real ad (data/eval/dev.jsonl, an « intégrateur d'exploitation »):
    // « chef d'équipe » in one bullet and « équipe d'exploitation » in another are no
    // « chef d'exploitation », and « chef d'équipe (… méthodologie projet …) » with
    // « techniques » two bullets away no « chef de projet technique ».
    let ad = "Vos missions : - Réaliser l'intégration des composants techniques ou logiciels - \
              Réaliser les opérations de maintenance et d'intégration les applications techniques, \
              en adéquation avec les niveaux de services attendus par les utilisateurs et dans le \
              respect des procédures, - Participer en tant qu'équipier ou chef d'équipe (au sens \
              de la méthodologie projet Prince²) aux réalisations et mises en production des \
              composants de l'infrastructure, - Réaliser la formalisation des tâches de \
              maintenance et d'intégration en produisant les procédures adéquates en vue de \
              faciliter les transferts vers l'équipe d'exploitation,";
    let vocabulary = |text: &str| -> Vec<String> {
        engine()
            .match_text(text, 5)
            .matches
            .iter()
            .flat_map(|m| &m.evidence)
            .filter(|e| e.kind == EvidenceKind::Vocabulary)
            .map(|e| e.text.clone())
            .collect()
    };
    // « chef d’équipe » itself is written whole: a mention, though « équipier » before it
    // was read as a typo of « équipe » (a corrected typo weighs less, until the word is
    // met as written).
    let scattered = vocabulary(ad);
    assert!(
        scattered.iter().any(|t| t == "chef d’équipe"),
        "{scattered:?}"
    );
    assert!(
        !scattered
            .iter()
            .any(|t| t == "chef d’exploitation" || t.starts_with("chef de projet")),
        "{scattered:?}"
    );
    assert_eq!(
        first(ad),
        "integrateur-d-exploitation",
        "{:?}",
        engine().match_text(ad, 3)
    );
    // The same words together are a mention.
    let together = vocabulary(&format!(
        "{ad} Vous serez le chef d’exploitation de la plateforme."
    ));
    assert!(
        together.iter().any(|t| t == "chef d’exploitation"),
        "{together:?}"
    );
}

/// A label that writes a term of the expansions (« MOA », « data ») is mentioned by its own
/// words: the term's meaning, which the expansion appends after the text, is said by it.
#[test]
fn a_long_text_mentions_a_label_by_its_abbreviation() {
    let labels = |text: &str, id: &str| -> Vec<String> {
        engine()
            .match_text(text, 5)
            .matches
            .iter()
            .filter(|m| m.id.as_str() == id)
            .flat_map(|m| &m.evidence)
            .filter(|e| e.kind == EvidenceKind::Vocabulary)
            .map(|e| e.text.clone())
            .collect()
    };
    let moa = labels(
        "Vous êtes le chef de projet MOA du programme. Vous recueillez les besoins des \
         directions métier et rédigez les expressions de besoins.",
        "chef-de-projet-maitrise-d-ouvrage-si",
    );
    assert!(moa.iter().any(|t| t == "chef de projet MOA"), "{moa:?}");
    let data = labels(
        "En tant qu'ingénieur data, vous concevez et maintenez les flux d'alimentation de \
         l'entrepôt. Vous nettoyez et transformez les jeux de données.",
        "analyste-de-donnees",
    );
    assert!(data.iter().any(|t| t == "ingénieur data"), "{data:?}");
}

#[test]
fn a_heading_is_evidence_when_the_query_has_half_of_its_words() {
    // The network technician's evidence for a text (it is among the first five of both).
    let evidence = |text: &str| {
        engine()
            .match_text(text, 5)
            .matches
            .into_iter()
            .find(|m| m.id.as_str() == "technicien-reseaux-telecoms-multimedias")
            .map(|m| m.evidence)
            .unwrap_or_else(|| panic!("the network technician among the first five for « {text} »"))
    };
    // « ADMINISTRATION ET SECURITE » has two words; « sécurité » is one of them.
    let with = evidence("Technicien sécurité informatique");
    let heading = with
        .iter()
        .find(|e| e.kind == EvidenceKind::Heading)
        .expect("a heading among its evidence");
    assert_eq!(heading.text, "ADMINISTRATION ET SECURITE");
    assert_eq!(heading.terms, ["sécurité"]);
    // Without one of its words, that heading is not evidence.
    let without = evidence("Technicien réseaux");
    assert!(
        !without
            .iter()
            .any(|e| e.kind == EvidenceKind::Heading && e.text == "ADMINISTRATION ET SECURITE"),
        "{without:?}"
    );
}

#[test]
fn english_words_of_the_trade_read_as_the_fiches_french() {
    // Offers mix English and French: « network », « engineer », « administrator »,
    // « technician » are the words of the fiches' titles (vocabulary `[[expansion]]`).
    check_sure(&[
        (
            "Network engineer",
            "administrateur-d-outils-de-systemes-de-reseaux-telecoms",
        ),
        (
            "Network administrator",
            "administrateur-d-outils-de-systemes-de-reseaux-telecoms",
        ),
        (
            "System administrator",
            "administrateur-d-outils-de-systemes-de-reseaux-telecoms",
        ),
        (
            "Network technician",
            "technicien-reseaux-telecoms-multimedias",
        ),
        ("Support technician", "technicien-support-utilisateurs"),
    ]);
    // The same words in titles of other trades say nothing of IT.
    check_unsure(&[
        "Sales engineer",
        "Civil engineer",
        "Dental technician",
        "Office administrator",
        "Security guard",
    ]);
}

#[test]
fn a_corrected_typo_is_a_guess_until_the_word_is_met_as_such() {
    // « Techncien » is corrected to « technicien », a guess: the label it completes is
    // not sure on it alone.
    check_unsure(&["Techncien réseaux"]);
    // « technician » is corrected the same way, and its expansion writes « technicien »:
    // the guess is confirmed, the label whole.
    check_sure(&[(
        "Technician réseaux",
        "technicien-reseaux-telecoms-multimedias",
    )]);
}

/// A label that a ROME appellation of another trade holds whole (« chef de projet »,
/// « acheteur », « designer », « Responsable d’exploitation ») is not sure in a title whose
/// other words are all words of other trades: in a cartographie of a whole ministry, these
/// are posts of those trades. The label alone, with a word of the fiches, or with a name that
/// no other trade writes (an application's) stays sure.
#[test]
fn a_label_other_trades_share_is_not_sure_of_their_posts() {
    check_unsure(&[
        "Chef de projet éducation routière",
        "Responsable d'exploitation ferroviaire",
        "Chef de service comptabilité",
        "Acheteur approvisionneur",
        "Designer automobile",
    ]);
    check_sure(&[
        ("Chef de projet", "chef-de-projet-maitrise-d-oeuvre-si"),
        (
            "Chef de projet informatique",
            "chef-de-projet-maitrise-d-oeuvre-si",
        ),
        (
            "Chef de projet SIVAC",
            "chef-de-projet-maitrise-d-oeuvre-si",
        ),
        ("Responsable d'exploitation", "responsable-d-exploitation"),
        ("Ingénieur de recette", "testeur"),
        ("Designer UX", "specialiste-ihm"),
        ("Acheteur", "responsable-de-la-relation-fournisseurs"),
    ]);
}

/// A title that is, word for word, a ROME appellation of another trade is that trade's post,
/// even when its other words are words of the fiches (« organisation », « communication »,
/// « formation »): the shared label is not sure of it, in either gendered form. A title
/// that adds to such an appellation a word of IT (« Chef de projet communication
/// unifiée ») is no appellation, nor is one that a label of IT reads whole (« Chef de
/// projet infrastructure », an appellation of building works that is also an IT label). A
/// head word that the label leaves aside counts among the title's words (« Assistant
/// d'architecte »); a title that is only the label does not fall under the rule.
#[test]
fn a_title_that_is_an_appellation_of_another_trade_is_not_sure() {
    // The label leaves only the title's head aside, the role that the appellation says.
    check_unsure(&[
        "Assistant d'architecte",
        "Automaticien chef de projet",
        "Assistant chef de projet",
    ]);
    check_sure(&[
        (
            "Assistant chef de projet informatique",
            "chef-de-projet-maitrise-d-oeuvre-si",
        ),
        ("Chef de projet", "chef-de-projet-maitrise-d-oeuvre-si"),
        ("Architecte", "architecte-technique"),
    ]);
    check_unsure(&[
        "Chef de projet en organisation",
        "Chef / Cheffe de projet communication digitale",
        "Cheffe de projet communication digitale",
        "Chef de projet e-formation",
    ]);
    check_sure(&[
        (
            "Chef de projet infrastructure",
            "chef-de-projet-maitrise-d-oeuvre-si",
        ),
        (
            "Chef de projet communication unifiée",
            "chef-de-projet-maitrise-d-oeuvre-si",
        ),
        (
            "Chef de projet organisation SI",
            "chef-de-projet-maitrise-d-oeuvre-si",
        ),
    ]);
}

/// A label whole but for generic words of the field (« responsable qualité informatique »),
/// in a title that leaves them unsaid and is, word for word, an appellation of another trade
/// (« Responsable qualité », of industry), reads only what that trade's post says: not
/// sure. Written, the word of the field makes the label sure; a title that is no such
/// appellation (« Urbaniste des systèmes ») stays sure without it.
#[test]
fn a_label_read_without_its_word_of_the_field_is_shared_with_other_trades() {
    check_unsure(&[
        "Responsable qualité",
        "Responsable assurance qualité",
        "Conseiller / Conseillère support technique",
        "Directeur / Directrice d'information",
    ]);
    check_sure(&[
        (
            "Responsable qualité informatique",
            "expert-methode-et-outils-qualite-securite",
        ),
        (
            "Urbaniste des systèmes",
            "urbaniste-des-systemes-d-information",
        ),
        (
            "Technicien de maintenance informatique",
            "technicien-poste-de-travail",
        ),
    ]);
}

/// A word of another trade that the typo correction reads as a word of the fiches
/// (« paysagiste » as « passage », « programmatique » as another word one edit away) is
/// still a word of that trade: the title is that trade's post. A typo of a word of the fiches
/// next to a shared label (« Responsable d'exploitation infrastructrues ») is no such word.
#[test]
fn a_word_of_another_trade_is_read_as_written_not_as_corrected() {
    check_unsure(&[
        "Architecte paysagiste",
        "Concepteur paysagiste",
        "Chef de projet programmatique",
    ]);
    check_sure(&[
        ("Architecte", "architecte-technique"),
        (
            "Responsable d'exploitation infrastructrues",
            "responsable-d-exploitation",
        ),
    ]);
}
