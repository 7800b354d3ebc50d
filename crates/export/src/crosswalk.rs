//! The whole crosswalk as one table, for developers of HR systems who load it at once: CSV
//! (one row per correspondence, then the ROME fiches of the IT family that no occupation
//! corresponds to) and JSON (the same rows, the method and the sources).

use metiers_knowledge::crosswalk::Method;
use metiers_knowledge::{Knowledge, SOURCES, Source};
use metiers_referentiel::Referentiel;
use serde::Serialize;

/// Column headers of the CSV table.
pub const COLUMNS: [&str; 10] = [
    "occupation_id",
    "occupation_title",
    "scheme",
    "code",
    "label",
    "relation",
    "relation_label",
    "note",
    "uri",
    "rank",
];

/// La table des correspondances avec ROME et ESCO, entière.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Table {
    /// Identifiant de l’édition du référentiel.
    pub edition: String,
    /// Les répertoires et la mention à faire de chacun.
    pub sources: Vec<Source>,
    /// Comment la table a été établie.
    pub method: Method,
    /// Une ligne par correspondance, puis les fiches ROME informatiques sans métier.
    pub correspondences: Vec<Row>,
}

/// Une ligne de la table des correspondances.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Row {
    /// Empty for a ROME fiche that no occupation corresponds to.
    pub occupation_id: String,
    pub occupation_title: String,
    pub scheme: &'static str,
    pub code: String,
    pub label: String,
    /// Empty for a ROME fiche that no occupation corresponds to.
    pub relation: &'static str,
    pub relation_label: &'static str,
    pub note: String,
    pub uri: String,
    pub rank: Option<u32>,
}

/// Every row of the table: each occupation's correspondences in the référentiel's order,
/// then the ROME fiches without occupation.
pub fn rows(k: &Knowledge, r: &Referentiel) -> Vec<Row> {
    let mut out = Vec::new();
    for o in &r.occupations {
        for c in k.crosswalk.of(o.id.as_str()) {
            out.push(Row {
                occupation_id: o.id.to_string(),
                occupation_title: o.title.clone(),
                scheme: match c.scheme {
                    metiers_knowledge::Scheme::Rome => "rome",
                    metiers_knowledge::Scheme::Esco => "esco",
                },
                code: c.code.clone(),
                label: c.label.clone(),
                relation: c.relation.name(),
                relation_label: c.relation.label(),
                note: c.note.clone(),
                uri: c.uri.clone(),
                rank: c.rank,
            });
        }
    }
    for u in &k.crosswalk.rome_without_occupation {
        out.push(Row {
            occupation_id: String::new(),
            occupation_title: String::new(),
            scheme: "rome",
            code: u.code.clone(),
            label: u.label.clone(),
            relation: "",
            relation_label: "aucun métier du référentiel",
            note: u.note.clone(),
            uri: metiers_knowledge::rome::uri(&u.code),
            rank: None,
        });
    }
    out
}

/// The table as CSV (RFC 4180; `excel`: `;` and a byte order mark for French spreadsheets).
pub fn to_csv(k: &Knowledge, r: &Referentiel, excel: bool) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(if excel { b';' } else { b',' })
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(COLUMNS);
    for row in rows(k, r) {
        let rank = row.rank.map(|n| n.to_string()).unwrap_or_default();
        let _ = w.write_record([
            row.occupation_id.as_str(),
            &row.occupation_title,
            row.scheme,
            &row.code,
            &row.label,
            row.relation,
            row.relation_label,
            &row.note,
            &row.uri,
            &rank,
        ]);
    }
    let body = w.into_inner().unwrap_or_default();
    let mut out = String::from(if excel { "\u{feff}" } else { "" });
    out.push_str(&String::from_utf8_lossy(&body));
    out
}

/// The table with its sources and method.
pub fn table(k: &Knowledge, r: &Referentiel) -> Table {
    Table {
        edition: r.edition.id.clone(),
        sources: SOURCES.to_vec(),
        method: k.crosswalk.method.clone(),
        correspondences: rows(k, r),
    }
}

/// The table as JSON: `{ "edition", "sources", "method", "correspondences" }`.
pub fn to_json(k: &Knowledge, r: &Referentiel) -> String {
    // Serialising plain data cannot fail.
    serde_json::to_string_pretty(&table(k, r)).unwrap_or_default() + "\n"
}
