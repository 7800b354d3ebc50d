//! The matcher measured on the labelled sets vendored in `data/eval/` (a fresh clone needs
//! nothing beside the repository). The floors are the levels reached, a little below (see
//! docs/PERFORMANCE.md, « Rapprochement »): a change that loses ground fails here. The
//! targets of issue 13 are measured on hidden sets, apart.

use metiers_search::calibration::{self, Calibration, FIT_PRECISION};
use metiers_search::{Engine, eval};

fn items(name: &str) -> Vec<eval::EvalItem> {
    let path = format!("{}/../../data/eval/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    eval::parse_jsonl(&text).expect("valid JSONL")
}

fn engine() -> Engine {
    Engine::build(&metiers_referentiel::published().referentiel).expect("engine")
}

#[test]
fn dev_set_holds_its_level() {
    let items = items("dev.jsonl");
    assert_eq!(items.len(), 226);
    let report = eval::evaluate(&engine(), &items);
    assert!(
        report.unknown_labels.is_empty(),
        "labels unknown to the edition: {:?}",
        report.unknown_labels
    );
    let m = &report.all;
    let floors = [
        ("top-1", m.top1, 0.895),
        ("top-3", m.top3, 0.965),
        ("precision of confident", m.precision, 0.96),
        ("coverage of confident", m.coverage, 0.55),
        ("NONE not confident", m.none_not_confident, 0.9),
    ];
    for (name, value, floor) in floors {
        assert!(value >= floor, "{name} {value:.3} < {floor}: {m:?}");
    }
    // Missions texts of ads: 24 of 32 labelled since labels are mentions only when their
    // words stand together (21 before).
    let ads = &report
        .by_kind
        .iter()
        .find(|(k, _)| k == "ad")
        .expect("ads")
        .1;
    assert!(ads.top1 >= 0.70, "ads top-1 {:.3}: {ads:?}", ads.top1);
    // Texts that are not job titles of the repertories (which are labels of the engine):
    // 94 labelled, 81 right on 2026-12-05 (86.2 %; target 85 % on the hidden set).
    let other = report.other_texts.as_ref().expect("repertories read");
    assert_eq!((other.items, other.labelled), (110, 94), "{other:?}");
    assert!(
        other.top1 >= 0.84,
        "top-1 off the repertories {:.3}",
        other.top1
    );
}

#[test]
fn employer_labelled_offers_agree_at_their_level() {
    let items = items("pep-dev.jsonl");
    assert_eq!(items.len(), 168);
    assert!(items.iter().all(|i| !i.accept.is_empty()));
    let report = eval::evaluate(&engine(), &items);
    assert!(report.all.top1 >= 0.57, "agreement {:.3}", report.all.top1);
    let of = |kind: &str| {
        &report
            .by_kind
            .iter()
            .find(|(k, _)| k == kind)
            .expect(kind)
            .1
    };
    assert!(of("title").top1 >= 0.58, "titles {:.3}", of("title").top1);
    assert!(of("ad").top1 >= 0.55, "missions texts {:.3}", of("ad").top1);
}

#[test]
fn the_thresholds_in_use_are_those_the_dev_set_gives_and_hold_when_cross_validated() {
    let engine = engine();
    let dev = eval::samples(&engine, &items("dev.jsonl"));
    assert_eq!(
        calibration::fit(&dev, FIT_PRECISION, &Calibration::FITTED),
        Calibration::FITTED,
        "rerun `cargo run --release -p metiers-search --example calibrate` and copy its thresholds"
    );
    let cv = calibration::cross_validate(&dev, 5, FIT_PRECISION, &Calibration::FITTED);
    assert!(cv.all.precision() >= 0.95, "{cv:?}");
    assert!(cv.all.coverage() >= 0.55, "{cv:?}");
    // Measured on the employer-labelled offers, never fitted on them.
    let pep = eval::samples(&engine, &items("pep-dev.jsonl"));
    let m = calibration::measure(&pep, &Calibration::FITTED);
    // 33 right of 40 (2026-12-03): the employer's label is often a neighbour of the
    // occupation the title names (see docs/PERFORMANCE.md).
    assert!(m.all.precision() >= 0.82, "{m:?}");
}
