//! The edition as an XLSX workbook: a sheet « Métiers » (one row per occupation) and a
//! sheet « Activités » (one row per activity, its sub-items in one cell, one per line).

use crate::ExportError;
use metiers_referentiel::Referentiel;
use metiers_referentiel::export::education_line;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// Name of the sheet of occupations.
pub const OCCUPATIONS_SHEET: &str = "Métiers";
/// Name of the sheet of activities.
pub const ACTIVITIES_SHEET: &str = "Activités";

/// Column headers of the sheet of occupations.
pub const OCCUPATION_COLUMNS: [&str; 8] = [
    "Identifiant",
    "Intitulé",
    "Autres appellations",
    "Cursus / formation",
    "Niveau minimal (Bac+N)",
    "Niveau maximal (Bac+N)",
    "Présentation",
    "Nombre d’activités",
];

/// Column headers of the sheet of activities.
pub const ACTIVITY_COLUMNS: [&str; 6] = [
    "Identifiant",
    "Intitulé du métier",
    "N°",
    "Rubrique",
    "Activité",
    "Sous-éléments",
];

/// The workbook, as the bytes of an `.xlsx` file.
pub fn to_xlsx(r: &Referentiel) -> Result<Vec<u8>, ExportError> {
    build(r).map_err(|e| ExportError::Xlsx(e.to_string()))
}

fn header(ws: &mut Worksheet, columns: &[&str], widths: &[f64]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    for (col, (name, width)) in (0u16..).zip(columns.iter().zip(widths)) {
        ws.write_string_with_format(0, col, *name, &bold)?;
        ws.set_column_width(col, *width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn build(r: &Referentiel) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let wrap = Format::new().set_text_wrap();

    let ws = wb.add_worksheet();
    ws.set_name(OCCUPATIONS_SHEET)?;
    header(
        ws,
        &OCCUPATION_COLUMNS,
        &[36.0, 40.0, 50.0, 40.0, 12.0, 12.0, 60.0, 12.0],
    )?;
    for (row, o) in (1u32..).zip(&r.occupations) {
        ws.write_string(row, 0, o.id.as_str())?;
        ws.write_string(row, 1, &o.title)?;
        ws.write_string(row, 2, o.alt_titles.join(" ; "))?;
        if let Some(e) = &o.education {
            ws.write_string(row, 3, education_line(e))?;
            if let Some(n) = e.min_level {
                ws.write_number(row, 4, f64::from(n))?;
            }
            if let Some(n) = e.max_level {
                ws.write_number(row, 5, f64::from(n))?;
            }
        }
        ws.write_string(row, 6, o.summary.join(" "))?;
        ws.write_number(row, 7, o.activities().count() as f64)?;
    }
    let last = u32::try_from(r.occupations.len()).unwrap_or(u32::MAX);
    ws.autofilter(0, 0, last, 7)?;

    let ws = wb.add_worksheet();
    ws.set_name(ACTIVITIES_SHEET)?;
    header(ws, &ACTIVITY_COLUMNS, &[36.0, 36.0, 6.0, 36.0, 90.0, 60.0])?;
    let mut row = 1u32;
    for o in &r.occupations {
        let mut rank = 0u32;
        for g in &o.activity_groups {
            for a in &g.activities {
                rank += 1;
                ws.write_string(row, 0, o.id.as_str())?;
                ws.write_string(row, 1, &o.title)?;
                ws.write_number(row, 2, f64::from(rank))?;
                ws.write_string(row, 3, g.heading.as_deref().unwrap_or(""))?;
                ws.write_string_with_format(row, 4, &a.text, &wrap)?;
                ws.write_string_with_format(row, 5, a.details.join("\n"), &wrap)?;
                row += 1;
            }
        }
    }
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), 5)?;
    wb.save_to_buffer()
}
