//! The workspace as a spreadsheet: one line per position with its occupation and decision.

use crate::{Position, Result, StoreError};
use metiers_referentiel::Referentiel;

/// Column headers of the exports, in French.
pub const HEADERS: [&str; 13] = [
    "Identifiant",
    "Intitulé du poste",
    "Service",
    "Effectif",
    "Identifiant du métier",
    "Métier",
    "Score",
    "Confiance",
    "Statut",
    "Relecteur",
    "Date de relecture",
    "Autres propositions",
    "Numéro",
];

struct Line {
    number: i64,
    external_id: String,
    title: String,
    service: String,
    headcount: Option<f64>,
    occupation_id: String,
    occupation: String,
    score: Option<f64>,
    confidence: &'static str,
    status: &'static str,
    reviewer: String,
    reviewed_at: String,
    others: String,
}

fn line(p: &Position, r: &Referentiel) -> Line {
    let occ = p.occupation_id.clone().unwrap_or_default();
    Line {
        number: p.id,
        external_id: p.external_id.clone().unwrap_or_default(),
        title: p.title.clone(),
        service: p.service.clone().unwrap_or_default(),
        headcount: p.headcount,
        occupation: r.get(&occ).map(|o| o.title.clone()).unwrap_or_default(),
        score: p.score().map(|s| (f64::from(s) * 1000.0).round() / 1000.0),
        confidence: if p.confident { "élevée" } else { "faible" },
        status: p.status.label(),
        reviewer: p.reviewer.clone().unwrap_or_default(),
        reviewed_at: p.reviewed_at.clone().unwrap_or_default(),
        others: p
            .matches
            .iter()
            .filter(|c| c.occupation_id != occ)
            .map(|c| format!("{} ({:.2})", c.occupation_id, c.score))
            .collect::<Vec<_>>()
            .join(", "),
        occupation_id: occ,
    }
}

/// CSV for spreadsheets in French: `;` separator, UTF-8 with BOM, decimal comma.
pub fn to_csv(positions: &[Position], r: &Referentiel) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let err = |e: csv::Error| StoreError::Export(e.to_string());
    w.write_record(HEADERS).map_err(err)?;
    let num = |v: Option<f64>| {
        v.map(|v| v.to_string().replace('.', ","))
            .unwrap_or_default()
    };
    for p in positions {
        let l = line(p, r);
        w.write_record([
            l.external_id,
            l.title,
            l.service,
            num(l.headcount),
            l.occupation_id,
            l.occupation,
            num(l.score),
            l.confidence.to_owned(),
            l.status.to_owned(),
            l.reviewer,
            l.reviewed_at,
            l.others,
            l.number.to_string(),
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| StoreError::Export(e.to_string()))
}

/// An XLSX workbook with one sheet « Cartographie », headers in bold, filters and frozen header.
pub fn to_xlsx(positions: &[Position], r: &Referentiel) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| StoreError::Export(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Cartographie").map_err(err)?;
    let bold = Format::new().set_bold();
    for (c, h) in HEADERS.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(0);
        sheet
            .write_string_with_format(0, c, *h, &bold)
            .map_err(err)?;
    }
    for (i, p) in positions.iter().enumerate() {
        let row = u32::try_from(i + 1)
            .map_err(|_| StoreError::Export("trop de lignes pour un classeur".into()))?;
        let l = line(p, r);
        #[allow(clippy::cast_precision_loss)]
        sheet.write_number(row, 12, l.number as f64).map_err(err)?;
        let texts = [
            (0, l.external_id),
            (1, l.title),
            (2, l.service),
            (4, l.occupation_id),
            (5, l.occupation),
            (7, l.confidence.to_owned()),
            (8, l.status.to_owned()),
            (9, l.reviewer),
            (10, l.reviewed_at),
            (11, l.others),
        ];
        for (col, text) in texts {
            if !text.is_empty() {
                sheet.write_string(row, col, text).map_err(err)?;
            }
        }
        if let Some(h) = l.headcount {
            sheet.write_number(row, 3, h).map_err(err)?;
        }
        if let Some(s) = l.score {
            sheet.write_number(row, 6, s).map_err(err)?;
        }
    }
    let last = u32::try_from(positions.len()).unwrap_or(u32::MAX);
    sheet.autofilter(0, 0, last, 12).map_err(err)?;
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    for (col, width) in [(1, 40.0), (2, 20.0), (5, 40.0), (11, 40.0)] {
        sheet.set_column_width(col, width).map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}
