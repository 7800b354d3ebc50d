//! Calibrates « confident » on the labelled sets (`data/eval/dev.jsonl` and
//! `data/eval/pep-dev.jsonl`): precision and coverage of the thresholds in use, their
//! cross-validation (fitted on four folds, measured on the fifth, in turn), the thresholds
//! fitted on dev.jsonl (to copy into `Calibration::FITTED` when they differ) and the
//! reliability table of docs/PERFORMANCE.md:
//! `cargo run --release -p metiers-search --example calibrate`.
use metiers_search::calibration::{self, CoverageReport, FIT_PRECISION, Sample};
use metiers_search::{Engine, eval};

const FOLDS: usize = 5;

fn pct(x: f64) -> String {
    format!("{:.1} %", 100.0 * x)
}

fn print_report(name: &str, r: &CoverageReport) {
    println!(
        "| {name} | tous | {} | {} | {} |",
        r.all.texts,
        pct(r.all.precision()),
        pct(r.all.coverage())
    );
    for (k, c) in &r.by_kind {
        if c.texts > 0 {
            println!(
                "| {name} | {} | {} | {} ({}/{}) | {} |",
                k.label(),
                c.texts,
                pct(c.precision()),
                c.confident_right,
                c.confident,
                pct(c.coverage())
            );
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/eval");
    let engine = Engine::build(&metiers_referentiel::published().referentiel)?;
    let mut sets: Vec<(&str, Vec<Sample>)> = Vec::new();
    let mut offset = 0;
    for name in ["dev.jsonl", "pep-dev.jsonl"] {
        let items = eval::parse_jsonl(&std::fs::read_to_string(format!("{dir}/{name}"))?)?;
        let mut s = eval::samples(&engine, &items);
        // Groups stay distinct across the two sets.
        for x in &mut s {
            x.group += offset;
        }
        offset = s.iter().map(|x| x.group).max().unwrap_or(0) + 1;
        sets.push((name, s));
    }
    let all: Vec<Sample> = sets.iter().flat_map(|(_, s)| s.iter().copied()).collect();
    let in_use = *engine.calibration();

    println!("## Seuils en usage : {in_use:?}\n");
    println!("| jeu | type de texte | textes | précision des « sûrs » | couverture |");
    println!("|---|---|---:|---:|---:|");
    for (name, s) in &sets {
        print_report(name, &calibration::measure(s, &in_use));
    }
    print_report("les deux", &calibration::measure(&all, &in_use));

    println!(
        "\n## Validation croisée ({FOLDS} plis, seuils ajustés à {} sur 4 plis, mesurés sur le 5e)\n",
        pct(FIT_PRECISION)
    );
    println!("| jeu | type de texte | textes | précision des « sûrs » | couverture |");
    println!("|---|---|---:|---:|---:|");
    print_report(
        "dev.jsonl",
        &calibration::cross_validate(&sets[0].1, FOLDS, FIT_PRECISION, &in_use),
    );
    print_report(
        "les deux",
        &calibration::cross_validate(&all, FOLDS, FIT_PRECISION, &in_use),
    );

    // Fitted on dev.jsonl, whose labels name the right occupation; pep-dev.jsonl's labels
    // are the employer's choice of a repertory label that covers several occupations
    // (agreement, not correctness): it is measured, not fitted on.
    let dev = &sets[0].1;
    let fitted = calibration::fit(dev, FIT_PRECISION, &in_use);
    println!("\n## Seuils ajustés sur dev.jsonl : {fitted:?}");
    if fitted != in_use {
        println!("(différents des seuils en usage : les reporter dans Calibration::FITTED)\n");
        println!("| jeu | type de texte | textes | précision des « sûrs » | couverture |");
        println!("|---|---|---:|---:|---:|");
        for (name, s) in &sets {
            print_report(name, &calibration::measure(s, &fitted));
        }
    }

    println!("\n## Fiabilité par score du premier métier (les deux jeux, seuils en usage)\n");
    println!("| score | textes | premier juste | dont « sûrs » | « sûrs » justes |");
    println!("|---|---:|---:|---:|---:|");
    for r in calibration::reliability(&all, &in_use) {
        if r.texts == 0 {
            continue;
        }
        println!(
            "| {:.1}–{:.1} | {} | {} | {} | {} |",
            r.from,
            r.to,
            r.texts,
            pct(r.right as f64 / r.texts as f64),
            r.confident,
            if r.confident == 0 {
                "—".to_owned()
            } else {
                pct(r.confident_right as f64 / r.confident as f64)
            }
        );
    }
    Ok(())
}
