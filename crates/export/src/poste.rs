//! Draft job descriptions (fiches de poste) from a fiche métier.
//!
//! A manager picks an occupation and ticks the activities of the position
//! ([`Selection`]); [`JobDescription::new`] keeps the référentiel's wording, its headings
//! and the education it expects, and leaves marked places (`[À COMPLÉTER : service]`) for
//! what only the organisation knows: the position's title, service, location, grade,
//! contact. [`JobDescription::to_markdown`] and [`JobDescription::to_html`] (a standalone
//! printable page) write it.

use crate::ExportError;
use metiers_referentiel::export::{education_line, level_range};
use metiers_referentiel::{Edition, Occupation};
use std::fmt::Write as _;

/// The places of a job description that the organisation fills in, in order.
pub const PLACES: [&str; 7] = [
    "intitulé du poste",
    "service",
    "localisation",
    "grade",
    "contact",
    "date de prise de poste",
    "spécificités du poste",
];

/// A marked place: `[À COMPLÉTER : service]`.
pub fn placeholder(what: &str) -> String {
    format!("[À COMPLÉTER : {what}]")
}

/// Which activities of the fiche the position includes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    All,
    /// Numbers (1-based) of the activities in the order of the fiche, as
    /// [`numbered_activities`] lists them.
    Numbers(Vec<usize>),
}

impl Selection {
    /// Parses `all` / `toutes`, or numbers separated by commas, with ranges (`1,3,5-7`).
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if ["all", "toutes", "tout"].contains(&s.to_lowercase().as_str()) {
            return Ok(Self::All);
        }
        let mut out = Vec::new();
        for part in s.split([',', ';', ' ']).filter(|p| !p.is_empty()) {
            let num = |t: &str| {
                t.trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("« {t} » n’est pas un numéro d’activité (1, 2, 3…)"))
            };
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (num(a)?, num(b)?);
                    if b < a || b - a > 1000 {
                        return Err(format!("intervalle « {part} » invalide"));
                    }
                    out.extend(a..=b);
                }
                None => out.push(num(part)?),
            }
        }
        if out.is_empty() {
            return Err(
                "aucun numéro d’activité : indiquez par exemple « 1,3,7 » ou « all »".into(),
            );
        }
        out.sort_unstable();
        out.dedup();
        Ok(Self::Numbers(out))
    }
}

/// One activity of a fiche with its number (1-based) and heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberedActivity<'a> {
    pub number: usize,
    pub heading: Option<&'a str>,
    pub text: &'a str,
    pub details: &'a [String],
}

/// The activities of a fiche, numbered in the order of the fiche.
pub fn numbered_activities(o: &Occupation) -> Vec<NumberedActivity<'_>> {
    o.activity_groups
        .iter()
        .flat_map(|g| g.activities.iter().map(move |a| (g.heading.as_deref(), a)))
        .enumerate()
        .map(|(i, (heading, a))| NumberedActivity {
            number: i + 1,
            heading,
            text: &a.text,
            details: &a.details,
        })
        .collect()
}

/// A draft job description.
#[derive(Debug, Clone)]
pub struct JobDescription<'a> {
    pub occupation: &'a Occupation,
    pub edition: &'a Edition,
    /// The ticked activities, in the order of the fiche.
    pub activities: Vec<NumberedActivity<'a>>,
    /// Whether every activity of the fiche is included.
    pub complete: bool,
}

impl<'a> JobDescription<'a> {
    /// The draft for these activities of the fiche; an unknown number is an error.
    pub fn new(
        edition: &'a Edition,
        occupation: &'a Occupation,
        selection: &Selection,
    ) -> Result<Self, ExportError> {
        let all = numbered_activities(occupation);
        let count = all.len();
        let activities = match selection {
            Selection::All => all,
            Selection::Numbers(numbers) => {
                if numbers.is_empty() {
                    return Err(ExportError::NoActivity);
                }
                if let Some(&number) = numbers.iter().find(|n| **n == 0 || **n > count) {
                    return Err(ExportError::UnknownActivity {
                        occupation: occupation.id.to_string(),
                        number,
                        count,
                    });
                }
                all.into_iter()
                    .filter(|a| numbers.contains(&a.number))
                    .collect()
            }
        };
        let complete = activities.len() == count;
        Ok(Self {
            occupation,
            edition,
            activities,
            complete,
        })
    }

    /// The activities grouped under their headings, in order.
    pub fn groups(&self) -> Vec<(Option<&'a str>, Vec<&NumberedActivity<'a>>)> {
        let mut out: Vec<(Option<&str>, Vec<&NumberedActivity<'_>>)> = Vec::new();
        for a in &self.activities {
            match out.last_mut() {
                Some((h, list)) if *h == a.heading => list.push(a),
                _ => out.push((a.heading, vec![a])),
            }
        }
        out
    }

    fn education(&self) -> (String, String) {
        let e = self.occupation.education.as_ref();
        (
            level_range(e),
            e.map_or_else(
                || "non précisé par le référentiel".to_owned(),
                education_line,
            ),
        )
    }

    fn source(&self) -> String {
        format!(
            "Brouillon établi à partir de la fiche métier « {} » (identifiant {}) du référentiel des métiers SIC, édition « {} »{}. Les passages marqués « À COMPLÉTER » sont propres au poste.",
            self.occupation.title,
            self.occupation.id,
            self.edition.id,
            if self.complete {
                ", avec toutes ses activités".to_owned()
            } else {
                format!(", avec {} activité(s) retenue(s)", self.activities.len())
            }
        )
    }

    /// The draft in Markdown.
    pub fn to_markdown(&self) -> String {
        let o = self.occupation;
        let p = placeholder;
        let mut out = format!("# Fiche de poste : {}\n\n", p(PLACES[0]));
        let _ = writeln!(out, "*{}*\n", self.source());
        out.push_str("## Le poste\n\n");
        let _ = writeln!(out, "- **Métier de référence** : {} (`{}`)", o.title, o.id);
        if !o.alt_titles.is_empty() {
            let _ = writeln!(
                out,
                "- **Autres appellations du métier** : {}",
                o.alt_titles.join(" ; ")
            );
        }
        for (label, place) in [
            ("Intitulé du poste", PLACES[0]),
            ("Service / direction", PLACES[1]),
            ("Localisation", PLACES[2]),
            ("Catégorie / grade", PLACES[3]),
            ("Contact", PLACES[4]),
            ("Date de prise de poste", PLACES[5]),
        ] {
            let _ = writeln!(out, "- **{label}** : {}", p(place));
        }
        out.push_str("\n## Missions\n\n");
        for s in &o.summary {
            let _ = writeln!(out, "{s}\n");
        }
        let _ = writeln!(out, "{}\n", p("missions et contexte du service"));
        out.push_str("## Activités principales\n");
        for (heading, list) in self.groups() {
            match heading {
                Some(h) => {
                    let _ = writeln!(out, "\n### {h}\n");
                }
                None => out.push('\n'),
            }
            for a in list {
                let _ = writeln!(out, "- {}", a.text);
                for d in a.details {
                    let _ = writeln!(out, "  - {d}");
                }
            }
        }
        let _ = writeln!(out, "\n{}\n", p(PLACES[6]));
        let (range, line) = self.education();
        out.push_str("## Profil recherché\n\n");
        let _ = writeln!(out, "- **Formation** : {range} ({line})");
        let _ = writeln!(
            out,
            "- **Expérience et compétences propres au poste** : {}",
            p("expérience, compétences")
        );
        out
    }

    /// A standalone printable HTML page (French, no external resource, every text escaped).
    pub fn to_html(&self) -> String {
        let o = self.occupation;
        let e = escape;
        let p = |what: &str| {
            format!(
                "<mark class=\"a-completer\">{}</mark>",
                e(&placeholder(what))
            )
        };
        let mut out =
            String::from("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n");
        let _ = writeln!(out, "<title>Fiche de poste — {}</title>", e(&o.title));
        out.push_str(HTML_STYLE);
        out.push_str("</head>\n<body>\n<main>\n");
        let _ = writeln!(out, "<h1>Fiche de poste : {}</h1>", p(PLACES[0]));
        let _ = writeln!(out, "<p class=\"source\">{}</p>", e(&self.source()));
        out.push_str("<h2>Le poste</h2>\n<dl>\n");
        let _ = writeln!(
            out,
            "<dt>Métier de référence</dt><dd>{} (<code>{}</code>)</dd>",
            e(&o.title),
            e(o.id.as_str())
        );
        if !o.alt_titles.is_empty() {
            let _ = writeln!(
                out,
                "<dt>Autres appellations du métier</dt><dd>{}</dd>",
                e(&o.alt_titles.join(" ; "))
            );
        }
        for (label, place) in [
            ("Intitulé du poste", PLACES[0]),
            ("Service / direction", PLACES[1]),
            ("Localisation", PLACES[2]),
            ("Catégorie / grade", PLACES[3]),
            ("Contact", PLACES[4]),
            ("Date de prise de poste", PLACES[5]),
        ] {
            let _ = writeln!(out, "<dt>{label}</dt><dd>{}</dd>", p(place));
        }
        out.push_str("</dl>\n<h2>Missions</h2>\n");
        for s in &o.summary {
            let _ = writeln!(out, "<p>{}</p>", e(s));
        }
        let _ = writeln!(out, "<p>{}</p>", p("missions et contexte du service"));
        out.push_str("<h2>Activités principales</h2>\n");
        for (heading, list) in self.groups() {
            if let Some(h) = heading {
                let _ = writeln!(out, "<h3>{}</h3>", e(h));
            }
            out.push_str("<ul>\n");
            for a in list {
                let _ = write!(out, "<li>{}", e(a.text));
                if !a.details.is_empty() {
                    out.push_str("<ul>");
                    for d in a.details {
                        let _ = write!(out, "<li>{}</li>", e(d));
                    }
                    out.push_str("</ul>");
                }
                out.push_str("</li>\n");
            }
            out.push_str("</ul>\n");
        }
        let _ = writeln!(out, "<p>{}</p>", p(PLACES[6]));
        let (range, line) = self.education();
        out.push_str("<h2>Profil recherché</h2>\n<dl>\n");
        let _ = writeln!(
            out,
            "<dt>Formation</dt><dd>{} ({})</dd>",
            e(&range),
            e(&line)
        );
        let _ = writeln!(
            out,
            "<dt>Expérience et compétences propres au poste</dt><dd>{}</dd>",
            p("expérience, compétences")
        );
        out.push_str("</dl>\n</main>\n</body>\n</html>\n");
        out
    }
}

const HTML_STYLE: &str = "<style>
body { font-family: Marianne, Arial, sans-serif; line-height: 1.5; margin: 2rem auto; max-width: 48rem; color: #161616; }
h1 { font-size: 1.75rem; } h2 { font-size: 1.35rem; border-bottom: 1px solid #ddd; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: .25rem; }
dt { font-weight: bold; } dd { margin: 0 0 .5rem 0; }
.source { font-style: italic; color: #3a3a3a; }
mark.a-completer { background: #fee9e6; color: #ce0500; padding: 0 .2em; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } mark.a-completer { border: 1px dashed #ce0500; } h2 { break-after: avoid; } li { break-inside: avoid; } }
</style>
";

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selections_parse_numbers_ranges_and_all() {
        assert_eq!(Selection::parse("all"), Ok(Selection::All));
        assert_eq!(
            Selection::parse("7,1, 3-4,3"),
            Ok(Selection::Numbers(vec![1, 3, 4, 7]))
        );
        assert!(Selection::parse("0").is_err());
        assert!(Selection::parse("a,b").is_err());
        assert!(Selection::parse("5-2").is_err());
        assert!(Selection::parse(" ").is_err());
    }

    #[test]
    fn unknown_activity_numbers_are_refused() {
        let r = metiers_referentiel::published().referentiel;
        let Some(o) = r.get("testeur") else {
            panic!("testeur")
        };
        let err = JobDescription::new(&r.edition, o, &Selection::Numbers(vec![1, 99]));
        assert!(
            matches!(
                err,
                Err(ExportError::UnknownActivity {
                    number: 99,
                    count: 11,
                    ..
                })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn html_escapes_the_texts() {
        assert_eq!(
            escape("<a href=\"x\">l'été & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;l&#39;été &amp; co&lt;/a&gt;"
        );
    }
}
