//! The workspace in SQLite or PostgreSQL: one SQL text for both, run through [`on_pool!`].

use crate::classify::{Candidate, Classifier, ClassifyInput, classify_parallel, default_threads};
use crate::import::{ImportReport, ParsedFile};
use crate::model::{
    LearnedTitle, Position, PositionFilter, PositionPage, Review, Status, StoredLearned,
};
use crate::time::now_utc;
use crate::{Result, StoreError};
use serde::Serialize;
use sqlx::Connection;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

pub(crate) static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Positions classified per call to the matcher (then written while the next batch is matched).
const CLASSIFY_CHUNK: usize = 4096;
/// Positions per INSERT statement (20 parameters each, under both backends' limits).
const INSERT_BATCH: usize = 500;
/// A session's last use is recorded when older than this (idle expiry, [`Store::session`]).
const SESSION_TOUCH_EVERY: Duration = Duration::from_secs(60);

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
    /// [`crate::backup::WorkspaceLock`]).
    _lock: Option<Arc<crate::backup::WorkspaceLock>>,
}

/// Runs the same code on either pool: `$pool` is a `&SqlitePool` or a `&PgPool`.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            Backend::Sqlite($pool) => $body,
            Backend::Postgres($pool) => $body,
        }
    };
}

/// Where an import stands, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportProgress {
    /// `done` of `total` positions classified and written (not yet committed).
    Rows { done: usize, total: usize },
    /// Everything is written; the transaction is being committed.
    Committing,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportOutcome {
    pub import_id: i64,
    pub inserted: usize,
    pub updated: usize,
    pub report: ImportReport,
}

/// What a review did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewOutcome {
    pub position: Position,
    pub review: Review,
    /// The title the workspace now associates with the occupation (`None` if already known).
    pub learned: Option<StoredLearned>,
}

/// Positions and agents per retained occupation (`None`: no occupation suggested yet).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OccupationCount {
    pub occupation_id: Option<String>,
    pub positions: i64,
    /// Sum of the headcounts, a position without headcount counting as one agent.
    pub agents: f64,
    pub reviewed: i64,
}

const POSITION_COLUMNS: &str = "id, external_id, title, missions, service, headcount, match1_id, match1_score, \
     match2_id, match2_score, match3_id, match3_score, confident, occupation_id, status, reviewer, reviewed_at, \
     source_line, updated_at";

#[derive(Debug, sqlx::FromRow)]
struct PositionRow {
    id: i64,
    external_id: Option<String>,
    title: String,
    missions: Option<String>,
    service: Option<String>,
    headcount: Option<f64>,
    match1_id: Option<String>,
    match1_score: Option<f64>,
    match2_id: Option<String>,
    match2_score: Option<f64>,
    match3_id: Option<String>,
    match3_score: Option<f64>,
    confident: i64,
    occupation_id: Option<String>,
    status: String,
    reviewer: Option<String>,
    reviewed_at: Option<String>,
    source_line: Option<i64>,
    updated_at: String,
}

impl From<PositionRow> for Position {
    fn from(r: PositionRow) -> Self {
        #[allow(clippy::cast_possible_truncation)]
        let matches = [
            (r.match1_id, r.match1_score),
            (r.match2_id, r.match2_score),
            (r.match3_id, r.match3_score),
        ]
        .into_iter()
        .filter_map(|(id, score)| {
            Some(Candidate {
                occupation_id: id?,
                score: score.unwrap_or(0.0) as f32,
            })
        })
        .collect();
        Position {
            id: r.id,
            external_id: r.external_id,
            title: r.title,
            missions: r.missions,
            service: r.service,
            headcount: r.headcount,
            matches,
            confident: r.confident != 0,
            occupation_id: r.occupation_id,
            status: Status::parse(&r.status).unwrap_or(Status::ToReview),
            reviewer: r.reviewer,
            reviewed_at: r.reviewed_at,
            source_line: r.source_line,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
struct ReviewRow {
    id: i64,
    position_id: i64,
    reviewer: String,
    reviewed_at: String,
    previous_occupation_id: Option<String>,
    previous_status: String,
    new_occupation_id: String,
    new_status: String,
}

impl From<ReviewRow> for Review {
    fn from(r: ReviewRow) -> Self {
        Review {
            id: r.id,
            position_id: r.position_id,
            reviewer: r.reviewer,
            reviewed_at: r.reviewed_at,
            previous_occupation_id: r.previous_occupation_id,
            previous_status: r.previous_status,
            new_occupation_id: r.new_occupation_id,
            new_status: r.new_status,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
struct LearnedRow {
    id: i64,
    title: String,
    occupation_id: String,
    source_position_id: Option<i64>,
    learned_by: String,
    learned_at: String,
    removed_by: Option<String>,
    removed_at: Option<String>,
}

impl From<LearnedRow> for StoredLearned {
    fn from(r: LearnedRow) -> Self {
        StoredLearned {
            id: r.id,
            title: r.title,
            occupation_id: r.occupation_id,
            source_position_id: r.source_position_id,
            learned_by: r.learned_by,
            learned_at: r.learned_at,
            removed_by: r.removed_by,
            removed_at: r.removed_at,
        }
    }
}

const LEARNED_COLUMNS: &str =
    "id, title, occupation_id, source_position_id, learned_by, learned_at, removed_by, removed_at";

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
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await?;
            POSTGRES_MIGRATIONS.run(&pool).await?;
            Store {
                backend: Backend::Postgres(pool),
                _lock: None,
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
                crate::backup::WorkspaceLock::shared(std::path::Path::new(path))?.map(Arc::new)
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
            }
        };
        Ok(store)
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

    /// Closes the pool (waits for connections to be returned).
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await);
    }

    // ----- imports -------------------------------------------------------------------------

    /// Parses, classifies and writes a file in one transaction. A refused file gives
    /// [`StoreError::Rejected`] with its report, and nothing is written.
    pub async fn import_file(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
        classifier: Arc<dyn Classifier>,
        progress: &(dyn Fn(ImportProgress) + Send + Sync),
    ) -> Result<ImportOutcome> {
        let name = file_name.to_owned();
        let parsed = tokio::task::spawn_blocking(move || crate::import::parse(&name, &bytes))
            .await
            .map_err(|e| StoreError::Classifier(e.to_string()))?
            .map_err(StoreError::Rejected)?;
        self.import(parsed, classifier, progress).await
    }

    /// Classifies and writes parsed positions in one transaction: either every position is
    /// inserted or updated (on its key) and the import recorded, or nothing changes.
    ///
    /// A position already decided by a reviewer keeps its occupation and status; its
    /// suggestions are refreshed.
    pub async fn import(
        &self,
        parsed: ParsedFile,
        classifier: Arc<dyn Classifier>,
        progress: &(dyn Fn(ImportProgress) + Send + Sync),
    ) -> Result<ImportOutcome> {
        let ParsedFile {
            positions,
            report,
            sha256,
        } = parsed;
        let total = positions.len();
        let positions = Arc::new(positions);
        let learned = Arc::new(self.active_learned().await?);
        let chunks: Vec<std::ops::Range<usize>> = (0..total)
            .step_by(CLASSIFY_CHUNK)
            .map(|s| s..(s + CLASSIFY_CHUNK).min(total))
            .collect();
        let threads = default_threads();
        let spawn = |range: std::ops::Range<usize>| {
            let positions = Arc::clone(&positions);
            let learned = Arc::clone(&learned);
            let classifier = Arc::clone(&classifier);
            tokio::task::spawn_blocking(move || {
                let part = positions.get(range).unwrap_or(&[]);
                let inputs: Vec<ClassifyInput<'_>> = part
                    .iter()
                    .map(|p| ClassifyInput {
                        title: &p.title,
                        missions: p.missions.as_deref(),
                    })
                    .collect();
                classify_parallel(classifier.as_ref(), &inputs, &learned, threads)
            })
        };
        let now = now_utc();
        let summary = report.understood().join("\n");
        let mut inserted = 0usize;
        let mut pending = chunks.first().cloned().map(&spawn);
        let import_id = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let existing: HashSet<String> = sqlx::query_scalar::<_, String>("SELECT external_key FROM positions")
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
            let import_id: i64 = sqlx::query_scalar(
                "INSERT INTO imports (file_name, sha256, imported_at, row_count, inserted, updated, summary) \
                 VALUES ($1, $2, $3, $4, 0, 0, $5) RETURNING id",
            )
            .bind(&report.file_name)
            .bind(&sha256)
            .bind(&now)
            .bind(i64::try_from(total).unwrap_or(i64::MAX))
            .bind(&summary)
            .fetch_one(&mut *tx)
            .await?;
            for (i, range) in chunks.iter().enumerate() {
                let Some(handle) = pending.take() else { break };
                let results = handle.await.map_err(|e| StoreError::Classifier(e.to_string()))?;
                pending = chunks.get(i + 1).cloned().map(&spawn);
                let part = positions.get(range.clone()).unwrap_or(&[]);
                inserted += part.iter().filter(|p| !existing.contains(&p.key)).count();
                for (rows, classes) in part.chunks(INSERT_BATCH).zip(results.chunks(INSERT_BATCH)) {
                    let mut qb = sqlx::QueryBuilder::new(
                        "INSERT INTO positions (external_key, external_id, title, missions, service, headcount, \
                         match1_id, match1_score, match2_id, match2_score, match3_id, match3_score, confident, \
                         occupation_id, status, import_id, source_line, created_at, updated_at) ",
                    );
                    qb.push_values(rows.iter().zip(classes), |mut b, (p, c)| {
                        let cand = |k: usize| c.candidates.get(k);
                        let status = match c.candidates.first() {
                            Some(_) if c.confident => Status::Proposed,
                            _ => Status::ToReview,
                        };
                        b.push_bind(p.key.clone())
                            .push_bind(p.external_id.clone())
                            .push_bind(p.title.clone())
                            .push_bind(p.missions.clone())
                            .push_bind(p.service.clone())
                            .push_bind(p.headcount)
                            .push_bind(cand(0).map(|c| c.occupation_id.clone()))
                            .push_bind(cand(0).map(|c| f64::from(c.score)))
                            .push_bind(cand(1).map(|c| c.occupation_id.clone()))
                            .push_bind(cand(1).map(|c| f64::from(c.score)))
                            .push_bind(cand(2).map(|c| c.occupation_id.clone()))
                            .push_bind(cand(2).map(|c| f64::from(c.score)))
                            .push_bind(i64::from(c.confident))
                            .push_bind(cand(0).map(|c| c.occupation_id.clone()))
                            .push_bind(status.as_str())
                            .push_bind(import_id)
                            .push_bind(i64::try_from(p.line).unwrap_or(0))
                            .push_bind(now.clone())
                            .push_bind(now.clone());
                    });
                    qb.push(
                        " ON CONFLICT (external_key) DO UPDATE SET external_id = excluded.external_id, \
                         title = excluded.title, missions = excluded.missions, service = excluded.service, \
                         headcount = excluded.headcount, match1_id = excluded.match1_id, \
                         match1_score = excluded.match1_score, match2_id = excluded.match2_id, \
                         match2_score = excluded.match2_score, match3_id = excluded.match3_id, \
                         match3_score = excluded.match3_score, confident = excluded.confident, \
                         occupation_id = CASE WHEN positions.status IN ('confirmed', 'corrected') \
                             THEN positions.occupation_id ELSE excluded.occupation_id END, \
                         status = CASE WHEN positions.status IN ('confirmed', 'corrected') \
                             THEN positions.status ELSE excluded.status END, \
                         import_id = excluded.import_id, source_line = excluded.source_line, \
                         updated_at = excluded.updated_at",
                    );
                    qb.build().execute(&mut *tx).await?;
                }
                progress(ImportProgress::Rows { done: range.end, total });
            }
            sqlx::query("UPDATE imports SET inserted = $1, updated = $2 WHERE id = $3")
                .bind(i64::try_from(inserted).unwrap_or(i64::MAX))
                .bind(i64::try_from(total - inserted).unwrap_or(i64::MAX))
                .bind(import_id)
                .execute(&mut *tx)
                .await?;
            progress(ImportProgress::Committing);
            tx.commit().await?;
            import_id
        });
        Ok(ImportOutcome {
            import_id,
            inserted,
            updated: total - inserted,
            report,
        })
    }

    /// Classifies again every position not yet decided by a reviewer (after the learned
    /// titles changed, for instance), in one transaction. Returns how many were updated.
    pub async fn reclassify_unreviewed(&self, classifier: Arc<dyn Classifier>) -> Result<usize> {
        let learned = self.active_learned().await?;
        let rows: Vec<(i64, String, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, title, missions FROM positions WHERE status IN ('to_review', 'proposed') ORDER BY id")
                .fetch_all(pool)
                .await?
        });
        let results = tokio::task::spawn_blocking({
            let rows = rows.clone();
            move || {
                let inputs: Vec<ClassifyInput<'_>> = rows
                    .iter()
                    .map(|(_, t, m)| ClassifyInput {
                        title: t,
                        missions: m.as_deref(),
                    })
                    .collect();
                classify_parallel(classifier.as_ref(), &inputs, &learned, default_threads())
            }
        })
        .await
        .map_err(|e| StoreError::Classifier(e.to_string()))?;
        let now = now_utc();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for ((id, _, _), c) in rows.iter().zip(&results) {
                let cand = |k: usize| c.candidates.get(k);
                let status = if c.confident && !c.candidates.is_empty() { Status::Proposed } else { Status::ToReview };
                sqlx::query(
                    "UPDATE positions SET match1_id = $1, match1_score = $2, match2_id = $3, match2_score = $4, \
                     match3_id = $5, match3_score = $6, confident = $7, occupation_id = $1, status = $8, updated_at = $9 \
                     WHERE id = $10 AND status IN ('to_review', 'proposed')",
                )
                .bind(cand(0).map(|c| c.occupation_id.clone()))
                .bind(cand(0).map(|c| f64::from(c.score)))
                .bind(cand(1).map(|c| c.occupation_id.clone()))
                .bind(cand(1).map(|c| f64::from(c.score)))
                .bind(cand(2).map(|c| c.occupation_id.clone()))
                .bind(cand(2).map(|c| f64::from(c.score)))
                .bind(i64::from(c.confident))
                .bind(status.as_str())
                .bind(&now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(rows.len())
    }

    // ----- positions -----------------------------------------------------------------------

    /// Number of positions in the workspace.
    pub async fn count_positions(&self) -> Result<i64> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM positions").fetch_one(pool).await?),
        )
    }

    /// The position with this number.
    pub async fn position(&self, id: i64) -> Result<Option<Position>> {
        let sql = format!("SELECT {POSITION_COLUMNS} FROM positions WHERE id = $1");
        let row: Option<PositionRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        Ok(row.map(Position::from))
    }

    /// The position named by the file's identifier, or by its number (`12` or `#12`).
    pub async fn find_position(&self, name: &str) -> Result<Option<Position>> {
        let name = name.trim();
        let sql = format!("SELECT {POSITION_COLUMNS} FROM positions WHERE external_id = $1");
        let row: Option<PositionRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(name).fetch_optional(pool).await?
        });
        if let Some(row) = row {
            return Ok(Some(row.into()));
        }
        match name.trim_start_matches('#').parse::<i64>() {
            Ok(id) => self.position(id).await,
            Err(_) => Ok(None),
        }
    }

    /// A page of positions, in the order of their numbers.
    pub async fn positions(&self, filter: &PositionFilter) -> Result<PositionPage> {
        let limit = match filter.limit {
            l if l <= 0 => 50,
            l => l.min(1000),
        };
        let offset = filter.offset.max(0);
        let mut conds = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        if let Some(s) = filter.status {
            binds.push(s.as_str().to_owned());
            conds.push(format!("status = ${}", binds.len()));
        }
        if filter.unreviewed {
            conds.push("status IN ('to_review', 'proposed')".to_owned());
        }
        if let Some(o) = &filter.occupation_id {
            binds.push(o.clone());
            conds.push(format!("occupation_id = ${}", binds.len()));
        }
        if let Some(t) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let escaped = t
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            binds.push(format!("%{escaped}%"));
            conds.push(format!("LOWER(title) LIKE ${} ESCAPE '\\'", binds.len()));
        }
        let where_ = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        let count_sql = format!("SELECT COUNT(*) FROM positions{where_}");
        let list_sql = format!(
            "SELECT {POSITION_COLUMNS} FROM positions{where_} ORDER BY id LIMIT {limit} OFFSET {offset}"
        );
        let (total, rows): (i64, Vec<PositionRow>) = on_pool!(self, pool => {
            let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql));
            for b in &binds {
                q = q.bind(b);
            }
            let total = q.fetch_one(pool).await?;
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(list_sql));
            for b in &binds {
                q = q.bind(b);
            }
            (total, q.fetch_all(pool).await?)
        });
        Ok(PositionPage {
            total,
            offset,
            positions: rows.into_iter().map(Position::from).collect(),
        })
    }

    /// Every position, in the order of their numbers (for exports).
    pub async fn all_positions(&self) -> Result<Vec<Position>> {
        let sql = format!("SELECT {POSITION_COLUMNS} FROM positions ORDER BY id");
        let rows: Vec<PositionRow> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?);
        Ok(rows.into_iter().map(Position::from).collect())
    }

    // ----- reviews -------------------------------------------------------------------------

    /// Records a reviewer's decision: `occupation_id` becomes the position's occupation
    /// (`confirmed` if it was the matcher's first suggestion, `corrected` otherwise), the
    /// decision is appended to the history with the previous value, and the position's title
    /// becomes a learned title of that occupation. One transaction.
    ///
    /// The caller checks that `occupation_id` exists in the référentiel.
    pub async fn review(
        &self,
        position_id: i64,
        occupation_id: &str,
        reviewer: &str,
    ) -> Result<ReviewOutcome> {
        let reviewer = reviewer.trim();
        if reviewer.is_empty() || reviewer.chars().count() > 100 {
            return Err(StoreError::BadReviewer);
        }
        let now = now_utc();
        let select = format!("SELECT {POSITION_COLUMNS} FROM positions WHERE id = $1");
        let select_learned = format!("SELECT {LEARNED_COLUMNS} FROM learned_titles WHERE id = $1");
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Take the row's write lock first so that concurrent reviews see each other.
            let touched = sqlx::query("UPDATE positions SET updated_at = updated_at WHERE id = $1")
                .bind(position_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if touched == 0 {
                return Err(StoreError::UnknownPosition(position_id.to_string()));
            }
            let before: Position = sqlx::query_as::<_, PositionRow>(sqlx::AssertSqlSafe(select.clone()))
                .bind(position_id)
                .fetch_one(&mut *tx)
                .await?
                .into();
            let new_status = if before.matches.first().is_some_and(|c| c.occupation_id == occupation_id) {
                Status::Confirmed
            } else {
                Status::Corrected
            };
            let review: ReviewRow = sqlx::query_as(
                "INSERT INTO reviews (position_id, reviewer, reviewed_at, previous_occupation_id, previous_status, \
                 new_occupation_id, new_status) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 RETURNING id, position_id, reviewer, reviewed_at, previous_occupation_id, previous_status, \
                 new_occupation_id, new_status",
            )
            .bind(position_id)
            .bind(reviewer)
            .bind(&now)
            .bind(&before.occupation_id)
            .bind(before.status.as_str())
            .bind(occupation_id)
            .bind(new_status.as_str())
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE positions SET occupation_id = $1, status = $2, reviewer = $3, reviewed_at = $4, updated_at = $4 \
                 WHERE id = $5",
            )
            .bind(occupation_id)
            .bind(new_status.as_str())
            .bind(reviewer)
            .bind(&now)
            .bind(position_id)
            .execute(&mut *tx)
            .await?;
            let key = metiers_referentiel::text::slug(&before.title);
            sqlx::query(
                "UPDATE learned_titles SET removed_at = $1, removed_by = $2 \
                 WHERE title_key = $3 AND removed_at IS NULL AND occupation_id <> $4",
            )
            .bind(&now)
            .bind(reviewer)
            .bind(&key)
            .bind(occupation_id)
            .execute(&mut *tx)
            .await?;
            let learned_id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO learned_titles (title, title_key, occupation_id, source_position_id, learned_by, learned_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (title_key) WHERE removed_at IS NULL DO NOTHING RETURNING id",
            )
            .bind(&before.title)
            .bind(&key)
            .bind(occupation_id)
            .bind(position_id)
            .bind(reviewer)
            .bind(&now)
            .fetch_optional(&mut *tx)
            .await?;
            let learned = match learned_id {
                Some(id) => Some(
                    sqlx::query_as::<_, LearnedRow>(sqlx::AssertSqlSafe(select_learned))
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?
                        .into(),
                ),
                None => None,
            };
            let position: Position = sqlx::query_as::<_, PositionRow>(sqlx::AssertSqlSafe(select))
                .bind(position_id)
                .fetch_one(&mut *tx)
                .await?
                .into();
            tx.commit().await?;
            Ok(ReviewOutcome { position, review: review.into(), learned })
        })
    }

    /// The decisions recorded for a position, oldest first.
    pub async fn reviews(&self, position_id: i64) -> Result<Vec<Review>> {
        let rows: Vec<ReviewRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, position_id, reviewer, reviewed_at, previous_occupation_id, previous_status, \
                 new_occupation_id, new_status FROM reviews WHERE position_id = $1 ORDER BY id",
            )
            .bind(position_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Review::from).collect())
    }

    /// Number of recorded decisions.
    pub async fn count_reviews(&self) -> Result<i64> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM reviews").fetch_one(pool).await?),
        )
    }

    // ----- learned titles ------------------------------------------------------------------

    /// The learned titles the matcher uses (not removed), oldest first.
    pub async fn active_learned(&self) -> Result<Vec<LearnedTitle>> {
        let rows: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT occupation_id, title FROM learned_titles WHERE removed_at IS NULL ORDER BY id")
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(occupation_id, title)| LearnedTitle {
                occupation_id,
                title,
            })
            .collect())
    }

    /// Learned titles with their provenance; removed ones too when `include_removed`.
    pub async fn learned_titles(&self, include_removed: bool) -> Result<Vec<StoredLearned>> {
        let filter = if include_removed {
            ""
        } else {
            " WHERE removed_at IS NULL"
        };
        let sql = format!("SELECT {LEARNED_COLUMNS} FROM learned_titles{filter} ORDER BY id");
        let rows: Vec<LearnedRow> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?);
        Ok(rows.into_iter().map(StoredLearned::from).collect())
    }

    /// Stops using a learned title for later matches (kept in the history as removed).
    pub async fn remove_learned(&self, id: i64, by: &str) -> Result<StoredLearned> {
        let by = by.trim();
        if by.is_empty() || by.chars().count() > 100 {
            return Err(StoreError::BadReviewer);
        }
        let now = now_utc();
        let sql = format!(
            "UPDATE learned_titles SET removed_at = $1, removed_by = $2 WHERE id = $3 AND removed_at IS NULL \
             RETURNING {LEARNED_COLUMNS}"
        );
        let row: Option<LearnedRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&now).bind(by).bind(id).fetch_optional(pool).await?
        });
        row.map(StoredLearned::from)
            .ok_or(StoreError::UnknownLearned(id))
    }

    // ----- figures -------------------------------------------------------------------------

    /// Positions, agents and reviewed positions per retained occupation.
    pub async fn occupation_counts(&self) -> Result<Vec<OccupationCount>> {
        let rows: Vec<(Option<String>, i64, Option<f64>, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT occupation_id, COUNT(*), SUM(COALESCE(headcount, 1.0)), \
                 SUM(CASE WHEN status IN ('confirmed', 'corrected') THEN 1 ELSE 0 END) \
                 FROM positions GROUP BY occupation_id ORDER BY occupation_id",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(occupation_id, positions, agents, reviewed)| OccupationCount {
                    occupation_id,
                    positions,
                    agents: agents.unwrap_or(0.0),
                    reviewed,
                },
            )
            .collect())
    }

    /// Number of positions per status.
    pub async fn status_counts(&self) -> Result<Vec<(Status, i64)>> {
        let rows: Vec<(String, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT status, COUNT(*) FROM positions GROUP BY status").fetch_all(pool).await?
        });
        Ok(Status::ALL
            .iter()
            .map(|&s| {
                (
                    s,
                    rows.iter()
                        .filter(|(k, _)| k == s.as_str())
                        .map(|(_, n)| *n)
                        .sum(),
                )
            })
            .collect())
    }

    /// The recorded imports, most recent first: (id, file name, date, rows, inserted, updated).
    pub async fn imports(&self) -> Result<Vec<(i64, String, String, i64, i64, i64)>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, file_name, imported_at, row_count, inserted, updated FROM imports ORDER BY id DESC",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    // ----- settings and sessions (used by the portal's login) ------------------------------

    /// A stored setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(pool).await?
        }))
    }

    /// Stores `value` under `key` unless a value is already there; returns the value in force.
    pub async fn setting_insert_if_absent(&self, key: &str, value: &str) -> Result<String> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(value)
                .execute(pool)
                .await?;
        });
        Ok(self.setting(key).await?.unwrap_or_else(|| value.to_owned()))
    }

    /// Stores `value` under `key`, replacing any previous one.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(key)
                .bind(value)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Records a session (by the hash of its token) of `reviewer`, valid until `expires_at`
    /// (absolute expiry) and last used now (see [`Store::session`] for the idle expiry).
    pub async fn create_session(
        &self,
        token_hash: &str,
        csrf_token: &str,
        reviewer: &str,
        expires_at: &str,
    ) -> Result<()> {
        let now = now_utc();
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(&now).execute(pool).await?;
            sqlx::query(
                "INSERT INTO sessions (token_hash, csrf_token, reviewer, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $4)",
            )
            .bind(token_hash)
            .bind(csrf_token)
            .bind(reviewer)
            .bind(&now)
            .bind(expires_at)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The CSRF token and reviewer's name of a session that has neither expired (`expires_at`)
    /// nor been left unused for `idle` or more. Using a session records the time, at most
    /// once a minute (a write per minute and session, not per request).
    pub async fn session(
        &self,
        token_hash: &str,
        idle: Duration,
    ) -> Result<Option<(String, String)>> {
        let now_time = std::time::SystemTime::now();
        let now = crate::time::format_utc(now_time);
        let idle_since =
            crate::time::format_utc(now_time.checked_sub(idle).unwrap_or(std::time::UNIX_EPOCH));
        let row: Option<(String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT csrf_token, reviewer, last_seen_at FROM sessions WHERE token_hash = $1 AND expires_at > $2 AND last_seen_at > $3",
            )
            .bind(token_hash)
            .bind(&now)
            .bind(&idle_since)
            .fetch_optional(pool)
            .await?
        });
        let Some((csrf, reviewer, last_seen)) = row else {
            return Ok(None);
        };
        let touch_before = crate::time::format_utc(
            now_time
                .checked_sub(SESSION_TOUCH_EVERY)
                .unwrap_or(std::time::UNIX_EPOCH),
        );
        if last_seen < touch_before {
            on_pool!(self, pool => {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                    .bind(&now)
                    .bind(token_hash)
                    .execute(pool)
                    .await?;
            });
        }
        Ok(Some((csrf, reviewer)))
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(pool).await?;
        });
        Ok(())
    }
}
