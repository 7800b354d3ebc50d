//! `diff`: two editions compared (fiches added, removed, renamed; activities added, removed,
//! reworded, moved), with what the registry of identifiers did to the new one.

use crate::cmd::ReportFormat;
use crate::cmd::referentiel::write_stdout;
use crate::load::{Global, LoadedEdition, edition_id, ids, load_path};
use anyhow::{Result, bail};
use clap::Args;
use metiers_referentiel::diff::{EditionDiff, diff as diff_editions};
use metiers_referentiel::registry::IdNote;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

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
