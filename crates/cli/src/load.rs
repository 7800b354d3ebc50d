//! Options shared by every command, and loading the edition they name.

use anyhow::{Context, Result};
use metiers_referentiel::{Parsed, Referentiel, Severity};
use std::path::{Path, PathBuf};

/// Options shared by every command.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// Charge une autre édition (texte publié ou JSON canonique) au lieu de l’édition intégrée.
    #[arg(long, global = true, value_name = "CHEMIN", env = "METIERS_REFERENTIEL")]
    pub referentiel: Option<PathBuf>,
}

impl Global {
    /// The edition named by `--referentiel`, or the embedded one. Parsing errors are printed
    /// as warnings: a real edition with irregularities still loads.
    pub fn referentiel(&self) -> Result<Referentiel> {
        let parsed = match &self.referentiel {
            Some(path) => load_path(path)?,
            None => metiers_referentiel::published(),
        };
        let errors = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        if errors > 0 {
            eprintln!(
                "attention : {errors} erreur(s) en lisant l’édition ; « metiers check » les détaille"
            );
        }
        Ok(parsed.referentiel)
    }
}

/// Reads and parses an edition file; the edition id is the file stem.
pub fn load_path(path: &Path) -> Result<Parsed> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("impossible de lire l’édition « {} »", path.display()))?;
    let id = path
        .file_stem()
        .map(|s| metiers_referentiel::text::slug(&s.to_string_lossy()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "edition".to_owned());
    metiers_referentiel::load(&bytes, &id)
        .with_context(|| format!("édition « {} » illisible", path.display()))
}
