//! Issue 3: the matcher measured on the shared development set (`shared/eval/dev.jsonl`,
//! beside the repository) must reach the four targets.

use metiers_search::{Engine, eval};

#[test]
fn dev_set_reaches_the_targets_of_issue_3() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/eval/dev.jsonl"
    );
    let text = std::fs::read_to_string(path).expect("shared/eval/dev.jsonl beside the repository");
    let items = eval::parse_jsonl(&text).expect("valid JSONL");
    assert!(items.len() > 200, "the dev set has 226 items");
    let engine = Engine::build(&metiers_referentiel::published().referentiel).expect("engine");
    let report = eval::evaluate(&engine, &items);
    let m = &report.all;
    assert!(
        report.unknown_labels.is_empty(),
        "labels unknown to the edition: {:?}",
        report.unknown_labels
    );
    assert!(
        m.top1 >= eval::TARGET_TOP1,
        "top-1 {:.3} < {}",
        m.top1,
        eval::TARGET_TOP1
    );
    assert!(
        m.top3 >= eval::TARGET_TOP3,
        "top-3 {:.3} < {}",
        m.top3,
        eval::TARGET_TOP3
    );
    assert!(
        m.precision >= eval::TARGET_PRECISION,
        "precision of confident {:.3} < {}",
        m.precision,
        eval::TARGET_PRECISION
    );
    assert!(
        m.coverage >= eval::TARGET_COVERAGE,
        "coverage of confident {:.3} < {}",
        m.coverage,
        eval::TARGET_COVERAGE
    );
    assert!(
        m.none_not_confident >= eval::TARGET_NONE_NOT_CONFIDENT,
        "NONE not confident {:.3} < {}",
        m.none_not_confident,
        eval::TARGET_NONE_NOT_CONFIDENT
    );
}
