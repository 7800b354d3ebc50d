//! French analysis: the tantivy analyzer chain shared by the index and the queries.
//!
//! Chain: [`SimpleTokenizer`] (splits on anything not alphanumeric, so elisions `l'`, `d'`,
//! `qu'` and the parts of `H/F`, `administrateur·rice`, `Technicien(ne)` become tokens of
//! their own) → [`RemoveLongFilter`] → [`LowerCaser`] → [`AsciiFoldingFilter`] (accents are
//! folded *before* stop words and stemming, so `Sécurité` and `securite` meet) →
//! [`StopWordFilter`] (French list, folded, plus elided one-letter words) → [`Masculine`]
//! (drops the fragments of inclusive writing and turns feminine job nouns into the masculine
//! form the fiches use) → [`Stemmer`] (French).

use std::collections::HashSet;
use std::sync::Arc;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, Token, TokenFilter, TokenStream, Tokenizer,
};

/// The analyzer type (tantivy's), for the crates that keep one.
pub use tantivy::tokenizer::TextAnalyzer;

/// Name under which the French analyzer is registered in the index.
pub const FRENCH: &str = "fr_metiers";

/// One analysed token: its stem and where it came from in the analysed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub stem: String,
    pub from: usize,
    pub to: usize,
}

/// Builds the French analyzer; `extra_stop_words` are added to the French list (folded).
pub fn french_analyzer(extra_stop_words: &[String]) -> TextAnalyzer {
    let mut words: HashSet<String> = tantivy_french_stop_words();
    words.extend(extra_stop_words.iter().map(|w| fold(w)));
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(words))
        .filter(Masculine)
        .filter(Stemmer::new(Language::French))
        .filter(Unmark)
        .build()
}

/// Runs the analyzer over `text`.
pub fn analyze(analyzer: &TextAnalyzer, text: &str) -> Vec<Tok> {
    let mut analyzer = analyzer.clone();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        out.push(Tok {
            stem: t.text.clone(),
            from: t.offset_from,
            to: t.offset_to,
        });
    }
    out
}

/// Word as the tokenizer cuts it → its stem, `None` when the chain drops it.
type Stems = rustc_hash::FxHashMap<Box<str>, Option<Box<str>>>;

/// The analysis chain with the words it has analysed remembered. The chain acts on each
/// word alone (its tokenizer cuts at every character that is not alphanumeric, and each
/// filter maps or drops one token), so a word's stem is computed once: the engine fills this
/// while it reads the edition and its labels; a word that queries bring is analysed on the
/// spot and kept apart, in a bounded cache shared by the clones. Gives what [`analyze`]
/// gives with the same analyzer.
#[derive(Clone)]
pub struct Words {
    analyzer: TextAnalyzer,
    /// The words of the edition and its labels.
    stems: Stems,
    /// The same for words met in queries, shared by the threads that match, up to
    /// [`Words::MET_MAX`] words: the common words of ads and CVs that no fiche uses are
    /// analysed once for all texts rather than once per text.
    met: Arc<crate::memo::Memo<Option<Box<str>>>>,
}

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Words")
            .field("remembered", &self.stems.len())
            .finish_non_exhaustive()
    }
}

impl Words {
    /// Nothing remembered yet, for the chain `analyzer`.
    pub fn new(analyzer: TextAnalyzer) -> Self {
        Words {
            analyzer,
            stems: Default::default(),
            met: Arc::new(crate::memo::Memo::new(Self::MET_MAX)),
        }
    }

    /// Words met in queries kept at most (estimated, not measured: ~100 bytes each, ~5 MB
    /// when full).
    pub const MET_MAX: usize = 50_000;

    /// The chain.
    pub fn analyzer(&self) -> &TextAnalyzer {
        &self.analyzer
    }

    /// Analyses `text`, remembering the words it did not know yet.
    pub fn analyze_learning(&mut self, text: &str) -> Vec<Tok> {
        let Words {
            analyzer, stems, ..
        } = self;
        each_word(text, |word| {
            if let Some(known) = stems.get(word) {
                return known.as_deref().map(str::to_owned);
            }
            let stem = stem_of_word(analyzer, word);
            stems.insert(word.into(), stem.as_deref().map(Box::from));
            stem
        })
    }

    /// Analyses `text` with the words remembered (the chain is copied, once, only when a
    /// word is not). A word that is not is analysed once per text however often it recurs,
    /// and remembered for the texts that follow while there is room.
    pub fn analyze(&self, text: &str) -> Vec<Tok> {
        let mut chain: Option<TextAnalyzer> = None;
        let mut new = Stems::default();
        let toks = each_word(text, |word| {
            if let Some(known) = self.stems.get(word) {
                return known.as_deref().map(str::to_owned);
            }
            if let Some(known) = new.get(word) {
                return known.as_deref().map(str::to_owned);
            }
            if let Some(known) = self
                .met
                .read(word, |known| known.as_deref().map(str::to_owned))
            {
                return known;
            }
            let stem = stem_of_word(chain.get_or_insert_with(|| self.analyzer.clone()), word);
            new.insert(word.into(), stem.as_deref().map(Box::from));
            stem
        });
        if !new.is_empty() {
            self.met.remember(new);
        }
        toks
    }
}

/// The tokens of `text` as the chain's tokenizer ([`SimpleTokenizer`]) cuts them, each with
/// the stem `stem` gives its word (`None` drops it).
fn each_word(text: &str, mut stem: impl FnMut(&str) -> Option<String>) -> Vec<Tok> {
    let mut tokenizer = SimpleTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        if let Some(s) = stem(&t.text) {
            out.push(Tok {
                stem: s,
                from: t.offset_from,
                to: t.offset_to,
            });
        }
    }
    out
}

/// The stem of one word through the whole chain (`None` when a filter drops it).
fn stem_of_word(analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut stream = analyzer.token_stream(word);
    stream.advance().then(|| stream.token().text.clone())
}

/// Lowercase, accents folded, punctuation kept: the key used for autocomplete and for
/// comparing headings.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

/// The French stop words, folded, plus the elided forms.
fn tantivy_french_stop_words() -> HashSet<String> {
    // The tantivy list (Snowball's), folded: `à` and `a` are the same word once folded.
    const FRENCH: &[&str] = &[
        "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "eux",
        "il", "je", "la", "le", "leur", "lui", "ma", "mais", "me", "meme", "mes", "moi", "mon",
        "ne", "nos", "notre", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa",
        "se", "ses", "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre",
        "vous", "c", "d", "j", "l", "a", "m", "n", "s", "t", "y", "ete", "etee", "etees", "etant",
        "suis", "es", "etes", "sont", "sera", "seront", "serait", "etait", "etaient", "fut",
        "soit", "ayant", "eu", "ai", "avons", "avez", "ont", "aura", "auront", "aurait", "avait",
        "avaient", "ceci", "cela", "cet", "cette", "ici", "ils", "les", "leurs", "quel", "quels",
        "quelle", "quelles", "sans", "soi", "lorsqu", "jusqu", "puisqu", "quoiqu", "est", "selon",
        "ainsi", "tout", "tous", "toute", "toutes", "son", "sont", "afin", "entre", "of", "the",
        "and", "for", "in", "to",
    ];
    FRENCH.iter().map(|w| (*w).to_owned()).collect()
}

/// Token filter: drops the fragments of inclusive and feminine markers (`·rice`, `(ne)`,
/// `.e`, `/se`, `H/F`) and rewrites feminine job nouns to the masculine form used by the
/// fiches (`développeuse` → `développeur`, `administratrice` → `administrateur`,
/// `technicienne` → `technicien`, `ingénieure` → `ingénieur`, `cheffe` → `chef`).
/// Works on folded lowercase tokens, before stemming.
#[derive(Clone, Copy, Debug)]
pub struct Masculine;

/// Token filter: removes the mark that protected a word from the stemmer.
#[derive(Clone, Copy, Debug)]
pub struct Unmark;

/// Tokens that only occur as the tail of an inclusive form (`administrateur·rice`,
/// `Technicien(ne)`, `développeur·euse`, `chargé.e`) or as a gender marker (`H/F`).
const FRAGMENTS: &[&str] = &[
    "e", "es", "ne", "nes", "se", "ses", "euse", "euses", "rice", "rices", "trice", "trices",
    "ice", "ere", "eres", "iere", "ieres", "ienne", "iennes", "le", "les", "lle", "lles", "fe",
    "ve", "te", "h", "f", "x",
];

/// Words that end like a feminine noun but are not one.
const NOT_FEMININE: &[&str] = &[
    "matrice",
    "matrices",
    "heure",
    "heures",
    "demeure",
    "carriere",
    "carrieres",
    "matiere",
    "matieres",
    "maniere",
    "manieres",
    "frontiere",
    "frontieres",
    "lumiere",
    "filiere",
    "filieres",
    "barriere",
    "barrieres",
    "priere",
    "chelle",
    "echelle",
    "echelles",
    "selle",
    "vaisselle",
    "nouvelle",
    "nouvelles",
    "belle",
    "cellule",
    "interpelle",
    "appelle",
    "querelle",
    "passerelle",
    "passerelles",
    "dentelle",
    "pelle",
    "ombrelle",
    "mademoiselle",
    "elle",
    "elles",
    "celle",
    "celles",
    "quelle",
    "quelles",
    "actuelle",
    "actuelles",
    "recrue",
    "majeure",
    "mineure",
    "superieure",
    "inferieure",
    "exterieure",
    "interieure",
    "anterieure",
    "posterieure",
    "ulterieure",
    "meilleure",
    "meilleures",
    "bonheure",
    "premiere",
    "premieres",
    "derniere",
    "dernieres",
];

/// Words whose stem would be another word's of the trade, kept whole (their forms, and the
/// word they are all read as). The stemmer gives « équipement » the stem of « équipe »: the
/// devices a technician installs would be a team (« Responsable des équipements
/// informatiques » the head of an IT unit). It gives « direct », « directement » and
/// « directive » the stem of « direction », the word the DSI's name brings: « en lien direct
/// avec le DSI », « rattaché directement au chef de service » would name the department;
/// « relatif » that of « relation » (« les projets relatifs à … » would be a « chargé de
/// relation »), « chargement » that of « chargé » (loading data is no title); and the
/// employer's « établissement » is no « établir », « collectif » no « collecte »,
/// « commandement » no « commande », « composé de » no « composants », the training an ad
/// offers (« formation ») no file « formats ».
const KEPT_WHOLE: &[(&[&str], &str)] = &[
    (&["equipement", "equipements"], "equipement"),
    (
        &["direct", "directe", "directs", "directes", "directement"],
        "directe",
    ),
    (&["directive", "directives"], "directive"),
    (
        &[
            "relatif",
            "relatifs",
            "relative",
            "relatives",
            "relativement",
        ],
        "relatif",
    ),
    (&["chargement", "chargements"], "chargement"),
    (&["etablissement", "etablissements"], "etablissement"),
    (
        &["collectif", "collectifs", "collective", "collectives"],
        "collectif",
    ),
    (&["commandement", "commandements"], "commandement"),
    (
        &["compose", "composee", "composes", "composees"],
        "composer",
    ),
    (&["format", "formats"], "formats"),
];

/// Rewrites one folded lowercase token; `None` drops it.
pub fn masculine(token: &str) -> Option<String> {
    if FRAGMENTS.contains(&token) {
        return None;
    }
    let single_letter = token.chars().count() == 1 && !token.bytes().all(|b| b.is_ascii_digit());
    if single_letter {
        return None;
    }
    if token == "cheffe" || token == "cheffes" {
        return Some("chef".to_owned());
    }
    if let Some(&(_, whole)) = KEPT_WHOLE.iter().find(|(forms, _)| forms.contains(&token)) {
        return Some(format!("{whole}{MARK}"));
    }
    if token.len() < 6 || NOT_FEMININE.contains(&token) {
        return Some(token.to_owned());
    }
    let (base, plural) = match token.strip_suffix('s') {
        Some(b) => (b, "s"),
        None => (token, ""),
    };
    const RULES: &[(&str, &str)] = &[
        ("euse", "eur"),
        ("trice", "teur"),
        ("ienne", "ien"),
        ("iere", "ier"),
        ("eure", "eur"),
        ("elle", "el"),
    ];
    let masc = RULES
        .iter()
        .find_map(|(fem, masc)| {
            base.strip_suffix(fem)
                .filter(|stem| stem.len() >= 3)
                .map(|stem| format!("{stem}{masc}"))
        })
        .unwrap_or_else(|| base.to_owned());
    // Agent nouns in -ateur (administrateur, intégrateur, opérateur) are kept whole: the
    // stemmer would make them the verb (administrer, intégrer), and a title names a person,
    // not an activity.
    Some(if masc.ends_with("ateur") {
        format!("{masc}{MARK}")
    } else if masc == base {
        token.to_owned()
    } else {
        format!("{masc}{plural}")
    })
}

/// Appended to the words the stemmer must leave alone, removed after it by [`unmark`].
const MARK: &str = "00";

/// Removes the `MARK` of a protected word.
pub fn unmark(token: &str) -> Option<String> {
    Some(match token.strip_suffix(MARK) {
        Some(word) if word.chars().last().is_some_and(char::is_alphabetic) => word.to_owned(),
        _ => token.to_owned(),
    })
}

impl TokenFilter for Masculine {
    type Tokenizer<T: Tokenizer> = MasculineFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MasculineFilter<T> {
        MasculineFilter {
            inner: tokenizer,
            map: masculine,
        }
    }
}

impl TokenFilter for Unmark {
    type Tokenizer<T: Tokenizer> = MasculineFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MasculineFilter<T> {
        MasculineFilter {
            inner: tokenizer,
            map: unmark,
        }
    }
}

#[derive(Clone, Debug)]
pub struct MasculineFilter<T> {
    inner: T,
    map: fn(&str) -> Option<String>,
}

impl<T: Tokenizer> Tokenizer for MasculineFilter<T> {
    type TokenStream<'a> = MasculineStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MasculineStream {
            tail: self.inner.token_stream(text),
            map: self.map,
        }
    }
}

#[derive(Debug)]
pub struct MasculineStream<T> {
    tail: T,
    map: fn(&str) -> Option<String>,
}

impl<T: TokenStream> TokenStream for MasculineStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            match (self.map)(&self.tail.token().text) {
                None => continue,
                Some(word) => {
                    if word != self.tail.token().text {
                        self.tail.token_mut().text = word;
                    }
                    return true;
                }
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// An abbreviation or foreign term, and what it means in the words of the fiches.
#[derive(Debug, Clone)]
pub struct Expansion {
    /// The term, lowercase and folded, as a sequence of words.
    pub words: Vec<String>,
    /// Only when written exactly so (`SI`, not the conjunction `si`).
    pub exact: Option<Vec<String>>,
    /// Text appended to the analysed text where the term occurs.
    pub means: String,
}

/// Expansions that apply to a text: appends the meaning of every abbreviation or foreign
/// term found in it (the original words stay, so offsets of the original text are kept).
#[derive(Debug, Clone, Default)]
pub struct Expander {
    entries: Arc<Vec<Expansion>>,
    /// First word of a term → the entries starting with it, in their order.
    by_first: Arc<rustc_hash::FxHashMap<String, Vec<usize>>>,
}

impl Expander {
    pub fn new(entries: Vec<Expansion>) -> Self {
        let mut by_first: rustc_hash::FxHashMap<String, Vec<usize>> = Default::default();
        for (i, e) in entries.iter().enumerate() {
            if let Some(first) = e.words.first() {
                by_first.entry(first.clone()).or_default().push(i);
            }
        }
        Self {
            entries: Arc::new(entries),
            by_first: Arc::new(by_first),
        }
    }

    /// `text` followed by the meanings of the terms it contains (`None` when it has none).
    pub fn expand(&self, text: &str) -> Option<String> {
        let mut found: Vec<usize> = self.occurrences(text).into_iter().map(|(j, _)| j).collect();
        // Appended in the entries' order.
        found.sort_unstable();
        found.dedup();
        let mut extra = String::new();
        for j in found {
            extra.push_str(" . ");
            extra.push_str(&self.entries[j].means);
        }
        (!extra.is_empty()).then(|| format!("{text}{extra}"))
    }

    /// The terms that `text` holds and what they mean, each with the byte range of the term
    /// in `text`, in the text's order.
    pub fn terms_in(&self, text: &str) -> Vec<(&Expansion, std::ops::Range<usize>)> {
        self.occurrences(text)
            .into_iter()
            .map(|(j, range)| (&self.entries[j], range))
            .collect()
    }

    /// Each occurrence of a term in `text`: the entry's index and the term's byte range,
    /// found from the words of the text, in the text's order.
    fn occurrences(&self, text: &str) -> Vec<(usize, std::ops::Range<usize>)> {
        let raw: Vec<(usize, &str)> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            // The word's byte offset: `split` yields slices of `text`.
            .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
            .collect();
        let folded: Vec<String> = raw.iter().map(|(_, w)| fold(w)).collect();
        let mut out = Vec::new();
        for (i, w) in folded.iter().enumerate() {
            for &j in self.by_first.get(w.as_str()).into_iter().flatten() {
                let e = &self.entries[j];
                let n = e.words.len();
                let here = folded.get(i..i + n).is_some_and(|f| f == &e.words[..])
                    && e.exact.as_ref().is_none_or(|exact| {
                        raw.get(i..i + n)
                            .is_some_and(|r| r.iter().zip(exact).all(|((_, r), x)| r == x))
                    });
                if let (true, Some(&(start, _)), Some(&(last, lw))) =
                    (here, raw.get(i), raw.get(i + n - 1))
                {
                    out.push((j, start..last + lw.len()));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        analyze(&french_analyzer(&[]), text)
            .into_iter()
            .map(|t| t.stem)
            .collect()
    }

    fn same(a: &str, b: &str) {
        assert_eq!(
            stems(a),
            stems(b),
            "« {a} » and « {b} » should analyse alike"
        );
    }

    #[test]
    fn accents_are_folded_before_stemming() {
        same("Sécurité", "securite");
        same("Télécoms", "TELECOMS");
        same("maîtrise d'œuvre", "maitrise d'oeuvre");
    }

    #[test]
    fn elisions_are_dropped() {
        same("l'administrateur", "administrateur");
        same("d'exploitation", "exploitation");
        same("qu'il", "");
        same("Intégrateur d’applications", "intégrateur applications");
    }

    #[test]
    fn stop_words_are_dropped() {
        same("le chef de projet", "chef projet");
        same("à la DSI", "DSI");
    }

    #[test]
    fn inclusive_forms_are_masculine() {
        same("administrateur·rice", "administrateur");
        same("Technicien(ne)", "technicien");
        same("développeur·euse", "développeur");
        same("développeur·se", "développeur");
        same("chargé.e", "chargé");
        same("directeur.trice", "directeur");
        same("Opérateur‧rice", "opérateur");
        same("Expert.e", "expert");
    }

    #[test]
    fn gender_markers_are_dropped() {
        same("Développeur H/F", "développeur");
        same("Développeur (F/H)", "développeur");
        same("Technicien - H/F - (H/F)", "technicien");
    }

    #[test]
    fn feminine_nouns_are_masculine() {
        same("développeuse", "développeur");
        same("administratrice", "administrateur");
        same("technicienne", "technicien");
        same("ingénieure", "ingénieur");
        same("cheffe", "chef");
        same("exploratrice", "explorateur");
        same("fonctionnelle", "fonctionnel");
        same("informaticiennes", "informaticiens");
        same("experte", "expert");
    }

    #[test]
    fn words_that_look_feminine_are_kept() {
        assert_eq!(masculine("matrice").as_deref(), Some("matrice"));
        assert_eq!(masculine("heure").as_deref(), Some("heure"));
        assert_eq!(masculine("passerelle").as_deref(), Some("passerelle"));
        assert_ne!(stems("données"), stems("donneur"));
    }

    #[test]
    fn equipment_is_no_team() {
        assert_ne!(stems("équipements"), stems("équipe"));
        same("Équipement", "équipements");
        same("équipes", "équipe");
    }

    #[test]
    fn words_kept_whole_leave_the_stem_they_shared() {
        assert_ne!(stems("relatifs"), stems("relations"));
        same("relative", "relatifs");
        assert_ne!(stems("chargement"), stems("chargé"));
        assert_ne!(stems("établissement"), stems("établir"));
        assert_ne!(stems("collective"), stems("collecte"));
        assert_ne!(stems("commandement"), stems("commandes"));
        assert_ne!(stems("composé"), stems("composants"));
        assert_ne!(stems("formats"), stems("formation"));
        same("format", "formats");
    }

    #[test]
    fn direct_is_no_direction() {
        assert_ne!(stems("directement"), stems("direction"));
        assert_ne!(stems("direct"), stems("direction"));
        assert_ne!(stems("directives"), stems("direction"));
        same("directe", "directement");
        same("directions", "direction");
    }

    #[test]
    fn agent_nouns_are_not_their_verb() {
        assert_ne!(stems("administrateur"), stems("administration"));
        assert_ne!(stems("intégrateur"), stems("intégré"));
        same("administrateurs", "administratrices");
        same("intégration", "intégrer");
    }

    #[test]
    fn plurals_meet_singulars() {
        same("réseaux", "réseau");
        same("bases de données", "base de donnée");
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Administrer l'ensemble des serveurs";
        let toks = analyze(&french_analyzer(&[]), text);
        assert_eq!(&text[toks[0].from..toks[0].to], "Administrer");
        assert_eq!(&text[toks[2].from..toks[2].to], "serveurs");
    }

    #[test]
    fn remembered_words_give_what_the_chain_gives() {
        let a = french_analyzer(&["Recherchons".to_owned()]);
        let texts = [
            "Administrateur·rice systèmes et réseaux (H/F) – Technicien(ne) d’exploitation",
            "Chef / Cheffe de projet MOA : l'ensemble des SI, 3.5 ans, C++ & .NET",
            "Nous recherchons un(e) DÉVELOPPEUSE full-stack 😀 ; Ingénieur·e·s",
            "Intitulé_très_long_anticonstitutionnellementanticonstitutionnellement OK",
            "  ",
            "",
            "Ω électricien·ne niveau 2, 北京 data-scientist",
        ];
        let mut words = Words::new(a.clone());
        for t in &texts {
            assert_eq!(words.analyze(t), analyze(&a, t), "{t}");
            assert_eq!(words.analyze_learning(t), analyze(&a, t), "{t}");
        }
        // Remembered: the dropped words (stop words, inclusive fragments, the long one) too.
        assert_eq!(words.stems.get("recherchons"), Some(&None));
        assert_eq!(words.stems.get("Nous"), Some(&None));
        assert_eq!(
            words.stems.get("Cheffe").cloned(),
            Some(Some("chef".into()))
        );
        for t in &texts {
            assert_eq!(words.analyze(t), analyze(&a, t), "{t}");
        }
    }

    #[test]
    fn words_met_in_queries_are_remembered_up_to_a_bound() {
        let a = french_analyzer(&[]);
        let words = Words::new(a.clone());
        let t = "Nous recherchons un(e) administratrice réseaux expérimentée";
        assert_eq!(words.analyze(t), analyze(&a, t));
        let met = |w: &str| words.met.read(w, Clone::clone);
        let stem = analyze(&a, "administratrice").remove(0).stem;
        assert_eq!(met("administratrice"), Some(Some(stem.into())));
        assert_eq!(met("un"), Some(None), "les mots vides aussi");
        // Read back from the cache: the same tokens, and a clone shares it.
        assert_eq!(words.clone().analyze(t), analyze(&a, t));
        // Past the bound, words are analysed but no longer kept.
        let many: String = (0..Words::MET_MAX + 10)
            .map(|i| format!("motinconnu{i} "))
            .collect();
        let _ = words.analyze(&many);
        assert_eq!(words.met.len(), Words::MET_MAX);
        let t = "zythologue";
        assert_eq!(words.analyze(t), analyze(&a, t));
        assert_eq!(met("zythologue"), None);
    }

    #[test]
    fn extra_stop_words_are_folded() {
        let a = french_analyzer(&["Recherchons".to_owned()]);
        assert!(analyze(&a, "nous recherchons").is_empty());
    }

    #[test]
    fn expansions_append_meanings() {
        let e = Expander::new(vec![
            Expansion {
                words: vec!["si".into()],
                exact: Some(vec!["SI".into()]),
                means: "système d'information".into(),
            },
            Expansion {
                words: vec!["product".into(), "owner".into()],
                exact: None,
                means: "chef de produit".into(),
            },
        ]);
        assert_eq!(e.expand("si besoin"), None);
        assert!(
            e.expand("Chef de projet SI")
                .is_some_and(|t| t.contains("système"))
        );
        assert!(
            e.expand("PRODUCT OWNER")
                .is_some_and(|t| t.contains("produit"))
        );
        // Where each term stands, in bytes of the text as written.
        let text = "Chef de projet SI – Product Owner";
        let found: Vec<(&str, &str)> = e
            .terms_in(text)
            .into_iter()
            .map(|(x, range)| (x.means.as_str(), &text[range]))
            .collect();
        assert_eq!(
            found,
            [
                ("système d'information", "SI"),
                ("chef de produit", "Product Owner")
            ]
        );
        assert!(e.terms_in("si besoin").is_empty());
    }
}
