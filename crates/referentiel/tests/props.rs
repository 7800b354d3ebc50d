//! The parser never panics, whatever the input, and keeps its invariants.

use proptest::prelude::*;

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Principales activités".to_owned()),
        Just("Bac + 2 à 4".to_owned()),
        Just("ANALYSE :".to_owned()),
        Just("Conduire les entretiens :".to_owned()),
        Just("Analyste en détection d’intrusionsANALYSE DE RISQUES :".to_owned()),
        "• [a-zé ]{0,20}",
        "– [a-z]{0,10}",
        "[a-z]{1,12}",
        "[A-ZÉ’ ]{1,20}:?",
        "\\PC{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parser_never_panics_and_ids_are_unique(lines in proptest::collection::vec(line(), 0..60)) {
        let text = lines.join("\n");
        let parsed = metiers_referentiel::parse_text(&text, "x", "x");
        let mut ids: Vec<_> = parsed.referentiel.occupations.iter().map(|o| o.id.clone()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        prop_assert_eq!(ids.len(), n);
        // Every item after the table header lands in the records (before it: the preamble),
        // or is reported as dropped.
        let body: Vec<String> = text.lines().map(metiers_referentiel::text::normalize_ws).collect();
        let start = body.iter().position(|l| l == "Principales activités").map_or(0, |i| i + 1);
        let items = body[start..]
            .iter()
            .filter(|l| l.starts_with(['•', '●', '▪', '–', '—']))
            .count();
        let records: usize = parsed
            .referentiel
            .occupations
            .iter()
            .flat_map(|o| o.activities())
            .map(|a| 1 + a.details.len())
            .sum();
        let dropped = parsed.diagnostics.iter().filter(|d| d.message.starts_with("puce avant toute fiche")).count();
        prop_assert_eq!(records + dropped, items);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = metiers_referentiel::load(&bytes, "x");
    }
}
