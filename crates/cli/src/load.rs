//! Options shared by every command, and loading the editions they name.
//!
//! Several editions can be loaded side by side: `--referentiel` repeated, or a directory of
//! editions (`*.txt` published text, `*.json` canonical JSON, in the order of their file
//! names). The last one, or the one named by `--edition`, is the current edition. Every
//! edition goes through the registry of identifiers (`data/identifiants.toml`, or
//! `--identifiers`) so that a fiche keeps its id across editions.

use anyhow::{Context, Result, bail};
use metiers_referentiel::registry::{IdNote, Registry};
use metiers_referentiel::{Parsed, Referentiel, Severity};
use std::path::{Path, PathBuf};

/// Options shared by every command.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// Charge une autre édition (texte publié ou JSON canonique) au lieu de l’édition intégrée.
    /// Répétable, ou un dossier d’éditions (*.txt, *.json, dans l’ordre des noms de
    /// fichiers) : les éditions sont chargées côte à côte, la dernière est l’édition courante.
    #[arg(
        long,
        global = true,
        value_name = "CHEMIN",
        env = "METIERS_REFERENTIEL"
    )]
    pub referentiel: Vec<PathBuf>,
    /// Édition courante parmi celles chargées (identifiant : nom du fichier sans extension) ;
    /// par défaut la dernière.
    #[arg(long, global = true, value_name = "ID")]
    pub edition: Option<String>,
    /// Registre des identifiants à utiliser au lieu du registre intégré
    /// (data/identifiants.toml).
    #[arg(long, alias = "identifiants", global = true, value_name = "FICHIER")]
    pub identifiers: Option<PathBuf>,
    /// The current edition once read: a command that needs it twice (the cartographie's,
    /// after a key rewrite at opening) reads it, and prints its warnings, once.
    #[arg(skip)]
    current: std::sync::OnceLock<Referentiel>,
}

/// One loaded edition, its ids reconciled through the registry.
#[derive(Debug, Clone)]
pub struct LoadedEdition {
    pub referentiel: Referentiel,
    /// What the registry changed or found missing.
    pub id_notes: Vec<IdNote>,
    /// Errors of the parser.
    pub errors: usize,
}

impl Global {
    /// The current edition: the one named by `--edition`, or the last one loaded, or the
    /// embedded one. Parsing errors are printed as warnings: a real edition with
    /// irregularities still loads. Read once per process: later calls return the same.
    pub fn referentiel(&self) -> Result<&Referentiel> {
        if let Some(current) = self.current.get() {
            return Ok(current);
        }
        let mut editions = self.editions()?;
        let index = self.current_index(&editions)?;
        let current = editions.swap_remove(index);
        warn(&current);
        Ok(self.current.get_or_init(|| current.referentiel))
    }

    /// Every edition named by `--referentiel` (directories expanded), in order; the embedded
    /// edition when none is named.
    pub fn editions(&self) -> Result<Vec<LoadedEdition>> {
        let registry = self.registry()?;
        let mut out: Vec<LoadedEdition> = Vec::new();
        for path in self.edition_paths()? {
            let loaded = reconcile(&registry, load_path(&path)?);
            if out
                .iter()
                .any(|e| e.referentiel.edition.id == loaded.referentiel.edition.id)
            {
                bail!(
                    "deux éditions chargées portent l’identifiant « {} » (« {} ») : renommez l’un des fichiers",
                    loaded.referentiel.edition.id,
                    path.display()
                );
            }
            out.push(loaded);
        }
        if out.is_empty() {
            out.push(reconcile(&registry, metiers_referentiel::published()));
        }
        Ok(out)
    }

    /// Index of the current edition among `editions`.
    pub fn current_index(&self, editions: &[LoadedEdition]) -> Result<usize> {
        match &self.edition {
            None => Ok(editions.len().saturating_sub(1)),
            Some(id) => editions
                .iter()
                .position(|e| e.referentiel.edition.id == *id)
                .with_context(|| {
                    format!(
                        "édition « {id} » non chargée ; éditions chargées : {}",
                        ids(editions)
                    )
                }),
        }
    }

    /// The path of the current edition's file, when it comes from a file.
    pub fn current_path(&self) -> Result<Option<PathBuf>> {
        let paths = self.edition_paths()?;
        if paths.is_empty() {
            return Ok(None);
        }
        // Loaded editions are in the order of the paths.
        let index = self.current_index(&self.editions()?)?;
        Ok(paths.get(index).cloned())
    }

    /// The registry of identifiers: `--identifiers`, or the embedded one.
    pub fn registry(&self) -> Result<Registry> {
        match &self.identifiers {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!(
                        "impossible de lire le registre des identifiants « {} »",
                        path.display()
                    )
                })?;
                Registry::parse(&text)
                    .with_context(|| format!("registre « {} » inutilisable", path.display()))
            }
            None => Registry::embedded().context("registre des identifiants intégré inutilisable"),
        }
    }

    /// `--referentiel` paths, each directory replaced by its `*.txt` and `*.json` files
    /// sorted by name.
    fn edition_paths(&self) -> Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for path in &self.referentiel {
            if path.is_dir() {
                let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                    .with_context(|| {
                        format!("impossible de lire le dossier « {} »", path.display())
                    })?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.is_file()
                            && p.extension().is_some_and(|x| {
                                x.eq_ignore_ascii_case("txt") || x.eq_ignore_ascii_case("json")
                            })
                    })
                    .collect();
                if files.is_empty() {
                    bail!(
                        "le dossier « {} » ne contient aucune édition (*.txt ou *.json)",
                        path.display()
                    );
                }
                files.sort();
                out.extend(files);
            } else {
                out.push(path.clone());
            }
        }
        Ok(out)
    }
}

/// The ids of the editions, for messages.
pub fn ids(editions: &[LoadedEdition]) -> String {
    editions
        .iter()
        .map(|e| e.referentiel.edition.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn reconcile(registry: &Registry, parsed: Parsed) -> LoadedEdition {
    let errors = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let r = registry.reconcile(&parsed.referentiel);
    LoadedEdition {
        referentiel: r.referentiel,
        id_notes: r.notes,
        errors,
    }
}

/// Prints the warnings of an edition on standard error.
pub fn warn(e: &LoadedEdition) {
    for w in warnings(e) {
        eprintln!("{w}");
    }
}

/// The warnings of [`warn`], as lines.
pub fn warnings(e: &LoadedEdition) -> Vec<String> {
    let mut out = Vec::new();
    if e.errors > 0 {
        out.push(format!(
            "attention : {} erreur(s) en lisant l’édition ; « metiers check » les détaille",
            e.errors
        ));
    }
    if !e.id_notes.is_empty() {
        out.push(format!(
            "attention : {} fiche(s) de l’édition « {} » absente(s) du registre des identifiants ou renommée(s) ; « metiers diff » les détaille",
            e.id_notes.len(),
            e.referentiel.edition.id
        ));
    }
    out
}

/// The id of the edition of a file: the slug of its stem.
pub fn edition_id(path: &Path) -> String {
    path.file_stem()
        .map(|s| metiers_referentiel::text::slug(&s.to_string_lossy()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "edition".to_owned())
}

/// Reads and parses an edition file; the edition id is the file stem.
pub fn load_path(path: &Path) -> Result<Parsed> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("impossible de lire l’édition « {} »", path.display()))?;
    metiers_referentiel::load(&bytes, &edition_id(path))
        .with_context(|| format!("édition « {} » illisible", path.display()))
}
