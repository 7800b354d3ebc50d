//! The bulk formats of an edition: one definition of each (name, media type, file extension,
//! French description and rendering) that `metiers export`, the API's `/export` and the fiche
//! page's download links all use.

use metiers_knowledge::{Knowledge, Scheme};
use metiers_referentiel::export::{self as text_export, CsvOptions, ExtraColumn};
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
    /// Classeur XLSX : une feuille des métiers, une feuille des activités, une feuille des
    /// correspondances ROME et ESCO.
    Xlsx,
    /// La table des correspondances avec ROME et ESCO en CSV : une ligne par correspondance.
    #[serde(rename = "crosswalk-csv")]
    CrosswalkCsv,
    /// La même table en JSON, avec la méthode et les sources.
    #[serde(rename = "crosswalk-json")]
    CrosswalkJson,
}

/// What a rendering may be asked beyond the format.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// CSV for French spreadsheets: `;` separator and a byte order mark.
    pub excel: bool,
    /// Base URI of the SKOS exports (the default placeholder when `None`).
    pub base_uri: Option<&'a str>,
    /// The repertories and the crosswalk: their codes go into the exports (CSV and XLSX
    /// columns, SKOS mappings), and the crosswalk formats need them.
    pub knowledge: Option<&'a Knowledge>,
}

impl RenderOptions<'_> {
    fn skos(&self) -> SkosOptions {
        let mut opts = SkosOptions::default();
        if let Some(base) = self.base_uri {
            opts.base_uri = base.to_owned();
        }
        match self.knowledge {
            Some(k) => opts.with_crosswalk(k),
            None => opts,
        }
    }

    /// The CSV columns of the crosswalk: the ROME codes and the ESCO URIs of each occupation.
    fn csv(&self) -> CsvOptions {
        let mut extra_columns = Vec::new();
        if let Some(k) = self.knowledge {
            for (header, scheme) in [("rome", Scheme::Rome), ("esco", Scheme::Esco)] {
                extra_columns.push(ExtraColumn {
                    header: header.to_owned(),
                    values: k
                        .crosswalk
                        .all()
                        .map(|(id, list)| {
                            let codes: Vec<&str> = list
                                .iter()
                                .filter(|c| c.scheme == scheme)
                                .map(|c| c.code.as_str())
                                .collect();
                            (id.to_owned(), codes.join(" | "))
                        })
                        .collect(),
                });
            }
        }
        CsvOptions {
            excel_fr: self.excel,
            extra_columns,
        }
    }
}

impl Format {
    /// Every format, in the order they are offered.
    pub const ALL: [Format; 8] = [
        Format::Json,
        Format::Csv,
        Format::Markdown,
        Format::Ttl,
        Format::Jsonld,
        Format::Xlsx,
        Format::CrosswalkCsv,
        Format::CrosswalkJson,
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
            Format::CrosswalkCsv => "crosswalk-csv",
            Format::CrosswalkJson => "crosswalk-json",
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
                "Classeur XLSX : feuilles des métiers, des activités et des correspondances ROME et ESCO (binaire)"
            }
            Format::CrosswalkCsv => {
                "Table des correspondances avec ROME 4.0 et ESCO en CSV : une ligne par correspondance"
            }
            Format::CrosswalkJson => {
                "Table des correspondances avec ROME 4.0 et ESCO en JSON, avec la méthode et les sources"
            }
        }
    }

    /// The media type of the bytes.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json | Format::CrosswalkJson => "application/json",
            Format::Csv | Format::CrosswalkCsv => "text/csv; charset=utf-8; header=present",
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
            Format::CrosswalkCsv => "csv",
            Format::CrosswalkJson => "json",
            other => other.name(),
        }
    }

    /// Whether the bytes are not text (not to be printed to a terminal).
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }

    /// The stem of the file name of a whole edition in this format.
    pub fn file_stem(self) -> &'static str {
        match self {
            Format::CrosswalkCsv | Format::CrosswalkJson => "correspondances-rome-esco",
            _ => "referentiel-metiers-sic",
        }
    }

    /// A whole edition in this format.
    pub fn render(self, r: &Referentiel, options: &RenderOptions) -> Result<Vec<u8>, ExportError> {
        let knowledge = || options.knowledge.ok_or(ExportError::NoCrosswalk);
        Ok(match self {
            Format::Json => text_export::to_json(r).into_bytes(),
            Format::Csv => text_export::to_csv(r, &options.csv()).into_bytes(),
            Format::Markdown => text_export::to_markdown(r).into_bytes(),
            Format::Ttl => skos::to_turtle(r, &options.skos())?.into_bytes(),
            Format::Jsonld => skos::to_jsonld(r, &options.skos())?.into_bytes(),
            Format::Xlsx => crate::xlsx::to_xlsx(r, options.knowledge)?,
            Format::CrosswalkCsv => {
                crate::crosswalk::to_csv(knowledge()?, r, options.excel).into_bytes()
            }
            Format::CrosswalkJson => crate::crosswalk::to_json(knowledge()?, r).into_bytes(),
        })
    }

    /// One fiche of an edition in this format: the occupation alone in JSON and Markdown,
    /// an edition of that one occupation otherwise (its correspondences only, for the
    /// crosswalk formats).
    pub fn render_occupation(
        self,
        r: &Referentiel,
        o: &Occupation,
        options: &RenderOptions,
    ) -> Result<Vec<u8>, ExportError> {
        match self {
            Format::Json => {
                // With the crosswalk, the fiche as the API serves it (with its correspondences).
                let text = match options.knowledge {
                    Some(k) => serde_json::to_string_pretty(&k.detail(r, o)),
                    None => serde_json::to_string_pretty(o),
                };
                Ok((text.unwrap_or_default() + "\n").into_bytes())
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
        assert_eq!(Format::CrosswalkCsv.extension(), "csv");
    }
}
