//! Reading a long text (a job ad, a CV) before matching it: its title line when it opens
//! with one (else the title a sentence gives the post, « En tant que … »), its sentences and
//! bullets, and which of them describe the employer, the offer
//! or the way to apply rather than the job (set aside: they outweighed the missions).
//!
//! The cues are general words of job ads (presentation of the service, pay and benefits,
//! place, contract and grade, how to apply), not words of any one ad: a sentence is set
//! aside when it carries such a cue and no sign of a task (an infinitive opening a bullet,
//! « vous serez chargé », « missions »…).

use std::sync::LazyLock;

use crate::analysis::fold;

/// A long text as the matcher reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reading {
    /// The job's title, when the text gives one.
    pub title: Option<Title>,
    /// The sentences and bullets about the job, in order.
    pub kept: Vec<String>,
    /// The sentences set aside (employer, offer, place, application), in order.
    pub set_aside: Vec<String>,
}

impl Reading {
    /// The words of the job's title, wherever the text gives it.
    pub fn title_text(&self) -> Option<&str> {
        self.title.as_ref().map(|t| t.text.as_str())
    }
}

/// The job's title as a long text gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    pub text: String,
    pub from: TitleFrom,
}

/// Where a long text gives the job's title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleFrom {
    /// The first line, which reads as a title (short, no final full stop), or the words
    /// before the gender mark (« H/F ») of a text flattened to one line.
    Line,
    /// A sentence (« En tant qu’Ingénieur Data, vous … »), in a text without a title line:
    /// it orders the occupations as a title line does, but the text is calibrated as a long
    /// text without a title line.
    Sentence,
}

/// Words of a title line at most.
const TITLE_WORDS: usize = 14;

/// Cues of a sentence that describes the employer, the offer or the application.
const BOILERPLATE: &[&str] = &[
    // The employer and its organisation.
    "a pour mission",
    "a pour missions",
    "a pour vocation",
    "a pour objet",
    "est charge de",
    "est chargee de",
    "est compose",
    "est composee",
    "compte environ",
    "compte plus de",
    "regroupe",
    "etablissement public",
    "cree en",
    "creee en",
    "placee sous l'autorite",
    "place sous l'autorite",
    "rattache au ministere",
    "rattachee au ministere",
    "nos valeurs",
    "notre ambition",
    "rejoindre une equipe",
    "rejoignez",
    "rejoindre nos",
    // Pay, benefits, working conditions.
    "remuneration",
    "salaire",
    "avantages",
    "teletravail",
    "tickets restaurant",
    "titres restaurant",
    "restauration collective",
    "mutuelle",
    "prise en charge",
    "conges",
    "rtt",
    "horaires",
    "comite d'entreprise",
    "action sociale",
    "prestations sociales",
    // Place.
    "poste base",
    "poste situe",
    "localisation",
    "adresse",
    "acces par",
    "desservi",
    "transports en commun",
    "metro",
    "parking",
    // Contract, status, grade.
    "contrat",
    "cdd",
    "cdi",
    "contractuel",
    "titulaire",
    "fonctionnaire",
    "detachement",
    "mutation",
    "categorie a",
    "categorie b",
    "categorie c",
    "corps",
    "grade",
    "bap",
    "rifseep",
    "date de prise de poste",
    "poste vacant",
    "poste a pourvoir",
    // Application.
    "candidature",
    "candidatures",
    "postuler",
    "curriculum",
    "cv",
    "lettre de motivation",
    "date limite",
    "entretien",
    "jury",
    "processus de recrutement",
    "rqth",
    "handicap",
    "egalite",
    "diversite",
    "renseignements",
    "contact",
    "personne a contacter",
];

/// Openings of a sentence that say to whom the post answers (« Sous l’autorité du chef de
/// service, vous assurez … »): up to the first comma, the clause names a boss, not the post.
const HIERARCHY: &[&str] = &[
    "sous la responsabilite",
    "sous l'autorite",
    "sous la direction",
    "place sous",
    "placee sous",
    "place e sous",
    "rattache a",
    "rattachee a",
    "rattache e a",
    "rattache au",
    "rattachee au",
    "rattache e au",
    "rattache aux",
    "rattachee aux",
];

/// Words after which a text names someone the post works for or with (« auprès du chef de
/// projet », « en lien avec les chefs de projet MOE », « seconder le chef de section »,
/// « rattaché au chef de bureau », « vous rendez compte au DSI ») or a thing of theirs
/// (« les comptes administrateurs »), or after « direct » (« en lien direct avec le chef de
/// projet », « rattaché directement au DSI »), or the rules the post works within, someone
/// else's (« dans le respect de la politique de sécurité »): in a sentence of a long text,
/// a title whose head word comes right after one of them is not the post's. Compared by
/// stem, so one form of a word is enough (« étroit » is also « étroite »; « assister » is
/// left out, its stem being « assistant »'s).
pub const RELATION: &[&str] = &[
    "auprès",
    "lien",
    "seconder",
    "rattaché",
    "rattachée",
    "appui",
    "autorité",
    "responsabilité",
    "direction",
    "directement",
    "collaboration",
    "relation",
    "compte",
    // The rules the post works within, someone else's (« dans le respect de la politique de
    // sécurité », « conformément au cahier des charges »).
    "respect",
    "conformément",
    "conformité",
    // What qualifies the relation, between it and the title (« sous l'autorité hiérarchique
    // du chef de service », « en lien étroit avec le RSSI »).
    "hiérarchique",
    "fonctionnelle",
    "étroit",
    "constant",
    "permanent",
];

/// Signs that a sentence is about the job's tasks.
const TASK: &[&str] = &[
    "vous serez",
    "vous aurez",
    "vous assurerez",
    "vous assurez",
    "vous participerez",
    "vous participez",
    "vous etes charge",
    "vous etes chargee",
    "vous contribuerez",
    "vous pilotez",
    "vous piloterez",
    "vous gerez",
    "vous gererez",
    "vous realisez",
    "vous realiserez",
    "vous mettrez",
    "il ou elle",
    "le titulaire du poste",
    "la ou le titulaire",
    "l'agent",
    "missions",
    "activites",
    "taches",
    "en charge de",
    "charge de",
    "chargee de",
];

/// Reads a long text: its title line, and its sentences kept or set aside.
pub fn read(text: &str) -> Reading {
    let mut out = Reading::default();
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .peekable();
    if let Some(first) = lines.peek() {
        let words = first.split_whitespace().count();
        let ends = first.trim_end_matches(|c: char| c == ')' || c.is_whitespace());
        if words <= TITLE_WORDS && !ends.ends_with('.') && !ends.ends_with(':') && words >= 1 {
            out.title = Some(Title {
                text: (*first).to_owned(),
                from: TitleFrom::Line,
            });
            lines.next();
        }
    }
    let mut first_line = true;
    for line in lines {
        let mut line = line;
        // A text flattened to one line (a form's field, a JSONL export) still opens with its
        // title when the title ends with the gender mark of French job ads (« H/F »).
        if first_line
            && out.title.is_none()
            && let Some((title, rest)) = split_gender_mark(line)
        {
            out.title = Some(Title {
                text: title.to_owned(),
                from: TitleFrom::Line,
            });
            line = rest;
        }
        first_line = false;
        for sentence in sentences(line) {
            let sentence = match hierarchy_clause(&sentence) {
                Some((clause, rest)) => {
                    out.set_aside.push(clause.to_owned());
                    match rest {
                        Some(rest) => rest.to_owned(),
                        None => continue,
                    }
                }
                None => sentence,
            };
            if is_boilerplate(&sentence) {
                out.set_aside.push(sentence);
            } else {
                out.kept.push(sentence);
            }
        }
    }
    if out.title.is_none() {
        out.title = out.kept.iter().find_map(|s| {
            title_in_sentence(s).map(|text| Title {
                text,
                from: TitleFrom::Sentence,
            })
        });
    }
    out
}

/// The title a sentence gives the post (« En tant qu’Ingénieur Data, vous serez … »): the
/// words after « en tant que », up to the end of the clause (a comma, « vous »…), at most
/// [`TITLE_WORDS`]; none for the idiom « en tant que de besoin ».
fn title_in_sentence(sentence: &str) -> Option<String> {
    let lower = sentence.to_lowercase();
    if lower.len() != sentence.len() {
        return None;
    }
    let start = ["en tant que ", "en tant qu'", "en tant qu’"]
        .iter()
        .filter_map(|cue| lower.find(cue).map(|i| i + cue.len()))
        .min()?;
    let rest = sentence.get(start..)?;
    let rest_lower = lower.get(start..)?;
    let end = [
        ",",
        ";",
        ":",
        ".",
        " vous ",
        " et vous",
        " tu ",
        " il ",
        " elle ",
        " au sein ",
    ]
    .iter()
    .filter_map(|stop| rest_lower.find(stop))
    .min()
    .unwrap_or(rest.len());
    let title = rest.get(..end)?.trim();
    let words = title.split_whitespace().count();
    ((1..=TITLE_WORDS).contains(&words) && !rest_lower.starts_with("de ")).then(|| title.to_owned())
}

/// A line that opens with a title closed by a gender mark (« H/F », « (F/H) », « F/H »)
/// within its first words: the title and the rest.
fn split_gender_mark(line: &str) -> Option<(&str, &str)> {
    let mut words = 0;
    let mut start_of_word = true;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            start_of_word = true;
            continue;
        }
        if start_of_word {
            words += 1;
            start_of_word = false;
            if words > TITLE_WORDS + 2 {
                return None;
            }
            let rest = &line[i..];
            let mark = [
                "(H/F)", "(F/H)", "H/F", "F/H", "(h/f)", "(f/h)", "h/f", "f/h",
            ]
            .iter()
            .find(|m| {
                rest.starts_with(*m)
                    && rest[m.len()..]
                        .chars()
                        .next()
                        .is_none_or(|n| !n.is_alphanumeric())
            });
            if let Some(m) = mark {
                let end = i + m.len();
                let tail = line[end..].trim_start_matches([')', ' ', '-', '–', ':']);
                if tail.trim().is_empty() || words < 2 {
                    return None;
                }
                return Some((line[..end].trim(), tail));
            }
        }
    }
    None
}

/// The sentences and bullets of a line.
fn sentences(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // A full stop ends a sentence when a space and a capital follow (not « M. », « 3.5 »).
        let ends = matches!(c, '.' | '!' | '?' | ';')
            && chars.get(i + 1).is_none_or(|n| n.is_whitespace())
            && chars
                .get(i + 2)
                .is_none_or(|n| n.is_uppercase() || !n.is_alphanumeric());
        // A dash after a space and before a capital is a bullet of a list flattened to one
        // line (« … logiciels - Réaliser les opérations … », « … : -Contrôler … »).
        let dash = matches!(c, '-' | '–')
            && i > 0
            && chars.get(i - 1).is_some_and(|p| p.is_whitespace())
            && match chars.get(i + 1) {
                Some(n) if n.is_whitespace() => chars.get(i + 2).is_some_and(|n| n.is_uppercase()),
                Some(n) => n.is_uppercase(),
                None => false,
            };
        let bullet = dash || matches!(c, '•' | '·' | '\u{f0b7}' | '▪' | '►' | '➢' | 'Ø');
        if bullet {
            push(&mut out, &mut cur);
            continue;
        }
        cur.push(c);
        if ends {
            push(&mut out, &mut cur);
        }
    }
    push(&mut out, &mut cur);
    out
}

fn push(out: &mut Vec<String>, cur: &mut String) {
    let s = cur
        .trim()
        .trim_start_matches(['-', '–', '*', '#', '>'])
        .trim()
        .to_owned();
    if s.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
        out.push(s);
    }
    cur.clear();
}

/// A sentence that opens by saying to whom the post answers: that clause, up to the first
/// comma, and what follows it (`None` when nothing does, or when the sentence has no comma
/// and no sign of the job's tasks: all of it is the clause).
fn hierarchy_clause(sentence: &str) -> Option<(&str, Option<&str>)> {
    // Every cue opens with one of these letters: most sentences are not folded twice.
    let first = sentence.chars().find(|c| c.is_alphabetic())?;
    if !matches!(first, 's' | 'S' | 'p' | 'P' | 'r' | 'R') {
        return None;
    }
    let f = format!("{} ", words(&fold(sentence)));
    let opens = |cue: &str| {
        f.strip_prefix(cue)
            .is_some_and(|rest| rest.starts_with(' '))
    };
    if !HIERARCHY.iter().any(|&c| opens(c)) {
        return None;
    }
    match sentence.split_once(',') {
        Some((clause, rest)) => {
            let rest = rest.trim();
            let says = rest.chars().filter(|c| c.is_alphabetic()).count() >= 3;
            Some((clause.trim(), says.then_some(rest)))
        }
        None if TASK_CUES.holds(&format!(" {f}")) => None,
        None => Some((sentence, None)),
    }
}

/// Whether a sentence describes the employer, the offer or the application rather than the
/// job.
pub fn is_boilerplate(sentence: &str) -> bool {
    let f = format!(" {} ", words(&fold(sentence)));
    BOILERPLATE_CUES.holds(&f) && !TASK_CUES.holds(&f)
}

/// Cues as whole words: each between spaces, all looked for in one pass over a sentence
/// (its words between single spaces, with a space at each end).
struct Cues {
    padded: Vec<String>,
    /// Building fails only past sizes that a few hundred words never reach; without it,
    /// each cue is looked for in turn.
    any: Option<aho_corasick::AhoCorasick>,
}

impl Cues {
    fn new(cues: &[&str]) -> Self {
        let padded: Vec<String> = cues.iter().map(|c| format!(" {c} ")).collect();
        let any = aho_corasick::AhoCorasick::new(&padded).ok();
        Cues { padded, any }
    }

    /// Whether one of the cues occurs in `spaced`.
    fn holds(&self, spaced: &str) -> bool {
        match &self.any {
            Some(any) => any.is_match(spaced),
            None => self.padded.iter().any(|c| spaced.contains(c.as_str())),
        }
    }
}

static BOILERPLATE_CUES: LazyLock<Cues> = LazyLock::new(|| Cues::new(BOILERPLATE));
static TASK_CUES: LazyLock<Cues> = LazyLock::new(|| Cues::new(TASK));

/// The words of a folded text, separated by single spaces (apostrophes kept).
fn words(folded: &str) -> String {
    folded
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ad_is_read_as_a_title_tasks_and_boilerplate() {
        let r = read(
            "Administrateur Systèmes F/H\n\nLe service a pour missions d’assurer la mise en œuvre des infrastructures.\n\
             Activités principales :\n• Planifier, installer et superviser les serveurs\n• Gérer les sauvegardes\n\
             Rémunération selon la grille. Poste basé à Lyon.\nCandidatures : CV et lettre de motivation.",
        );
        assert_eq!(r.title_text(), Some("Administrateur Systèmes F/H"));
        assert!(r.kept.iter().any(|s| s.starts_with("Planifier")), "{r:?}");
        assert!(
            r.kept
                .iter()
                .any(|s| s.starts_with("Gérer les sauvegardes"))
        );
        assert!(r.set_aside.iter().any(|s| s.starts_with("Rémunération")));
        assert!(r.set_aside.iter().any(|s| s.starts_with("Poste basé")));
        assert!(r.set_aside.iter().any(|s| s.starts_with("Candidatures")));
        // « a pour missions » presents the service, but « missions » is also a task cue: a
        // sentence that names both is kept (better kept than a task lost).
        assert!(
            !r.set_aside
                .iter()
                .any(|s| s.contains("Activités principales"))
        );
    }

    #[test]
    fn the_clause_that_names_a_boss_is_set_aside() {
        let r = read(
            "Sous l’autorité du chef du service Production applicative, vous aurez pour \
             principales missions d’assurer l’exploitation des applications.\n\
             Sous la responsabilité de la chef d’unité et son adjointe :\n\
             • Piloter le projet à travers l’évolution de l’outil informatique\n\
             Rattaché(e) à la Direction du Système d'information, vous administrez les serveurs.",
        );
        assert_eq!(
            r.set_aside,
            [
                "Sous l’autorité du chef du service Production applicative",
                "Sous la responsabilité de la chef d’unité et son adjointe :",
                "Rattaché(e) à la Direction du Système d'information",
            ]
        );
        assert_eq!(
            r.kept,
            [
                "vous aurez pour principales missions d’assurer l’exploitation des applications.",
                "Piloter le projet à travers l’évolution de l’outil informatique",
                "vous administrez les serveurs.",
            ]
        );
        // A boss named later in a sentence is not this clause.
        assert!(
            read("Vous secondez le chef de section dans le management de l’équipe.")
                .set_aside
                .is_empty()
        );
    }

    #[test]
    fn a_flattened_ad_keeps_its_title_up_to_the_gender_mark() {
        let r = read(
            "Technicien support (H/F) Vous assurerez le support de niveau 1. Poste basé à Paris.",
        );
        assert_eq!(r.title_text(), Some("Technicien support (H/F)"));
        assert_eq!(r.kept, ["Vous assurerez le support de niveau 1."]);
        assert_eq!(r.set_aside, ["Poste basé à Paris."]);
        // A mark far into the text is no title's.
        let long = "Au sein de la direction du numérique, le bureau des infrastructures recrute pour son équipe de production un administrateur H/F qui assurera l’exploitation.";
        assert_eq!(read(long).title_text(), None);
    }

    #[test]
    fn a_list_flattened_to_one_line_is_read_bullet_by_bullet() {
        let r = read(
            "Vos missions : - Réaliser l'intégration des composants - Rédiger les procédures, -Contrôler la cohérence des données. Poste basé à Lille - Télétravail possible.",
        );
        assert_eq!(
            r.kept,
            [
                "Vos missions :",
                "Réaliser l'intégration des composants",
                "Rédiger les procédures,",
                "Contrôler la cohérence des données.",
            ]
        );
        assert_eq!(r.set_aside, ["Poste basé à Lille", "Télétravail possible."]);
        // Hyphens inside words and dashes before a small letter are no bullets.
        let r = read("Vous assurerez le suivi des projets e-administration - en lien avec la DSI.");
        assert_eq!(r.kept.len(), 1, "{r:?}");
    }

    #[test]
    fn a_text_without_a_title_line_takes_the_title_a_sentence_gives_the_post() {
        let r = read(
            "Au sein de la direction du numérique. En tant qu’Ingénieur Data, vous serez \
             responsable des flux de données. Vous assurerez leur qualité.",
        );
        assert_eq!(r.title_text(), Some("Ingénieur Data"));
        assert_eq!(r.title.as_ref().map(|t| t.from), Some(TitleFrom::Sentence));
        assert_eq!(r.kept.len(), 3, "the sentence stays in the body: {r:?}");
        let r = read("En tant que chef de projet maîtrise d’œuvre vous définissez la solution.");
        assert_eq!(r.title_text(), Some("chef de projet maîtrise d’œuvre"));
        // The idiom « en tant que de besoin » (as needed) gives no title.
        let r = read("Vous assurez la communication en tant que de besoin auprès des équipes.");
        assert_eq!(r.title_text(), None);
        // A title line comes first.
        let r = read("Développeur Java (H/F)\nEn tant que membre de l’équipe, vous codez.");
        assert_eq!(r.title_text(), Some("Développeur Java (H/F)"));
        assert_eq!(r.title.as_ref().map(|t| t.from), Some(TitleFrom::Line));
    }

    #[test]
    fn a_text_without_a_title_line_keeps_its_first_sentence() {
        let r = read(
            "Vous serez chargé de l’administration des bases de données. Vous assurerez les sauvegardes.",
        );
        assert_eq!(r.title_text(), None);
        assert_eq!(r.kept.len(), 2);
    }
}
