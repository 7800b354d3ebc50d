//! Job descriptions (issues 6 and 12): drafts for three occupations kept as snapshots
//! (`tests/snapshots/`; review changes with `cargo insta review`, or accept them with
//! `INSTA_UPDATE=always`), their skills, and the DOCX and ODT files read back — and opened
//! by LibreOffice where it is installed (`soffice --headless --convert-to pdf`).

use metiers_hr::job_description::{JobDescription, Selection};
use metiers_knowledge::Knowledge;
use metiers_referentiel::{Occupation, Referentiel, published};
use std::io::{Cursor, Read};
use std::sync::LazyLock;

static R: LazyLock<Referentiel> = LazyLock::new(|| published().referentiel);
static K: LazyLock<Knowledge> = LazyLock::new(|| Knowledge::embedded().expect("données"));

fn fiche(id: &str) -> &'static Occupation {
    R.get(id).unwrap_or_else(|| panic!("fiche {id} absente"))
}

fn draft(id: &str, selection: &Selection) -> JobDescription<'static> {
    JobDescription::new(&R.edition, fiche(id), selection)
        .expect("fiche de poste")
        .with_skills(&R, &K)
}

#[test]
fn job_description_technicien_d_exploitation_all_activities() {
    insta::assert_snapshot!(draft("technicien-d-exploitation", &Selection::All).to_markdown());
}

#[test]
fn job_description_concepteur_developpeur_ticked_activities() {
    insta::assert_snapshot!(
        draft(
            "concepteur-developpeur",
            &Selection::Numbers(vec![1, 2, 4, 5, 7, 10])
        )
        .to_markdown()
    );
}

#[test]
fn job_description_administrateur_de_bases_de_donnees_ticked_activities() {
    insta::assert_snapshot!(
        draft(
            "administrateur-de-bases-de-donnees",
            &Selection::Numbers(vec![1, 3, 5])
        )
        .to_markdown()
    );
}

#[test]
fn job_description_printable_html_marks_the_places_to_complete() {
    insta::assert_snapshot!(draft("testeur", &Selection::All).to_html());
}

#[test]
fn the_skills_follow_the_ticked_activities_core_first() {
    let all = draft("testeur", &Selection::All);
    let one = draft("testeur", &Selection::Numbers(vec![1]));
    assert!(!all.skills.is_empty());
    assert!(all.skills.first().is_some_and(|s| s.core));
    assert!(one.skills.len() < all.skills.len());
    assert!(all.to_markdown().contains("## Compétences"));
}

fn entry(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("archive zip");
    let mut f = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} absent"));
    let mut s = String::new();
    f.read_to_string(&mut s).expect("UTF-8");
    s
}

#[test]
fn docx_and_odt_read_back_with_every_activity_and_the_places() {
    let jd = draft("technicien-d-exploitation", &Selection::All);
    let docx = jd.document().to_docx().expect("DOCX");
    let odt = jd.document().to_odt().expect("ODT");
    let word = entry(&docx, "word/document.xml");
    let content = entry(&odt, "content.xml");
    // ODF: the mimetype first, stored, then a manifest; the XML parts are well formed.
    {
        let mut zip = zip::ZipArchive::new(Cursor::new(&odt[..])).expect("zip");
        let first = zip.by_index(0).expect("première entrée");
        assert_eq!(first.name().expect("nom").as_ref(), "mimetype");
        assert_eq!(first.compression(), zip::CompressionMethod::Stored);
    }
    assert_eq!(
        entry(&odt, "mimetype"),
        "application/vnd.oasis.opendocument.text"
    );
    for xml in [
        &word,
        &content,
        &entry(&odt, "styles.xml"),
        &entry(&odt, "META-INF/manifest.xml"),
    ] {
        assert!(
            well_formed(xml),
            "XML mal formé : {}",
            &xml[..xml.len().min(300)]
        );
    }
    let unescape = |s: &str| {
        s.replace("&apos;", "'")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
    };
    let (word, content) = (unescape(&word), unescape(&content));
    for a in &jd.activities {
        assert!(content.contains(a.text), "ODT sans « {} »", a.text);
        assert!(word.contains(a.text), "DOCX sans « {} »", a.text);
    }
    for needed in [
        "[À COMPLÉTER : intitulé du poste]",
        "Compétences",
        "Profil recherché",
    ] {
        assert!(
            content.contains(needed) && word.contains(needed),
            "{needed}"
        );
    }
    libreoffice_opens(&docx, "docx");
    libreoffice_opens(&odt, "odt");
}

/// Whether tags open and close in order (a check of the XML written by hand).
fn well_formed(xml: &str) -> bool {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let Some(end) = rest.find('>') else {
            return false;
        };
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
            continue;
        }
        let name = tag
            .trim_start_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or_default();
        if tag.starts_with('/') {
            if stack.pop().as_deref() != Some(name) {
                return false;
            }
        } else {
            stack.push(name.to_owned());
        }
    }
    stack.is_empty()
}

/// Converts the file to PDF with LibreOffice when it is installed (an outside reader of the
/// formats); says so when it is not.
fn libreoffice_opens(bytes: &[u8], ext: &str) {
    let Some(soffice) = ["soffice", "libreoffice"].into_iter().find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        eprintln!(
            "IGNORÉ : LibreOffice absent, le fichier {ext} n’est pas ouvert par un lecteur extérieur"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("dossier");
    let input = dir.path().join(format!("fiche.{ext}"));
    std::fs::write(&input, bytes).expect("écriture");
    let out = std::process::Command::new(soffice)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&input)
        .env("HOME", dir.path())
        .output()
        .expect("LibreOffice");
    let pdf = dir.path().join("fiche.pdf");
    assert!(
        pdf.exists() && std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0) > 1000,
        "LibreOffice n’a pas converti le {ext} : {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
