//! The bulk formats of an edition: one definition of each (name, media type, file extension,
//! French description and rendering) that `metiers export`, the API's `/export` and the fiche
//! page's download links all use.

use metiers_referentiel::export::{self as text_export, CsvOptions};
use metiers_referentiel::{Occupation, Referentiel};
use serde::Deserialize;

use crate::ExportError;
use crate::skos::{self, SkosOptions};

/// Un format d’export d’une édition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JSON canonique `{ "edition", "occupations" }`, rechargeable par `metiers --referentiel`.
    #[default]
    Json,
    /// CSV (RFC 4180), une ligne par activité ou sous-élément : `id,title,heading,activity,detail`.
    Csv,
    /// Le référentiel complet en un document Markdown.
    Markdown,
    /// SKOS en Turtle, comme ESCO publie ses métiers : un `skos:ConceptScheme` par édition,
    /// un `skos:Concept` par métier.
    Ttl,
    /// Le même SKOS en JSON-LD compact.
    Jsonld,
    /// Classeur XLSX : une feuille des métiers, une feuille des activités.
    Xlsx,
}

/// What a rendering may be asked beyond the format.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// CSV for French spreadsheets: `;` separator and a byte order mark.
    pub excel: bool,
    /// URIs of the SKOS exports.
    pub skos: SkosOptions,
}

impl Format {
    /// Every format, in the order they are offered.
    pub const ALL: [Format; 6] = [
        Format::Json,
        Format::Csv,
        Format::Markdown,
        Format::Ttl,
        Format::Jsonld,
        Format::Xlsx,
    ];

    /// The name used on the command line, in URLs and in `?format=`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Ttl => "ttl",
            Format::Jsonld => "jsonld",
            Format::Xlsx => "xlsx",
        }
    }

    /// The format of a name (`md` is also Markdown); `None` for any other text.
    pub fn parse(name: &str) -> Option<Format> {
        match name.trim() {
            "md" => Some(Format::Markdown),
            n => Format::ALL.into_iter().find(|f| f.name() == n),
        }
    }

    /// What the format holds, in French (the CLI's help).
    pub fn description(self) -> &'static str {
        match self {
            Format::Json => {
                "JSON canonique : { \"edition\": …, \"occupations\": […] }, rechargeable tel quel"
            }
            Format::Csv => "CSV (RFC 4180) : une ligne par activité ou sous-élément",
            Format::Markdown => "Markdown : le référentiel complet, lisible",
            Format::Ttl => {
                "SKOS en Turtle, comme ESCO : un skos:ConceptScheme par édition, un skos:Concept par métier"
            }
            Format::Jsonld => "SKOS en JSON-LD compact (même contenu que Turtle, @context fixe)",
            Format::Xlsx => {
                "Classeur XLSX : une feuille des métiers, une feuille des activités (binaire)"
            }
        }
    }

    /// The media type of the bytes.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Ttl => "text/turtle; charset=utf-8",
            Format::Jsonld => "application/ld+json",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            other => other.name(),
        }
    }

    /// Whether the bytes are not text (not to be printed to a terminal).
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }

    /// A whole edition in this format.
    pub fn render(self, r: &Referentiel, options: &RenderOptions) -> Result<Vec<u8>, ExportError> {
        Ok(match self {
            Format::Json => text_export::to_json(r).into_bytes(),
            Format::Csv => text_export::to_csv(
                r,
                CsvOptions {
                    excel_fr: options.excel,
                },
            )
            .into_bytes(),
            Format::Markdown => text_export::to_markdown(r).into_bytes(),
            Format::Ttl => skos::to_turtle(r, &options.skos)?.into_bytes(),
            Format::Jsonld => skos::to_jsonld(r, &options.skos)?.into_bytes(),
            Format::Xlsx => crate::xlsx::to_xlsx(r)?,
        })
    }

    /// One fiche of an edition in this format: the occupation alone in JSON and Markdown,
    /// an edition of that one occupation otherwise.
    pub fn render_occupation(
        self,
        r: &Referentiel,
        o: &Occupation,
        options: &RenderOptions,
    ) -> Result<Vec<u8>, ExportError> {
        match self {
            Format::Json => {
                Ok((serde_json::to_string_pretty(o).unwrap_or_default() + "\n").into_bytes())
            }
            Format::Markdown => Ok(text_export::occupation_markdown(o, 1).into_bytes()),
            other => other.render(
                &Referentiel {
                    edition: r.edition.clone(),
                    occupations: vec![o.clone()],
                },
                options,
            ),
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_found_by_its_name_and_md_is_markdown() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.name()), Some(f));
        }
        assert_eq!(Format::parse("md"), Some(Format::Markdown));
        assert_eq!(Format::parse("xml"), None);
        assert_eq!(Format::Markdown.extension(), "md");
    }
}
