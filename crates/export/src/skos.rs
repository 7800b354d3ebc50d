//! The edition as a SKOS thesaurus, shaped like ESCO's publication of its occupations.
//!
//! - one `skos:ConceptScheme` per edition: `{base}edition/{edition id}`;
//! - one `skos:Concept` (also a `msic:Metier`) per occupation: `{base}metier/{id}`, with
//!   `skos:prefLabel` and `skos:altLabel` in French, `skos:notation` (the id),
//!   `skos:definition` (the introductory sentences, when the fiche has some),
//!   `skos:inScheme` and `skos:topConceptOf` the edition;
//! - its education: `msic:cursus` (the text as published), `msic:niveauMin` /
//!   `msic:niveauMax` (N of Bac+N, `xsd:integer`);
//! - its activities: `msic:activite` → `{base}metier/{id}/activite/{n}`, a `msic:Activite`
//!   with `skos:prefLabel`, `msic:rubrique` (its heading), `msic:detail` (its sub-items) and
//!   `msic:rang` (n, its rank in the fiche).
//!
//! - its correspondences with ROME and ESCO (when the crosswalk is given,
//!   [`SkosOptions::mappings`]): SKOS mapping properties (`skos:exactMatch`, `closeMatch`,
//!   `broadMatch`, `narrowMatch`, `relatedMatch`) towards the ESCO occupation URIs as ESCO
//!   publishes them, and towards ROME fiches as
//!   `https://candidat.francetravail.fr/metierscope/fiche-metier/{code}` (France Travail's
//!   page of the fiche: it publishes no linked-data URI); the scheme cites the repertories
//!   with `dct:source`.
//!
//! The occupation URIs are built from the registry's stable ids, so they hold across
//! editions; an activity's URI is its rank in the fiche of that edition.
//! The `msic:` vocabulary lives at `{base}vocabulaire#`.
//!
//! Turtle is written with oxttl; JSON-LD is compact, with the fixed `@context` of
//! [`jsonld_context`] (oxrdfio only writes expanded JSON-LD). Both hold the same triples.

use crate::ExportError;
use metiers_referentiel::{Occupation, Referentiel};
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{Literal, NamedNode, Triple};
use oxttl::TurtleSerializer;
use serde_json::{Map, Value, json};

/// Base URI used when none is given. A placeholder until the project has its own domain:
/// pass the real one with [`SkosOptions::base_uri`] (`metiers export --base-uri`).
pub const DEFAULT_BASE_URI: &str = "https://metiers-sic.example/referentiel/";

/// The SKOS namespace.
pub const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";

/// The Dublin Core terms namespace (`dct:source`).
pub const DCT: &str = "http://purl.org/dc/terms/";

/// Options of the SKOS exports.
#[derive(Debug, Clone)]
pub struct SkosOptions {
    /// Absolute URI under which the scheme, concepts and vocabulary are named; ends with `/`
    /// (the vocabulary is `{base}vocabulaire#`, so the base holds no `#`).
    pub base_uri: String,
    /// Mapping triples to write: from an occupation (id) by a SKOS mapping property (local
    /// name, `closeMatch`) to a target URI.
    pub mappings: Vec<Mapping>,
    /// The sources cited by the scheme (`dct:source`), as they must be named.
    pub sources: Vec<String>,
}

/// A SKOS mapping of an occupation towards a concept of another scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub occupation_id: String,
    /// `exactMatch`, `closeMatch`, `broadMatch`, `narrowMatch` or `relatedMatch`.
    pub property: &'static str,
    pub target: String,
}

impl Default for SkosOptions {
    fn default() -> Self {
        Self {
            base_uri: DEFAULT_BASE_URI.to_owned(),
            mappings: Vec::new(),
            sources: Vec::new(),
        }
    }
}

impl SkosOptions {
    /// The mappings and sources of the crosswalk of `k` (every relation of every occupation).
    pub fn with_crosswalk(mut self, k: &metiers_knowledge::Knowledge) -> Self {
        self.mappings = k
            .crosswalk
            .all()
            .flat_map(|(id, list)| {
                list.iter().map(move |c| Mapping {
                    occupation_id: id.to_owned(),
                    property: c.relation.name(),
                    target: c.uri.clone(),
                })
            })
            .collect();
        self.sources = metiers_knowledge::SOURCES
            .iter()
            .map(|s| s.attribution.to_owned())
            .collect();
        self
    }

    /// The mappings of one occupation.
    fn mappings_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Mapping> {
        self.mappings.iter().filter(move |m| m.occupation_id == id)
    }
}

/// The URIs of an edition's resources.
#[derive(Debug, Clone)]
struct Uris {
    base: String,
}

impl Uris {
    fn new(opts: &SkosOptions) -> Result<Self, ExportError> {
        let base = opts.base_uri.trim();
        let ok = base.ends_with('/')
            && !base.contains('#')
            && NamedNode::new(base).is_ok()
            && base.split_once(':').is_some_and(|(scheme, rest)| {
                !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    && !rest.is_empty()
            });
        if ok {
            Ok(Self {
                base: base.to_owned(),
            })
        } else {
            Err(ExportError::BaseUri(opts.base_uri.clone()))
        }
    }
    fn vocab(&self) -> String {
        format!("{}vocabulaire#", self.base)
    }
    fn scheme(&self, r: &Referentiel) -> String {
        let id = metiers_referentiel::text::slug(&r.edition.id);
        format!(
            "{}edition/{}",
            self.base,
            if id.is_empty() { "edition" } else { &id }
        )
    }
    fn occupation(&self, o: &Occupation) -> String {
        format!("{}metier/{}", self.base, o.id)
    }
    fn activity(&self, o: &Occupation, rank: usize) -> String {
        format!("{}metier/{}/activite/{rank}", self.base, o.id)
    }
}

/// One activity of a fiche with its rank (1-based) and heading.
struct Ranked<'a> {
    rank: usize,
    heading: Option<&'a str>,
    text: &'a str,
    details: &'a [String],
}

fn ranked(o: &Occupation) -> Vec<Ranked<'_>> {
    o.activity_groups
        .iter()
        .flat_map(|g| g.activities.iter().map(move |a| (g.heading.as_deref(), a)))
        .enumerate()
        .map(|(i, (heading, a))| Ranked {
            rank: i + 1,
            heading,
            text: &a.text,
            details: &a.details,
        })
        .collect()
}

fn definition(o: &Occupation) -> Option<String> {
    (!o.summary.is_empty()).then(|| o.summary.join(" "))
}

/// Every triple of the edition (see the module documentation for the shape).
pub fn triples(r: &Referentiel, opts: &SkosOptions) -> Result<Vec<Triple>, ExportError> {
    let uris = Uris::new(opts)?;
    let vocab = uris.vocab();
    // Every IRI below is the checked base followed by an ASCII slug or a fixed name.
    let iri = |s: String| NamedNode::new_unchecked(s);
    let skos = |local: &str| NamedNode::new_unchecked(format!("{SKOS}{local}"));
    let msic = |local: &str| NamedNode::new_unchecked(format!("{vocab}{local}"));
    let fr = |s: &str| Literal::new_language_tagged_literal_unchecked(s, "fr");
    let int = |n: usize| Literal::new_typed_literal(n.to_string(), xsd::INTEGER);
    let mut out = Vec::new();
    let scheme = iri(uris.scheme(r));
    out.push(Triple::new(
        scheme.clone(),
        rdf::TYPE,
        skos("ConceptScheme"),
    ));
    out.push(Triple::new(
        scheme.clone(),
        skos("prefLabel"),
        fr(&r.edition.title),
    ));
    out.push(Triple::new(
        scheme.clone(),
        skos("notation"),
        Literal::new_simple_literal(r.edition.id.clone()),
    ));
    for source in &opts.sources {
        out.push(Triple::new(
            scheme.clone(),
            NamedNode::new_unchecked(format!("{DCT}source")),
            Literal::new_simple_literal(source.clone()),
        ));
    }
    // Each subject's triples together, so that Turtle writes one block per resource.
    for o in &r.occupations {
        out.push(Triple::new(
            scheme.clone(),
            skos("hasTopConcept"),
            iri(uris.occupation(o)),
        ));
    }
    for o in &r.occupations {
        let c = iri(uris.occupation(o));
        out.push(Triple::new(c.clone(), rdf::TYPE, skos("Concept")));
        out.push(Triple::new(c.clone(), rdf::TYPE, msic("Metier")));
        out.push(Triple::new(c.clone(), skos("inScheme"), scheme.clone()));
        out.push(Triple::new(c.clone(), skos("topConceptOf"), scheme.clone()));
        out.push(Triple::new(
            c.clone(),
            skos("notation"),
            Literal::new_simple_literal(o.id.as_str()),
        ));
        out.push(Triple::new(c.clone(), skos("prefLabel"), fr(&o.title)));
        for alt in &o.alt_titles {
            out.push(Triple::new(c.clone(), skos("altLabel"), fr(alt)));
        }
        if let Some(d) = definition(o) {
            out.push(Triple::new(c.clone(), skos("definition"), fr(&d)));
        }
        if let Some(e) = &o.education {
            let text = metiers_referentiel::export::education_line(e);
            out.push(Triple::new(c.clone(), msic("cursus"), fr(&text)));
            if let Some(n) = e.min_level {
                out.push(Triple::new(c.clone(), msic("niveauMin"), int(n.into())));
            }
            if let Some(n) = e.max_level {
                out.push(Triple::new(c.clone(), msic("niveauMax"), int(n.into())));
            }
        }
        for m in opts.mappings_of(o.id.as_str()) {
            // A target that is not an IRI is not written (the crosswalk is checked).
            if let Ok(target) = NamedNode::new(m.target.clone()) {
                out.push(Triple::new(c.clone(), skos(m.property), target));
            }
        }
        let activities = ranked(o);
        for a in &activities {
            out.push(Triple::new(
                c.clone(),
                msic("activite"),
                iri(uris.activity(o, a.rank)),
            ));
        }
        for a in activities {
            let node = iri(uris.activity(o, a.rank));
            out.push(Triple::new(node.clone(), rdf::TYPE, msic("Activite")));
            out.push(Triple::new(node.clone(), skos("prefLabel"), fr(a.text)));
            out.push(Triple::new(node.clone(), msic("rang"), int(a.rank)));
            if let Some(h) = a.heading {
                out.push(Triple::new(node.clone(), msic("rubrique"), fr(h)));
            }
            for d in a.details {
                out.push(Triple::new(node.clone(), msic("detail"), fr(d)));
            }
        }
    }
    Ok(out)
}

/// The edition in Turtle, with the prefixes `skos:`, `xsd:`, `msic:` (vocabulary),
/// `metier:` (occupations) and `edition:` (schemes).
pub fn to_turtle(r: &Referentiel, opts: &SkosOptions) -> Result<String, ExportError> {
    let triples = triples(r, opts)?;
    let uris = Uris::new(opts)?;
    let err = |e: &dyn std::fmt::Display| ExportError::Turtle(e.to_string());
    let mut ser = TurtleSerializer::new();
    for (prefix, ns) in [
        ("skos", SKOS.to_owned()),
        ("dct", DCT.to_owned()),
        ("xsd", "http://www.w3.org/2001/XMLSchema#".to_owned()),
        ("msic", uris.vocab()),
        ("metier", format!("{}metier/", uris.base)),
        ("edition", format!("{}edition/", uris.base)),
    ] {
        ser = ser.with_prefix(prefix, ns).map_err(|e| err(&e))?;
    }
    let mut w = ser.for_writer(Vec::new());
    for t in &triples {
        w.serialize_triple(t).map_err(|e| err(&e))?;
    }
    let bytes = w.finish().map_err(|e| err(&e))?;
    String::from_utf8(bytes).map_err(|e| err(&e))
}

/// The fixed `@context` of the JSON-LD export, for a base URI.
pub fn jsonld_context(opts: &SkosOptions) -> Result<Value, ExportError> {
    let uris = Uris::new(opts)?;
    let fr = |id: &str| json!({ "@id": id, "@language": "fr" });
    let fr_set = |id: &str| json!({ "@id": id, "@language": "fr", "@container": "@set" });
    let link = |id: &str| json!({ "@id": id, "@type": "@id" });
    let int = |id: &str| json!({ "@id": id, "@type": "xsd:integer" });
    let mapping = |local: &str| json!({ "@id": format!("skos:{local}"), "@type": "@id", "@container": "@set" });
    Ok(json!({
        "skos": SKOS,
        "dct": DCT,
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "msic": uris.vocab(),
        "id": "@id",
        "type": "@type",
        "prefLabel": fr("skos:prefLabel"),
        "altLabel": fr_set("skos:altLabel"),
        "definition": fr("skos:definition"),
        "notation": "skos:notation",
        "inScheme": link("skos:inScheme"),
        "topConceptOf": link("skos:topConceptOf"),
        "hasTopConcept": { "@id": "skos:hasTopConcept", "@type": "@id", "@container": "@set" },
        "cursus": fr("msic:cursus"),
        "niveauMin": int("msic:niveauMin"),
        "niveauMax": int("msic:niveauMax"),
        "activite": { "@id": "msic:activite", "@container": "@set" },
        "rubrique": fr("msic:rubrique"),
        "detail": fr_set("msic:detail"),
        "rang": int("msic:rang"),
        "source": { "@id": "dct:source", "@container": "@set" },
        "exactMatch": mapping("exactMatch"),
        "closeMatch": mapping("closeMatch"),
        "broadMatch": mapping("broadMatch"),
        "narrowMatch": mapping("narrowMatch"),
        "relatedMatch": mapping("relatedMatch"),
    }))
}

/// The edition in compact JSON-LD: `{ "@context": …, "@graph": [scheme, concepts…] }`,
/// pretty-printed.
pub fn to_jsonld(r: &Referentiel, opts: &SkosOptions) -> Result<String, ExportError> {
    let context = jsonld_context(opts)?;
    let uris = Uris::new(opts)?;
    let scheme = uris.scheme(r);
    let mut head = json!({
        "id": scheme,
        "type": "skos:ConceptScheme",
        "prefLabel": r.edition.title,
        "notation": r.edition.id,
        "hasTopConcept": r.occupations.iter().map(|o| uris.occupation(o)).collect::<Vec<_>>(),
    });
    if !opts.sources.is_empty() {
        head["source"] = json!(opts.sources);
    }
    let mut graph = vec![head];
    for o in &r.occupations {
        let mut c = Map::new();
        c.insert("id".into(), json!(uris.occupation(o)));
        c.insert("type".into(), json!(["skos:Concept", "msic:Metier"]));
        c.insert("notation".into(), json!(o.id));
        c.insert("prefLabel".into(), json!(o.title));
        c.insert("altLabel".into(), json!(o.alt_titles));
        if let Some(d) = definition(o) {
            c.insert("definition".into(), json!(d));
        }
        c.insert("inScheme".into(), json!(scheme));
        c.insert("topConceptOf".into(), json!(scheme));
        for m in opts.mappings_of(o.id.as_str()) {
            if NamedNode::new(m.target.clone()).is_err() {
                continue;
            }
            if let Value::Array(list) = c.entry(m.property.to_owned()).or_insert_with(|| json!([]))
            {
                list.push(json!(m.target));
            }
        }
        if let Some(e) = &o.education {
            c.insert(
                "cursus".into(),
                json!(metiers_referentiel::export::education_line(e)),
            );
            if let Some(n) = e.min_level {
                c.insert("niveauMin".into(), json!(n.to_string()));
            }
            if let Some(n) = e.max_level {
                c.insert("niveauMax".into(), json!(n.to_string()));
            }
        }
        let activities: Vec<Value> = ranked(o)
            .into_iter()
            .map(|a| {
                let mut node = Map::new();
                node.insert("id".into(), json!(uris.activity(o, a.rank)));
                node.insert("type".into(), json!("msic:Activite"));
                node.insert("rang".into(), json!(a.rank.to_string()));
                if let Some(h) = a.heading {
                    node.insert("rubrique".into(), json!(h));
                }
                node.insert("prefLabel".into(), json!(a.text));
                if !a.details.is_empty() {
                    node.insert("detail".into(), json!(a.details));
                }
                Value::Object(node)
            })
            .collect();
        c.insert("activite".into(), Value::Array(activities));
        graph.push(Value::Object(c));
    }
    let doc = json!({ "@context": context, "@graph": graph });
    // Serialising a Value cannot fail.
    Ok(serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_uris_are_checked() {
        let r = metiers_referentiel::published().referentiel;
        for bad in [
            "",
            "pas une uri/",
            "https://exemple.fr/sans-fin",
            "https://exemple .fr/",
            "https://exemple.fr/r#",
        ] {
            let opts = SkosOptions {
                base_uri: bad.into(),
                ..SkosOptions::default()
            };
            assert!(
                matches!(to_turtle(&r, &opts), Err(ExportError::BaseUri(_))),
                "{bad}"
            );
            assert!(to_jsonld(&r, &opts).is_err(), "{bad}");
        }
        let ok = SkosOptions {
            base_uri: "https://exemple.gouv.fr/referentiel/".into(),
            ..SkosOptions::default()
        };
        let ttl = to_turtle(&r, &ok).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            ttl.contains("@prefix metier: <https://exemple.gouv.fr/referentiel/metier/>"),
            "{}",
            &ttl[..400]
        );
    }
}
