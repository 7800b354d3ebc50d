//! `diff`, `fiche-de-poste` and `ecart`: editions side by side, job descriptions and gap
//! analysis.

use crate::cmd::referentiel::{write_atomically, write_stdout};
use crate::load::{Global, LoadedEdition, edition_id, ids, load_path};
use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use metiers_export::ecart::{self, GapAnalyzer};
use metiers_export::poste::{JobDescription, Selection, numbered_activities};
use metiers_referentiel::diff::{EditionDiff, diff as diff_editions};
use metiers_referentiel::registry::IdNote;
use metiers_referentiel::{Occupation, Referentiel};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// Texte lisible dans un terminal.
    Text,
    /// JSON.
    Json,
    /// Markdown.
    Markdown,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Ancienne édition : identifiant d’une édition chargée (--referentiel), « jurisconforme »
    /// pour l’édition intégrée, ou chemin d’un fichier. Sans ANCIENNE ni NOUVELLE : l’édition
    /// précédente et l’édition courante parmi celles chargées.
    #[arg(value_name = "ANCIENNE", requires = "new")]
    old: Option<String>,
    /// Nouvelle édition (mêmes formes que ANCIENNE).
    #[arg(value_name = "NOUVELLE")]
    new: Option<String>,
    /// Format de sortie.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum JobFormat {
    /// Markdown, à reprendre dans un traitement de texte.
    Markdown,
    /// Page HTML autonome, imprimable.
    Html,
}

#[derive(Debug, Args)]
pub struct JobArgs {
    /// Identifiant (ex. « technicien-d-exploitation ») ou intitulé de la fiche métier.
    #[arg(value_name = "ID_OU_INTITULE", required = true, num_args = 1..)]
    name: Vec<String>,
    /// Activités retenues pour le poste : numéros (« 1,3,7 », « 2-5 ») tels que --liste les
    /// affiche, ou « all » pour toutes.
    #[arg(long, value_name = "NUMEROS", default_value = "all")]
    activites: String,
    /// Affiche les activités numérotées de la fiche, pour choisir --activites.
    #[arg(long)]
    liste: bool,
    /// Format de sortie.
    #[arg(long, value_enum, default_value_t = JobFormat::Markdown)]
    format: JobFormat,
    /// Fichier de sortie (écrit entièrement ou pas du tout) ; sortie standard par défaut.
    #[arg(long, short, value_name = "FICHIER")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GapArgs {
    /// Métier de départ (identifiant ou intitulé). Seul : vos activités sont celles de ce
    /// métier que --activites retient, et les métiers sont classés selon ce qu’elles couvrent.
    #[arg(value_name = "A")]
    from: Option<String>,
    /// Métier visé (identifiant ou intitulé) : activités déjà couvertes, à acquérir, écart de
    /// formation.
    #[arg(value_name = "B")]
    to: Option<String>,
    /// Sans B : activités de A que vous pratiquez (numéros, ou « all »).
    #[arg(long, value_name = "NUMEROS")]
    activites: Option<String>,
    /// Sans B : une activité que vous pratiquez, en texte libre (répétable).
    #[arg(long, value_name = "TEXTE")]
    pratique: Vec<String>,
    /// Sans B : nombre de métiers affichés.
    #[arg(long, default_value_t = 10)]
    nombre: usize,
    /// Format de sortie.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
}

/// The diff and what the registry did to the new edition's ids.
#[derive(Serialize)]
struct DiffReport<'a> {
    #[serde(flatten)]
    diff: &'a EditionDiff,
    id_notes: &'a [IdNote],
}

pub fn diff(global: &Global, args: &DiffArgs) -> Result<ExitCode> {
    let mut editions = global.editions()?;
    let (old, new) = match (&args.old, &args.new) {
        (Some(old), Some(new)) => (
            resolve(global, &editions, old)?,
            resolve(global, &editions, new)?,
        ),
        _ => {
            let current = global.current_index(&editions)?;
            if current == 0 {
                bail!(
                    "une seule édition chargée ({}) : indiquez ANCIENNE et NOUVELLE, ou chargez deux éditions avec --referentiel",
                    ids(&editions)
                );
            }
            let new = editions.swap_remove(current);
            (editions.swap_remove(current - 1), new)
        }
    };
    let d = diff_editions(&old.referentiel, &new.referentiel);
    let text = match args.format {
        ReportFormat::Json => {
            serde_json::to_string_pretty(&DiffReport {
                diff: &d,
                id_notes: &new.id_notes,
            })? + "\n"
        }
        ReportFormat::Text => {
            let mut out = d.to_text();
            if !new.id_notes.is_empty() {
                out.push_str("\nRegistre des identifiants :\n");
                for n in &new.id_notes {
                    let _ = writeln!(out, "  {}", n.message());
                }
            }
            out
        }
        ReportFormat::Markdown => {
            let mut out = d.to_markdown();
            if !new.id_notes.is_empty() {
                out.push_str("\n## Registre des identifiants\n\n");
                for n in &new.id_notes {
                    let _ = writeln!(out, "- {}", n.message());
                }
            }
            out
        }
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// An edition named by a loaded id, the embedded edition's id, or a path.
fn resolve(global: &Global, editions: &[LoadedEdition], name: &str) -> Result<LoadedEdition> {
    if let Some(e) = editions.iter().find(|e| e.referentiel.edition.id == name) {
        return Ok(e.clone());
    }
    if name == metiers_referentiel::PUBLISHED_EDITION_ID {
        let registry = global.registry()?;
        let r = registry.reconcile(&metiers_referentiel::published().referentiel);
        return Ok(LoadedEdition {
            referentiel: r.referentiel,
            id_notes: r.notes,
            errors: 0,
        });
    }
    let path = Path::new(name);
    if !path.exists() {
        bail!(
            "édition « {name} » introuvable : ni une édition chargée ({}), ni « {} » (édition intégrée), ni un fichier",
            ids(editions),
            metiers_referentiel::PUBLISHED_EDITION_ID
        );
    }
    let parsed = load_path(path)?;
    let errors = parsed.has_errors() as usize;
    let r = global.registry()?.reconcile(&parsed.referentiel);
    if errors > 0 {
        eprintln!(
            "attention : l’édition « {} » contient des erreurs ; « metiers check {name} » les détaille",
            edition_id(path)
        );
    }
    Ok(LoadedEdition {
        referentiel: r.referentiel,
        id_notes: r.notes,
        errors,
    })
}

/// The occupation named by an id or a title, or an error listing the closest ids.
fn find<'a>(r: &'a Referentiel, query: &str) -> Result<&'a Occupation> {
    Ok(r.resolve(query)?)
}

pub fn job(global: &Global, args: &JobArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let o = find(&r, &args.name.join(" "))?;
    if args.liste {
        let mut out = format!("Activités de « {} » ({}) :\n", o.title, o.id);
        let mut heading = None;
        for a in numbered_activities(o) {
            if a.heading != heading {
                let _ = writeln!(out, "\n{}", a.heading.unwrap_or("(sans rubrique)"));
                heading = a.heading;
            }
            let _ = writeln!(out, "  {:>3}. {}", a.number, a.text);
        }
        out.push_str("\nChoisissez avec --activites, par exemple --activites 1,3,5-7\n");
        write_stdout(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let selection = Selection::parse(&args.activites).map_err(anyhow::Error::msg)?;
    let jd = JobDescription::new(&r.edition, o, &selection)?;
    let text = match args.format {
        JobFormat::Markdown => jd.to_markdown(),
        JobFormat::Html => jd.to_html(),
    };
    match &args.output {
        Some(path) => {
            write_atomically(path, text.as_bytes())?;
            eprintln!("fiche de poste écrite dans « {} »", path.display());
        }
        None => write_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

pub fn gap(global: &Global, args: &GapArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let analyzer = GapAnalyzer::new(&r);
    if let (Some(a), Some(b)) = (&args.from, &args.to) {
        if args.activites.is_some() || !args.pratique.is_empty() {
            bail!(
                "--activites et --pratique s’emploient sans métier visé B : « metiers ecart A --activites 1,3 »"
            );
        }
        let gap = analyzer.between(find(&r, a)?, find(&r, b)?);
        let text = match args.format {
            ReportFormat::Text => gap.to_text(),
            ReportFormat::Json => serde_json::to_string_pretty(&gap)? + "\n",
            ReportFormat::Markdown => gap.to_markdown(),
        };
        write_stdout(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut practised: Vec<String> = args
        .pratique
        .iter()
        .filter(|p| !p.trim().is_empty())
        .cloned()
        .collect();
    if let Some(a) = &args.from {
        let o = find(&r, a)?;
        let selection = Selection::parse(args.activites.as_deref().unwrap_or("all"))
            .map_err(anyhow::Error::msg)?;
        let jd = JobDescription::new(&r.edition, o, &selection)?;
        practised.extend(jd.activities.iter().map(|a| a.text.to_owned()));
    } else if args.activites.is_some() {
        bail!(
            "--activites désigne des activités d’un métier : indiquez-le (« metiers ecart A --activites 1,3 »)"
        );
    }
    if practised.is_empty() {
        bail!(
            "indiquez deux métiers (« metiers ecart A B »), ou vos activités : « metiers ecart A --activites 1,3 » ou --pratique \"texte\""
        );
    }
    let ranking = analyzer.for_person(&r, &practised);
    let limit = args.nombre.max(1);
    let text = match args.format {
        ReportFormat::Text => ecart::coverage_text(&ranking, limit),
        ReportFormat::Json => {
            serde_json::to_string_pretty(&ranking.iter().take(limit).collect::<Vec<_>>())? + "\n"
        }
        ReportFormat::Markdown => ecart::coverage_markdown(&ranking, limit),
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
