//! Mobility and gaps against outside judgements (issue 12): the pairs of occupations that
//! the labellers of data/eval/dev.jsonl named as both fitting a text. The figures are
//! recorded in docs/PERFORMANCE.md (« Métiers proches et écarts »); these floors guard
//! against a regression, they are not the targets.

use metiers_hr::eval::{measure, overlap_pairs};
use metiers_hr::space::SkillSpace;

#[test]
fn closest_occupations_and_gap_coverage_find_the_labellers_overlaps() {
    let r = metiers_referentiel::published().referentiel;
    let k = metiers_knowledge::Knowledge::embedded().expect("données embarquées");
    let pairs = overlap_pairs(include_str!("../../../data/eval/dev.jsonl"), &r);
    assert_eq!(
        pairs.len(),
        72,
        "paires distinctes (label, also) de dev.jsonl"
    );
    let m = measure(&SkillSpace::new(&r, &k), &pairs, 5);
    println!("{m:?}");
    assert!(m.recall >= 0.5, "{m:?}");
    assert!(m.auc >= 0.82, "{m:?}");
}
