//! Header names to fields, and rows to positions.

use super::table::{Table, shorten};
use super::{ColumnMapping, ImportReport, NewPosition, Problem, column_letter};
use serde::Serialize;
use std::collections::HashMap;

/// What a column of the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    ExternalId,
    Title,
    Missions,
    Service,
    Headcount,
}

impl Field {
    /// French name of the field, as shown in reports.
    pub fn label(self) -> &'static str {
        match self {
            Field::ExternalId => "identifiant du poste",
            Field::Title => "intitulé du poste",
            Field::Missions => "missions",
            Field::Service => "service",
            Field::Headcount => "effectif (agents ou ETP)",
        }
    }
}

/// Longest accepted title: longer ones usually mean shifted columns.
const MAX_TITLE_CHARS: usize = 300;
/// Header rows are looked for among the first non-empty rows.
const HEADER_SEARCH_ROWS: usize = 15;

/// What a header names, if anything; `Err(note)` for columns deliberately ignored.
fn classify_header(header: &str) -> Result<Option<Field>, &'static str> {
    let header = header.replace(['°', 'º'], " numero ");
    let folded = metiers_referentiel::text::fold(&header);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    let starts = |p: &str| words.iter().any(|w| w.starts_with(p));
    if words.is_empty() {
        return Ok(None);
    }
    if has("nom") || has("prenom") || has("prenoms") || starts("titulaire") {
        return Err("données personnelles : non importées");
    }
    if has("identifiant")
        || has("id")
        || has("matricule")
        || has("code")
        || has("ref")
        || has("reference")
        || has("numero")
        || has("num")
        || has("no")
        || has("n")
        || has("cle")
    {
        return Ok(Some(Field::ExternalId));
    }
    if has("effectif")
        || has("effectifs")
        || has("etp")
        || has("etpt")
        || has("nombre")
        || has("nb")
        || has("quotite")
        || has("agents")
        || has("agent")
    {
        return Ok(Some(Field::Headcount));
    }
    if starts("mission")
        || starts("activite")
        || has("description")
        || has("descriptif")
        || starts("tache")
        || has("contenu")
    {
        return Ok(Some(Field::Missions));
    }
    if has("service")
        || has("direction")
        || has("bureau")
        || has("unite")
        || has("structure")
        || has("entite")
        || has("departement")
        || has("affectation")
        || has("pole")
        || has("sous")
    {
        return Ok(Some(Field::Service));
    }
    if has("intitule")
        || has("libelle")
        || has("poste")
        || has("emploi")
        || has("titre")
        || has("fonction")
        || has("appellation")
        || has("postes")
    {
        return Ok(Some(Field::Title));
    }
    Ok(None)
}

/// Finds the header row, maps its columns and reads every row after it.
pub(crate) fn read_positions(table: &Table, report: &mut ImportReport) -> Vec<NewPosition> {
    let non_empty: Vec<usize> = (0..table.rows.len())
        .filter(|&i| !table.rows[i].is_blank())
        .collect();
    // The header row is the one that names the most known fields, a title among them (a
    // title line above the table names one at most).
    let recognised = |i: usize| {
        let mut seen: Vec<Field> = table.rows[i]
            .cells
            .iter()
            .filter_map(|c| classify_header(c).ok().flatten())
            .collect();
        seen.sort_by_key(|f| *f as u8);
        seen.dedup();
        (seen.contains(&Field::Title), seen.len())
    };
    let mut header_index = None;
    let mut best = 0;
    for i in non_empty.iter().take(HEADER_SEARCH_ROWS).copied() {
        let (has_title, n) = recognised(i);
        if has_title && n > best {
            best = n;
            header_index = Some(i);
        }
    }
    let Some(header_index) = header_index else {
        let first = non_empty.first().map(|&i| &table.rows[i]);
        let seen = first.map_or_else(String::new, |r| {
            r.cells
                .iter()
                .filter(|c| !c.trim().is_empty())
                .map(|c| format!("« {} »", shorten(c.trim(), 40)))
                .collect::<Vec<_>>()
                .join(", ")
        });
        report.problems.push(Problem {
            line: first.map(|r| r.line),
            column: None,
            message: format!(
                "aucune colonne d’intitulé de poste trouvée (en-têtes lus : {seen}) : ajoutez en première ligne un en-tête « Intitulé du poste » au-dessus des intitulés (autres en-têtes reconnus : Identifiant, Missions, Service, Effectif ou ETP)"
            ),
        });
        return Vec::new();
    };
    let header = &table.rows[header_index];
    report.header_line = Some(header.line);
    for i in non_empty.iter().copied().filter(|&i| i < header_index) {
        report.warnings.push(Problem::at(
            table.rows[i].line,
            None,
            "ligne au-dessus des en-têtes ignorée (titre du tableau ?)",
        ));
    }
    let mut fields: HashMap<Field, usize> = HashMap::new();
    let mut last_named = None;
    for (col, raw) in header.cells.iter().enumerate() {
        let text = metiers_referentiel::text::normalize_ws(raw);
        let letter = column_letter(col);
        let (field, note) = match classify_header(&text) {
            Ok(Some(f)) => match fields.get(&f) {
                Some(&first) => (
                    None,
                    Some(format!(
                        "« {} » déjà lu en colonne {}",
                        f.label(),
                        column_letter(first)
                    )),
                ),
                None => {
                    fields.insert(f, col);
                    (Some(f), None)
                }
            },
            Ok(None) if text.is_empty() => {
                let has_data = table
                    .rows
                    .iter()
                    .skip(header_index + 1)
                    .any(|r| r.cells.get(col).is_some_and(|c| !c.trim().is_empty()));
                if !has_data {
                    continue;
                }
                let note = match last_named {
                    Some(prev) => format!(
                        "sans en-tête, contient des valeurs : cellule d’en-tête fusionnée avec la colonne {} ? Donnez-lui un en-tête pour l’importer",
                        column_letter(prev)
                    ),
                    None => {
                        "sans en-tête, contient des valeurs : donnez-lui un en-tête pour l’importer"
                            .to_owned()
                    }
                };
                report.warnings.push(Problem {
                    line: Some(header.line),
                    column: Some(letter.clone()),
                    message: format!("colonne {note}"),
                });
                (None, Some(note))
            }
            Ok(None) => (None, Some("en-tête non reconnu".to_owned())),
            Err(note) => (None, Some(note.to_owned())),
        };
        if !text.is_empty() {
            last_named = Some(col);
        }
        report.columns.push(ColumnMapping {
            column: letter,
            header: text,
            field,
            note,
        });
    }
    let width = header
        .cells
        .iter()
        .rposition(|c| !c.trim().is_empty())
        .map_or(0, |i| i + 1);
    let title_col = fields.get(&Field::Title).copied().unwrap_or(0);
    let col_name = |f: Field| {
        fields.get(&f).map(|&c| {
            format!(
                "{} « {} »",
                column_letter(c),
                metiers_referentiel::text::normalize_ws(&header.cells[c])
            )
        })
    };
    let mut positions = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for row in &table.rows[header_index + 1..] {
        if row.is_blank() {
            report.empty_lines += 1;
            continue;
        }
        let get = |f: Field| {
            fields
                .get(&f)
                .and_then(|&c| row.cells.get(c))
                .map(|s| metiers_referentiel::text::normalize_ws(s))
                .filter(|s| !s.is_empty())
        };
        let extra: Vec<usize> = (width..row.cells.len())
            .filter(|&c| !row.cells[c].trim().is_empty())
            .collect();
        if let Some(&first) = extra.first() {
            report.problems.push(Problem::at(
                row.line,
                Some(column_letter(first)),
                format!(
                    "{} valeur(s) au-delà des {width} colonnes d’en-tête (« {} ») : une valeur contient sans doute le séparateur sans être entre guillemets, ce qui décale les colonnes ; entourez-la de guillemets ou retirez le séparateur",
                    extra.len(),
                    shorten(row.cells[first].trim(), 40)
                ),
            ));
            continue;
        }
        let Some(title) = get(Field::Title) else {
            report.problems.push(Problem::at(
                row.line,
                col_name(Field::Title),
                "intitulé du poste manquant : renseignez-le, ou supprimez la ligne si elle ne correspond à aucun poste",
            ));
            continue;
        };
        if title.chars().count() > MAX_TITLE_CHARS {
            report.problems.push(Problem::at(
                row.line,
                Some(column_letter(title_col)),
                format!(
                    "intitulé de plus de {MAX_TITLE_CHARS} caractères (« {} ») : vérifiez que les colonnes ne sont pas décalées et mettez le descriptif dans une colonne « Missions »",
                    shorten(&title, 40)
                ),
            ));
            continue;
        }
        let headcount = match get(Field::Headcount) {
            None => None,
            Some(raw) => match parse_headcount(&raw) {
                Some(v) => Some(v),
                None => {
                    report.problems.push(Problem::at(
                        row.line,
                        col_name(Field::Headcount),
                        format!("effectif « {} » illisible : indiquez un nombre positif (ex. 1, 2 ou 0,5), ou laissez la cellule vide", shorten(&raw, 30)),
                    ));
                    continue;
                }
            },
        };
        let external_id = get(Field::ExternalId);
        if let Some(id) = &external_id
            && let Some(first) = ids.insert(id.clone(), row.line)
        {
            report.problems.push(Problem::at(
                row.line,
                col_name(Field::ExternalId),
                format!(
                    "identifiant « {} » déjà utilisé ligne {first} : chaque poste doit avoir un identifiant unique",
                    shorten(id, 40)
                ),
            ));
            continue;
        }
        if positions.len() >= super::MAX_ROWS {
            report.problems.push(Problem::file(format!(
                "plus de {} postes : découpez le fichier en plusieurs imports",
                super::MAX_ROWS
            )));
            break;
        }
        positions.push(NewPosition {
            key: String::new(),
            external_id,
            title,
            missions: get(Field::Missions),
            service: get(Field::Service),
            headcount,
            line: row.line,
        });
    }
    positions
}

/// `2`, `0,5`, `1.5`, `1 ETP`; `None` for anything else, negative or absurd.
fn parse_headcount(raw: &str) -> Option<f64> {
    let cleaned: String = raw
        .trim()
        .trim_end_matches(|c: char| c.is_alphabetic() || c.is_whitespace())
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let v: f64 = cleaned.parse().ok()?;
    (v.is_finite() && (0.0..=1_000_000.0).contains(&v)).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(header: &str, expected: Option<Field>) {
        assert_eq!(classify_header(header).ok().flatten(), expected, "{header}");
    }

    #[test]
    fn french_headers_map_whatever_their_case_and_accents() {
        check("Intitulé du poste", Some(Field::Title));
        check("INTITULE DU POSTE", Some(Field::Title));
        check("Libellé", Some(Field::Title));
        check("Libellé emploi", Some(Field::Title));
        check("Missions principales", Some(Field::Missions));
        check("Activités", Some(Field::Missions));
        check("Service", Some(Field::Service));
        check("Direction / Sous-direction", Some(Field::Service));
        check("Effectif", Some(Field::Headcount));
        check("ETP", Some(Field::Headcount));
        check("Nombre d’agents", Some(Field::Headcount));
        check("Nombre de postes", Some(Field::Headcount));
        check("Identifiant", Some(Field::ExternalId));
        check("Matricule", Some(Field::ExternalId));
        check("Code poste", Some(Field::ExternalId));
        check("N° de poste", Some(Field::ExternalId));
        check("Commentaire", None);
        assert!(classify_header("Nom de l’agent").is_err());
    }

    #[test]
    fn headcounts_accept_french_decimals() {
        assert_eq!(parse_headcount("0,5"), Some(0.5));
        assert_eq!(parse_headcount(" 2 "), Some(2.0));
        assert_eq!(parse_headcount("1 ETP"), Some(1.0));
        assert_eq!(parse_headcount("1 000"), Some(1000.0));
        assert_eq!(parse_headcount("-1"), None);
        assert_eq!(parse_headcount("deux"), None);
        assert_eq!(parse_headcount("NaN"), None);
    }
}
