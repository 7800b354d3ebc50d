//! `list`, `show`, `export` and `check`: the référentiel itself.

use crate::load::{Global, load_path};
use anyhow::{Context, Result, bail};
use clap::builder::PossibleValue;
use clap::{Args, ValueEnum};
use metiers_export::{Format, RenderOptions};
use metiers_knowledge::Knowledge;
use metiers_referentiel::export;
use metiers_referentiel::{Diagnostic, Severity};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListFormat {
    /// Tableau lisible.
    Table,
    /// JSON : identifiant, intitulé, autres appellations, niveaux d’études.
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Format de sortie.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Identifiant (ex. « concepteur-developpeur ») ou intitulé de la fiche.
    #[arg(value_name = "ID_OU_INTITULE", required = true, num_args = 1..)]
    name: Vec<String>,
    /// Format de sortie.
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    format: ShowFormat,
}

/// An export format on the command line: the formats of `metiers_export::Format`, their
/// names and French descriptions (one definition for the CLI, the API and the pages).
#[derive(Debug, Clone, Copy)]
pub struct ExportFormat(pub Format);

static EXPORT_FORMATS: LazyLock<Vec<ExportFormat>> =
    LazyLock::new(|| Format::ALL.into_iter().map(ExportFormat).collect());

impl ValueEnum for ExportFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &EXPORT_FORMATS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()).help(self.0.description()))
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Format d’export.
    #[arg(long, value_enum, default_value = "json")]
    format: ExportFormat,
    /// Pour le CSV : séparateur « ; » et BOM, pour les tableurs en français.
    #[arg(long)]
    excel: bool,
    /// Fichier de sortie (écrit entièrement ou pas du tout) ; sortie standard par défaut.
    #[arg(long, short, value_name = "FICHIER")]
    output: Option<PathBuf>,
    /// Pour Turtle et JSON-LD : URI de base des concepts (finit par « / »). La valeur par
    /// défaut est provisoire, en attendant le domaine du projet.
    #[arg(long, value_name = "URI", default_value = metiers_export::skos::DEFAULT_BASE_URI)]
    base_uri: String,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Édition à analyser (texte publié ou JSON canonique) ; par défaut celle de
    /// --referentiel, ou l’édition intégrée.
    #[arg(value_name = "CHEMIN")]
    path: Option<PathBuf>,
    /// Affiche aussi les interprétations (niveau info).
    #[arg(long, short)]
    verbose: bool,
    /// Diagnostics au format JSON.
    #[arg(long)]
    json: bool,
}

pub fn list(global: &Global, args: &ListArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let mut out = String::new();
    match args.format {
        ListFormat::Json => {
            let rows: Vec<_> = r
                .occupations
                .iter()
                .map(|o| {
                    serde_json::json!({
                        "id": o.id,
                        "title": o.title,
                        "alt_titles": o.alt_titles,
                        "min_level": o.education.as_ref().and_then(|e| e.min_level),
                        "max_level": o.education.as_ref().and_then(|e| e.max_level),
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&rows)? + "\n";
        }
        ListFormat::Table => {
            let width = r
                .occupations
                .iter()
                .map(|o| o.id.as_str().len())
                .max()
                .unwrap_or(0);
            for o in &r.occupations {
                let level = export::level_range(o.education.as_ref());
                out.push_str(&format!(
                    "{:<width$}  {}  ({level})\n",
                    o.id.as_str(),
                    o.title
                ));
            }
            out.push_str(&format!("{} fiches métiers\n", r.occupations.len()));
        }
    }
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// The fiche named by the words of `name` (an id or a title); `None` after saying on stderr
/// that none matches, with the closest ids (the command then exits with code 2).
pub(crate) fn named<'a>(
    r: &'a metiers_referentiel::Referentiel,
    name: &[String],
) -> Option<&'a metiers_referentiel::Occupation> {
    r.resolve(&name.join(" "))
        .map_err(|unknown| eprintln!("{unknown}"))
        .ok()
}

pub fn show(global: &Global, args: &ShowArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let Some(o) = named(r, &args.name) else {
        return Ok(ExitCode::from(2));
    };
    let k = Knowledge::shared().context("lecture des données embarquées impossible")?;
    let detail = k.detail(r, o);
    let text = match args.format {
        ShowFormat::Text => export::occupation_text(o) + &extras_text(&detail),
        ShowFormat::Json => serde_json::to_string_pretty(&detail)? + "\n",
        ShowFormat::Markdown => export::occupation_markdown(o, 1) + &extras_text(&detail),
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The correspondences and skills of a fiche, as lines after its text.
fn extras_text(d: &metiers_knowledge::OccupationDetail) -> String {
    let mut out = String::from("\nCorrespondances (table du service, hors référentiel) :\n");
    for c in &d.crosswalks {
        out.push_str(&format!(
            "  {} {} « {} » — {} : {}\n",
            c.scheme.name(),
            c.code,
            c.label,
            c.relation.label(),
            c.note
        ));
    }
    out.push_str(
        "Sources : France Travail – ROME 4.0 v460 ; ESCO – European Commission, v1.1.1.\n",
    );
    out.push_str("\nCompétences (graphe du service, hors référentiel) :\n");
    for s in &d.skills {
        let level = s
            .level
            .map(|l| format!(", niveau : {}", l.label()))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {} {} ({}{level})\n",
            if s.core { "[cœur]" } else { "      " },
            s.label,
            s.kind.label()
        ));
    }
    out
}

pub fn export(global: &Global, args: &ExportArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let k = Knowledge::shared().context("lecture des données embarquées impossible")?;
    let format = args.format.0;
    let bytes = format.render(
        r,
        &RenderOptions {
            excel: args.excel,
            base_uri: Some(&args.base_uri),
            knowledge: Some(&k),
        },
    )?;
    match &args.output {
        Some(path) => {
            write_atomically(path, &bytes)?;
            eprintln!(
                "{} fiches exportées dans « {} »",
                r.occupations.len(),
                path.display()
            );
        }
        None if format.is_binary() && std::io::stdout().is_terminal() => {
            bail!(
                "le format {} est binaire et ne s’affiche pas dans un terminal : indiquez un fichier avec --output (ex. --output referentiel.{})",
                format.name().to_uppercase(),
                format.extension()
            );
        }
        None => write_stdout_bytes(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

pub fn check(global: &Global, args: &CheckArgs) -> Result<ExitCode> {
    let path = match &args.path {
        Some(path) => Some(path.clone()),
        None => global.current_path()?,
    };
    let parsed = match path {
        Some(path) => load_path(&path)?,
        None => metiers_referentiel::published(),
    };
    // The crosswalk and the skills graph checked against this edition and the embedded
    // repertories.
    let knowledge_problems: Vec<String> = match Knowledge::embedded() {
        Ok(k) => {
            let r = &parsed.referentiel;
            let mut p = k.crosswalk.validate(r, &k.rome, &k.esco);
            p.extend(k.skills.validate(r, &k.rome, &k.esco));
            p
        }
        Err(e) => vec![e.to_string()],
    };
    let count = |s: Severity| {
        parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    let shown: Vec<&Diagnostic> = parsed
        .diagnostics
        .iter()
        .filter(|d| args.verbose || d.severity > Severity::Info)
        .collect();
    if args.json {
        write_stdout(&(serde_json::to_string_pretty(&shown)? + "\n"))?;
    } else {
        let mut out = String::new();
        for d in &shown {
            let place = d.line.map_or_else(String::new, |l| format!("ligne {l} : "));
            out.push_str(&format!("{} : {place}{}\n", d.severity, d.message));
        }
        let r = &parsed.referentiel;
        let activities = r.activity_count();
        let details = r.detail_count();
        for p in &knowledge_problems {
            out.push_str(&format!("erreur : {p}\n"));
        }
        out.push_str(&format!(
            "{} fiches, {activities} activités, {details} sous-éléments ; {} erreur(s), {} avertissement(s), {} interprétation(s){}\n",
            r.occupations.len(),
            count(Severity::Error) + knowledge_problems.len(),
            count(Severity::Warning),
            count(Severity::Info),
            if args.verbose { "" } else { " (détail avec --verbose)" }
        ));
        out.push_str(&format!(
            "correspondances ROME/ESCO et graphe des compétences : {}\n",
            if knowledge_problems.is_empty() {
                "conformes à l’édition et aux répertoires embarqués".to_owned()
            } else {
                format!("{} problème(s)", knowledge_problems.len())
            }
        ));
        write_stdout(&out)?;
    }
    Ok(if parsed.has_errors() || !knowledge_problems.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes to standard output; a closed pipe (`| head`) is not an error.
pub fn write_stdout(text: &str) -> Result<()> {
    write_stdout_bytes(text.as_bytes())
}

/// Writes bytes to standard output; a closed pipe (`| head`) is not an error.
pub fn write_stdout_bytes(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("écriture sur la sortie standard impossible"),
    }
}

/// Writes a file entirely or not at all: a temporary file beside it, then a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| {
        format!(
            "impossible d’écrire « {} » (dossier existant ? droits d’écriture ?)",
            path.display()
        )
    })
}
