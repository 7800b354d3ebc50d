//! Latency of one match, in process: `cargo run --release -p metiers-search --example latency
//! -- FILE [ROUNDS]`. Prints one JSON object: median and p99 in microseconds for titles
//! and for ads (every text matched ROUNDS times, each call timed on its own). FILE is a
//! labelled JSONL file (`data/eval/dev.jsonl`) or a text file of titles, one per line
//! (`bench/load/distinct_titles.py --posts`).
use metiers_search::{Engine, eval};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().ok_or("usage: latency FILE.jsonl [ROUNDS]")?;
    let rounds: usize = args.get(1).map_or(Ok(20), |r| r.parse())?;
    let text = std::fs::read_to_string(path)?;
    let items = if path.ends_with(".jsonl") {
        eval::parse_jsonl(&text)?
    } else {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| eval::EvalItem {
                kind: "title".into(),
                text: l.to_owned(),
                label: String::new(),
                also: Vec::new(),
                source: None,
                why: None,
                accept: Vec::new(),
                employer_label: None,
            })
            .collect()
    };
    let started = Instant::now();
    let engine = Engine::build(&metiers_referentiel::published().referentiel)?;
    let build_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut out = serde_json::Map::new();
    out.insert("build_ms".into(), serde_json::json!(build_ms));
    for kind in ["title", "ad"] {
        let texts: Vec<&str> = items
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| i.text.as_str())
            .collect();
        let mut micros: Vec<f64> = Vec::with_capacity(texts.len() * rounds);
        for _ in 0..rounds {
            for t in &texts {
                let start = Instant::now();
                let r = engine.match_text(t, 3);
                micros.push(start.elapsed().as_secs_f64() * 1e6);
                std::hint::black_box(r);
            }
        }
        micros.sort_by(f64::total_cmp);
        let at = |q: f64| {
            micros
                .get(((micros.len() as f64 - 1.0) * q).round() as usize)
                .copied()
                .unwrap_or(0.0)
        };
        out.insert(kind.into(), serde_json::json!({"calls": micros.len(), "median_us": at(0.5), "p99_us": at(0.99), "max_us": at(1.0)}));
    }
    println!("{}", serde_json::Value::Object(out));
    Ok(())
}
