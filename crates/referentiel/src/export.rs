//! Exports of an edition: canonical JSON, CSV (RFC 4180) and Markdown.

use crate::LoadError;
use crate::model::{Education, Occupation, Referentiel};
use std::fmt::Write as _;

/// The canonical JSON form: `{ "edition": {…}, "occupations": [ … ] }`, pretty-printed.
pub fn to_json(r: &Referentiel) -> String {
    // Serialising plain data with string keys cannot fail.
    serde_json::to_string_pretty(r).unwrap_or_default() + "\n"
}

/// Reads the canonical JSON form back.
pub fn from_json(text: &str) -> Result<Referentiel, LoadError> {
    serde_json::from_str(text).map_err(|e| LoadError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// Options of the CSV export.
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// French spreadsheets: `;` separator and a UTF-8 byte order mark.
    pub excel_fr: bool,
    /// Columns added after the five of the référentiel, each with its value per occupation
    /// id (the crosswalk's codes, say); empty for an occupation it does not name.
    pub extra_columns: Vec<ExtraColumn>,
}

/// A column of the CSV export that is not the référentiel's own.
#[derive(Debug, Clone, Default)]
pub struct ExtraColumn {
    pub header: String,
    pub values: std::collections::HashMap<String, String>,
}

/// CSV with one row per activity or detail: `id,title,heading,activity,detail`, then the
/// extra columns. An activity with details gets one row per detail (and no row of its own).
pub fn to_csv(r: &Referentiel, opts: &CsvOptions) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(if opts.excel_fr { b';' } else { b',' })
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let extra = |id: &str| -> Vec<&str> {
        opts.extra_columns
            .iter()
            .map(|c| c.values.get(id).map_or("", String::as_str))
            .collect()
    };
    let mut header = vec!["id", "title", "heading", "activity", "detail"];
    header.extend(opts.extra_columns.iter().map(|c| c.header.as_str()));
    let mut rows: Vec<Vec<&str>> = vec![header];
    for o in &r.occupations {
        let more = extra(o.id.as_str());
        for g in &o.activity_groups {
            let heading = g.heading.as_deref().unwrap_or("");
            for a in &g.activities {
                let details: Vec<&str> = if a.details.is_empty() {
                    vec![""]
                } else {
                    a.details.iter().map(String::as_str).collect()
                };
                for d in details {
                    let mut row = vec![o.id.as_str(), o.title.as_str(), heading, &a.text, d];
                    row.extend(more.iter().copied());
                    rows.push(row);
                }
            }
        }
    }
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(row);
    }
    let body = w.into_inner().unwrap_or_default();
    let mut out = String::from(if opts.excel_fr { "\u{feff}" } else { "" });
    out.push_str(&String::from_utf8_lossy(&body));
    out
}

/// The whole edition as one Markdown document.
pub fn to_markdown(r: &Referentiel) -> String {
    let mut out = format!("# {}\n\n", r.edition.title);
    for p in &r.edition.preamble {
        let _ = writeln!(out, "{p}\n");
    }
    for o in &r.occupations {
        out.push_str(&occupation_markdown(o, 2));
        out.push('\n');
    }
    out
}

/// One fiche in Markdown; `level` is the heading level of its title.
pub fn occupation_markdown(o: &Occupation, level: usize) -> String {
    let h = "#".repeat(level.clamp(1, 5));
    let mut out = format!("{h} {}\n\n", o.title);
    let _ = writeln!(out, "- Identifiant : `{}`", o.id);
    if !o.alt_titles.is_empty() {
        let _ = writeln!(out, "- Autres appellations : {}", o.alt_titles.join(" ; "));
    }
    match &o.education {
        Some(e) => {
            let _ = writeln!(out, "- Cursus / formation : {}", education_line(e));
        }
        None => out.push_str("- Cursus / formation : non précisé\n"),
    }
    out.push('\n');
    for s in &o.summary {
        let _ = writeln!(out, "{s}\n");
    }
    for g in &o.activity_groups {
        if let Some(heading) = &g.heading {
            let _ = writeln!(out, "{h}# {heading}\n");
        }
        if let Some(sub) = &g.subheading {
            let _ = writeln!(out, "*{sub}*\n");
        }
        for a in &g.activities {
            let _ = writeln!(out, "- {}", a.text);
            for d in &a.details {
                let _ = writeln!(out, "  - {d}");
            }
        }
        out.push('\n');
    }
    out
}

/// One fiche as plain text, for a terminal.
pub fn occupation_text(o: &Occupation) -> String {
    let mut out = format!("{}\n{}\n", o.title, "=".repeat(o.title.chars().count()));
    let _ = writeln!(out, "Identifiant : {}", o.id);
    if !o.alt_titles.is_empty() {
        let _ = writeln!(out, "Autres appellations : {}", o.alt_titles.join(" ; "));
    }
    let _ = writeln!(
        out,
        "Cursus / formation : {}",
        o.education
            .as_ref()
            .map_or_else(|| "non précisé".to_owned(), education_line)
    );
    for s in &o.summary {
        let _ = writeln!(out, "\n{s}");
    }
    for g in &o.activity_groups {
        let _ = writeln!(
            out,
            "\n{}",
            g.heading.as_deref().unwrap_or("(sans rubrique)")
        );
        if let Some(sub) = &g.subheading {
            let _ = writeln!(out, "  {sub} :");
        }
        for a in &g.activities {
            let _ = writeln!(out, "  • {}", a.text);
            for d in &a.details {
                let _ = writeln!(out, "      – {d}");
            }
        }
    }
    out
}

/// `Bac + 3 — avec expérience — ou Bac + 5 — sans expérience`.
pub fn education_line(e: &Education) -> String {
    std::iter::once(e.text.as_str())
        .chain(e.notes.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" — ")
}

/// `Bac+2 à Bac+4`, `Bac+2 minimum`, `Bac+5`, or `non précisé`.
pub fn level_range(e: Option<&Education>) -> String {
    let label = |n: u8| {
        if n == 0 {
            "Bac".to_owned()
        } else {
            format!("Bac+{n}")
        }
    };
    match e.map(|e| (e.min_level, e.max_level)) {
        Some((Some(min), Some(max))) if min == max => label(min),
        Some((Some(min), Some(max))) => format!("{} à {}", label(min), label(max)),
        Some((Some(min), None)) => format!("{} minimum", label(min)),
        _ => "non précisé".to_owned(),
    }
}
