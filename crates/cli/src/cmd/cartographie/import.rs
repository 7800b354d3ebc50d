//! `cartographie import` and `reclassify`: a file of positions classified and written in one
//! transaction, with a progress bar; the positions not yet reviewed classified again.

use super::classifier;
use crate::cmd::referentiel::write_stdout;
use crate::load::Global;
use anyhow::{Context, Result};
use clap::Args;
use metiers_store::import::ImportReport;
use metiers_store::{ImportProgress, Status, Store, StoreError};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, Args)]
pub(super) struct ImportArgs {
    /// Fichier CSV (séparateur « ; » ou « , », UTF-8 ou Windows-1252) ou XLSX.
    #[arg(value_name = "FICHIER")]
    file: PathBuf,
    /// Affiche le compte rendu au format JSON sur la sortie standard.
    #[arg(long)]
    json: bool,
}

pub(super) async fn import(
    global: &Global,
    store: &Store,
    url: &str,
    args: &ImportArgs,
) -> Result<ExitCode> {
    let started = Instant::now();
    let bytes = std::fs::read(&args.file).with_context(|| {
        format!(
            "impossible de lire « {} » (chemin exact ? droits de lecture ?)",
            args.file.display()
        )
    })?;
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let parsed =
        match tokio::task::spawn_blocking(move || metiers_store::import::parse(&name, &bytes))
            .await?
        {
            Ok(parsed) => parsed,
            Err(report) => return Ok(refused(&report, args.json)),
        };
    if !args.json {
        for line in parsed.report.understood() {
            eprintln!("{line}");
        }
        for w in &parsed.report.warnings {
            eprintln!("remarque : {w}");
        }
    }
    let warned = parsed.report.warnings.len();
    let r = global.referentiel()?;
    let classifier = classifier(r)?;
    let total = parsed.positions.len();
    let bar = progress_bar(total);
    let outcome = store
        .import(parsed, classifier, &|p| match p {
            ImportProgress::Rows { done, total } => {
                bar.set_position(done as u64);
                if bar.is_hidden() {
                    eprintln!("progression : {done} / {total} postes rapprochés et écrits");
                }
            }
            ImportProgress::Committing => {
                bar.set_message("enregistrement…");
                if bar.is_hidden() {
                    eprintln!("progression : enregistrement de la transaction");
                }
            }
        })
        .await;
    bar.finish_and_clear();
    let outcome = match outcome {
        Ok(o) => o,
        Err(StoreError::Rejected(report)) => return Ok(refused(&report, args.json)),
        Err(e) => {
            return Err(
                anyhow::Error::new(e).context("import interrompu : la base n’a pas été modifiée")
            );
        }
    };
    if !args.json {
        // Remarks the store added while writing (files with different columns: the export
        // takes their union).
        for w in outcome.report.warnings.iter().skip(warned) {
            eprintln!("remarque : {w}");
        }
    }
    let statuses = store.counts().await?.by_status;
    let count = |s: Status| {
        statuses
            .iter()
            .find(|c| c.status == s)
            .map_or(0, |c| c.positions)
    };
    if args.json {
        let value = serde_json::json!({
            "import_id": outcome.import_id,
            "inserted": outcome.inserted,
            "updated": outcome.updated,
            "report": outcome.report,
            "seconds": started.elapsed().as_secs_f64(),
        });
        write_stdout(&(serde_json::to_string_pretty(&value)? + "\n"))?;
    }
    eprintln!(
        "{total} poste(s) importé(s) dans {url} en {:.1} s : {} nouveau(x), {} mis à jour. Dans l’espace : {} à revoir, {} proposé(s), {} relu(s).",
        started.elapsed().as_secs_f64(),
        outcome.inserted,
        outcome.updated,
        count(Status::ToReview),
        count(Status::Proposed),
        count(Status::Confirmed) + count(Status::Corrected),
    );
    Ok(ExitCode::SUCCESS)
}

pub(super) fn progress_bar(total: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        if std::io::stderr().is_terminal() {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40.cyan/blue} {pos}/{len} postes rapprochés ({per_sec}, reste {eta}) {msg}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Prints why a file was refused; exit code 2.
pub(super) fn refused(report: &ImportReport, json: bool) -> ExitCode {
    if json {
        let value = serde_json::json!({ "refused": true, "report": report });
        let _ = write_stdout(&(serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"));
    }
    eprintln!(
        "Fichier « {} » refusé : {} problème(s). Aucune modification n’a été faite dans la base.",
        report.file_name,
        report.problems.len()
    );
    if !report.format.is_empty() {
        eprintln!("Format lu : {}", report.format);
    }
    const SHOWN: usize = 100;
    for p in report.problems.iter().take(SHOWN) {
        eprintln!("  - {p}");
    }
    if report.problems.len() > SHOWN {
        eprintln!(
            "  … et {} autre(s) problème(s) (--json les donne tous)",
            report.problems.len() - SHOWN
        );
    }
    eprintln!("Corrigez le fichier puis relancez l’import.");
    ExitCode::from(2)
}

pub(super) async fn reclassify(global: &Global, store: &Store) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let n = store.reclassify_unreviewed(classifier(r)?).await?;
    eprintln!("{n} poste(s) non relu(s) rapproché(s) de nouveau avec les intitulés appris");
    Ok(ExitCode::SUCCESS)
}
