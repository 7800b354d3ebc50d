//! Issue 6: the SKOS export parses back with the RDF crates and holds one concept per
//! occupation with all its labels, in Turtle and in JSON-LD alike; the XLSX export reads
//! back (calamine) with every activity.

use calamine::{Data, Reader, Xlsx};
use metiers_export::skos::{self, SKOS, SkosOptions};
use metiers_export::xlsx::{self, ACTIVITIES_SHEET, OCCUPATIONS_SHEET};
use metiers_referentiel::{Referentiel, published};
use oxrdf::vocab::rdf;
use oxrdf::{NamedNode, Term, Triple};
use std::collections::{BTreeSet, HashSet};
use std::io::Cursor;

fn referentiel() -> Referentiel {
    published().referentiel
}

fn skos_iri(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SKOS}{local}"))
}

fn parse_turtle(text: &str) -> HashSet<Triple> {
    oxttl::TurtleParser::new()
        .for_slice(text)
        .collect::<Result<HashSet<_>, _>>()
        .expect("Turtle valide")
}

fn parse_jsonld(text: &str) -> HashSet<Triple> {
    let format = oxrdfio::RdfFormat::JsonLd {
        profile: oxrdfio::JsonLdProfileSet::empty(),
    };
    oxrdfio::RdfParser::from_format(format)
        .for_slice(text)
        .map(|q| q.map(Triple::from))
        .collect::<Result<HashSet<_>, _>>()
        .expect("JSON-LD valide")
}

fn objects(g: &HashSet<Triple>, s: &NamedNode, p: &NamedNode) -> BTreeSet<String> {
    g.iter()
        .filter(|t| t.subject == s.clone().into() && &t.predicate == p)
        .map(|t| match &t.object {
            Term::Literal(l) => {
                assert_eq!(l.language(), Some("fr"), "libellé sans @fr : {l}");
                l.value().to_owned()
            }
            other => other.to_string(),
        })
        .collect()
}

/// One `skos:Concept` per occupation, with its prefLabel and every altLabel in French.
fn check_concepts(g: &HashSet<Triple>, r: &Referentiel) {
    let concept: Term = skos_iri("Concept").into();
    let concepts: HashSet<_> = g
        .iter()
        .filter(|t| t.predicate == rdf::TYPE && t.object == concept)
        .map(|t| t.subject.clone())
        .collect();
    assert_eq!(concepts.len(), r.occupations.len());
    for o in &r.occupations {
        let uri = NamedNode::new_unchecked(format!("{}metier/{}", skos::DEFAULT_BASE_URI, o.id));
        assert!(concepts.contains(&uri.clone().into()), "{uri} absent");
        assert_eq!(
            objects(g, &uri, &skos_iri("prefLabel")),
            BTreeSet::from([o.title.clone()])
        );
        let alts: BTreeSet<String> = o.alt_titles.iter().cloned().collect();
        assert_eq!(objects(g, &uri, &skos_iri("altLabel")), alts, "{}", o.id);
        let activites =
            NamedNode::new_unchecked(format!("{}vocabulaire#activite", skos::DEFAULT_BASE_URI));
        let n = g
            .iter()
            .filter(|t| t.subject == uri.clone().into() && t.predicate == activites)
            .count();
        assert_eq!(n, o.activities().count(), "{}", o.id);
    }
    let scheme: Term = skos_iri("ConceptScheme").into();
    assert_eq!(
        g.iter()
            .filter(|t| t.predicate == rdf::TYPE && t.object == scheme)
            .count(),
        1
    );
}

#[test]
fn turtle_parses_back_with_one_concept_per_occupation_and_all_labels() {
    let r = referentiel();
    let ttl = skos::to_turtle(&r, &SkosOptions::default()).expect("export Turtle");
    assert!(
        ttl.contains("@prefix skos: <http://www.w3.org/2004/02/skos/core#>"),
        "préfixes"
    );
    let g = parse_turtle(&ttl);
    check_concepts(&g, &r);
    let expected: HashSet<Triple> = skos::triples(&r, &SkosOptions::default())
        .expect("triplets")
        .into_iter()
        .collect();
    assert_eq!(g, expected);
}

#[test]
fn jsonld_is_json_and_holds_the_same_triples_as_turtle() {
    let r = referentiel();
    let opts = SkosOptions::default();
    let text = skos::to_jsonld(&r, &opts).expect("export JSON-LD");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let graph = json["@graph"].as_array().expect("@graph");
    assert_eq!(graph.len(), r.occupations.len() + 1);
    assert_eq!(graph[1]["prefLabel"], r.occupations[0].title);
    let g = parse_jsonld(&text);
    check_concepts(&g, &r);
    let ttl = parse_turtle(&skos::to_turtle(&r, &opts).expect("Turtle"));
    let only_ttl: Vec<_> = ttl.difference(&g).take(3).collect();
    let only_json: Vec<_> = g.difference(&ttl).take(3).collect();
    assert!(
        only_ttl.is_empty() && only_json.is_empty(),
        "Turtle seul : {only_ttl:?}\nJSON-LD seul : {only_json:?}"
    );
}

fn sheet(wb: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<String>> {
    let range = wb.worksheet_range(name).expect("feuille");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn xlsx_reads_back_with_every_occupation_and_every_activity() {
    let r = referentiel();
    let bytes = xlsx::to_xlsx(&r, None).expect("classeur");
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("XLSX lisible");
    assert_eq!(wb.sheet_names(), [OCCUPATIONS_SHEET, ACTIVITIES_SHEET]);

    let occ = sheet(&mut wb, OCCUPATIONS_SHEET);
    assert_eq!(occ[0], xlsx::OCCUPATION_COLUMNS);
    assert_eq!(occ.len(), r.occupations.len() + 1);
    for (row, o) in occ[1..].iter().zip(&r.occupations) {
        assert_eq!(
            (row[0].as_str(), row[1].as_str()),
            (o.id.as_str(), o.title.as_str())
        );
        assert_eq!(row[2], o.alt_titles.join(" ; "));
        assert_eq!(row[7], o.activities().count().to_string());
    }

    let act = sheet(&mut wb, ACTIVITIES_SHEET);
    assert_eq!(act[0], xlsx::ACTIVITY_COLUMNS);
    let expected: Vec<(String, String, String, String)> = r
        .occupations
        .iter()
        .flat_map(|o| {
            o.activity_groups.iter().flat_map(move |g| {
                g.activities.iter().map(move |a| {
                    (
                        o.id.to_string(),
                        g.heading.clone().unwrap_or_default(),
                        a.text.clone(),
                        a.details.join("\n"),
                    )
                })
            })
        })
        .collect();
    assert_eq!(expected.len(), 566, "toutes les activités publiées");
    let got: Vec<(String, String, String, String)> = act[1..]
        .iter()
        .map(|row| {
            (
                row[0].clone(),
                row[3].clone(),
                row[4].clone(),
                row[5].clone(),
            )
        })
        .collect();
    assert_eq!(got, expected);
}

// ----- the crosswalk in the exports (issue 11) ---------------------------------------------

fn knowledge() -> metiers_knowledge::Knowledge {
    metiers_knowledge::Knowledge::embedded().expect("données embarquées")
}

#[test]
fn skos_exports_parse_back_with_the_mapping_triples_of_the_crosswalk() {
    let r = referentiel();
    let k = knowledge();
    let opts = SkosOptions::default().with_crosswalk(&k);
    let ttl = parse_turtle(&skos::to_turtle(&r, &opts).expect("Turtle"));
    let jsonld = parse_jsonld(&skos::to_jsonld(&r, &opts).expect("JSON-LD"));
    assert_eq!(ttl, jsonld, "Turtle et JSON-LD portent les mêmes triplets");
    let mut expected = 0;
    for (id, list) in k.crosswalk.all() {
        let concept =
            NamedNode::new(format!("{}metier/{id}", skos::DEFAULT_BASE_URI)).expect("IRI");
        for c in list {
            expected += 1;
            let t = Triple::new(
                concept.clone(),
                NamedNode::new(format!("{SKOS}{}", c.relation.name())).expect("IRI"),
                NamedNode::new(c.uri.clone()).expect("IRI"),
            );
            assert!(ttl.contains(&t), "{t}");
        }
    }
    let mappings = ttl
        .iter()
        .filter(|t| t.predicate.as_str().ends_with("Match"))
        .count();
    assert_eq!(mappings, expected);
    assert!(
        expected > 2 * 44,
        "au moins une fiche ROME et une profession ESCO par métier"
    );
    // ESCO URIs as ESCO publishes them; ROME fiches under the documented pattern.
    assert!(ttl.iter().any(|t| {
        t.object
            .to_string()
            .contains("http://data.europa.eu/esco/occupation/")
    }));
    assert!(ttl.iter().any(|t| {
        t.object
            .to_string()
            .contains(metiers_knowledge::rome::URI_PREFIX)
    }));
    // The scheme cites both repertories.
    let sources: Vec<String> = ttl
        .iter()
        .filter(|t| t.predicate.as_str() == "http://purl.org/dc/terms/source")
        .map(|t| t.object.to_string())
        .collect();
    for s in metiers_knowledge::SOURCES {
        assert!(
            sources.iter().any(|x| x.contains(s.attribution)),
            "{sources:?}"
        );
    }
}

#[test]
fn csv_and_xlsx_carry_the_rome_and_esco_codes_and_the_whole_table() {
    let r = referentiel();
    let k = knowledge();
    let options = metiers_export::RenderOptions {
        knowledge: Some(&k),
        ..Default::default()
    };
    let csv = String::from_utf8(
        metiers_export::Format::Csv
            .render(&r, &options)
            .expect("CSV"),
    )
    .expect("UTF-8");
    let header = csv.lines().next().expect("en-tête");
    assert_eq!(header, "id,title,heading,activity,detail,rome,esco");
    assert!(csv.contains("M1805"), "code ROME du concepteur-développeur");

    let bytes = metiers_export::Format::Xlsx
        .render(&r, &options)
        .expect("XLSX");
    let mut wb: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("XLSX lisible");
    assert_eq!(
        wb.sheet_names(),
        [
            OCCUPATIONS_SHEET,
            ACTIVITIES_SHEET,
            xlsx::CROSSWALK_SHEET,
            xlsx::SOURCES_SHEET
        ]
    );
    let occ = sheet(&mut wb, OCCUPATIONS_SHEET);
    for row in &occ[1..] {
        assert!(!row[8].is_empty() && !row[9].is_empty(), "{row:?}");
    }
    let table = sheet(&mut wb, xlsx::CROSSWALK_SHEET);
    assert_eq!(table[0], xlsx::CROSSWALK_COLUMNS);
    let rows = metiers_export::crosswalk::rows(&k, &r);
    assert_eq!(table.len(), rows.len() + 1);
    let sources = sheet(&mut wb, xlsx::SOURCES_SHEET);
    assert!(
        sources
            .iter()
            .any(|r| r[1] == metiers_knowledge::rome::ATTRIBUTION)
    );

    // The whole table as CSV and JSON: the same rows.
    let table_csv = String::from_utf8(
        metiers_export::Format::CrosswalkCsv
            .render(&r, &options)
            .expect("table CSV"),
    )
    .expect("UTF-8");
    let mut reader = csv::Reader::from_reader(table_csv.as_bytes());
    assert_eq!(
        reader
            .headers()
            .expect("en-tête")
            .iter()
            .collect::<Vec<_>>(),
        metiers_export::crosswalk::COLUMNS
    );
    assert_eq!(reader.records().count(), rows.len());
    let json: serde_json::Value = serde_json::from_slice(
        &metiers_export::Format::CrosswalkJson
            .render(&r, &options)
            .expect("table JSON"),
    )
    .expect("JSON");
    assert_eq!(
        json["correspondences"].as_array().map(Vec::len),
        Some(rows.len())
    );
    assert_eq!(
        json["sources"][0]["attribution"],
        metiers_knowledge::rome::ATTRIBUTION
    );
    // Without the crosswalk, its formats are refused, not empty.
    assert!(
        metiers_export::Format::CrosswalkCsv
            .render(&r, &metiers_export::RenderOptions::default())
            .is_err()
    );
}
