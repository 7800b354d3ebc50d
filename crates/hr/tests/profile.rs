//! Mobility, gaps and profiles on skills (issue 12), on the published edition.

use metiers_hr::mobility::Mobility;
use metiers_hr::profile::{SkillFinder, from_activities, person, rank, training_needs};
use metiers_hr::space::SkillSpace;
use metiers_knowledge::Knowledge;
use std::sync::LazyLock;

struct World {
    r: metiers_referentiel::Referentiel,
    k: Knowledge,
    space: SkillSpace,
}

static W: LazyLock<World> = LazyLock::new(|| {
    let r = metiers_referentiel::published().referentiel;
    let k = Knowledge::embedded().expect("données embarquées");
    let space = SkillSpace::new(&r, &k);
    World { r, k, space }
});

fn mobility() -> Mobility<'static> {
    Mobility {
        space: &W.space,
        referentiel: &W.r,
        knowledge: &W.k,
    }
}

#[test]
fn close_occupations_say_why_in_plain_french() {
    let list = mobility()
        .closest("technicien-d-exploitation")
        .expect("connu");
    assert_eq!(list.len(), 43);
    assert!(list.windows(2).all(|w| w[0].score >= w[1].score));
    let first = &list[0];
    assert!(
        first.reason.contains("compétence(s) en commun"),
        "{}",
        first.reason
    );
    assert!((0.0..=1.0).contains(&first.score));
    assert!(mobility().closest("inconnu").is_none());
}

#[test]
fn a_gap_is_a_weighted_share_of_the_target_skills() {
    let r = &W.r;
    let a = r.get("technicien-d-exploitation").expect("fiche");
    let b = r.get("superviseur-d-exploitation").expect("fiche");
    let gap = mobility().gap(a, b).expect("écart");
    assert!((0.0..=1.0).contains(&gap.coverage));
    // The overlapping exploitation occupations share far more than the 2 activities of 10
    // the stem comparison found.
    assert!(gap.coverage >= 0.3, "{}", gap.coverage);
    assert!(!gap.shared.is_empty());
    let itself = mobility().gap(b, b).expect("écart");
    assert_eq!(itself.coverage, 1.0);
    assert!(itself.missing.is_empty() && itself.partial.is_empty());
    // Missing skills quote the target fiche.
    for g in &gap.missing {
        assert!(g.sentences.iter().all(|s| !s.is_empty()));
    }
}

#[test]
fn a_person_with_two_activities_is_not_at_zero_everywhere() {
    let skills = from_activities(&W.space, &W.r, &W.k, "technicien-d-exploitation", &[1, 2]);
    assert!(!skills.is_empty());
    let ranking = rank(&mobility(), &person(&skills), 10);
    assert_eq!(ranking.len(), 10);
    assert!(ranking[0].coverage > 0.0);
    let nonzero = rank(&mobility(), &person(&skills), 44)
        .iter()
        .filter(|f| f.coverage > 0.0)
        .count();
    assert!(nonzero >= 5, "{nonzero} métiers couverts en partie");
    let needs = training_needs(&mobility(), &ranking);
    assert!(!needs.is_empty());
    assert!(
        needs.iter().all(|n| !n.in_fiches.is_empty()),
        "chaque besoin cite ses fiches"
    );
}

#[test]
fn skills_are_found_in_what_a_person_writes() {
    let finder = SkillFinder::new(&W.space, &W.r, &W.k);
    let found = finder.find(
        &W.space,
        "J’administre les bases de données Oracle et PostgreSQL de la direction.\n\
         Je traite les incidents de production et j’assure le support des utilisateurs.",
    );
    assert!(found.len() >= 2, "{found:?}");
    assert!(found.iter().all(|f| !f.sentence.is_empty()));
    assert!(finder.find(&W.space, "Bonjour.").is_empty());
}

#[test]
fn each_item_of_an_enumeration_and_each_bullet_says_a_skill() {
    let finder = SkillFinder::new(&W.space, &W.r, &W.k);
    // A person lists what they do in one sentence: the item names a skill the whole
    // sentence does not. Read whole, the sentence reads as database administration (checked
    // first, so that the last assertion can fail): its items speak instead.
    let whole =
        "Administration de serveurs Linux, supervision, sauvegardes, scripts d'automatisation.";
    let without_commas = whole.replace(',', "");
    let read_whole = finder.find(&W.space, &without_commas);
    assert!(
        read_whole
            .iter()
            .any(|f| f.id == "administration-bases-de-donnees"),
        "{read_whole:?}"
    );
    let listed = finder.find(&W.space, whole);
    assert!(
        listed
            .iter()
            .any(|f| f.sentence == "Administration de serveurs Linux"),
        "{listed:?}"
    );
    assert!(
        !listed
            .iter()
            .any(|f| f.id == "administration-bases-de-donnees"),
        "{listed:?}"
    );
    // A pasted bullet list: one skill per bullet, quoted without its dash; the employer's
    // presentation is set aside as the matcher sets it aside in ads, though its words name a
    // skill that no bullet names (checked first, so that the last assertion can fail).
    let presentation = "Le service a pour mission l’administration des systèmes et des réseaux.";
    assert!(
        !finder
            .find(&W.space, "L’administration des systèmes et des réseaux.")
            .is_empty()
    );
    let bullets = finder.find(
        &W.space,
        &format!(
            "{presentation}\n\
             - Gérer les sauvegardes et les restaurations\n\
             - Traiter les incidents de production"
        ),
    );
    assert!(bullets.len() >= 2, "{bullets:?}");
    assert!(
        bullets
            .iter()
            .all(|f| !f.sentence.starts_with('-') && !f.sentence.contains("pour mission")),
        "{bullets:?}"
    );
}
