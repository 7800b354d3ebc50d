//! Bytes to a table of text cells: encodings, separators, spreadsheets, merged cells.

use super::{Problem, column_letter};
use calamine::{Data, Reader};
use std::io::Cursor;

/// The cells of a file, line by line (empty lines included, for the report).
#[derive(Debug)]
pub(crate) struct Table {
    /// The format as read, in French.
    pub format: String,
    pub rows: Vec<Row>,
    pub warnings: Vec<Problem>,
    /// Physical lines of the file (for a spreadsheet, rows of the sheet's used range).
    pub physical_lines: usize,
}

#[derive(Debug)]
pub(crate) struct Row {
    /// 1-based line of the file (for XLSX, the sheet row).
    pub line: usize,
    /// The cells as the product reads them (merged regions filled in).
    pub cells: Vec<String>,
    /// The cells exactly as the file holds them, when they differ from `cells` (a merged
    /// region's other cells are empty in the file).
    pub raw: Option<Vec<String>>,
}

impl Row {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }

    /// The cells exactly as the file holds them.
    pub fn raw_cells(&self) -> &[String] {
        self.raw.as_deref().unwrap_or(&self.cells)
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0];

/// Reads bytes as a spreadsheet (recognised by its signature) or as delimited text.
pub(crate) fn read(file_name: &str, bytes: &[u8]) -> Result<Table, Problem> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Problem::file(
            "le fichier est vide : exportez de nouveau le tableau des postes (avec sa ligne d’en-têtes) et recommencez",
        ));
    }
    let lower = file_name.to_lowercase();
    let spreadsheet_name = [".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"]
        .iter()
        .any(|e| lower.ends_with(e));
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC) {
        return read_spreadsheet(bytes);
    }
    if spreadsheet_name {
        return Err(Problem::file(
            "le fichier porte une extension de classeur (.xlsx, .xls, .ods) mais n’en est pas un, ou il est endommagé : ouvrez-le dans Excel ou LibreOffice, enregistrez-le au format .xlsx ou .csv et recommencez",
        ));
    }
    read_text(bytes)
}

fn read_spreadsheet(bytes: &[u8]) -> Result<Table, Problem> {
    let malformed = |detail: String| {
        Problem::file(format!(
            "classeur illisible ({detail}) : le fichier est peut-être endommagé ou tronqué ; ouvrez-le dans Excel ou LibreOffice, enregistrez-le de nouveau au format .xlsx et recommencez"
        ))
    };
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| malformed(e.to_string()))?;
    let kind = match &book {
        calamine::Sheets::Xls(_) => "XLS",
        calamine::Sheets::Xlsx(_) => "XLSX",
        calamine::Sheets::Xlsb(_) => "XLSB",
        calamine::Sheets::Ods(_) => "ODS",
    };
    let names = book.sheet_names();
    let mut warnings = Vec::new();
    let mut chosen = None;
    for name in &names {
        let range = book
            .worksheet_range(name)
            .map_err(|e| malformed(format!("feuille « {name} » : {e}")))?;
        if range
            .rows()
            .any(|r| r.iter().any(|c| !cell_text(c).trim().is_empty()))
        {
            chosen = Some((name.clone(), range));
            break;
        }
    }
    let Some((name, range)) = chosen else {
        return Err(Problem::file(
            "le classeur ne contient aucune donnée : vérifiez que le tableau des postes est dans la première feuille non vide",
        ));
    };
    let others = names.len().saturating_sub(1);
    if others > 0 {
        warnings.push(Problem::file(format!(
            "le classeur a {} feuille(s) : seule la feuille « {name} » (la première qui contient des données) est lue",
            names.len()
        )));
    }
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut grid: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    for (i, row) in range.rows().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            if let Data::Error(e) = cell {
                warnings.push(Problem::at(
                    usize::try_from(row0).unwrap_or(0) + i + 1,
                    Some(column_letter(usize::try_from(col0).unwrap_or(0) + j)),
                    format!("cellule en erreur ({e}) lue comme vide"),
                ));
            }
        }
    }
    let raw = grid.clone();
    if let calamine::Sheets::Xlsx(x) = &mut book
        && let Ok(regions) = x.merge_cells_by_sheet_name(&name)
    {
        fill_merged(&mut grid, row0, col0, &regions, &mut warnings);
    }
    let physical_lines = grid.len();
    let rows = grid
        .into_iter()
        .zip(raw)
        .enumerate()
        .map(|(i, (cells, raw))| Row {
            line: usize::try_from(row0).unwrap_or(0) + i + 1,
            raw: (raw != cells).then_some(raw),
            cells,
        })
        .collect();
    Ok(Table {
        format: format!("{kind}, feuille « {name} »"),
        rows,
        warnings,
        physical_lines,
    })
}

/// Copies the value of each merged region's first cell into the region's other cells.
fn fill_merged(
    grid: &mut [Vec<String>],
    row0: u32,
    col0: u32,
    regions: &[calamine::Dimensions],
    warnings: &mut Vec<Problem>,
) {
    for d in regions {
        let (Some(r1), Some(c1)) = (d.start.0.checked_sub(row0), d.start.1.checked_sub(col0))
        else {
            continue;
        };
        let (r1, c1) = (r1 as usize, c1 as usize);
        let (r2, c2) = (
            d.end.0.saturating_sub(row0) as usize,
            d.end.1.saturating_sub(col0) as usize,
        );
        let Some(value) = grid.get(r1).and_then(|r| r.get(c1)).cloned() else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        let mut filled = false;
        for row in grid.iter_mut().take(r2.saturating_add(1)).skip(r1) {
            for col in c1..=c2.min(row.len().saturating_sub(1)) {
                if let Some(cell) = row.get_mut(col)
                    && cell.trim().is_empty()
                {
                    cell.clone_from(&value);
                    filled = true;
                }
            }
        }
        if filled {
            warnings.push(Problem::at(
                d.start.0 as usize + 1,
                Some(format!(
                    "{}{}:{}{}",
                    column_letter(d.start.1 as usize),
                    d.start.0 + 1,
                    column_letter(d.end.1 as usize),
                    d.end.0 + 1
                )),
                format!("cellules fusionnées : la valeur « {} » est reprise dans chaque cellule de la zone", shorten(&value, 60)),
            ));
        }
    }
}

/// The text of a cell; whole numbers without a decimal part (`12.0` → `12`).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{f:.0}")
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => if *b { "VRAI" } else { "FAUX" }.to_owned(),
        Data::DateTime(d) => d.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// How text bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextEncoding {
    Utf8 { bom: bool },
    Utf16Le,
    Utf16Be,
    Windows1252,
}

fn read_text(bytes: &[u8]) -> Result<Table, Problem> {
    let (text, encoding) = decode(bytes)?;
    check_readable(&text)?;
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Line numbers are counted from byte offsets: a quoted value may span several lines.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1usize);
    // Line breaks inside the quoted cells of the previous record: they are not empty lines.
    let mut inside_previous = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let start = record.position().map_or(counted_to, |p| {
                    usize::try_from(p.byte()).unwrap_or(counted_to)
                });
                let mut start = start.clamp(counted_to, bytes.len());
                // The reader leaves the end of the previous line terminator and skips empty
                // lines: step over them, keeping the empty lines for the report.
                while bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
                    start += 1;
                }
                let newlines = line_breaks(&bytes[counted_to..start]);
                if !rows.is_empty() {
                    for k in (1 + inside_previous)..newlines {
                        rows.push(Row {
                            line: line + k,
                            cells: Vec::new(),
                            raw: None,
                        });
                    }
                }
                line += newlines;
                counted_to = start;
                inside_previous = record.iter().map(|c| line_breaks(c.as_bytes())).sum();
                rows.push(Row {
                    line,
                    cells: record.iter().map(str::to_owned).collect(),
                    raw: None,
                });
            }
            Err(e) => {
                let line = e.position().map(|p| usize::try_from(p.line()).unwrap_or(0));
                return Err(Problem {
                    line,
                    column: None,
                    message: format!(
                        "ligne CSV illisible ({e}) : vérifiez les guillemets de cette ligne"
                    ),
                });
            }
        }
        if rows.len() > super::MAX_ROWS + 100 {
            return Err(Problem::file(format!(
                "plus de {} lignes : découpez le fichier en plusieurs imports",
                super::MAX_ROWS
            )));
        }
    }
    let sep = match delimiter {
        b';' => "« ; »",
        b',' => "« , »",
        b'\t' => "tabulation",
        _ => "« | »",
    };
    let enc = match encoding {
        TextEncoding::Utf8 { bom: true } => "UTF-8 avec BOM",
        TextEncoding::Utf8 { bom: false } => "UTF-8",
        TextEncoding::Utf16Le => "UTF-16 LE",
        TextEncoding::Utf16Be => "UTF-16 BE",
        TextEncoding::Windows1252 => "Windows-1252 (le fichier n’était pas en UTF-8)",
    };
    let physical_lines = line_breaks(bytes)
        + usize::from(!bytes.is_empty() && !matches!(bytes.last(), Some(b'\n' | b'\r')));
    Ok(Table {
        format: format!("CSV, séparateur {sep}, encodage {enc}"),
        rows,
        warnings: Vec::new(),
        physical_lines,
    })
}

/// Line breaks in `bytes` as the CSV reader ends lines: `\r\n`, `\n`, or a lone `\r` (the
/// « CSV (Macintosh) » of Excel for Mac), so that line numbers match the file's.
fn line_breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 (what Excel writes in France).
fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), Problem> {
    let invalid = |what: &str, offset: usize| {
        let line = line_breaks(&bytes[..offset.min(bytes.len())]) + 1;
        Problem::at(
            line,
            None,
            format!(
                "{what} : enregistrez le fichier en « CSV UTF-8 » (ou CSV Windows) et recommencez"
            ),
        )
    };
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_owned(), TextEncoding::Utf8 { bom: true })),
            Err(e) => Err(invalid(
                "le fichier annonce l’encodage UTF-8 mais contient des caractères illisibles",
                e.valid_up_to() + 3,
            )),
        };
    }
    for (bom, enc, kind) in [
        (
            &[0xFF, 0xFE][..],
            encoding_rs::UTF_16LE,
            TextEncoding::Utf16Le,
        ),
        (
            &[0xFE, 0xFF][..],
            encoding_rs::UTF_16BE,
            TextEncoding::Utf16Be,
        ),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return match enc.decode_without_bom_handling_and_without_replacement(rest) {
                Some(s) => Ok((s.into_owned(), kind)),
                None => Err(invalid(
                    "le fichier annonce l’encodage UTF-16 mais contient des caractères illisibles",
                    0,
                )),
            };
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_owned(), TextEncoding::Utf8 { bom: false })),
        Err(_) => {
            let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok((s.into_owned(), TextEncoding::Windows1252))
        }
    }
}

/// Refuses binary content: NUL bytes or many control characters.
fn check_readable(text: &str) -> Result<(), Problem> {
    let mut controls = 0usize;
    let mut first_bad_line = None;
    let mut line = 1;
    let mut total = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\n' {
            line += 1;
        }
        let bad =
            c == '\0' || c == '\u{fffd}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
        if bad {
            controls += 1;
            first_bad_line.get_or_insert(line);
        }
    }
    if controls > 0 && (text.contains('\0') || controls * 100 > total || controls > 20) {
        return Err(Problem::at(
            first_bad_line.unwrap_or(1),
            None,
            "le contenu n’est pas du texte lisible (fichier binaire, PDF ou encodage inconnu) : exportez le tableau au format CSV ou XLSX depuis votre tableur et recommencez",
        ));
    }
    Ok(())
}

/// The separator used most often outside quotes in the first lines; `;` on a tie (French Excel).
fn sniff_delimiter(text: &str) -> u8 {
    let candidates = [b';', b',', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    let mut lines = 0;
    for b in text.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                lines += 1;
                if lines >= 20 {
                    break;
                }
            }
            _ if !in_quotes => {
                if let Some(i) = candidates.iter().position(|&c| c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for i in 1..candidates.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_sniffed_outside_quotes() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a,b,c\n\"x;y;z;w\",2,3\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter("intitulé\n"), b';');
    }

    #[test]
    fn windows_1252_is_decoded_when_not_utf8() {
        let (s, enc) = decode(b"Intitul\xe9 du poste;Service\n").expect("decodes");
        assert_eq!(s, "Intitulé du poste;Service\n");
        assert_eq!(enc, TextEncoding::Windows1252);
        let (s, enc) = decode("\u{feff}Intitulé".as_bytes()).expect("decodes");
        assert_eq!(s, "Intitulé");
        assert_eq!(enc, TextEncoding::Utf8 { bom: true });
    }

    #[test]
    fn binary_content_is_refused() {
        assert!(read_text(b"\x00\x01\x02binary\x00\x00").is_err());
        assert!(
            read_text("%PDF-1.4\n\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}".as_bytes()).is_err()
        );
    }
}
