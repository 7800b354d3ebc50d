//! Checks of the request parameters that several features share: a query, a text to match, a
//! count between 1 and 50. Each gives the API's French client error.

use serde::Deserialize;

use crate::error::AppError;

/// Longest query accepted by `search` and `suggest`, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Longest text accepted by `match`, in characters (a long CV fits).
pub const MAX_TEXT_CHARS: usize = 50_000;

/// Checks a query string: not empty once trimmed, not too long. Returns it trimmed.
pub fn check_query(q: Option<&str>) -> Result<&str, AppError> {
    let q = q.map(str::trim).unwrap_or_default();
    if q.is_empty() {
        return Err(AppError::bad_request(
            "requete_vide",
            "Le paramètre « q » est vide : saisissez au moins un mot.",
        ));
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_request(
            "requete_trop_longue",
            format!("La requête dépasse {MAX_QUERY_CHARS} caractères : raccourcissez-la."),
        ));
    }
    Ok(q)
}

/// Checks a text to match: not blank, not too long. Returns it trimmed.
pub fn check_text(text: &str) -> Result<&str, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::bad_request(
            "texte_vide",
            "Le texte est vide : collez un intitulé de poste, une annonce ou un CV.",
        ));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::bad_request(
            "texte_trop_long",
            format!(
                "Le texte dépasse {MAX_TEXT_CHARS} caractères : gardez l’essentiel (intitulé et missions)."
            ),
        ));
    }
    Ok(text)
}

/// A count parameter (`limit`, `top`): `default` when absent, else 1 to 50.
pub fn check_limit(name: &str, value: Option<usize>, default: usize) -> Result<usize, AppError> {
    match value {
        None => Ok(default),
        Some(n @ 1..=50) => Ok(n),
        Some(_) => Err(AppError::bad_request(
            "parametres_invalides",
            format!("« {name} » doit être compris entre 1 et 50."),
        )),
    }
}

/// An optional count, written as JSON writes integers: `3` or `3.0` (the same number for JSON
/// Schema's `integer`; `3.0` was refused, found by Schemathesis). Fractions are refused.
pub fn integral_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    use serde::de::Error;
    match Option::<serde_json::Number>::deserialize(d)? {
        None => Ok(None),
        Some(n) => {
            if let Some(u) = n.as_u64() {
                return usize::try_from(u).map(Some).map_err(D::Error::custom);
            }
            match n.as_f64() {
                Some(f) if f.fract() == 0.0 && (0.0..=1e15).contains(&f) => Ok(Some(f as usize)),
                _ => Err(D::Error::custom(format!(
                    "invalid value: {n}, expected a positive integer"
                ))),
            }
        }
    }
}
