//! Prints, for each activity of B, the closest activity of A and its score (to tune
//! `COVER_THRESHOLD`): `cargo run -p metiers-export --example gap_scores -- A B`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let r = metiers_referentiel::published().referentiel;
    let (Some(a), Some(b)) = (
        args.get(1).and_then(|x| r.get(x)),
        args.get(2).and_then(|x| r.get(x)),
    ) else {
        eprintln!("usage : gap_scores A B");
        return;
    };
    let g = metiers_export::ecart::GapAnalyzer::new(&r);
    for tb in b.activities() {
        let best = a
            .activities()
            .map(|ta| (g.compare(&ta.text, &tb.text), &ta.text))
            .max_by(|x, y| x.0.0.total_cmp(&y.0.0));
        if let Some(((s, shared), by)) = best {
            println!("{s:.2} {shared:?}\n   B: {}\n   A: {by}", tb.text);
        }
    }
}
