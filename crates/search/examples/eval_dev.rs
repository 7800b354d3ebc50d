//! Compares the matcher with and without the repertories' labels on the labelled sets
//! (`data/eval/dev.jsonl`, `data/eval/pep-dev.jsonl`), per source and kind:
//! `cargo run --release -p metiers-search --example eval_dev [FILE…]`.
use metiers_search::{Engine, eval, vocabulary::Vocabulary};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        for f in ["dev.jsonl", "pep-dev.jsonl"] {
            files.push(format!(
                "{}/../../data/eval/{f}",
                env!("CARGO_MANIFEST_DIR")
            ));
        }
    }
    let r = metiers_referentiel::published().referentiel;
    let k = metiers_knowledge::Knowledge::shared()?;
    let vocabulary = Vocabulary::embedded()?;
    let without = Engine::build_with(&r, &vocabulary, None)?;
    let with = Engine::build_with(&r, &vocabulary, Some(&k))?;
    let pct = |x: f64| format!("{:5.1}", 100.0 * x);
    for f in files {
        let items = eval::parse_jsonl(&std::fs::read_to_string(&f)?)?;
        let (a, b) = (
            eval::evaluate(&without, &items),
            eval::evaluate(&with, &items),
        );
        println!(
            "{f}\n{:<44} {:>5} | top-1 sans  avec | top-3 sans  avec | préc. sans  avec | couv. sans  avec",
            "source", "n"
        );
        let rows = std::iter::once(("tous".to_owned(), &a.all, &b.all)).chain(
            a.by_source
                .iter()
                .zip(&b.by_source)
                .map(|((s, x), (_, y))| (s.clone(), x, y)),
        );
        for (s, x, y) in rows {
            println!(
                "{s:<44} {:>5} |      {}  {} |      {}  {} |      {}  {} |      {}  {}",
                x.items,
                pct(x.top1),
                pct(y.top1),
                pct(x.top3),
                pct(y.top3),
                pct(x.precision),
                pct(y.precision),
                pct(x.coverage),
                pct(y.coverage)
            );
        }
    }
    Ok(())
}
