//! The level of an activity, read from its leading verbs and its heading: the rule written
//! in `data/competences.toml` (`[method].level_rule`), of which
//! `scripts/competences/check.py` is the reference implementation (the tests compare the two).
//!
//! An activity's level is the highest level of the verbs of its leading verb group
//! (contribuer < réaliser < piloter-encadrer < expertise), after openings without a verb
//! (« Le cas échéant, », « Lors de … : ») are dropped; when the verbs only give réaliser, a
//! heading that names a level decides. A skill's level in an occupation is the highest level
//! of that occupation's activities in the skill.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// How far an occupation takes a skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Takes part in it (contribuer, participer, assister…).
    Contribuer,
    /// Does it (réaliser, administrer, développer…).
    Realiser,
    /// Steers it or leads people doing it (piloter, coordonner, encadrer…).
    PiloterEncadrer,
    /// Is the expert: advises, audits, defines the strategy or the architecture.
    Expertise,
}

impl Level {
    /// The level in words.
    pub fn label(self) -> &'static str {
        match self {
            Level::Contribuer => "contribuer",
            Level::Realiser => "réaliser",
            Level::PiloterEncadrer => "piloter / encadrer",
            Level::Expertise => "expertise",
        }
    }

    /// A weight for the gap analysis: what it takes to reach this level.
    pub fn weight(self) -> f64 {
        match self {
            Level::Contribuer => 0.6,
            Level::Realiser => 1.0,
            Level::PiloterEncadrer => 1.15,
            Level::Expertise => 1.3,
        }
    }
}

fn rx(pattern: &str) -> Regex {
    // The patterns below are constants, each exercised by the tests.
    Regex::new(pattern).expect("motif constant valide")
}

static OPENINGS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^\s*(?:le cas echeant,?|lors de [^:;]*:|en regime de croisiere\s*:|pour tout [^,]*,|a l'ecoute des metiers,?)\s*",
    )
});
static PRONOUN: LazyLock<Regex> = LazyLock::new(|| rx(r"^(?:les|leur|lui|l')\s*"));
static RESPONSIBLE: LazyLock<Regex> =
    LazyLock::new(|| rx(r"^(?:etre |)responsables? (?:de|du|des)\b"));
static REFERENT: LazyLock<Regex> =
    LazyLock::new(|| rx(r"^(?:assurer|posseder|tenir) un role de referent"));
static EXPERTISE_SELF: LazyLock<Regex> =
    LazyLock::new(|| rx(r"^entretenir et developper son expertise"));
static GERUND: LazyLock<Regex> = LazyLock::new(|| rx(r"^en ([a-z]+)ant\b"));
static WORD: LazyLock<Regex> = LazyLock::new(|| rx(r"^(?:s'|se )?([a-z]+)"));
static ETRE: LazyLock<Regex> =
    LazyLock::new(|| rx(r"^etre (responsable|force|l'interface|l'interlocuteur|en charge)"));
static LINK: LazyLock<Regex> = LazyLock::new(|| rx(r"^\s*(?:,\s*et|,|\bet\b|\bou\b|/)\s*"));
static INFINITIVE: LazyLock<Regex> = LazyLock::new(|| rx(r"^[a-z]+(?:er|ir|re|oir)$"));
static DEFINE_OBJECTS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"strateg|politique|orientation|architecture|norme|standard|regle|referentiel|gouvernance|schemas? directeur",
    )
});
static SUPERVISE_TECHNICAL: LazyLock<Regex> = LazyLock::new(|| {
    rx(r"^superviser (?:les )?(?:reseaux|systemes|ressources|telecommunications)")
});

const CONTRIBUER: &[&str] = &["contribuer", "participer", "assister", "aider", "appuyer"];
const PILOTER: &[&str] = &[
    "piloter",
    "coordonner",
    "encadrer",
    "manager",
    "superviser",
    "animer",
    "diriger",
    "organiser",
    "arbitrer",
    "conduire",
    "mener",
    "garantir",
    "etre responsable",
];
const EXPERTISE: &[&str] = &[
    "conseiller",
    "preconiser",
    "expertiser",
    "auditer",
    "certifier",
    "enseigner",
    "etre referent",
];
const DEFINE: &[&str] = &[
    "definir",
    "elaborer",
    "concevoir",
    "etablir",
    "specifier",
    "fixer",
    "porter",
];
const CONJUGATED: &[(&str, &str)] = &[
    ("organise", "organiser"),
    ("represente", "representer"),
    ("optimise", "optimiser"),
    ("supervise", "superviser"),
    ("maintient", "maintenir"),
    ("administre", "administrer"),
    ("trouve", "trouver"),
    ("concoit", "concevoir"),
    ("restitue", "restituer"),
    ("fait", "faire"),
];

/// Lower case, accents folded, typographic apostrophes made straight.
fn fold(s: &str) -> String {
    metiers_referentiel::text::fold(&s.replace('’', "'"))
}

fn infinitive(word: &str) -> Option<String> {
    if let Some((_, inf)) = CONJUGATED.iter().find(|(c, _)| *c == word) {
        return Some((*inf).to_owned());
    }
    INFINITIVE.is_match(word).then(|| word.to_owned())
}

/// The leading verb group of a text: its verbs as folded infinitives (none when the text
/// opens without a verb).
pub fn verb_group(text: &str) -> Vec<String> {
    let folded = fold(text);
    let t = OPENINGS.replace(folded.trim(), "").into_owned();
    let t = PRONOUN.replace(&t, "").into_owned();
    if RESPONSIBLE.is_match(&t) {
        return vec!["etre responsable".to_owned()];
    }
    if REFERENT.is_match(&t) {
        return vec!["etre referent".to_owned()];
    }
    if EXPERTISE_SELF.is_match(&t) {
        return vec!["expertiser".to_owned()];
    }
    if let Some(c) = GERUND.captures(&t) {
        return vec![format!("{}er", &c[1])];
    }
    let mut verbs = Vec::new();
    let mut rest: &str = &t;
    while let Some(c) = WORD.captures(rest) {
        let Some(v) = infinitive(&c[1]) else {
            break;
        };
        if v == "etre" {
            let responsible = ETRE.captures(rest).is_some_and(|e| &e[1] == "responsable");
            verbs.push(
                if responsible {
                    "etre responsable"
                } else {
                    "etre"
                }
                .to_owned(),
            );
        } else {
            verbs.push(v);
        }
        rest = &rest[c.get(0).map_or(0, |m| m.end())..];
        let Some(link) = LINK.find(rest) else {
            break;
        };
        let next = &rest[link.end()..];
        match WORD.captures(next) {
            Some(n)
                if infinitive(&n[1]).is_some()
                    && !["leur", "dossier", "premier"].contains(&&n[1]) =>
            {
                rest = next;
            }
            _ => break,
        }
    }
    verbs
}

fn verb_level(verb: &str, folded_text: &str) -> Level {
    if CONTRIBUER.contains(&verb) {
        return Level::Contribuer;
    }
    if verb == "superviser" {
        let t = OPENINGS.replace(folded_text.trim(), "");
        return if SUPERVISE_TECHNICAL.is_match(&t) {
            Level::Realiser
        } else {
            Level::PiloterEncadrer
        };
    }
    if PILOTER.contains(&verb) {
        return Level::PiloterEncadrer;
    }
    if EXPERTISE.contains(&verb) {
        return Level::Expertise;
    }
    if DEFINE.contains(&verb) && DEFINE_OBJECTS.is_match(folded_text) {
        return Level::Expertise;
    }
    Level::Realiser
}

/// The level of an activity (or of a sub-item, with the text of its activity) under its
/// heading.
pub fn of_activity(text: &str, heading: Option<&str>, parent_text: Option<&str>) -> Level {
    let mut verbs = verb_group(text);
    let mut source = text.to_owned();
    if verbs.is_empty()
        && let Some(parent) = parent_text
    {
        verbs = verb_group(parent);
        source = format!("{parent} {text}");
    }
    let folded = fold(&source);
    let level = verbs
        .iter()
        .map(|v| verb_level(v, &folded))
        .max()
        .unwrap_or(Level::Realiser);
    if level != Level::Realiser {
        return level;
    }
    let h = fold(heading.unwrap_or_default()).to_uppercase();
    if h.starts_with("PARTICIPATION") {
        Level::Contribuer
    } else if ["ENCADREMENT", "DIRECTION", "PILOTAGE", "CONDUITE"]
        .iter()
        .any(|p| h.starts_with(p))
    {
        Level::PiloterEncadrer
    } else if h.starts_with("EXPERTISE") || h.starts_with("CONSEIL") {
        Level::Expertise
    } else {
        Level::Realiser
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leading_verbs_give_the_level() {
        for (text, heading, level) in [
            (
                "Contribuer à la définition des spécifications générales ;",
                None,
                Level::Contribuer,
            ),
            (
                "Réaliser les modules (objets et composants logiciels) ;",
                None,
                Level::Realiser,
            ),
            (
                "Coordonner, gérer et animer l’équipe ;",
                None,
                Level::PiloterEncadrer,
            ),
            (
                "Assister et conseiller la direction ;",
                None,
                Level::Expertise,
            ),
            (
                "Superviser les réseaux et les télécoms ;",
                None,
                Level::Realiser,
            ),
            (
                "Superviser l’ensemble de la production ;",
                None,
                Level::PiloterEncadrer,
            ),
            ("Définir la politique de sécurité ;", None, Level::Expertise),
            ("Définir les besoins ;", None, Level::Realiser),
            (
                "Le cas échéant, participer aux astreintes ;",
                None,
                Level::Contribuer,
            ),
            ("En participant aux comités ;", None, Level::Contribuer),
            (
                "Responsable de la qualité des données ;",
                None,
                Level::PiloterEncadrer,
            ),
            (
                "Rédiger les procédures ;",
                Some("PARTICIPATION AU PROJET"),
                Level::Contribuer,
            ),
            (
                "Rédiger les procédures ;",
                Some("CONSEIL"),
                Level::Expertise,
            ),
        ] {
            assert_eq!(of_activity(text, heading, None), level, "{text}");
        }
        // A sub-item without a verb takes its activity's.
        assert_eq!(
            of_activity("l’ensemble de la production", None, Some("Superviser :")),
            Level::PiloterEncadrer
        );
    }
}
