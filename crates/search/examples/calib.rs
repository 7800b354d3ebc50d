//! Dumps, per labelled item, the first two scores and whether the first is right (tuning aid):
//! `cargo run -p metiers-search --example calib > /tmp/calib.tsv`.
use metiers_search::{Engine, eval};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/eval/dev.jsonl"
    );
    let items = eval::parse_jsonl(&std::fs::read_to_string(path)?)?;
    let engine = Engine::build(&metiers_referentiel::published().referentiel)?;
    for it in &items {
        let r = engine.match_text(&it.text, 3);
        let ok = r.matches.first().is_some_and(|m| {
            std::iter::once(&it.label).chain(it.also.iter()).any(|t| {
                metiers_referentiel::text::slug(t) == metiers_referentiel::text::slug(&m.title)
            })
        });
        let s1 = r.matches.first().map_or(0.0, |m| m.score);
        let s2 = r.matches.get(1).map_or(0.0, |m| m.score);
        let ev = r
            .matches
            .first()
            .and_then(|m| m.evidence.first())
            .map(|e| format!("{:?}", e.kind))
            .unwrap_or_default();
        let text: String = it.text.chars().take(60).collect();
        println!(
            "{}\t{}\t{}\t{:.3}\t{:.3}\t{}\t{}",
            it.kind,
            if it.label == "NONE" {
                "NONE"
            } else if ok {
                "ok"
            } else {
                "ko"
            },
            r.confident,
            s1,
            s2,
            ev,
            text
        );
    }
    Ok(())
}
