//! Header names to fields, and rows to positions.

use super::table::{Table, shorten};
use super::{ColumnMapping, ImportReport, NewPosition, Problem, column_letter};
use crate::classify::HrHints;
use crate::export::PRODUCT_HEADERS;
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
    /// Catégorie statutaire (A, B, C; A+).
    Category,
    Corps,
    Grade,
    /// Emploi-type (RIME, RMFP or a ministry's own).
    JobType,
    /// Code of a RIME or RMFP emploi-type.
    RimeCode,
    /// Code of a ROME fiche, or OGR code of a ROME appellation.
    RomeCode,
    /// URI of an ESCO occupation (as EURES exports carry).
    EscoUri,
    /// Versant of the fonction publique (FPE, FPT, FPH).
    Versant,
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
            Field::Category => "catégorie statutaire",
            Field::Corps => "corps",
            Field::Grade => "grade",
            Field::JobType => "emploi-type",
            Field::RimeCode => "code RIME ou RMFP",
            Field::RomeCode => "code ROME",
            Field::EscoUri => "profession ESCO (URI)",
            Field::Versant => "versant de la fonction publique",
        }
    }

    /// Whether the field informs the classification (and is not only data).
    pub fn informs_classification(self) -> bool {
        matches!(
            self,
            Field::Title
                | Field::Missions
                | Field::Category
                | Field::Corps
                | Field::Grade
                | Field::RomeCode
                | Field::EscoUri
        )
    }

    /// What the field is used for, in French, for the report.
    pub fn use_label(self) -> &'static str {
        match self {
            Field::Title | Field::Missions => "lue pour le rapprochement",
            Field::ExternalId => "lue comme identifiant du poste",
            Field::Service | Field::Headcount => "lue pour le tableau de bord",
            Field::Category | Field::Corps | Field::Grade => {
                "lue pour comparer le niveau de recrutement au niveau d’études des métiers"
            }
            Field::RomeCode => "lue par la table de correspondances ROME",
            Field::EscoUri => "lue par la table de correspondances ESCO",
            Field::JobType | Field::RimeCode | Field::Versant => "reconnue, gardée comme donnée",
        }
    }
}

/// Longest kept cell, as in Excel (32 767 characters): longer ones are refused.
pub const MAX_CELL_CHARS: usize = 32_767;

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
    // The usual headers of French HR extracts, before the generic ones (« Code ROME » is
    // not an identifier of the position).
    if has("esco") {
        return Ok(Some(Field::EscoUri));
    }
    if has("rome") || has("ogr") {
        return Ok(Some(Field::RomeCode));
    }
    if has("rime") || has("rmfp") {
        return Ok(Some(Field::RimeCode));
    }
    if (has("emploi") || has("emplois")) && (has("type") || has("types")) || has("emploitype") {
        return Ok(Some(Field::JobType));
    }
    if has("categorie") || has("cat") || has("categ") {
        return Ok(Some(Field::Category));
    }
    if has("corps") {
        return Ok(Some(Field::Corps));
    }
    if has("grade") {
        return Ok(Some(Field::Grade));
    }
    if has("versant") {
        return Ok(Some(Field::Versant));
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
    let data_rows = &table.rows[header_index + 1..];
    let mut fields: HashMap<Field, usize> = HashMap::new();
    let mut last_named = None;
    // Kept columns: index in the row and the name they keep (unique within the file).
    let mut kept: Vec<(usize, String)> = Vec::new();
    let raw_header = header.raw_cells();
    // A file that is an export of the cartographie: its product columns are computed again,
    // not kept (an export imported again then exports the same columns).
    let is_export = [0, 1, PRODUCT_HEADERS.len() - 1]
        .iter()
        .all(|&i| raw_header.iter().any(|h| h.trim() == PRODUCT_HEADERS[i]));
    for (col, raw) in header.cells.iter().enumerate() {
        let text = metiers_referentiel::text::normalize_ws(raw);
        let letter = column_letter(col);
        let file_header = raw_header.get(col).map_or("", |h| h.trim());
        let has_data = data_rows
            .iter()
            .any(|r| r.raw_cells().get(col).is_some_and(|c| !c.trim().is_empty()));
        if file_header.is_empty() && !has_data {
            // Nothing to keep (the other half of a merged header cell, an empty column).
            continue;
        }
        let product = is_export && PRODUCT_HEADERS.contains(&file_header);
        let (field, mut note) = match classify_header(&text) {
            _ if product => (
                None,
                Some(
                    "colonne ajoutée par l’export de la cartographie : recalculée, non gardée"
                        .to_owned(),
                ),
            ),
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
            Ok(None) if text.is_empty() => (None, None),
            Ok(None) => (None, Some("en-tête non reconnu".to_owned())),
            Err(note) => (None, Some(note.to_owned())),
        };
        let not_kept = product || classify_header(&text).is_err();
        let name = if not_kept {
            None
        } else {
            let name = unique_name(file_header, &letter, &kept, header.line, report, last_named);
            kept.push((col, name.clone()));
            Some(name)
        };
        if text.is_empty() && note.is_none() {
            note = Some("sans en-tête".to_owned());
        }
        if !text.is_empty() {
            last_named = Some(col);
        }
        report.columns.push(ColumnMapping {
            column: letter,
            header: text,
            name,
            field,
            note,
        });
    }
    let width = header
        .cells
        .iter()
        .rposition(|c| !c.trim().is_empty())
        .map_or(0, |i| i + 1)
        .max(kept.last().map_or(0, |(c, _)| c + 1));
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
    for row in data_rows {
        report.records += 1;
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
        let raw = row.raw_cells();
        let cells: Vec<String> = kept
            .iter()
            .map(|(c, _)| raw.get(*c).cloned().unwrap_or_default())
            .collect();
        if let Some(((c, name), cell)) = kept
            .iter()
            .zip(&cells)
            .find(|(_, cell)| cell.chars().count() > MAX_CELL_CHARS)
        {
            report.problems.push(Problem::at(
                row.line,
                Some(format!("{} « {name} »", column_letter(*c))),
                format!(
                    "cellule de {} caractères, plus que les {MAX_CELL_CHARS} qu’accepte un tableur : raccourcissez-la ou répartissez son contenu sur plusieurs colonnes",
                    cell.chars().count()
                ),
            ));
            continue;
        }
        report.multiline_cells += cells.iter().filter(|c| c.contains(['\n', '\r'])).count();
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
        // Missions keep their line breaks (only their outer blanks go).
        let missions = fields
            .get(&Field::Missions)
            .and_then(|&c| row.cells.get(c))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        positions.push(NewPosition {
            key: String::new(),
            external_id,
            title,
            missions,
            service: get(Field::Service),
            headcount,
            line: row.line,
            cells,
        });
    }
    report.kept = kept.into_iter().map(|(_, name)| name).collect();
    positions
}

/// The name a kept column keeps: its header as written, « Colonne C » without one, « Site (2) »
/// for the second « Site ». Headers that differ only by case or accents stay apart, with a
/// warning.
fn unique_name(
    file_header: &str,
    letter: &str,
    kept: &[(usize, String)],
    line: usize,
    report: &mut ImportReport,
    last_named: Option<usize>,
) -> String {
    let taken = |n: &str| kept.iter().any(|(_, k)| k == n);
    let mut name = if file_header.is_empty() {
        let merged = last_named.map_or_else(String::new, |prev| {
            format!(
                " (cellule d’en-tête fusionnée avec la colonne {} ?)",
                column_letter(prev)
            )
        });
        report.warnings.push(Problem {
            line: Some(line),
            column: Some(letter.to_owned()),
            message: format!(
                "colonne sans en-tête, qui contient des valeurs{merged} : gardée sous le nom « Colonne {letter} »"
            ),
        });
        format!("Colonne {letter}")
    } else {
        file_header.to_owned()
    };
    if taken(&name) {
        let base = name.clone();
        let mut n = 2;
        while taken(&format!("{base} ({n})")) {
            n += 1;
        }
        name = format!("{base} ({n})");
        report.warnings.push(Problem {
            line: Some(line),
            column: Some(letter.to_owned()),
            message: format!(
                "en-tête « {base} » répété : la colonne est gardée à part sous le nom « {name} » (rien n’est fusionné)"
            ),
        });
    } else {
        let folded = metiers_referentiel::text::fold(&name);
        if let Some((c, other)) = kept
            .iter()
            .find(|(_, k)| metiers_referentiel::text::fold(k) == folded)
        {
            report.warnings.push(Problem {
                line: Some(line),
                column: Some(letter.to_owned()),
                message: format!(
                    "en-tête « {name} » proche de « {other} » (colonne {}), à la casse ou aux accents près : les deux colonnes sont gardées à part",
                    column_letter(*c)
                ),
            });
        }
    }
    name
}

/// What the kept columns of a position say that informs its classification: its catégorie
/// (read from a « Catégorie » column, else from its grade or corps) and its ROME code. The
/// first column of each kind counts; `headers` are the kept names, `cells` their values.
pub fn hr_hints(headers: &[String], cells: &[String]) -> HrHints {
    let mut hints = HrHints::default();
    let mut from_rank: Option<(Field, char, String)> = None;
    let mut seen: Vec<Field> = Vec::new();
    for (h, v) in headers.iter().zip(cells) {
        let Ok(Some(field)) = classify_header(&metiers_referentiel::text::normalize_ws(h)) else {
            continue;
        };
        if seen.contains(&field) {
            continue;
        }
        seen.push(field);
        let value = metiers_referentiel::text::normalize_ws(v);
        if value.is_empty() {
            continue;
        }
        match field {
            Field::Category => {
                if let Some(c) = category_letter(&value) {
                    hints.category = Some(c);
                    hints.category_source = Some(format!("catégorie « {} »", shorten(&value, 40)));
                }
            }
            Field::Grade | Field::Corps => {
                if let Some(c) = rank_category(&value)
                    && (from_rank.is_none() || field == Field::Grade)
                {
                    let what = if field == Field::Grade {
                        "grade"
                    } else {
                        "corps"
                    };
                    from_rank = Some((field, c, format!("{what} « {} »", shorten(&value, 60))));
                }
            }
            Field::RomeCode => hints.rome = Some(value),
            Field::EscoUri => hints.esco = Some(value),
            _ => {}
        }
    }
    if hints.category.is_none()
        && let Some((_, c, source)) = from_rank
    {
        hints.category = Some(c);
        hints.category_source = Some(source);
    }
    hints
}

/// `A`, `A+`, `B`, `C`, `Cat. B`, `catégorie C`: the letter.
fn category_letter(value: &str) -> Option<char> {
    let folded = metiers_referentiel::text::fold(value);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(*w, "cat" | "categorie" | "categ"))
        .collect();
    match words.as_slice() {
        [w] if matches!(*w, "a" | "b" | "c") => w.chars().next().map(|c| c.to_ascii_uppercase()),
        _ => None,
    }
}

/// The catégorie of the usual grades and corps of the State and territorial civil services.
fn rank_category(value: &str) -> Option<char> {
    let folded = format!(
        " {} ",
        metiers_referentiel::text::slug(value).replace('-', " ")
    );
    let has = |w: &str| folded.contains(&format!(" {w} "));
    if has("adjoint administratif")
        || has("adjoint technique")
        || has("adjoints administratifs")
        || has("adjoints techniques")
        || has("agent technique")
        || has("agent administratif")
        || has("agent de maitrise")
        || has("operateur")
    {
        return Some('C');
    }
    if has("secretaire administratif")
        || has("secretaires administratifs")
        || has("technicien")
        || has("techniciens")
        || has("controleur")
        || has("controleurs")
        || has("redacteur")
        || has("redacteurs")
        || has("programmeur")
        || has("programmeurs")
    {
        return Some('B');
    }
    if has("attache")
        || has("attaches")
        || has("ingenieur")
        || has("ingenieurs")
        || has("administrateur")
        || has("administrateurs")
        || has("inspecteur")
        || has("inspecteurs")
        || has("conservateur")
        || has("analyste")
        || has("analystes")
        || has("directeur")
        || has("commissaire")
    {
        return Some('A');
    }
    None
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
