//! Prints the measures of the matcher on a labelled JSONL file (default: `shared/eval/dev.jsonl`
//! beside the repository): `cargo run -p metiers-search --example eval_dev [FILE] [-v]`.
use metiers_search::{Engine, eval};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let path = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .cloned()
        .unwrap_or_else(|| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/eval/dev.jsonl"
            )
            .to_owned()
        });
    let items = eval::parse_jsonl(&std::fs::read_to_string(path)?)?;
    let engine = Engine::build(&metiers_referentiel::published().referentiel)?;
    let report = eval::evaluate(&engine, &items);
    if verbose {
        for c in &report.confusions {
            let text: String = c.text.chars().take(90).collect();
            println!(
                "{} [{}] {:.3}{} expected {} got {}",
                c.kind,
                text,
                c.score,
                if c.confident { " CONF" } else { "" },
                c.expected,
                c.got
            );
        }
    }
    if verbose {
        for it in &items {
            if it.label == eval::NONE {
                continue;
            }
            let r = engine.match_text(&it.text, 3);
            let slug = metiers_referentiel::text::slug;
            let ok = r.matches.iter().any(|m| {
                std::iter::once(&it.label)
                    .chain(it.also.iter())
                    .any(|t| slug(t) == slug(&m.title))
            });
            if !ok {
                let text: String = it.text.chars().take(70).collect();
                let got: Vec<String> = r
                    .matches
                    .iter()
                    .map(|m| format!("{} {:.2}", m.id, m.score))
                    .collect();
                println!(
                    "TOP3 MISS {} [{}] expected {} got {:?}",
                    it.kind, text, it.label, got
                );
            }
        }
    }
    println!("{:#?}", report.all);
    for (k, m) in &report.by_kind {
        println!(
            "{k}: top1 {:.3} top3 {:.3} prec {:.3} cov {:.3} none {:.3}",
            m.top1, m.top3, m.precision, m.coverage, m.none_not_confident
        );
    }
    println!(
        "unknown labels: {:?}; meets targets: {}",
        report.unknown_labels,
        report.meets_targets()
    );
    Ok(())
}
