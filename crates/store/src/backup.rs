//! Backup and restore of a SQLite workspace (PostgreSQL has `pg_dump` / `pg_restore`).
//!
//! - [`Store::backup`] writes a consistent copy with `VACUUM INTO` (a read transaction: the
//!   server keeps serving and writing meanwhile) into a temporary file next to the
//!   destination, checks it, then renames it: the destination is whole or untouched.
//! - [`inspect`] says whether a file is a cartographie database this binary can use:
//!   `PRAGMA integrity_check`, every embedded migration applied with the same checksum, none
//!   unknown (a newer binary's).
//! - [`restore`] replaces a workspace by a backup: it refuses a file that [`inspect`] rejects,
//!   a workspace in use (a server or a command holds it) and a workspace with more recent work
//!   than the backup, unless forced; it copies to a temporary file, checks the copy, removes the
//!   old write-ahead log and renames: atomic.
//!
//! Every process that opens a SQLite workspace holds a shared lock on `FILE.lock` (see
//! [`crate::lock::WorkspaceLock`]); a restore holds it exclusively, which is how each sees the other.

use crate::files::{io, io_reason};
use crate::lock::WorkspaceLock;
use crate::store::SQLITE_MIGRATIONS;
use crate::{Result, Store, StoreError};
use serde::Serialize;
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a valid cartographie database holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub positions: i64,
    pub reviews: i64,
    pub imports: i64,
    pub learned_titles: i64,
    /// The latest time anything was written (`YYYY-MM-DDTHH:MM:SSZ`), if anything was.
    pub last_write: Option<String>,
    /// Migrations applied (all of this binary's).
    pub migrations: usize,
    pub bytes: u64,
}

/// What [`restore`] replaced.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub restored: Summary,
    /// The workspace before, when it was a valid database.
    pub replaced: Option<Summary>,
    /// The workspace was in use and `force` was given: its processes must be restarted.
    pub was_in_use: bool,
}

impl Store {
    /// Writes a consistent copy of this SQLite workspace to `dest` while it stays in use.
    /// An existing `dest` is replaced only with `overwrite`. PostgreSQL: [`StoreError::Backup`]
    /// (use `pg_dump`).
    pub async fn backup(&self, dest: &Path, overwrite: bool) -> Result<Summary> {
        let crate::Backend::Sqlite(pool) = self.backend() else {
            return Err(StoreError::Backup(
                "une base PostgreSQL se sauvegarde avec pg_dump".to_owned(),
            ));
        };
        if dest.exists() && !overwrite {
            return Err(StoreError::Backup(format!(
                "« {} » existe déjà : choisissez un autre nom, ou --force pour le remplacer",
                dest.display()
            )));
        }
        let temp = temp_next_to(dest, "sauvegarde")?;
        let path = temp.to_str().ok_or_else(|| {
            StoreError::Backup(format!(
                "chemin « {} » non UTF-8 : choisissez un autre nom",
                temp.display()
            ))
        })?;
        let result = async {
            sqlx::query("VACUUM INTO $1")
                .bind(path)
                .execute(pool)
                .await?;
            sync_file(&temp)?;
            let summary = inspect(&temp).await?;
            std::fs::rename(&temp, dest).map_err(|e| io(dest, &e))?;
            sync_parent(dest);
            Ok(Summary {
                bytes: file_len(dest),
                ..summary
            })
        }
        .await;
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    }
}

/// Checks that `path` is a cartographie database this binary can use, and says what it holds.
pub async fn inspect(path: &Path) -> Result<Summary> {
    let bad = |why: String| StoreError::BadBackup(path.display().to_string(), why);
    let meta = std::fs::metadata(path).map_err(|e| bad(io_reason(&e).to_owned()))?;
    if !meta.is_file() {
        return Err(bad("ce n’est pas un fichier".to_owned()));
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(10));
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| bad(format!("illisible par SQLite ({})", db_reason(&e))))?;
    let result = check(&mut conn, &bad).await;
    let _ = conn.close().await;
    result.map(|s| Summary {
        bytes: meta.len(),
        ..s
    })
}

async fn check(conn: &mut SqliteConnection, bad: &dyn Fn(String) -> StoreError) -> Result<Summary> {
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| bad(format!("pas une base SQLite ({})", db_reason(&e))))?;
    if integrity != ["ok"] {
        return Err(bad(format!(
            "base endommagée (PRAGMA integrity_check : {})",
            integrity
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(" ; ")
        )));
    }
    let applied: Vec<(i64, bool, Vec<u8>)> =
        sqlx::query_as("SELECT version, success, checksum FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await
            .map_err(|_| {
                bad("pas une base de cartographie (aucune migration appliquée)".to_owned())
            })?;
    for (version, success, checksum) in &applied {
        match SQLITE_MIGRATIONS.iter().find(|m| m.version == *version) {
            None => {
                return Err(bad(format!(
                    "schéma plus récent que ce programme (migration {version} inconnue) : utilisez la version de metiers qui l’a écrite"
                )));
            }
            Some(m) if !success || m.checksum.as_ref() != checksum.as_slice() => {
                return Err(bad(format!("migration {version} inachevée ou modifiée")));
            }
            Some(_) => {}
        }
    }
    let missing: Vec<i64> = SQLITE_MIGRATIONS
        .iter()
        .filter(|m| !applied.iter().any(|(v, _, _)| *v == m.version))
        .map(|m| m.version)
        .collect();
    if !missing.is_empty() {
        return Err(bad(format!(
            "schéma incomplet (migrations manquantes : {missing:?}) : ouvrez-la une fois avec « metiers cartographie stats --db sqlite://FICHIER » pour la mettre à jour"
        )));
    }
    let mut counts = [0i64; 4];
    for (n, sql) in counts.iter_mut().zip([
        "SELECT COUNT(*) FROM positions",
        "SELECT COUNT(*) FROM reviews",
        "SELECT COUNT(*) FROM imports",
        "SELECT COUNT(*) FROM learned_titles",
    ]) {
        *n = sqlx::query_scalar(sql).fetch_one(&mut *conn).await?;
    }
    let [positions, reviews, imports, learned_titles] = counts;
    let last_write: Option<String> = sqlx::query_scalar(
        "SELECT MAX(t) FROM (SELECT MAX(updated_at) AS t FROM positions \
         UNION ALL SELECT MAX(reviewed_at) FROM reviews \
         UNION ALL SELECT MAX(imported_at) FROM imports \
         UNION ALL SELECT MAX(learned_at) FROM learned_titles \
         UNION ALL SELECT MAX(removed_at) FROM learned_titles)",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Summary {
        positions,
        reviews,
        imports,
        learned_titles,
        last_write,
        migrations: applied.len(),
        bytes: 0,
    })
}

/// Replaces the SQLite workspace `target` by the backup `source` (see the module's
/// documentation). Nothing is changed when an error is returned.
pub async fn restore(source: &Path, target: &Path, force: bool) -> Result<Restored> {
    let restored = inspect(source).await?;
    let lock = WorkspaceLock::exclusive(target)?;
    let was_in_use = lock.is_none();
    if was_in_use && !force {
        return Err(StoreError::InUse(target.display().to_string()));
    }
    let replaced = if target.exists() {
        match inspect(target).await {
            Ok(current) => {
                let newer = current.last_write > restored.last_write
                    || current.reviews > restored.reviews
                    || current.imports > restored.imports;
                if newer && !force {
                    return Err(StoreError::Newer {
                        target: target.display().to_string(),
                        target_last: current.last_write.unwrap_or_default(),
                        backup_last: restored.last_write.unwrap_or_default(),
                    });
                }
                Some(current)
            }
            // A newer binary's workspace: replacing it loses work this binary cannot read.
            Err(StoreError::BadBackup(_, why))
                if why.starts_with("schéma plus récent") && !force =>
            {
                return Err(StoreError::Newer {
                    target: target.display().to_string(),
                    target_last: why,
                    backup_last: restored.last_write.unwrap_or_default(),
                });
            }
            // A damaged workspace is what a restore is for.
            Err(_) => None,
        }
    } else {
        None
    };
    let temp = temp_next_to(target, "restauration")?;
    let result = async {
        std::fs::copy(source, &temp).map_err(|e| io(&temp, &e))?;
        sync_file(&temp)?;
        let copied = inspect(&temp).await?;
        if copied
            != (Summary {
                bytes: copied.bytes,
                ..restored.clone()
            })
        {
            return Err(StoreError::Backup(
                "la copie ne correspond pas à la sauvegarde (elle a changé pendant la copie ?)"
                    .to_owned(),
            ));
        }
        // The old write-ahead log belongs to the old file: SQLite would replay it on the new one.
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut side = target.as_os_str().to_owned();
            side.push(suffix);
            let side = PathBuf::from(side);
            if side.exists() {
                std::fs::remove_file(&side).map_err(|e| io(&side, &e))?;
            }
        }
        std::fs::rename(&temp, target).map_err(|e| io(target, &e))?;
        sync_parent(target);
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result?;
    drop(lock);
    Ok(Restored {
        restored,
        replaced,
        was_in_use,
    })
}

/// A fresh temporary path in the directory of `path` (same file system: the rename is atomic).
fn temp_next_to(path: &Path, what: &str) -> Result<PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(StoreError::Backup(format!(
            "le dossier « {} » n’existe pas",
            dir.display()
        )));
    }
    let name = path
        .file_name()
        .map_or_else(|| "base".into(), |n| n.to_string_lossy().into_owned());
    let mut random = [0u8; 6];
    let _ = getrandom::fill(&mut random);
    Ok(dir.join(format!(
        ".{name}.{what}-{}-{}.tmp",
        std::process::id(),
        crate::import::hex(&random)
    )))
}

fn sync_file(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(path, &e))
}

/// Makes a rename durable (best effort: not every file system syncs directories).
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn db_reason(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(d) => d.message().to_owned(),
        other => other.to_string(),
    }
}
