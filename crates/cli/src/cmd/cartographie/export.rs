//! `cartographie export`: the workspace as CSV or XLSX.

use crate::cmd::referentiel::write_atomically;
use crate::load::Global;
use anyhow::Result;
use clap::{Args, ValueEnum};
use metiers_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum ExportFormat {
    /// CSV pour tableur en français : séparateur « ; », UTF-8 avec BOM, virgule décimale.
    Csv,
    /// Classeur Excel.
    Xlsx,
}

#[derive(Debug, Args)]
pub(super) struct ExportArgs {
    /// Format d’export.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Fichier de sortie (écrit entièrement ou pas du tout) ; par défaut
    /// cartographie.csv ou cartographie.xlsx.
    #[arg(long, short, value_name = "FICHIER")]
    output: Option<PathBuf>,
}

pub(super) async fn export(global: &Global, store: &Store, args: &ExportArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let positions = store.all_positions().await?;
    let (bytes, default) = match args.format {
        ExportFormat::Csv => (
            metiers_store::export::to_csv(&positions, r)?,
            "cartographie.csv",
        ),
        ExportFormat::Xlsx => (
            metiers_store::export::to_xlsx(&positions, r)?,
            "cartographie.xlsx",
        ),
    };
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(default));
    write_atomically(&path, &bytes)?;
    eprintln!(
        "{} poste(s) exporté(s) dans « {} »",
        positions.len(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}
