//! The workspace in SQLite or PostgreSQL: opening and closing it, and [`on_pool!`], which runs
//! one SQL text on either backend.
//!
//! What a workspace answers lives beside this file, each in `impl Store` blocks of its own:
//! `positions.rs` (the positions and their pages), `imports.rs` (writing an import,
//! reclassifying), `reviews.rs` (decisions and learned titles), `dashboard.rs` (counts),
//! `auth.rs` (settings and the portal's sessions), `backup.rs` (backup and restore),
//! `title_keys.rs` (the stored normalised titles kept in step with the rules of the day).

use crate::{Result, StoreError};
use sqlx::Connection;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub(crate) static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// How long a SQLite statement waits for another connection's write lock.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The database behind a [`Store`].
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One organisation's cartographie workspace. Cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    /// The shared lock on a SQLite file's `.lock`, held while the store is open (see
    /// [`crate::lock::WorkspaceLock`]).
    _lock: Option<Arc<crate::lock::WorkspaceLock>>,
    /// Imports of this process holding the write lock (SQLite), shared by the clones.
    imports_running: Arc<AtomicUsize>,
    /// What the opening rewrote of the stored title keys, when it rewrote anything.
    rewritten: Option<crate::RewrittenKeys>,
}

/// Marks an import as holding the write lock while it lives.
#[derive(Debug)]
pub(crate) struct ImportRunning(Arc<AtomicUsize>);

impl Drop for ImportRunning {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How long a write waits, on SQLite, for a lock held by another process before it is told
/// that an import (or another long write) is running.
const IMPORT_PROBE_WAIT: Duration = Duration::from_secs(3);

/// Runs the same code on either pool: `$pool` is a `&SqlitePool` or a `&PgPool`.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store.backend() {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Store {
    /// The SQLite file used when no URL is given, in the working directory.
    pub const DEFAULT_SQLITE_FILE: &'static str = "metiers-cartographie.db";

    /// `sqlite://metiers-cartographie.db`.
    pub fn default_url() -> String {
        format!("sqlite://{}", Self::DEFAULT_SQLITE_FILE)
    }

    /// Opens (and creates, for SQLite) the workspace at `url` and applies the migrations.
    ///
    /// `sqlite://PATH` (or `sqlite:PATH`, or a bare path) opens a file in WAL mode;
    /// `postgres://…` (or `postgresql://…`) a PostgreSQL database, whose `search_path` may be
    /// set with `?options[search_path]=SCHEMA`.
    pub async fn open(url: &str) -> Result<Store> {
        let url = url.trim();
        let mut store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await?;
            POSTGRES_MIGRATIONS.run(&pool).await?;
            Store {
                backend: Backend::Postgres(pool),
                _lock: None,
                imports_running: Arc::default(),
                rewritten: None,
            }
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            let path = path.split('?').next().unwrap_or(path);
            if path.is_empty() || url.contains("://") && !url.starts_with("sqlite://") {
                return Err(StoreError::BadUrl(url.to_owned()));
            }
            let memory = path == ":memory:" || path == "memory:";
            // Before the first connection: a restore in progress must finish first.
            let lock = if memory {
                None
            } else {
                crate::lock::WorkspaceLock::shared(std::path::Path::new(path))?.map(Arc::new)
            };
            let mut options = SqliteConnectOptions::new()
                .create_if_missing(true)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .synchronous(SqliteSynchronous::Normal);
            options = if memory {
                options.in_memory(true)
            } else {
                options.filename(path).journal_mode(SqliteJournalMode::Wal)
            };
            let pool = SqlitePoolOptions::new()
                .max_connections(if memory { 1 } else { 4 })
                // A connection whose transaction could not be ended (its ROLLBACK refused
                // after a disk-full error) must not serve again: a later "commit" would only
                // release a savepoint inside it, unsaved and holding the write lock. Closing
                // it rolls it back. The ping lets a rollback queued on drop run first.
                .after_release(|conn, _| {
                    Box::pin(async move {
                        conn.ping().await?;
                        Ok(!conn.is_in_transaction())
                    })
                })
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options)
                .await?;
            SQLITE_MIGRATIONS.run(&pool).await?;
            Store {
                backend: Backend::Sqlite(pool),
                _lock: lock,
                imports_running: Arc::default(),
                rewritten: None,
            }
        };
        // Keys written under older rules of normalisation are rewritten before any review
        // reads them.
        store.rewritten = store.rekey_titles_if_stale().await?;
        Ok(store)
    }

    /// What opening this workspace rewrote of its stored title keys (written under older
    /// rules of normalisation), when it rewrote anything.
    pub fn rewritten_keys(&self) -> Option<&crate::RewrittenKeys> {
        self.rewritten.as_ref()
    }

    /// `"SQLite"` or `"PostgreSQL"`.
    pub fn kind(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }

    /// The pool, for tests and tools that need raw SQL.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Whether the database accepts writes: `false` for a SQLite file (or directory) the
    /// service cannot write, or a read-only PostgreSQL server or session. Writes nothing and
    /// does not wait for another writer.
    pub async fn is_writable(&self) -> Result<bool> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                let mut conn = pool.acquire().await?;
                sqlx::query("PRAGMA busy_timeout = 0")
                    .execute(&mut *conn)
                    .await?;
                // A table created and rolled back: SQLite only refuses a read-only file
                // at the first page written (BEGIN IMMEDIATE alone succeeds in WAL mode).
                let began = sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await;
                let wrote = match began {
                    Ok(_) => {
                        let wrote = sqlx::query("CREATE TABLE metiers_write_probe (x INTEGER)")
                            .execute(&mut *conn)
                            .await;
                        if sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
                            // Never hand back a connection with a transaction open.
                            conn.detach();
                            return Ok(wrote.is_ok());
                        }
                        wrote
                    }
                    Err(e) => Err(e),
                };
                let writable = match wrote {
                    Ok(_) => true,
                    Err(e) => {
                        let e = StoreError::from(e);
                        match e.unavailable() {
                            Some(crate::Unavailable::ReadOnly) => false,
                            // Another connection is writing, so the file is writable.
                            Some(crate::Unavailable::Busy) => true,
                            _ => return Err(e),
                        }
                    }
                };
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "PRAGMA busy_timeout = {}",
                    SQLITE_BUSY_TIMEOUT.as_millis()
                )))
                .execute(&mut *conn)
                .await?;
                Ok(writable)
            }
            Backend::Postgres(pool) => {
                let read_only: String =
                    sqlx::query_scalar("SELECT current_setting('transaction_read_only')")
                        .fetch_one(pool)
                        .await?;
                Ok(read_only != "on")
            }
        }
    }

    /// Marks an import as running until the returned guard is dropped.
    pub(crate) fn import_started(&self) -> ImportRunning {
        self.imports_running.fetch_add(1, Ordering::SeqCst);
        ImportRunning(Arc::clone(&self.imports_running))
    }

    /// Whether an import of this process is being written.
    pub fn import_in_progress(&self) -> bool {
        self.imports_running.load(Ordering::SeqCst) > 0
    }

    /// Before a short write ([`Store::review`] and [`Store::remove_learned`] call it), on
    /// SQLite: fails at once with
    /// [`StoreError::ImportInProgress`] when an import of this process holds the write lock,
    /// and with a busy error ([`crate::Unavailable::Busy`]) when another process (a command
    /// line import) has held it for `IMPORT_PROBE_WAIT`, rather than letting the write wait
    /// 30 s for the lock. PostgreSQL locks rows, not the base (a review waits only when the
    /// import rewrites that very position): nothing is checked there.
    pub async fn refuse_during_import(&self) -> Result<()> {
        let Backend::Sqlite(pool) = &self.backend else {
            return Ok(());
        };
        if self.import_in_progress() {
            return Err(StoreError::ImportInProgress);
        }
        let mut conn = pool.acquire().await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA busy_timeout = {}",
            IMPORT_PROBE_WAIT.as_millis()
        )))
        .execute(&mut *conn)
        .await?;
        let began = sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await;
        let outcome = match began {
            Ok(_) => {
                if sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
                    conn.detach();
                    return Ok(());
                }
                Ok(())
            }
            // Busy: another process (a command line import) held the lock all along; the
            // error says that the base is taken by another write, an import for instance.
            Err(e) => Err(StoreError::from(e)),
        };
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA busy_timeout = {}",
            SQLITE_BUSY_TIMEOUT.as_millis()
        )))
        .execute(&mut *conn)
        .await?;
        outcome
    }

    /// Closes the pool (waits for connections to be returned).
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await);
    }
}
