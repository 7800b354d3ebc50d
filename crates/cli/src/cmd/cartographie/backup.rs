//! `cartographie backup` and `restore`: a SQLite workspace copied while served and put back,
//! checked and atomic; for PostgreSQL, the pg_dump and pg_restore commands to use.

use super::is_postgres;
use crate::config::redact;
use anyhow::Result;
use clap::Args;
use metiers_store::{Store, StoreError};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, Args)]
pub(super) struct BackupArgs {
    /// Fichier de sauvegarde à écrire (écrit entièrement ou pas du tout).
    #[arg(value_name = "FICHIER")]
    pub(super) file: PathBuf,
    /// Remplace le fichier s’il existe déjà.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
pub(super) struct RestoreArgs {
    /// Sauvegarde à restaurer (faite par « metiers cartographie backup »).
    #[arg(value_name = "FICHIER")]
    file: PathBuf,
    /// Restaure même si la base est ouverte par un serveur (à redémarrer ensuite) ou contient
    /// des écritures plus récentes que la sauvegarde.
    #[arg(long)]
    force: bool,
}

pub(super) async fn backup(store: &Store, url: &str, args: &BackupArgs) -> Result<ExitCode> {
    let started = Instant::now();
    match store.backup(&args.file, args.force).await {
        Ok(s) => {
            eprintln!(
                "Sauvegarde « {} » écrite et vérifiée en {:.1} s : {} poste(s), {} décision(s), {} import(s), {} intitulé(s) appris, {} octets ; dernière écriture {}.",
                args.file.display(),
                started.elapsed().as_secs_f64(),
                s.positions,
                s.reviews,
                s.imports,
                s.learned_titles,
                s.bytes,
                s.last_write.as_deref().unwrap_or("aucune")
            );
            eprintln!(
                "Restauration : metiers cartographie --db {} restore {}",
                redact(url),
                args.file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ StoreError::Backup(_)) => {
            eprintln!(
                "erreur : {e}
Aucun fichier n’a été écrit."
            );
            Ok(ExitCode::from(2))
        }
        Err(e) => {
            Err(anyhow::Error::new(e)
                .context("sauvegarde interrompue : aucun fichier n’a été écrit"))
        }
    }
}

pub(super) async fn restore(url: &str, args: &RestoreArgs) -> Result<ExitCode> {
    let url = url.trim();
    if is_postgres(url) {
        print_postgres_guidance(url, &args.file, false);
        return Ok(ExitCode::from(2));
    }
    let Some(target) = sqlite_path(url) else {
        eprintln!(
            "erreur : « {} » ne désigne pas un fichier SQLite (sqlite://CHEMIN)",
            redact(url)
        );
        return Ok(ExitCode::from(2));
    };
    match metiers_store::backup::restore(&args.file, &target, args.force).await {
        Ok(r) => {
            if let Some(old) = &r.replaced {
                eprintln!(
                    "Base « {} » remplacée (elle avait {} poste(s), {} décision(s) ; dernière écriture {}).",
                    target.display(),
                    old.positions,
                    old.reviews,
                    old.last_write.as_deref().unwrap_or("aucune")
                );
            }
            let s = &r.restored;
            eprintln!(
                "Sauvegarde « {} » restaurée dans « {} » : {} poste(s), {} décision(s), {} import(s), {} intitulé(s) appris ; dernière écriture {}.",
                args.file.display(),
                target.display(),
                s.positions,
                s.reviews,
                s.imports,
                s.learned_titles,
                s.last_write.as_deref().unwrap_or("aucune")
            );
            if r.was_in_use {
                eprintln!(
                    "attention : la base était ouverte par un autre processus metiers : redémarrez-le maintenant, il écrit encore dans l’ancienne version."
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(
            e @ (StoreError::BadBackup(..)
            | StoreError::InUse(_)
            | StoreError::Newer { .. }
            | StoreError::Backup(_)),
        ) => {
            eprintln!(
                "erreur : {e}
Rien n’a été modifié."
            );
            Ok(ExitCode::from(2))
        }
        Err(e) => {
            Err(anyhow::Error::new(e).context("restauration interrompue : rien n’a été modifié"))
        }
    }
}

/// The file of a SQLite URL (`sqlite://PATH`, `sqlite:PATH` or a bare path).
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty() && !path.contains("://") && path != ":memory:").then(|| PathBuf::from(path))
}

/// PostgreSQL has its own tools: the exact commands, for the database of `url`.
pub(super) fn print_postgres_guidance(url: &str, file: &std::path::Path, backup: bool) {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let schema = query.split('&').find_map(|kv| {
        kv.strip_prefix("options[search_path]=")
            .or_else(|| kv.strip_prefix("options%5Bsearch_path%5D="))
    });
    let schema_flag = schema.map_or_else(String::new, |s| format!(" --schema={s}"));
    let base = without_password(base);
    let file = file.display();
    eprintln!(
        "La cartographie est sur PostgreSQL : ses outils la sauvegardent et la restaurent, cohérente même serveur en marche. metiers ne les réimplémente pas."
    );
    if backup {
        eprintln!("Sauvegarde (format personnalisé de pg_dump, compressé) :");
        eprintln!("  pg_dump --format=custom --no-owner{schema_flag} --file={file} '{base}'");
    } else {
        eprintln!("Restauration (arrêtez d’abord les serveurs metiers ; tout ou rien) :");
        eprintln!(
            "  pg_restore --clean --if-exists --no-owner --single-transaction{schema_flag} --dbname='{base}' {file}"
        );
    }
    eprintln!(
        "Vérification du fichier : pg_restore --list {file}
Le mot de passe se donne par PGPASSWORD ou ~/.pgpass (il est masqué ci-dessus)."
    );
}

/// `postgres://user:password@host/db` → `postgres://user@host/db` (libpq then reads the
/// password from PGPASSWORD or ~/.pgpass).
fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let user = &url[s + 3..at];
            let user = user.split(':').next().unwrap_or(user);
            format!("{}{user}{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}
