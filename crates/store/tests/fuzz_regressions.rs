//! Inputs found by fuzzing the importer of positions (`fuzz/`, target `import_csv`), kept
//! fixed by name.

/// Found by `import_csv` (`fuzz/regressions/import_csv/fins-de-ligne-cr-seul.csv`): lines
/// ended by a lone `\r`, as the « CSV (Macintosh) » of Excel for Mac writes them, all got the
/// line number of the line before, so the report pointed at the wrong lines.
#[test]
fn lone_carriage_returns_end_lines() {
    let file = metiers_store::import::parse(
        "postes.csv",
        b"Intitul\xc3\xa9 du poste;Service\rD\xc3\xa9veloppeur;DSI\r\rTesteur;SG\r\nDBA;DSI\n",
    )
    .expect("fichier accepté");
    let lines: Vec<usize> = file.positions.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 4, 5]);
    assert_eq!(file.report.empty_lines, 1);

    let refused = metiers_store::import::parse(
        "postes.csv",
        b"Intitul\xc3\xa9 du poste;Service\rA;X\r\r;DSI\r",
    )
    .map(|_| ())
    .expect_err("ligne sans intitulé");
    assert_eq!(refused.problems[0].line, Some(4), "{:?}", refused.problems);
}
