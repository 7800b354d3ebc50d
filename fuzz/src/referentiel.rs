//! Fuzz check of the edition loader: `metiers_referentiel::load` on arbitrary bytes.
//!
//! Included as a module by the fuzz target `referentiel_load` and by the replay test
//! `crates/referentiel/tests/fuzz_regressions.rs`; it uses nothing but `metiers_referentiel`.

use metiers_referentiel::{OccupationId, export, load};

/// Loads `data` as an edition (published text or canonical JSON) and checks what the crate
/// promises: no panic, and for an edition that loads, ids that are valid slugs, unique when
/// parsed from text, diagnostics that point inside the text, and a canonical JSON export that
/// loads back unchanged.
pub fn check(data: &[u8]) {
    let Ok(parsed) = load(data, "fuzz") else {
        return;
    };
    let r = &parsed.referentiel;
    let from_text = r.edition.source_sha256.is_some();
    for o in &r.occupations {
        assert!(
            OccupationId::parse(o.id.as_str()).is_ok(),
            "identifiant invalide : {:?}",
            o.id
        );
    }
    if from_text {
        let mut ids: Vec<&str> = r.occupations.iter().map(|o| o.id.as_str()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(
            ids.len(),
            n,
            "identifiants en double dans une édition lue du texte"
        );
        let lines = String::from_utf8_lossy(data).lines().count();
        for d in &parsed.diagnostics {
            if let Some(line) = d.line {
                assert!(
                    (1..=lines.max(1)).contains(&line),
                    "diagnostic ligne {line} hors du texte ({lines} lignes) : {}",
                    d.message
                );
            }
        }
    }
    let json = export::to_json(r);
    let back = export::from_json(&json)
        .unwrap_or_else(|e| panic!("le JSON canonique ne se relit pas : {e}\n{json}"));
    assert_eq!(&back, r, "le JSON canonique ne redonne pas la même édition");
    let _ = export::to_csv(
        r,
        &export::CsvOptions {
            excel_fr: true,
            ..Default::default()
        },
    );
    let _ = export::to_markdown(r);
}
