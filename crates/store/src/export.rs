//! The workspace as a spreadsheet: one line per position, the file it came from first (every
//! original column, header, order and value as read), then the product's columns (occupation,
//! score, decision, the crosswalk codes of the occupation).
//!
//! When the workspace holds imports whose files had different columns, the export takes their
//! union, each column where it was first seen (positions in the order of their numbers), empty
//! for the positions whose file did not have it. Positions imported before the columns were
//! kept show the four columns the product read then (« Identifiant », « Intitulé du poste »,
//! « Service », « Effectif »), placed after the original ones.

use crate::{Position, Result, StoreError};
use metiers_knowledge::{Knowledge, Scheme};
use metiers_referentiel::Referentiel;
use std::collections::HashMap;

/// The columns of positions imported before the original columns were kept.
pub const LEGACY_HEADERS: [&str; 4] = ["Identifiant", "Intitulé du poste", "Service", "Effectif"];

/// The product's columns, after the file's.
pub const PRODUCT_HEADERS: [&str; 11] = [
    "Identifiant du métier",
    "Métier",
    "Score",
    "Confiance",
    "Statut",
    "Relecteur",
    "Date de relecture",
    "Autres propositions",
    "Codes ROME du métier",
    "Professions ESCO du métier",
    "Numéro",
];

/// The headers of an export of a workspace whose positions were all imported before the
/// original columns were kept (the layout of earlier versions, plus the crosswalk codes).
pub const HEADERS: [&str; 15] = [
    LEGACY_HEADERS[0],
    LEGACY_HEADERS[1],
    LEGACY_HEADERS[2],
    LEGACY_HEADERS[3],
    PRODUCT_HEADERS[0],
    PRODUCT_HEADERS[1],
    PRODUCT_HEADERS[2],
    PRODUCT_HEADERS[3],
    PRODUCT_HEADERS[4],
    PRODUCT_HEADERS[5],
    PRODUCT_HEADERS[6],
    PRODUCT_HEADERS[7],
    PRODUCT_HEADERS[8],
    PRODUCT_HEADERS[9],
    PRODUCT_HEADERS[10],
];

/// Which columns an export has.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Layout {
    /// The union of the files' columns, first seen first.
    pub original: Vec<String>,
    /// Whether some positions have no original columns (imported before they were kept).
    pub legacy: bool,
    /// Whether the positions come from files with different columns.
    pub mixed: bool,
}

impl Layout {
    /// The columns of the positions, in export order.
    pub fn of(positions: &[Position]) -> Layout {
        let mut layout = Layout::default();
        let mut seen: HashMap<&str, ()> = HashMap::new();
        let mut first: Option<Vec<&str>> = None;
        for p in positions {
            if p.columns.is_empty() {
                layout.legacy = true;
                continue;
            }
            let names: Vec<&str> = p.columns.iter().map(|c| c.header.as_str()).collect();
            match &first {
                None => first = Some(names.clone()),
                Some(f) => layout.mixed |= *f != names,
            }
            for n in names {
                if seen.insert(n, ()).is_none() {
                    layout.original.push(n.to_owned());
                }
            }
        }
        layout.mixed |= layout.legacy && first.is_some();
        layout
    }

    /// Every header of the export, in order.
    pub fn headers(&self) -> Vec<String> {
        let mut out = self.original.clone();
        if self.legacy || self.original.is_empty() {
            out.extend(LEGACY_HEADERS.iter().map(|h| (*h).to_owned()));
        }
        out.extend(PRODUCT_HEADERS.iter().map(|h| (*h).to_owned()));
        out
    }

    /// A French note for the export page when the export takes a union, `None` otherwise.
    pub fn note(&self) -> Option<String> {
        self.mixed.then(|| {
            let legacy = if self.legacy {
                " ; les postes importés avant que les colonnes des fichiers soient gardées ont les colonnes « Identifiant », « Intitulé du poste », « Service » et « Effectif »"
            } else {
                ""
            };
            format!(
                "L’espace contient des imports aux colonnes différentes : l’export en fait l’union ({} colonne(s) des fichiers, dans l’ordre où elles ont été vues la première fois, vides pour les postes dont le fichier ne les avait pas){legacy}.",
                self.original.len()
            )
        })
    }
}

/// A value of a line: text as it is, or a number the product computed.
enum Cell {
    Text(String),
    Number(Option<f64>),
}

/// A number the French way: decimal comma.
fn french(v: f64) -> String {
    v.to_string().replace('.', ",")
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn line(p: &Position, layout: &Layout, r: &Referentiel, k: Option<&Knowledge>) -> Vec<Cell> {
    let mut out = Vec::with_capacity(layout.original.len() + 15);
    let by_name: HashMap<&str, &str> = p
        .columns
        .iter()
        .map(|c| (c.header.as_str(), c.value.as_str()))
        .collect();
    for h in &layout.original {
        out.push(Cell::Text(
            by_name
                .get(h.as_str())
                .map(|v| (*v).to_owned())
                .unwrap_or_default(),
        ));
    }
    if layout.legacy || layout.original.is_empty() {
        // The columns the product read, for positions that have no original ones.
        if p.columns.is_empty() {
            out.push(Cell::Text(p.external_id.clone().unwrap_or_default()));
            out.push(Cell::Text(p.title.clone()));
            out.push(Cell::Text(p.service.clone().unwrap_or_default()));
            out.push(Cell::Number(p.headcount));
        } else {
            out.extend((0..4).map(|_| Cell::Text(String::new())));
        }
    }
    let occ = p.occupation_id.clone().unwrap_or_default();
    let crosswalk = |scheme: Scheme| {
        k.map(|k| {
            k.crosswalk
                .of(&occ)
                .iter()
                .filter(|c| c.scheme == scheme)
                .map(|c| c.code.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
    };
    out.push(Cell::Text(occ.clone()));
    out.push(Cell::Text(
        r.get(&occ).map(|o| o.title.clone()).unwrap_or_default(),
    ));
    out.push(Cell::Number(p.score().map(|s| round3(f64::from(s)))));
    out.push(Cell::Text(
        if p.confident { "élevée" } else { "faible" }.to_owned(),
    ));
    out.push(Cell::Text(p.status.label().to_owned()));
    out.push(Cell::Text(p.reviewer.clone().unwrap_or_default()));
    out.push(Cell::Text(p.reviewed_at.clone().unwrap_or_default()));
    out.push(Cell::Text(
        p.matches
            .iter()
            .filter(|c| c.occupation_id != occ)
            .map(|c| format!("{} ({})", c.occupation_id, french(round2(c.score))))
            .collect::<Vec<_>>()
            .join(", "),
    ));
    out.push(Cell::Text(crosswalk(Scheme::Rome)));
    out.push(Cell::Text(crosswalk(Scheme::Esco)));
    #[allow(clippy::cast_precision_loss)]
    out.push(Cell::Number(Some(p.id as f64)));
    out
}

/// Two decimals, as « Autres propositions » shows them.
fn round2(s: f32) -> f64 {
    (f64::from(s) * 100.0).round() / 100.0
}

/// CSV for spreadsheets in French: `;` separator, UTF-8 with BOM, decimal comma for every
/// number the product writes (the file's own values are written as they were read).
pub fn to_csv(positions: &[Position], r: &Referentiel) -> Result<Vec<u8>> {
    let layout = Layout::of(positions);
    let knowledge = Knowledge::shared().ok();
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let err = |e: csv::Error| StoreError::Export(e.to_string());
    w.write_record(layout.headers()).map_err(err)?;
    for p in positions {
        let cells = line(p, &layout, r, knowledge.as_deref());
        w.write_record(cells.into_iter().map(|c| match c {
            Cell::Text(t) => t,
            Cell::Number(v) => v.map(french).unwrap_or_default(),
        }))
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| StoreError::Export(e.to_string()))
}

/// Whether a kept value is a number as a spreadsheet's cell gives it (`12`, `0.5`, `-3.25`):
/// written back as a number, it reads back the same.
fn plain_number(v: &str) -> Option<f64> {
    let n: f64 = v.parse().ok()?;
    let canonical = if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        n.to_string()
    };
    (n.is_finite() && canonical == v).then_some(n)
}

/// An XLSX workbook with one sheet « Cartographie », headers in bold, filters and frozen header.
/// The file's values are written as text, except those a spreadsheet gave as plain numbers.
pub fn to_xlsx(positions: &[Position], r: &Referentiel) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let layout = Layout::of(positions);
    let knowledge = Knowledge::shared().ok();
    let err = |e: rust_xlsxwriter::XlsxError| StoreError::Export(e.to_string());
    let too_wide = || StoreError::Export("trop de colonnes pour un classeur".into());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Cartographie").map_err(err)?;
    let bold = Format::new().set_bold();
    let headers = layout.headers();
    for (c, h) in headers.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| too_wide())?;
        sheet
            .write_string_with_format(0, c, h, &bold)
            .map_err(err)?;
    }
    let original = layout.original.len();
    for (i, p) in positions.iter().enumerate() {
        let row = u32::try_from(i + 1)
            .map_err(|_| StoreError::Export("trop de lignes pour un classeur".into()))?;
        for (c, cell) in line(p, &layout, r, knowledge.as_deref())
            .into_iter()
            .enumerate()
        {
            let col = u16::try_from(c).map_err(|_| too_wide())?;
            match cell {
                Cell::Text(t) if t.is_empty() => {}
                Cell::Text(t) => match plain_number(&t).filter(|_| c < original) {
                    Some(n) => {
                        sheet.write_number(row, col, n).map_err(err)?;
                    }
                    None => {
                        sheet.write_string(row, col, t).map_err(err)?;
                    }
                },
                Cell::Number(Some(n)) => {
                    sheet.write_number(row, col, n).map_err(err)?;
                }
                Cell::Number(None) => {}
            }
        }
    }
    let last_row = u32::try_from(positions.len()).unwrap_or(u32::MAX);
    let last_col = u16::try_from(headers.len().saturating_sub(1)).map_err(|_| too_wide())?;
    sheet.autofilter(0, 0, last_row, last_col).map_err(err)?;
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    let product = u16::try_from(headers.len() - PRODUCT_HEADERS.len()).map_err(|_| too_wide())?;
    for (offset, width) in [(1u16, 40.0), (7, 40.0)] {
        sheet
            .set_column_width(product + offset, width)
            .map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_numbers_are_recognised_exactly() {
        assert_eq!(plain_number("12"), Some(12.0));
        assert_eq!(plain_number("0.5"), Some(0.5));
        assert_eq!(plain_number("0,5"), None, "a French decimal stays text");
        assert_eq!(plain_number("007"), None, "leading zeros stay text");
        assert_eq!(plain_number("1e3"), None);
        assert_eq!(plain_number("NaN"), None);
    }
}
