//! The parser of a published edition's text.
//!
//! The text is what a browser gives when the published web page is copied: a preamble,
//! the header of a three-column table (`Intitulé et autres appellations`,
//! `Cursus/Formation`, `Principales activités`), then one fiche after another with no
//! explicit separator. The parser is a line-based state machine that never fails: it
//! returns the records it could build and a [`Diagnostic`] for every line it had to
//! interpret.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{
    Activity, ActivityGroup, Edition, Education, Occupation, OccupationId, Referentiel,
};
use crate::text::{fold, normalize_ws};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// The result of parsing an edition: the records and everything that was interpreted.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub referentiel: Referentiel,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Parses the text of an edition. `edition_id` and `title` name the edition.
pub fn parse_text(text: &str, edition_id: &str, title: &str) -> Parsed {
    let mut p = Parser::default();
    let lines: Vec<String> = text.lines().map(normalize_ws).collect();
    let start = p.preamble(&lines);
    for (idx, line) in lines.iter().enumerate().skip(start) {
        p.line(idx + 1, line);
    }
    p.finish_occupation();
    let sha = hex(&Sha256::digest(text.as_bytes()));
    let referentiel = Referentiel {
        edition: Edition {
            id: edition_id.to_owned(),
            title: title.to_owned(),
            preamble: p.preamble,
            source_sha256: Some(sha),
        },
        occupations: p.occupations,
    };
    let mut diagnostics = p.diagnostics;
    for mut d in crate::validate::validate(&referentiel) {
        let index = d
            .occupation
            .as_ref()
            .and_then(|id| referentiel.occupations.iter().position(|o| &o.id == id));
        d.line = index.and_then(|i| p.title_lines.get(i).copied());
        diagnostics.push(d);
    }
    diagnostics.sort_by_key(|d| d.line);
    Parsed {
        referentiel,
        diagnostics,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Labels of the table header that ends the preamble.
const TABLE_HEADER: [&str; 3] = [
    "intitule et autres appellations",
    "cursus/formation",
    "principales activites",
];

#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
enum State {
    /// Before the first fiche.
    #[default]
    Start,
    /// After a title, before the first heading or bullet: other titles, education, summary.
    Header { seen_education: bool },
    /// Headings and bullets.
    Body,
}

/// The kind of the previous non-blank line, for continuations.
#[derive(Debug, Default, PartialEq, Eq, Clone, Copy)]
enum Prev {
    #[default]
    Other,
    Bullet,
    Detail,
}

#[derive(Debug, Default)]
struct Draft {
    line: usize,
    title: String,
    alt_titles: Vec<String>,
    education: Option<Education>,
    summary: Vec<String>,
    groups: Vec<ActivityGroup>,
}

#[derive(Debug, Default)]
struct Parser {
    state: State,
    prev: Prev,
    prev_blank: bool,
    draft: Option<Draft>,
    occupations: Vec<Occupation>,
    ids: HashSet<String>,
    /// Line of each finished occupation's title, by index.
    title_lines: Vec<usize>,
    preamble: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

impl Parser {
    fn diag(&mut self, line: usize, severity: Severity, message: String) {
        self.diagnostics.push(Diagnostic {
            line: Some(line),
            occupation: None,
            severity,
            message,
        });
    }

    /// Collects the preamble and returns the index of the first line after the table header.
    fn preamble(&mut self, lines: &[String]) -> usize {
        let header_end = lines
            .iter()
            .position(|l| fold(l) == TABLE_HEADER[2])
            .map(|i| i + 1);
        match header_end {
            Some(end) => {
                self.preamble = lines[..end]
                    .iter()
                    .filter(|l| !l.is_empty() && !TABLE_HEADER.contains(&fold(l).as_str()))
                    .cloned()
                    .collect();
                end
            }
            None => {
                self.diag(
                    1,
                    Severity::Info,
                    "en-tête du tableau (« Principales activités ») absent : la première ligne est lue comme le titre d’une fiche"
                        .into(),
                );
                0
            }
        }
    }

    fn line(&mut self, n: usize, line: &str) {
        if line.is_empty() {
            self.prev_blank = true;
            return;
        }
        let blank_before = std::mem::take(&mut self.prev_blank);
        let prev = std::mem::take(&mut self.prev);

        if let Some(rest) = strip_marker(line, &['•', '●', '▪']) {
            self.bullet(n, rest);
            self.prev = Prev::Bullet;
            return;
        }
        if let Some(rest) = strip_marker(line, &['–', '—']) {
            self.detail(n, rest);
            self.prev = Prev::Detail;
            return;
        }
        if let Some((title, heading)) = split_glued_title(line) {
            self.diag(
                n,
                Severity::Info,
                format!("titre « {title} » collé à la rubrique « {heading} » : séparés"),
            );
            self.start_occupation(n, title);
            self.heading(n, heading);
            return;
        }
        if !blank_before && matches!(prev, Prev::Bullet | Prev::Detail) && starts_lowercase(line) {
            self.continuation(n, line, prev);
            self.prev = prev;
            return;
        }
        match self.state {
            State::Start => self.start_occupation(n, line),
            State::Header { seen_education } => self.header_line(n, line, seen_education),
            State::Body => self.body_line(n, line),
        }
    }

    fn header_line(&mut self, n: usize, line: &str, seen_education: bool) {
        if is_intro_sentence(line) {
            self.draft_mut().summary.push(line.to_owned());
            return;
        }
        if is_heading(line) {
            self.state = State::Body;
            self.heading(n, line);
            return;
        }
        if !seen_education && is_level_line(line) {
            let (min, max) = levels(line);
            self.draft_mut().education = Some(Education {
                text: line.to_owned(),
                min_level: min,
                max_level: max,
                notes: Vec::new(),
            });
            self.state = State::Header {
                seen_education: true,
            };
            if min.is_none() {
                self.diag(
                    n,
                    Severity::Warning,
                    format!("niveau d’études illisible dans « {line} »"),
                );
            }
            return;
        }
        if seen_education {
            let draft = self.draft_mut();
            let Some(edu) = draft.education.as_mut() else {
                return;
            };
            if mentions_bac(line) {
                let (min, max) = levels(line);
                edu.min_level = min_opt(edu.min_level, min);
                // An alternative level widens the range, unless the range is open-ended.
                if edu.max_level.is_some() {
                    edu.max_level = match max {
                        None => None,
                        Some(m) => Some(edu.max_level.map_or(m, |x| x.max(m))),
                    };
                }
            }
            edu.notes.push(line.to_owned());
            return;
        }
        let parts = split_alt_titles(line);
        if parts.len() > 1 {
            self.diag(
                n,
                Severity::Info,
                format!("{} autres appellations lues sur cette ligne", parts.len()),
            );
        }
        self.draft_mut().alt_titles.extend(parts);
    }

    fn body_line(&mut self, n: usize, line: &str) {
        if is_heading(line) {
            let open_group_without_items = self
                .draft
                .as_ref()
                .and_then(|d| d.groups.last())
                .is_some_and(|g| {
                    g.heading.is_some() && g.activities.is_empty() && g.subheading.is_none()
                });
            if open_group_without_items && line.ends_with(':') && !is_mostly_uppercase(line) {
                let sub = strip_colon(line);
                self.diag(
                    n,
                    Severity::Info,
                    format!("sous-rubrique « {sub} » à l’intérieur d’une rubrique"),
                );
                if let Some(g) = self.draft_mut().groups.last_mut() {
                    g.subheading = Some(sub);
                }
                return;
            }
            self.heading(n, line);
            return;
        }
        if is_intro_sentence(line) {
            let empty_group = self
                .draft
                .as_ref()
                .and_then(|d| d.groups.last())
                .is_some_and(|g| g.activities.is_empty() && g.subheading.is_none());
            if empty_group {
                self.diag(
                    n,
                    Severity::Info,
                    format!("phrase d’introduction lue comme sous-rubrique : « {line} »"),
                );
                if let Some(g) = self.draft_mut().groups.last_mut() {
                    g.subheading = Some(line.to_owned());
                }
                return;
            }
        }
        self.start_occupation(n, line);
    }

    fn heading(&mut self, n: usize, line: &str) {
        let heading = strip_colon(line);
        if !line.ends_with(':') {
            self.diag(
                n,
                Severity::Info,
                format!("rubrique sans deux-points : « {heading} »"),
            );
        }
        if !is_mostly_uppercase(&heading) {
            self.diag(
                n,
                Severity::Info,
                format!("rubrique en casse mixte : « {heading} »"),
            );
        }
        self.draft_mut().groups.push(ActivityGroup {
            heading: Some(heading.clone()),
            subheading: None,
            activities: Vec::new(),
        });
        self.state = State::Body;
    }

    fn bullet(&mut self, n: usize, text: &str) {
        if self.draft.is_none() {
            self.diag(
                n,
                Severity::Error,
                format!("puce avant toute fiche, ignorée : « {text} »"),
            );
            return;
        }
        if !matches!(self.state, State::Body) {
            self.diag(
                n,
                Severity::Info,
                "activités sans rubrique : regroupées sous une rubrique vide".into(),
            );
            self.state = State::Body;
        }
        let draft = self.draft_mut();
        if draft.groups.is_empty() {
            draft.groups.push(ActivityGroup {
                heading: None,
                subheading: None,
                activities: Vec::new(),
            });
        }
        if let Some(g) = draft.groups.last_mut() {
            g.activities.push(Activity {
                text: text.to_owned(),
                details: Vec::new(),
            });
        }
    }

    fn detail(&mut self, n: usize, text: &str) {
        let last = self
            .draft
            .as_mut()
            .and_then(|d| d.groups.last_mut())
            .and_then(|g| g.activities.last_mut());
        match last {
            Some(a) => a.details.push(text.to_owned()),
            None => {
                self.diag(
                    n,
                    Severity::Warning,
                    "sous-élément « – » sans activité qui le précède : lu comme une activité"
                        .into(),
                );
                self.bullet(n, text);
            }
        }
    }

    fn continuation(&mut self, n: usize, line: &str, prev: Prev) {
        let activity = self
            .draft
            .as_mut()
            .and_then(|d| d.groups.last_mut())
            .and_then(|g| g.activities.last_mut());
        if let Some(a) = activity {
            let target = match prev {
                Prev::Detail => a.details.last_mut().unwrap_or(&mut a.text),
                _ => &mut a.text,
            };
            target.push(' ');
            target.push_str(line);
            self.diag(
                n,
                Severity::Info,
                "ligne rattachée à la puce précédente (retour à la ligne dans une activité)".into(),
            );
        }
    }

    fn start_occupation(&mut self, n: usize, title: &str) {
        self.finish_occupation();
        self.draft = Some(Draft {
            line: n,
            title: title.to_owned(),
            ..Draft::default()
        });
        self.state = State::Header {
            seen_education: false,
        };
    }

    fn finish_occupation(&mut self) {
        let Some(d) = self.draft.take() else {
            return;
        };
        let base = OccupationId::from_title(&d.title)
            .map_or_else(|| "fiche".to_owned(), |id| id.as_str().to_owned());
        let mut id = base.clone();
        let mut k = 2;
        while self.ids.contains(&id) {
            id = format!("{base}-{k}");
            k += 1;
        }
        if id != base {
            self.diag(
                d.line,
                Severity::Error,
                format!("identifiant « {base} » déjà pris par une autre fiche : « {id} » attribué à « {} »", d.title),
            );
        }
        self.ids.insert(id.clone());
        self.title_lines.push(d.line);
        self.occupations.push(Occupation {
            id: OccupationId::from_slug(id),
            title: d.title,
            alt_titles: d.alt_titles,
            education: d.education,
            summary: d.summary,
            activity_groups: d.groups,
        });
    }

    fn draft_mut(&mut self) -> &mut Draft {
        self.draft.get_or_insert_with(Draft::default)
    }
}

/// `• text` → `text`.
fn strip_marker<'a>(line: &'a str, markers: &[char]) -> Option<&'a str> {
    let first = line.chars().next()?;
    markers
        .contains(&first)
        .then(|| line[first.len_utf8()..].trim_start())
}

fn starts_lowercase(line: &str) -> bool {
    line.chars().next().is_some_and(char::is_lowercase)
}

fn strip_colon(line: &str) -> String {
    line.trim_end_matches(':').trim_end().to_owned()
}

fn letters(s: &str) -> (usize, usize) {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .fold((0, 0), |(all, up), c| {
            (all + 1, up + usize::from(c.is_uppercase()))
        })
}

fn is_mostly_uppercase(s: &str) -> bool {
    let (all, up) = letters(s);
    all >= 2 && up * 10 >= all * 8
}

/// A heading: a line ending with a colon, or a line in capitals.
fn is_heading(line: &str) -> bool {
    let (all, _) = letters(line);
    if all < 2 {
        return false;
    }
    line.ends_with(':')
        || (all >= 4 && line.split_whitespace().count() >= 2 && is_mostly_uppercase(line))
}

/// `Analyste en détection d’intrusionsANALYSE DE RISQUES :` → the title and the heading.
fn split_glued_title(line: &str) -> Option<(&str, &str)> {
    if !line.ends_with(':') {
        return None;
    }
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for w in chars.windows(3) {
        let (_, a) = w[0];
        let (i, b) = w[1];
        let (_, c) = w[2];
        if a.is_lowercase() && b.is_uppercase() && c.is_uppercase() {
            let (title, heading) = line.split_at(i);
            if is_mostly_uppercase(heading) && letters(title).0 >= 3 {
                return Some((title.trim_end(), heading));
            }
        }
    }
    None
}

/// An introductory sentence: `L’intégrateur d’application intervient dans …`.
fn is_intro_sentence(line: &str) -> bool {
    let lower = line.to_lowercase();
    let article = ["le ", "la ", "les ", "l’", "l'"]
        .iter()
        .any(|a| lower.starts_with(a));
    article && line.split_whitespace().count() >= 6
}

/// Whether a word `bac` appears in the line.
fn mentions_bac(line: &str) -> bool {
    words(&fold(line)).any(|w| w == "bac")
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// A line that starts the education column: `Bac + 2`, `De Bac +3 à 5`, `BAC +5`.
fn is_level_line(line: &str) -> bool {
    let f = fold(line);
    let f = f.strip_prefix("de ").unwrap_or(&f);
    let f = f.strip_prefix("niveau ").unwrap_or(f);
    f.starts_with("bac") && !f[3..].starts_with(|c: char| c.is_ascii_alphabetic())
}

/// The range of Bac+N levels stated in a line: `Bac + 2 à 4` → (2, 4), `Bac + 2 minimum`
/// → (2, open), `niveau bac` → (0, 0).
fn levels(line: &str) -> (Option<u8>, Option<u8>) {
    let f = fold(line);
    let tokens: Vec<&str> = f
        .split(|c: char| c.is_whitespace() || c == '+')
        .filter(|t| !t.is_empty())
        .collect();
    let mut min: Option<u8> = None;
    let mut max: Option<u8> = None;
    let mut open = false;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].trim_matches(|c: char| !c.is_ascii_alphanumeric());
        if t == "bac" {
            let mut level = 0u8;
            let mut j = i + 1;
            if let Some(n) = tokens.get(j).and_then(|t| number(t)) {
                level = n;
                j += 1;
            }
            min = min_opt(min, Some(level));
            max = Some(max.map_or(level, |m| m.max(level)));
            // `à 4`, `ou 3`: the upper end of a range written after the first number.
            while let (Some(&conj), Some(n)) =
                (tokens.get(j), tokens.get(j + 1).and_then(|t| number(t)))
            {
                if conj == "a" || conj == "ou" {
                    max = Some(max.map_or(n, |m| m.max(n)));
                    j += 2;
                } else {
                    break;
                }
            }
            if tokens.get(j).is_some_and(|t| t.starts_with("minimum")) {
                open = true;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    (min, if open { None } else { max })
}

fn number(t: &str) -> Option<u8> {
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty() && digits.len() == t.trim_end_matches([',', '.', ';', ')']).len())
        .then(|| digits.parse().ok())
        .flatten()
        .filter(|n| *n <= 12)
}

fn min_opt(a: Option<u8>, b: Option<u8>) -> Option<u8> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// `Concepteur ; Développeur` or `Recetteur, Homologateur` → the titles.
fn split_alt_titles(line: &str) -> Vec<String> {
    let sep = if line.contains(';') { ';' } else { ',' };
    line.split(sep)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_of_every_published_form() {
        let cases: &[(&str, Option<u8>, Option<u8>)] = &[
            ("Bac + 2", Some(2), Some(2)),
            ("Bac + 2 à 4", Some(2), Some(4)),
            ("De Bac +3 à 5", Some(3), Some(5)),
            ("BAC +5", Some(5), Some(5)),
            ("Bac+5", Some(5), Some(5)),
            ("Bac + 2 ou 3", Some(2), Some(3)),
            ("Bac + 5 à 6", Some(5), Some(6)),
            ("Bac + 2 minimum", Some(2), None),
            ("Bac + 2 en informatique", Some(2), Some(2)),
            (
                "ou niveau bac pour poste à moindre responsabilité",
                Some(0),
                Some(0),
            ),
            ("ou Bac + 5 généraliste", Some(5), Some(5)),
            ("Bac", Some(0), Some(0)),
        ];
        for (line, min, max) in cases {
            assert_eq!(levels(line), (*min, *max), "{line}");
        }
    }

    #[test]
    fn level_lines_are_recognised() {
        for l in [
            "Bac + 2",
            "De Bac +3 à 5",
            "BAC +5",
            "Bac+5",
            "Bac + 2 minimum",
        ] {
            assert!(is_level_line(l), "{l}");
        }
        for l in ["Bachelor", "ou Bac + 5", "Formation ingénieur"] {
            assert!(!is_level_line(l), "{l}");
        }
    }

    #[test]
    fn headings() {
        assert!(is_heading("ANALYSE :"));
        assert!(is_heading("ASSISTANCE ET GESTION DES INCIDENTS"));
        assert!(is_heading("Analyser FORENSIQUE :"));
        assert!(is_heading(
            "GARANT DE LA MEILLEURE ADEQUATION “QUALITE COÛT DELAI”"
        ));
        assert!(!is_heading(
            "Responsable Sécurité des Systèmes d’Information – RSSI"
        ));
        assert!(!is_heading("Data Scientist"));
        assert!(!is_heading("SI"));
    }

    #[test]
    fn glued_titles_are_split() {
        assert_eq!(
            split_glued_title("Analyste en détection d’intrusionsANALYSE DE RISQUES :"),
            Some(("Analyste en détection d’intrusions", "ANALYSE DE RISQUES :"))
        );
        assert_eq!(
            split_glued_title(
                "Pilote en traitement d’incidents informatiquesTRAITEMENT D’INCIDENTS :"
            ),
            Some((
                "Pilote en traitement d’incidents informatiques",
                "TRAITEMENT D’INCIDENTS :"
            ))
        );
        assert_eq!(split_glued_title("Analyser FORENSIQUE :"), None);
        assert_eq!(split_glued_title("ANALYSE DE RISQUES :"), None);
    }

    #[test]
    fn intro_sentences() {
        assert!(is_intro_sentence(
            "L’intégrateur d’application intervient dans la mise en œuvre d’applications nouvelles ou existantes."
        ));
        assert!(is_intro_sentence(
            "Le testeur réalise les actions suivantes en coordination avec les chefs de projet MOA et MOE :"
        ));
        assert!(!is_intro_sentence(
            "Certains testeurs peuvent piloter une équipe."
        ));
        assert!(!is_intro_sentence("Les modèles fonctionnels"));
    }

    #[test]
    fn alt_titles_split_on_semicolons_or_commas() {
        assert_eq!(
            split_alt_titles("Recetteur, Homologateur"),
            ["Recetteur", "Homologateur"]
        );
        assert_eq!(
            split_alt_titles("Chief Data Officer ; Responsable des données"),
            ["Chief Data Officer", "Responsable des données"]
        );
    }
}
