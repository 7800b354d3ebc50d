//! ROME 4.0 (France Travail), the slices the product embeds (`data/rome/`): every fiche
//! with its title (and, for the M family, its definition), every appellation, the skills of
//! the fiches the crosswalk names, and their mobilities.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::{KnowledgeError, closest, fold};

/// The source, as it must be named wherever its data is shown or exported.
pub const ATTRIBUTION: &str = "France Travail – ROME 4.0 v460";
/// The version of the embedded slices.
pub const VERSION: &str = "4.0 v460 (25M09, 18/09/2025)";
/// The licence of the data.
pub const LICENCE: &str = "Licence Ouverte / Open Licence 2.0 (Etalab)";
/// The page of a ROME fiche on France Travail's public site: the URI of a fiche in our
/// exports (France Travail publishes no linked-data URI for ROME codes).
pub const URI_PREFIX: &str = "https://candidat.francetravail.fr/metierscope/fiche-metier/";

/// The URI of a ROME fiche in our exports.
pub fn uri(code: &str) -> String {
    format!("{URI_PREFIX}{code}")
}

/// Whether a text is shaped like a ROME code: a capital letter and four digits (`M1805`).
pub fn is_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// Whether a text is shaped like an OGR code of an appellation: digits only.
pub fn is_ogr(s: &str) -> bool {
    !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The forms of an appellation: the label itself and, for a label written « Développeur /
/// Développeuse web », its masculine (« Développeur web ») and feminine (« Développeuse web »)
/// forms, as people write them.
pub fn gendered_forms(label: &str) -> Vec<String> {
    let mut out = vec![label.to_owned()];
    if let Some((left, right)) = label.split_once(" / ") {
        let n = left.split_whitespace().count();
        let rest: Vec<&str> = right.split_whitespace().skip(n).collect();
        let masculine = if rest.is_empty() {
            left.to_owned()
        } else {
            format!("{left} {}", rest.join(" "))
        };
        out.push(masculine);
        out.push(right.to_owned());
    }
    out
}

/// A fiche of the ROME.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RomeFiche {
    #[serde(rename = "code_rome")]
    pub code: String,
    #[serde(rename = "libelle_rome")]
    pub label: String,
    /// The fiche this one is a sub-fiche of (itself for a main fiche).
    #[serde(rename = "code_rome_parent")]
    pub parent: String,
    /// Definition sentences (fiches of the M family only; empty otherwise).
    pub definition: String,
    /// Access to employment (fiches of the M family only).
    #[serde(rename = "acces")]
    pub access: String,
}

/// A job title of the ROME and its fiche.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appellation {
    #[serde(rename = "code_ogr")]
    pub ogr: String,
    #[serde(rename = "libelle_appellation_long")]
    pub label: String,
    #[serde(rename = "libelle_appellation_court")]
    pub short_label: String,
    #[serde(rename = "code_rome")]
    pub code: String,
    /// `O` when the appellation is seldom used.
    #[serde(rename = "peu_usite")]
    pub rarely_used: String,
}

/// What a ROME skill item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RomeSkillKind {
    #[serde(rename = "savoir-faire")]
    SavoirFaire,
    #[serde(rename = "savoir-etre")]
    SavoirEtre,
    #[serde(rename = "savoir")]
    Savoir,
}

/// A skill item that a ROME fiche holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RomeSkill {
    pub code_rome: String,
    pub code_ogr: String,
    pub kind: RomeSkillKind,
    #[serde(rename = "libelle")]
    pub label: String,
    /// « Principale » or « Émergente » when the item is at the core of the fiche.
    pub coeur_metier: String,
    #[serde(rename = "libelle_macro")]
    pub macro_label: String,
}

impl RomeSkill {
    /// Whether ROME marks the item as at the core of the occupation.
    pub fn is_core(&self) -> bool {
        !self.coeur_metier.is_empty()
    }
}

/// A mobility between two fiches, as ROME lists them (closest first by `order`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mobility {
    #[serde(rename = "code_rome")]
    pub from: String,
    #[serde(rename = "code_rome_cible")]
    pub to: String,
    #[serde(rename = "numero_ordre")]
    pub order: u32,
}

/// The embedded ROME slices, indexed. The lists are private: the indexes hold positions
/// in them, so only the loader writes them; readers get slices.
#[derive(Debug, Clone)]
pub struct Rome {
    fiches: Vec<RomeFiche>,
    appellations: Vec<Appellation>,
    /// In the order of their fiche's code (stable: each fiche's items in the file's order):
    /// `skills_of` finds a fiche's items by binary search.
    skills: Vec<RomeSkill>,
    mobilities: Vec<Mobility>,
    by_code: HashMap<String, usize>,
    by_ogr: HashMap<String, usize>,
    /// Folded long and short labels (each gendered form) → appellations; built on first
    /// use: folding the 13,120 appellations costs more than reading them, and most processes
    /// (the matcher's start-up among them) never look an appellation up by its label.
    by_label: OnceLock<HashMap<String, Vec<usize>>>,
    /// Fiche code → its appellations, built on first use (the matcher's start-up asks for the
    /// appellations of the few fiches of the crosswalk only).
    by_fiche: OnceLock<HashMap<String, Vec<usize>>>,
    /// First item of each OGR code of `skills` (an item is listed once per fiche).
    skill_by_ogr: HashMap<String, usize>,
}

impl Rome {
    /// The slices embedded in the binary.
    pub fn embedded() -> Result<Rome, KnowledgeError> {
        use crate::embedded::{self, text};
        Rome::from_csv(
            &text(embedded::ROME_FICHES)?,
            &text(embedded::ROME_APPELLATIONS)?,
            &text(embedded::ROME_SKILLS)?,
            &text(embedded::ROME_MOBILITIES)?,
        )
    }

    /// Slices read from their CSV texts (the columns of `data/rome/README.md`).
    pub fn from_csv(
        fiches: &str,
        appellations: &str,
        skills: &str,
        mobilities: &str,
    ) -> Result<Rome, KnowledgeError> {
        let fiches: Vec<RomeFiche> = crate::read_csv("data/rome/fiches.csv", fiches)?;
        let appellations: Vec<Appellation> =
            crate::read_csv("data/rome/appellations.csv", appellations)?;
        let by_code = fiches
            .iter()
            .enumerate()
            .map(|(i, f)| (f.code.clone(), i))
            .collect();
        let by_ogr = appellations
            .iter()
            .enumerate()
            .map(|(i, a)| (a.ogr.clone(), i))
            .collect();
        let mut skills: Vec<RomeSkill> = crate::read_csv("data/rome/competences.csv", skills)?;
        // Grouped by fiche for `skills_of` (the file already is: the sort only checks it).
        skills.sort_by(|a, b| a.code_rome.cmp(&b.code_rome));
        let mut skill_by_ogr: HashMap<String, usize> = HashMap::new();
        for (i, s) in skills.iter().enumerate() {
            skill_by_ogr.entry(s.code_ogr.clone()).or_insert(i);
        }
        Ok(Rome {
            fiches,
            appellations,
            skills,
            mobilities: crate::read_csv("data/rome/mobilites.csv", mobilities)?,
            by_code,
            by_ogr,
            by_label: OnceLock::new(),
            by_fiche: OnceLock::new(),
            skill_by_ogr,
        })
    }

    /// Every fiche, in the file's order.
    pub fn fiches(&self) -> &[RomeFiche] {
        &self.fiches
    }

    /// Every appellation, in the file's order.
    pub fn appellations(&self) -> &[Appellation] {
        &self.appellations
    }

    /// Every savoir-faire and savoir item, grouped by fiche (in the order of the fiches'
    /// codes).
    pub fn skills(&self) -> &[RomeSkill] {
        &self.skills
    }

    /// The fiche of a code.
    pub fn fiche(&self, code: &str) -> Option<&RomeFiche> {
        self.by_code.get(code).map(|&i| &self.fiches[i])
    }

    /// The skill item (savoir-faire or savoir) of an OGR code.
    pub fn skill(&self, code_ogr: &str) -> Option<&RomeSkill> {
        self.skill_by_ogr.get(code_ogr).map(|&i| &self.skills[i])
    }

    /// The appellation of an OGR code.
    pub fn appellation(&self, ogr: &str) -> Option<&Appellation> {
        self.by_ogr.get(ogr).map(|&i| &self.appellations[i])
    }

    /// The appellations whose long or short label is this text (case and accents ignored).
    pub fn appellations_named(&self, text: &str) -> Vec<&Appellation> {
        self.by_label
            .get_or_init(|| {
                // Each gendered form of the long and short labels.
                crate::labels_index(&self.appellations, |a| {
                    let mut forms = gendered_forms(&a.label);
                    forms.extend(gendered_forms(&a.short_label));
                    forms
                })
            })
            .get(&fold(text))
            .map(|v| v.iter().map(|&i| &self.appellations[i]).collect())
            .unwrap_or_default()
    }

    /// The appellations of a fiche.
    pub fn appellations_of<'a>(&'a self, code: &str) -> impl Iterator<Item = &'a Appellation> {
        self.by_fiche
            .get_or_init(|| {
                let mut by_fiche: HashMap<String, Vec<usize>> = HashMap::new();
                for (i, a) in self.appellations.iter().enumerate() {
                    by_fiche.entry(a.code.clone()).or_default().push(i);
                }
                by_fiche
            })
            .get(code)
            .into_iter()
            .flatten()
            .map(|&i| &self.appellations[i])
    }

    /// The skill items of a fiche (fiches the crosswalk names, and the M18 family).
    pub fn skills_of(&self, code: &str) -> &[RomeSkill] {
        let start = self.skills.partition_point(|s| s.code_rome.as_str() < code);
        let len = self.skills[start..].partition_point(|s| s.code_rome == code);
        &self.skills[start..start + len]
    }

    /// The fiches ROME lists as mobilities from `code`, in ROME's order.
    pub fn mobilities_from(&self, code: &str) -> Vec<&Mobility> {
        let mut out: Vec<&Mobility> = self.mobilities.iter().filter(|m| m.from == code).collect();
        out.sort_by_key(|m| m.order);
        out
    }

    /// The `n` codes closest to a text (a mistyped code, or words of a title).
    pub fn closest_codes(&self, query: &str, n: usize) -> Vec<&str> {
        closest(
            query,
            self.fiches
                .iter()
                .map(|f| (f.code.as_str(), [f.code.as_str(), f.label.as_str()])),
            n,
        )
    }

    /// The `n` appellations closest to a text, as « OGR — label ».
    pub fn closest_appellations(&self, query: &str, n: usize) -> Vec<String> {
        closest(
            query,
            self.appellations
                .iter()
                .map(|a| (a.ogr.as_str(), [a.label.as_str(), a.short_label.as_str()])),
            n,
        )
        .into_iter()
        .filter_map(|ogr| self.appellation(ogr))
        .map(|a| format!("{} — {}", a.ogr, a.label))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The indexed lookups give what a scan of the whole slice gives, for every fiche.
    #[test]
    fn lookups_by_fiche_give_the_items_of_the_fiche() {
        let rome = Rome::embedded().expect("ROME embarqué");
        let mut with_skills = 0;
        for f in rome.fiches() {
            let skills: Vec<&RomeSkill> = rome.skills_of(&f.code).iter().collect();
            let scanned: Vec<&RomeSkill> = rome
                .skills
                .iter()
                .filter(|s| s.code_rome == f.code)
                .collect();
            assert_eq!(skills.len(), scanned.len(), "{}", f.code);
            assert!(
                skills
                    .iter()
                    .zip(&scanned)
                    .all(|(a, b)| std::ptr::eq(*a, *b))
            );
            with_skills += usize::from(!skills.is_empty());
            let ogr: Vec<&str> = rome
                .appellations_of(&f.code)
                .map(|a| a.ogr.as_str())
                .collect();
            let scanned: Vec<&str> = rome
                .appellations
                .iter()
                .filter(|a| a.code == f.code)
                .map(|a| a.ogr.as_str())
                .collect();
            assert_eq!(ogr, scanned, "{}", f.code);
        }
        assert_eq!(with_skills, 105, "fiches whose items are embedded");
        assert!(rome.skills_of("Z9999").is_empty());
        assert_eq!(rome.appellations_of("Z9999").count(), 0);
        assert_eq!(rome.appellations_of("M1805").count(), 16);
    }
}
