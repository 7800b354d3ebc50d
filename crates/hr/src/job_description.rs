//! Draft job descriptions (fiches de poste) from a fiche métier.
//!
//! A manager picks an occupation and ticks the activities of the position
//! ([`Selection`]); [`JobDescription::new`] keeps the référentiel's wording, its headings, the
//! skills those activities mobilise (core first, with the level the ticked activities
//! support) and the education the fiche expects, and leaves marked places
//! (`[À COMPLÉTER : service]`) for what only the organisation knows.
//!
//! Every label and sentence of the draft is written once, in [`JobDescription::document`];
//! [`crate::document`] renders that one document as Markdown, printable HTML, DOCX and ODT,
//! and the portal shows it.

use metiers_knowledge::{Knowledge, Level, SkillKind};
use metiers_referentiel::export::{education_line, level_range};
use metiers_referentiel::{Edition, Occupation, Referentiel};

use crate::document::{Block, Document, Span};

/// Why a draft could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobDescriptionError {
    #[error("la fiche « {occupation} » n’a pas d’activité n° {number} (elle en compte {count})")]
    UnknownActivity {
        occupation: String,
        number: usize,
        count: usize,
    },
    #[error("aucune activité choisie : indiquez des numéros d’activités ou « all »")]
    NoActivity,
}

/// The places of a job description that the organisation fills in.
pub mod place {
    pub const TITLE: &str = "intitulé du poste";
    pub const SERVICE: &str = "service";
    pub const LOCATION: &str = "localisation";
    pub const GRADE: &str = "grade";
    pub const CONTACT: &str = "contact";
    pub const START: &str = "date de prise de poste";
    pub const MISSIONS: &str = "missions et contexte du service";
    pub const SPECIFICS: &str = "spécificités du poste";
    pub const EXPERIENCE: &str = "expérience, compétences";
}

/// The fields of « Le poste » that the organisation fills in: label and place.
pub const POSITION_FIELDS: [(&str, &str); 6] = [
    ("Intitulé du poste", place::TITLE),
    ("Service / direction", place::SERVICE),
    ("Localisation", place::LOCATION),
    ("Catégorie / grade", place::GRADE),
    ("Contact", place::CONTACT),
    ("Date de prise de poste", place::START),
];

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

/// A skill of the position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionSkill {
    pub id: String,
    pub label: String,
    pub kind: SkillKind,
    pub core: bool,
    /// The level the ticked activities support.
    pub level: Option<Level>,
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
    /// The skills of the position, core first (empty without the skills graph).
    pub skills: Vec<PositionSkill>,
}

impl<'a> JobDescription<'a> {
    /// The draft for these activities of the fiche; an unknown number is an error.
    pub fn new(
        edition: &'a Edition,
        occupation: &'a Occupation,
        selection: &Selection,
    ) -> Result<Self, JobDescriptionError> {
        let all = numbered_activities(occupation);
        let count = all.len();
        let activities = match selection {
            Selection::All => all,
            Selection::Numbers(numbers) => {
                if numbers.is_empty() {
                    return Err(JobDescriptionError::NoActivity);
                }
                if let Some(&number) = numbers.iter().find(|n| **n == 0 || **n > count) {
                    return Err(JobDescriptionError::UnknownActivity {
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
            skills: Vec::new(),
        })
    }

    /// Adds the skills of the position: the savoir-faire of the ticked activities (at the
    /// level they support), and the savoirs and savoir-être of the occupation; core first.
    pub fn with_skills(mut self, r: &Referentiel, k: &Knowledge) -> Self {
        let ticked: Vec<usize> = self.activities.iter().map(|a| a.number).collect();
        let id = self.occupation.id.as_str();
        let mut skills: Vec<PositionSkill> = k
            .skills
            .of_occupation(r, id)
            .into_iter()
            .filter_map(|h| {
                let mine: Vec<_> = h
                    .skill
                    .activities
                    .iter()
                    .filter(|a| a.occupation == id && ticked.contains(&a.activity))
                    .collect();
                if h.skill.kind == SkillKind::SavoirFaire && mine.is_empty() {
                    return None;
                }
                let level = mine
                    .iter()
                    .filter_map(|a| metiers_knowledge::skills::quote(self.occupation, a))
                    .map(|q| metiers_knowledge::level::of_activity(q.text, q.heading, q.parent))
                    .max();
                Some(PositionSkill {
                    id: h.skill.id.clone(),
                    label: h.skill.label.clone(),
                    kind: h.skill.kind,
                    core: h.core,
                    level,
                })
            })
            .collect();
        skills.sort_by_key(|s| !s.core);
        self.skills = skills;
        self
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

    /// Where the draft comes from, in one sentence.
    pub fn source(&self) -> String {
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

    /// The education the fiche expects, in words.
    pub fn education(&self) -> String {
        let e = self.occupation.education.as_ref();
        format!(
            "{} ({})",
            level_range(e),
            e.map_or_else(
                || "non précisé par le référentiel".to_owned(),
                education_line
            )
        )
    }

    /// The whole draft, once: what every rendering shows.
    pub fn document(&self) -> Document {
        let o = self.occupation;
        let place = |what: &str| Span::Place(what.to_owned());
        let text = |t: &str| Span::Text(t.to_owned());
        let mut blocks = vec![
            Block::Title(vec![text("Fiche de poste : "), place(place::TITLE)]),
            Block::Note(self.source()),
            Block::Heading("Le poste".to_owned()),
        ];
        let mut fields = vec![(
            "Métier de référence".to_owned(),
            vec![text(&format!("{} ({})", o.title, o.id))],
        )];
        if !o.alt_titles.is_empty() {
            fields.push((
                "Autres appellations du métier".to_owned(),
                vec![text(&o.alt_titles.join(" ; "))],
            ));
        }
        for (label, what) in POSITION_FIELDS {
            fields.push((label.to_owned(), vec![place(what)]));
        }
        blocks.push(Block::Fields(fields));
        blocks.push(Block::Heading("Missions".to_owned()));
        for s in &o.summary {
            blocks.push(Block::Paragraph(vec![text(s)]));
        }
        blocks.push(Block::Paragraph(vec![place(place::MISSIONS)]));
        blocks.push(Block::Heading("Activités principales".to_owned()));
        for (heading, list) in self.groups() {
            if let Some(h) = heading {
                blocks.push(Block::Subheading(h.to_owned()));
            }
            blocks.push(Block::List(
                list.iter()
                    .map(|a| (a.text.to_owned(), a.details.to_vec()))
                    .collect(),
            ));
        }
        blocks.push(Block::Paragraph(vec![place(place::SPECIFICS)]));
        if !self.skills.is_empty() {
            blocks.push(Block::Heading("Compétences".to_owned()));
            for (title, core) in [("Au cœur du poste", true), ("Autres compétences", false)] {
                let list: Vec<(String, Vec<String>)> = self
                    .skills
                    .iter()
                    .filter(|s| s.core == core)
                    .map(|s| {
                        let what = match s.level {
                            Some(l) => format!("{}, niveau : {}", s.kind.label(), l.label()),
                            None => s.kind.label().to_owned(),
                        };
                        (format!("{} ({what})", s.label), Vec::new())
                    })
                    .collect();
                if !list.is_empty() {
                    blocks.push(Block::Subheading(title.to_owned()));
                    blocks.push(Block::List(list));
                }
            }
        }
        blocks.push(Block::Heading("Profil recherché".to_owned()));
        blocks.push(Block::Fields(vec![
            ("Formation".to_owned(), vec![text(&self.education())]),
            (
                "Expérience et compétences propres au poste".to_owned(),
                vec![place(place::EXPERIENCE)],
            ),
        ]));
        Document {
            title: format!("Fiche de poste — {}", o.title),
            blocks,
        }
    }

    /// The draft in Markdown.
    pub fn to_markdown(&self) -> String {
        self.document().to_markdown()
    }

    /// A standalone printable HTML page (French, no external resource, every text escaped).
    pub fn to_html(&self) -> String {
        self.document().to_html()
    }
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
                Err(JobDescriptionError::UnknownActivity {
                    number: 99,
                    count: 11,
                    ..
                })
            ),
            "{err:?}"
        );
    }
}
