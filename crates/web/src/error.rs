//! One error type for the handlers, and extractors whose rejections use it.
//!
//! Client errors of the API are `{ "code": …, "message": … }` with a stable `code` (ASCII,
//! snake case) and a French `message`; pages show the same message in a French page
//! (`view::PageError` wraps an [`AppError`]). Internal details are logged, never sent.
//!
//! A leaf: it names no other module of this crate.

use axum::Json;
use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Le corps de toute erreur client de l’API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Code stable, pour les programmes (ex. `requete_vide`, `metier_inconnu`).
    pub code: String,
    /// Ce qui ne va pas et quoi faire, en français.
    pub message: String,
}

/// An error of a handler: an HTTP status, a stable code and a French message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code} ({status}) : {message}")]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds to wait before retrying, sent as `Retry-After` (429, 503).
    pub retry_after: Option<u64>,
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// Adds a `Retry-After` of `seconds` to the response.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "erreur_interne",
            "Erreur interne du serveur ; elle a été journalisée. Réessayez plus tard.",
        )
    }

    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "corps_trop_volumineux",
            format!(
                "Le corps de la requête dépasse la taille maximale de {} Kio.",
                crate::MAX_BODY_BYTES / 1024
            ),
        )
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code.to_owned(),
            message: self.message.clone(),
        }
    }
}

/// A store error that a handler does not answer itself: 503 with what to do when the
/// database is unreachable, read-only, full or busy, the generic 500 otherwise (logged
/// either way). Handlers match the errors that are the client's (an unknown position…)
/// before using `?`.
impl From<metiers_store::StoreError> for AppError {
    fn from(e: metiers_store::StoreError) -> Self {
        if let Some(u) = e.unavailable() {
            tracing::warn!("cartographie : {e}");
            let error = AppError::new(StatusCode::SERVICE_UNAVAILABLE, u.code(), u.message());
            // A write that met an import (or another writer) may be retried in a moment.
            return match u {
                metiers_store::Unavailable::Busy | metiers_store::Unavailable::Importing => {
                    error.with_retry_after(5)
                }
                _ => error,
            };
        }
        tracing::error!("cartographie : {e}");
        AppError::internal()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(code = self.code, message = %self.message, "erreur serveur");
        }
        let mut response = (self.status, Json(self.body())).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}

/// `Json` whose rejections are [`AppError`]s, and which refuses JSON nested deeper than
/// [`MAX_JSON_DEPTH`] with a 400 before deserializing it (serde_json stops at 128 levels, but
/// a deep value that does not fit the expected type was a 422 « type incorrect », and a
/// deep value in an ignored field cost a recursive walk).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

/// Deepest nesting of arrays and objects accepted in a JSON body (the API's bodies have 1).
pub const MAX_JSON_DEPTH: usize = 32;

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let (parts, body) = req.into_parts();
        // Read the body once (under the body limit), check its depth, then let axum's `Json`
        // check the content type and deserialize.
        let bytes = axum::body::Bytes::from_request(
            axum::extract::Request::from_parts(parts.clone(), body),
            state,
        )
        .await
        .map_err(|r| body_error(r.status()))?;
        if json_depth(&bytes) > MAX_JSON_DEPTH {
            return Err(AppError::bad_request(
                "json_trop_imbrique",
                format!(
                    "Le JSON est imbriqué sur plus de {MAX_JSON_DEPTH} niveaux : ce n’est pas un corps attendu par l’API."
                ),
            ));
        }
        let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Self(value))
    }
}

/// The deepest nesting of `[` and `{` outside strings, in one pass without recursion (for any
/// bytes, valid JSON or not).
pub fn json_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// `Query` whose rejections are [`AppError`]s.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

/// `Path` whose rejections are [`AppError`]s.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonSyntaxError(_) => AppError::bad_request(
                "json_invalide",
                "Le corps de la requête n’est pas un JSON valide.",
            ),
            JsonRejection::JsonDataError(e) => AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "json_non_conforme",
                format!(
                    "Le JSON ne correspond pas au format attendu : {}.",
                    explain_serde(&e.body_text())
                ),
            ),
            JsonRejection::MissingJsonContentType(_) => AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "type_de_contenu",
                "En-tête « Content-Type: application/json » attendu.",
            ),
            JsonRejection::BytesRejection(b) => body_error(b.status()),
            other => body_error(other.status()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        AppError::bad_request(
            "parametres_invalides",
            format!(
                "Paramètres d’adresse invalides : {}.",
                explain_serde(&r.body_text())
            ),
        )
    }
}

impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        AppError::bad_request("adresse_invalide", "Adresse invalide.")
    }
}

impl From<FormRejection> for AppError {
    fn from(r: FormRejection) -> Self {
        match r {
            FormRejection::FailedToDeserializeForm(e) => AppError::bad_request(
                "formulaire_invalide",
                format!("Formulaire invalide : {}.", explain_serde(&e.body_text())),
            ),
            FormRejection::FailedToDeserializeFormBody(e) => AppError::bad_request(
                "formulaire_invalide",
                format!("Formulaire invalide : {}.", explain_serde(&e.body_text())),
            ),
            FormRejection::InvalidFormContentType(_) => AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "type_de_contenu",
                "Formulaire attendu (application/x-www-form-urlencoded).",
            ),
            FormRejection::BytesRejection(b) => body_error(b.status()),
            other => body_error(other.status()),
        }
    }
}

fn body_error(status: StatusCode) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::too_large()
    } else {
        AppError::bad_request(
            "corps_illisible",
            "Le corps de la requête n’a pas pu être lu.",
        )
    }
}

/// A French reading of a serde error text such as `Failed to deserialize query string:
/// min_level: invalid digit found in string` (the field is kept, the English is not).
fn explain_serde(text: &str) -> String {
    // axum prefixes the serde message with a sentence ending in ": ".
    let detail = text.split_once(": ").map_or(text, |(_, d)| d);
    if let Some(rest) = detail.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return format!("champ « {field} » manquant");
    }
    if let Some(rest) = detail.find("unknown variant `").map(|i| &detail[i + 17..]) {
        let value = rest.split('`').next().unwrap_or_default();
        return format!("valeur « {value} » non reconnue");
    }
    // `field: message` when serde names the field.
    let field = detail.split_once(": ").map(|(f, _)| f).filter(|f| {
        !f.is_empty()
            && f.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    });
    let what = if detail.contains("invalid type") {
        "type de valeur incorrect"
    } else if detail.contains("invalid digit")
        || detail.contains("invalid value")
        || detail.contains("number too large")
        || detail.contains("too large")
    {
        "nombre entier positif attendu"
    } else if detail.contains("duplicate field") {
        "champ en double"
    } else if detail.contains("EOF") {
        "JSON incomplet"
    } else {
        "valeur incorrecte"
    };
    match field {
        Some(f) => format!("{what} pour « {f} »"),
        None => what.to_owned(),
    }
}

/// What a message shows of a value the request gave (an id, a path): at most 100 characters,
/// so that an answer never echoes a huge input.
pub fn shown(value: &str) -> String {
    const MAX: usize = 100;
    let mut out: String = value.chars().take(MAX).collect();
    if value.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// The answer to a method a route does not accept: always the JSON error shape.
pub async fn method_not_allowed() -> Response {
    AppError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "methode_non_autorisee",
        "Méthode HTTP non autorisée pour cette adresse.",
    )
    .into_response()
}

/// What a panic in a handler becomes (it should never happen; it is logged).
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    AppError::internal().into_response()
}

#[cfg(test)]
mod tests {
    use super::{explain_serde, json_depth};

    #[test]
    fn json_depth_counts_brackets_outside_strings() {
        assert_eq!(json_depth(b""), 0);
        assert_eq!(json_depth(br#"{"text": "x"}"#), 1);
        assert_eq!(json_depth(br#"{"a": [1, {"b": []}]}"#), 4);
        assert_eq!(json_depth(br#"{"text": "[[[[{{{{ \" [[["}"#), 1);
        assert_eq!(json_depth(b"]]]]{"), 1);
        assert_eq!(json_depth(&[b'['; 100_000]), 100_000);
        assert_eq!(json_depth(&[b'"', 0xff, b'[', b'"', b'[']), 1);
    }

    #[test]
    fn serde_errors_are_read_in_french_with_their_field() {
        assert_eq!(
            explain_serde(
                "Failed to deserialize query string: min_level: invalid digit found in string"
            ),
            "nombre entier positif attendu pour « min_level »"
        );
        assert_eq!(
            explain_serde(
                "Failed to deserialize the JSON body into the target type: missing field `text` at line 1 column 2"
            ),
            "champ « text » manquant"
        );
        assert_eq!(
            explain_serde(
                "Failed to deserialize query string: unknown variant `xml`, expected one of `json`"
            ),
            "valeur « xml » non reconnue"
        );
    }
}
