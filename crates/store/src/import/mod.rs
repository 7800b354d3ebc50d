//! Reading an organisation's file of positions: CSV or XLSX as Excel writes them.
//!
//! [`parse`] turns bytes into a [`ParsedFile`] (the positions and an [`ImportReport`] of what
//! was understood), or refuses the whole file with the report of every problem found. Nothing
//! here touches the database: [`crate::Store::import`] writes a parsed file in one transaction.

mod columns;
mod table;

pub use columns::{Field, MAX_CELL_CHARS, hr_hints};

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Files larger than this are refused (about 2 million positions with missions).
pub const MAX_FILE_BYTES: usize = 512 * 1024 * 1024;
/// Files with more positions than this are refused.
pub const MAX_ROWS: usize = 1_000_000;

/// One position read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPosition {
    /// The identifier of the file, or a key derived from the content (see [`parse`]).
    pub key: String,
    pub external_id: Option<String>,
    pub title: String,
    /// The missions as written (line breaks kept, outer blanks trimmed).
    pub missions: Option<String>,
    pub service: Option<String>,
    pub headcount: Option<f64>,
    /// Line of the file (1-based; for XLSX, the sheet row).
    pub line: usize,
    /// The value of every kept column ([`ImportReport::kept`]), in order, exactly as read.
    pub cells: Vec<String>,
}

/// A file that can be imported, and what was understood of it.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub positions: Vec<NewPosition>,
    pub report: ImportReport,
    /// SHA-256 of the bytes, in hex.
    pub sha256: String,
}

/// How a column of the file was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnMapping {
    /// Column letter as in a spreadsheet (`A`, `B`… `AA`).
    pub column: String,
    /// Header as written in the file (blanks normalised, for display).
    pub header: String,
    /// The name the column is kept under (its header, « Colonne C » without one, « Site (2) »
    /// for a repeated one); `None` when it is not kept (personal data).
    pub name: Option<String>,
    /// What it was taken for; `None` when ignored.
    pub field: Option<Field>,
    /// Why it was ignored, in French, when it was.
    pub note: Option<String>,
}

/// A problem (refusal) or a remark (warning) about a place in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Line of the file (1-based), when the problem has one.
    pub line: Option<usize>,
    /// Column letter and header, when the problem has one.
    pub column: Option<String>,
    /// What is wrong and what to do, in French.
    pub message: String,
}

impl Problem {
    pub(crate) fn file(message: impl Into<String>) -> Self {
        Self {
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub(crate) fn at(line: usize, column: Option<String>, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            column,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.line, &self.column) {
            (Some(l), Some(c)) => write!(f, "ligne {l}, colonne {c} : {}", self.message),
            (Some(l), None) => write!(f, "ligne {l} : {}", self.message),
            (None, Some(c)) => write!(f, "colonne {c} : {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// What was understood of a file, and what is wrong with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub file_name: String,
    /// The format as read, in French (`CSV, séparateur « ; », Windows-1252`, `XLSX, feuille « Postes »`).
    pub format: String,
    /// Line of the header row.
    pub header_line: Option<usize>,
    pub columns: Vec<ColumnMapping>,
    /// Physical lines of the file (a cell holding line breaks spans several); for a
    /// spreadsheet, rows of the sheet.
    pub physical_lines: usize,
    /// Records after the header row (a record may span several lines), empty ones included.
    pub records: usize,
    /// Positions read.
    pub rows: usize,
    /// Empty records skipped (line breaks inside quoted cells are not counted).
    pub empty_lines: usize,
    /// Kept cells holding line breaks.
    pub multiline_cells: usize,
    /// The names of the kept columns, in the file's order: every position keeps one value
    /// for each.
    pub kept: Vec<String>,
    /// Reasons to refuse the file: when not empty, nothing is imported.
    pub problems: Vec<Problem>,
    /// Remarks that do not prevent the import.
    pub warnings: Vec<Problem>,
}

impl ImportReport {
    /// A French summary of what was understood, one line per item.
    pub fn understood(&self) -> Vec<String> {
        let mut out = vec![format!("Format : {}", self.format)];
        if let Some(l) = self.header_line {
            out.push(format!("En-têtes lus ligne {l}"));
        }
        for c in &self.columns {
            let kept = match &c.name {
                Some(n) if *n != c.header => format!("gardée sous le nom « {n} »"),
                Some(_) => "gardée".to_owned(),
                None => "non gardée".to_owned(),
            };
            let what = match (&c.field, &c.note) {
                (Some(f), _) => format!("{kept}, → {} ({})", f.label(), f.use_label()),
                (None, Some(note)) if c.name.is_some() => format!("{kept} comme donnée ({note})"),
                (None, Some(note)) => format!("{kept} ({note})"),
                (None, None) => format!("{kept} comme donnée"),
            };
            out.push(format!("Colonne {} « {} » : {what}", c.column, c.header));
        }
        let used: Vec<String> = self
            .columns
            .iter()
            .filter(|c| c.field.is_some())
            .map(|c| format!("« {} »", c.header))
            .collect();
        out.push(format!(
            "{} colonne(s) gardée(s) telles quelles et rendues par l’export ; {} lue(s) par le produit{}",
            self.kept.len(),
            used.len(),
            if used.is_empty() {
                String::new()
            } else {
                format!(" : {}", used.join(", "))
            }
        ));
        out.push(format!(
            "{} ligne(s) physique(s) ; {} enregistrement(s) sous les en-têtes : {} poste(s) lu(s), {} vide(s) ignoré(s) ; {} cellule(s) sur plusieurs lignes",
            self.physical_lines, self.records, self.rows, self.empty_lines, self.multiline_cells
        ));
        out
    }
}

/// Reads a file of positions. `file_name` chooses nothing by itself: the format is recognised
/// from the content (a spreadsheet starts with its own signature), the name only helps the report.
///
/// Positions without an identifier get a key derived from their title, service and missions
/// (and their rank among identical rows), so that importing the same file again updates
/// rather than duplicates.
pub fn parse(file_name: &str, bytes: &[u8]) -> Result<ParsedFile, Box<ImportReport>> {
    let mut report = ImportReport {
        file_name: file_name.to_owned(),
        ..ImportReport::default()
    };
    if bytes.len() > MAX_FILE_BYTES {
        report.problems.push(Problem::file(format!(
            "fichier trop volumineux ({} Mo, maximum {} Mo) : découpez-le en plusieurs fichiers",
            bytes.len() / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
        return Err(Box::new(report));
    }
    let table = match table::read(file_name, bytes) {
        Ok(t) => t,
        Err(problem) => {
            report.problems.push(problem);
            return Err(Box::new(report));
        }
    };
    report.format = table.format.clone();
    report.physical_lines = table.physical_lines;
    report.warnings.extend(table.warnings.iter().cloned());
    let positions = columns::read_positions(&table, &mut report);
    check_codes(&positions, &mut report);
    if report.problems.is_empty() && positions.is_empty() {
        report.problems.push(Problem::file(
            "aucun poste dans le fichier (seulement des en-têtes ou des lignes vides) : ajoutez une ligne par poste sous les en-têtes",
        ));
    }
    if !report.problems.is_empty() {
        return Err(Box::new(report));
    }
    report.rows = positions.len();
    Ok(ParsedFile {
        positions: assign_keys(positions),
        report,
        sha256: hex_sha256(bytes),
    })
}

/// Warnings shown at most for the codes of one column; the rest are counted.
const MAX_CODE_WARNINGS: usize = 20;

/// Reports on its line each ROME code, OGR code or ESCO URI of the columns that carry them
/// that the embedded repertories do not know (or that is malformed). Such a value is kept as
/// data and not used for the classification: a warning, not a refusal.
fn check_codes(positions: &[NewPosition], report: &mut ImportReport) {
    let Ok(knowledge) = metiers_knowledge::Knowledge::shared() else {
        return;
    };
    for (field, esco) in [(Field::RomeCode, false), (Field::EscoUri, true)] {
        // The first column of the kind counts, as for the classification (hr_hints).
        let Some(mapping) = report
            .columns
            .iter()
            .find(|c| c.field == Some(field) && c.name.is_some())
            .cloned()
        else {
            continue;
        };
        let Some(index) = report
            .kept
            .iter()
            .position(|k| Some(k) == mapping.name.as_ref())
        else {
            continue;
        };
        let mut bad = 0usize;
        for p in positions {
            let Some(value) = p
                .cells
                .get(index)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
            else {
                continue;
            };
            if let Err(message) = knowledge.lookup_code(value, esco) {
                bad += 1;
                if bad <= MAX_CODE_WARNINGS {
                    report.warnings.push(Problem::at(
                        p.line,
                        Some(format!("{} « {} »", mapping.column, mapping.header)),
                        format!(
                            "{message} La valeur est gardée mais ne sert pas au rapprochement."
                        ),
                    ));
                }
            }
        }
        if bad > MAX_CODE_WARNINGS {
            report.warnings.push(Problem::file(format!(
                "{} autre(s) valeur(s) inconnue(s) ou illisible(s) dans la colonne {} « {} » (les {MAX_CODE_WARNINGS} premières sont listées)",
                bad - MAX_CODE_WARNINGS,
                mapping.column,
                mapping.header
            )));
        }
    }
}

/// Sets each position's key: its identifier, or a digest of its content and rank.
fn assign_keys(mut positions: Vec<NewPosition>) -> Vec<NewPosition> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for p in &mut positions {
        if let Some(id) = &p.external_id {
            p.key = format!("id:{id}");
            continue;
        }
        let mut h = Sha256::new();
        // Missions with their blanks normalised: the key is the same as when they were
        // stored flattened.
        let missions = p
            .missions
            .as_deref()
            .map(metiers_referentiel::text::normalize_ws);
        for part in [
            Some(p.title.as_str()),
            p.service.as_deref(),
            missions.as_deref(),
        ] {
            h.update(metiers_referentiel::text::fold(part.unwrap_or("")).as_bytes());
            h.update([0u8]);
        }
        let digest = hex(&h.finalize()[..16]);
        let rank = seen.entry(digest.clone()).or_insert(0);
        *rank += 1;
        p.key = format!("contenu:{digest}#{rank}");
    }
    positions
}

pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Spreadsheet letter of a 0-based column index (`0` → `A`, `26` → `AA`).
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + u8::try_from(rem).unwrap_or(0));
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
