//! The embedded skills graph against the published edition (issue 12): every activity in
//! exactly one skill, every reference resolving, every occupation assigned; and the level
//! rule against its reference implementation (scripts/competences/check.py).

use metiers_knowledge::skills::{ActivityRef, quote};
use metiers_knowledge::{Knowledge, Level, SkillKind, level};
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

static K: LazyLock<Knowledge> =
    LazyLock::new(|| Knowledge::embedded().expect("données embarquées lisibles"));

#[test]
fn the_embedded_skills_graph_is_valid_for_the_published_edition() {
    let r = metiers_referentiel::published().referentiel;
    let problems = K.skills.validate(&r, &K.rome, &K.esco);
    assert!(problems.is_empty(), "{problems:#?}");
    let activities: usize = K
        .skills
        .skills
        .iter()
        .flat_map(|s| &s.activities)
        .filter(|a| a.detail.is_none())
        .count();
    assert_eq!(activities, 566, "chaque activité publiée une fois");
    for o in &r.occupations {
        let held = K.skills.of_occupation(&r, o.id.as_str());
        assert!(held.iter().any(|h| h.core), "{} sans compétence cœur", o.id);
        // The level of one skill, read alone, is the one the occupation's list gives.
        for h in &held {
            assert_eq!(
                K.skills.level_of(&r, o.id.as_str(), h.skill),
                h.level,
                "{} / {}",
                o.id,
                h.skill.id
            );
        }
    }
    // Shared skills: the graph is not 566 singletons.
    let shared = K
        .skills
        .skills
        .iter()
        .filter(|s| K.skills.holders(&s.id).len() >= 2)
        .count();
    assert!(shared >= 60, "{shared}");
}

#[test]
fn levels_match_the_reference_implementation() {
    // scripts/competences/check.py prints, for every (occupation, skill) holding activities:
    // « niveaux … : contribuer 36, realiser 224, piloter-encadrer 78, expertise 36 ».
    let r = metiers_referentiel::published().referentiel;
    let mut by_pair: HashMap<(String, String), Level> = HashMap::new();
    for s in &K.skills.skills {
        for a in &s.activities {
            let o = r.get(&a.occupation).expect("métier");
            let q = quote(o, a).expect("activité");
            let lv = level::of_activity(q.text, q.heading, q.parent);
            let e = by_pair
                .entry((a.occupation.clone(), s.id.clone()))
                .or_insert(lv);
            *e = (*e).max(lv);
        }
    }
    let mut counts: BTreeMap<Level, usize> = BTreeMap::new();
    for lv in by_pair.values() {
        *counts.entry(*lv).or_default() += 1;
    }
    assert_eq!(
        counts,
        BTreeMap::from([
            (Level::Contribuer, 36),
            (Level::Realiser, 224),
            (Level::PiloterEncadrer, 78),
            (Level::Expertise, 36),
        ])
    );
}

#[test]
fn an_occupation_detail_lists_its_skills_with_their_sources() {
    let r = metiers_referentiel::published().referentiel;
    let o = r.get("superviseur-d-exploitation").expect("fiche");
    let d = K.detail(&r, o);
    assert!(!d.skills.is_empty());
    assert!(d.skills.first().is_some_and(|s| s.core), "le cœur d’abord");
    let json = serde_json::to_value(&d).expect("JSON");
    let s = &json["skills"][0];
    for key in ["id", "label", "kind", "core", "level", "sources"] {
        assert!(s.get(key).is_some(), "{key} dans {s}");
    }
    let source = &s["sources"][0];
    assert_eq!(source["scheme"], "referentiel");
    assert!(
        source["ref"]
            .as_str()
            .is_some_and(|r| r.starts_with("superviseur-d-exploitation/"))
    );
    // A savoir-faire has a level; a savoir has none.
    for sk in &d.skills {
        match sk.kind {
            SkillKind::SavoirFaire => assert!(
                sk.level.is_some() || sk.sources.iter().all(|s| s.scheme != "referentiel"),
                "{}",
                sk.id
            ),
            SkillKind::Savoir | SkillKind::SavoirEtre => assert_eq!(sk.level, None, "{}", sk.id),
        }
    }
}

#[test]
fn activity_references_are_read_strictly() {
    assert_eq!(
        ActivityRef::parse("testeur/3.2"),
        Some(ActivityRef {
            occupation: "testeur".into(),
            activity: 3,
            detail: Some(2)
        })
    );
    for bad in [
        "testeur",
        "testeur/0",
        "/3",
        "testeur/x",
        "testeur/3.0",
        "testeur/3.",
    ] {
        assert_eq!(ActivityRef::parse(bad), None, "{bad}");
    }
}
