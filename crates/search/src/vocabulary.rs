//! The curated vocabulary (`data/vocabulaire.toml`): what job offers say that the fiches do
//! not, each entry with the reason why it maps where it does.

use serde::Deserialize;

/// The vocabulary embedded in the binary.
pub const EMBEDDED: &str = include_str!("../../../data/vocabulaire.toml");

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// Abbreviations and foreign terms, expanded into the words of the fiches.
    #[serde(default)]
    pub expansion: Vec<ExpansionEntry>,
    /// Titles and terms that name an occupation although its fiche does not use them.
    #[serde(default)]
    pub label: Vec<LabelEntry>,
    /// Occupations outside the référentiel: a title naming one is not matched confidently.
    #[serde(default)]
    pub outside: Vec<OutsideEntry>,
    /// Words of job ads that say nothing about the occupation ("H/F", "nous recherchons").
    #[serde(default)]
    pub boilerplate: Vec<BoilerplateEntry>,
    /// Words that name a unit of an organisation (« service », « bureau »): a title whose
    /// head word is followed by one names the head of that unit.
    #[serde(default)]
    pub unit: Vec<UnitEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpansionEntry {
    /// The abbreviation or term as written (`MOA`, `product owner`).
    pub term: String,
    /// What it means, in the words of the fiches.
    pub means: String,
    /// Match only when written exactly so (`SI`, not the conjunction `si`).
    #[serde(default)]
    pub exact_case: bool,
    pub why: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelEntry {
    /// Titles or terms, each matched like an alternative title.
    pub terms: Vec<String>,
    /// Id of the occupation they name.
    pub occupation: String,
    /// How strongly (1.0: as strong as a published alternative title).
    #[serde(default = "one")]
    pub weight: f32,
    /// The terms name a place where the occupation works (a centre, a team: « SOC »,
    /// « CERT »), not its role: after another role's head word (« Chef de projet SOC »,
    /// « Ingénieur SOC ») the title says the role in that word and the place only the
    /// field, so such a label is never sure on its own there.
    #[serde(default)]
    pub place: bool,
    pub why: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutsideEntry {
    /// Matched like titles, in titles only.
    #[serde(default)]
    pub terms: Vec<String>,
    /// Written forms matched anywhere, case and accents ignored (`serveuse`, `serveur(se)`).
    #[serde(default)]
    pub forms: Vec<String>,
    pub why: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoilerplateEntry {
    pub words: Vec<String>,
    pub why: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitEntry {
    /// The words naming a unit (`service`, `bureau`).
    pub words: Vec<String>,
    /// Head words of a title that, followed by a unit, name the head of that unit (`chef`,
    /// `responsable`); after another head word (`technicien`, `développeur`), the unit is
    /// only where the post is.
    pub heads: Vec<String>,
    /// First words of the titles of occupations that manage a unit (`responsable`): their
    /// labels may name the head of a unit they do not spell out.
    #[serde(default)]
    pub managers: Vec<String>,
    /// Head words of a deputy (`adjoint`): a manager's one-word name after them (« Adjoint
    /// au DSI ») names the person's role, not the unit where the post is.
    #[serde(default)]
    pub deputies: Vec<String>,
    /// The occupation that heads these units, and the titles it has for it.
    #[serde(default)]
    pub headed_by: Option<HeadedBy>,
    pub why: String,
}

/// The occupation that heads units of an organisation: « `<head> de <unit>` », for each of
/// `heads` and each unit of its entry but those of `except`, is one of its labels (« chef de
/// service », « responsable d’équipe »).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadedBy {
    pub occupation: String,
    /// The words of command of its titles (`chef`, `responsable`).
    pub heads: Vec<String>,
    /// Units whose head is another occupation (« chef de domaine »), or not an IT manager
    /// at all (« chef de secteur », of sales or police).
    #[serde(default)]
    pub except: Vec<String>,
}

impl UnitEntry {
    /// The titles of the heads of these units (« chef de service », « chef d’équipe ») that
    /// `headed_by` names, each once as written (two that analyse alike, « chef » and
    /// « cheffe », are the engine's to merge).
    pub fn head_titles(&self) -> Vec<String> {
        let Some(by) = &self.headed_by else {
            return Vec::new();
        };
        let units = self.words.iter().filter(|w| !by.except.contains(w));
        units
            .flat_map(|unit| {
                by.heads.iter().map(move |head| {
                    let elided = unit.starts_with(['a', 'e', 'é', 'i', 'o', 'u', 'h']);
                    if elided {
                        format!("{head} d’{unit}")
                    } else {
                        format!("{head} de {unit}")
                    }
                })
            })
            .collect()
    }
}

fn one() -> f32 {
    1.0
}

impl Vocabulary {
    /// Parses a vocabulary file.
    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// The embedded vocabulary.
    pub fn embedded() -> Result<Self, toml::de::Error> {
        Self::parse(EMBEDDED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heads_of_units_are_titled_as_french_writes_them() {
        let v = Vocabulary::embedded().expect("vocabulary");
        let titles: Vec<String> = v.unit.iter().flat_map(|u| u.head_titles()).collect();
        for title in [
            "chef de service",
            "cheffe d’équipe",
            "responsable d’unité",
            "responsable de bureau",
        ] {
            assert!(titles.iter().any(|t| t == title), "{title}: {titles:?}");
        }
        let elsewhere = ["domaine", "secteur", "groupe"];
        assert!(
            !titles
                .iter()
                .any(|t| elsewhere.iter().any(|u| t.ends_with(u))),
            "{titles:?}"
        );
    }
}
