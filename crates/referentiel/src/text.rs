//! Small text helpers shared by the parser, the identifiers and the exports.

use unicode_normalization::UnicodeNormalization;

/// Trims and collapses every run of Unicode whitespace (NBSP included) into one space,
/// after NFC normalisation.
pub fn normalize_ws(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    for word in nfc.split(|c: char| c.is_whitespace()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Lowercase ASCII folding of a text: accents removed, ligatures expanded (`œ` → `oe`).
pub fn fold(s: &str) -> String {
    deunicode::deunicode(s).to_lowercase()
}

/// ASCII slug: folded, every run of non-alphanumeric characters turned into one `-`.
pub fn slug(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_accents_apostrophes_and_punctuation() {
        assert_eq!(slug("Concepteur -Développeur"), "concepteur-developpeur");
        assert_eq!(
            slug("Intégrateur d’applications"),
            "integrateur-d-applications"
        );
        assert_eq!(
            slug("Responsable du système d’information « métier »"),
            "responsable-du-systeme-d-information-metier"
        );
        assert_eq!(
            slug("Administrateur d’outils / de systèmes / de réseaux & télécoms"),
            "administrateur-d-outils-de-systemes-de-reseaux-telecoms"
        );
        assert_eq!(
            slug("Chef de projet maitrise d’œuvre SI"),
            "chef-de-projet-maitrise-d-oeuvre-si"
        );
        assert_eq!(slug(" … "), "");
    }

    #[test]
    fn whitespace_is_collapsed_including_nbsp() {
        assert_eq!(normalize_ws("  Bac\u{a0}+ 2\t à  4 "), "Bac + 2 à 4");
    }
}
