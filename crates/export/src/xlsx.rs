//! The edition as an XLSX workbook: a sheet « Métiers » (one row per occupation, with its
//! ROME codes and ESCO occupations), a sheet « Activités » (one row per activity, its
//! sub-items in one cell, one per line) and, with the crosswalk, a sheet « Correspondances »
//! (the whole table) and a sheet « Sources » (how to cite ROME and ESCO).

use crate::ExportError;
use metiers_knowledge::{Knowledge, SOURCES, Scheme};
use metiers_referentiel::Referentiel;
use metiers_referentiel::export::education_line;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// Name of the sheet of occupations.
pub const OCCUPATIONS_SHEET: &str = "Métiers";
/// Name of the sheet of activities.
pub const ACTIVITIES_SHEET: &str = "Activités";
/// Name of the sheet of the crosswalk.
pub const CROSSWALK_SHEET: &str = "Correspondances";
/// Name of the sheet of the sources.
pub const SOURCES_SHEET: &str = "Sources";

/// Column headers of the sheet of occupations.
pub const OCCUPATION_COLUMNS: [&str; 10] = [
    "Identifiant",
    "Intitulé",
    "Autres appellations",
    "Cursus / formation",
    "Niveau minimal (Bac+N)",
    "Niveau maximal (Bac+N)",
    "Présentation",
    "Nombre d’activités",
    "Codes ROME",
    "Professions ESCO",
];

/// Column headers of the sheet of the crosswalk.
pub const CROSSWALK_COLUMNS: [&str; 9] = [
    "Identifiant",
    "Intitulé du métier",
    "Répertoire",
    "Code ou URI",
    "Libellé",
    "Relation (SKOS)",
    "Relation",
    "Raison",
    "Rang proposé",
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

/// The workbook, as the bytes of an `.xlsx` file (with the crosswalk's columns and sheets
/// when `knowledge` is given).
pub fn to_xlsx(r: &Referentiel, knowledge: Option<&Knowledge>) -> Result<Vec<u8>, ExportError> {
    build(r, knowledge).map_err(|e| ExportError::Xlsx(e.to_string()))
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

fn build(r: &Referentiel, knowledge: Option<&Knowledge>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let wrap = Format::new().set_text_wrap();

    let ws = wb.add_worksheet();
    ws.set_name(OCCUPATIONS_SHEET)?;
    header(
        ws,
        &OCCUPATION_COLUMNS,
        &[36.0, 40.0, 50.0, 40.0, 12.0, 12.0, 60.0, 12.0, 24.0, 60.0],
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
        if let Some(k) = knowledge {
            let list = k.crosswalk.of(o.id.as_str());
            let of =
                |scheme: Scheme, show: &dyn Fn(&metiers_knowledge::Correspondence) -> String| {
                    list.iter()
                        .filter(|c| c.scheme == scheme)
                        .map(show)
                        .collect::<Vec<_>>()
                        .join("\n")
                };
            ws.write_string_with_format(row, 8, of(Scheme::Rome, &|c| c.code.clone()), &wrap)?;
            ws.write_string_with_format(
                row,
                9,
                of(Scheme::Esco, &|c| format!("{} ({})", c.label, c.code)),
                &wrap,
            )?;
        }
    }
    let last = u32::try_from(r.occupations.len()).unwrap_or(u32::MAX);
    ws.autofilter(0, 0, last, 9)?;

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

    if let Some(k) = knowledge {
        let ws = wb.add_worksheet();
        ws.set_name(CROSSWALK_SHEET)?;
        header(
            ws,
            &CROSSWALK_COLUMNS,
            &[36.0, 36.0, 10.0, 40.0, 50.0, 14.0, 24.0, 90.0, 10.0],
        )?;
        let rows = crate::crosswalk::rows(k, r);
        for (row, c) in (1u32..).zip(&rows) {
            ws.write_string(row, 0, &c.occupation_id)?;
            ws.write_string(row, 1, &c.occupation_title)?;
            ws.write_string(row, 2, if c.scheme == "rome" { "ROME" } else { "ESCO" })?;
            ws.write_string(row, 3, &c.code)?;
            ws.write_string(row, 4, &c.label)?;
            ws.write_string(row, 5, c.relation)?;
            ws.write_string(row, 6, c.relation_label)?;
            ws.write_string_with_format(row, 7, &c.note, &wrap)?;
            if let Some(n) = c.rank {
                ws.write_number(row, 8, f64::from(n))?;
            }
        }
        let last = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        ws.autofilter(0, 0, last.max(1), 8)?;

        let ws = wb.add_worksheet();
        ws.set_name(SOURCES_SHEET)?;
        header(
            ws,
            &["Répertoire", "Mention", "Version", "Licence"],
            &[12.0, 50.0, 30.0, 60.0],
        )?;
        for (row, s) in (1u32..).zip(SOURCES.iter()) {
            ws.write_string(row, 0, s.scheme.to_uppercase())?;
            ws.write_string(row, 1, s.attribution)?;
            ws.write_string(row, 2, s.version)?;
            ws.write_string(row, 3, s.licence)?;
        }
    }
    wb.save_to_buffer()
}
