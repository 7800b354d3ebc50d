//! The workspace's imports: a parsed file classified and written in one transaction, the
//! positions not yet reviewed classified again, and the list of imports. Reading the file
//! itself is [`crate::import`]'s work (no database there).

use crate::classify::{
    Classification, Classifier, ClassifyInput, HrHints, classify_parallel, default_threads,
};
use crate::import::{ImportReport, ParsedFile, Problem, hr_hints};
use crate::positions::json_texts;
use crate::store::on_pool;
use crate::time::now_utc;
use crate::{Result, Status, Store, StoreError};
use serde::Serialize;
use std::collections::HashSet;
use std::sync::Arc;

/// Positions classified per call to the matcher (then written while the next batch is matched).
const CLASSIFY_CHUNK: usize = 4096;
/// Positions per INSERT statement (22 parameters each, under both backends' limits).
const INSERT_BATCH: usize = 500;

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

/// One recorded import, as [`Store::imports`] lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ImportRecord {
    pub id: i64,
    pub file_name: String,
    /// When it was written (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub imported_at: String,
    /// Positions in the file.
    pub row_count: i64,
    pub inserted: i64,
    pub updated: i64,
}

impl Store {
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
            mut report,
            sha256,
        } = parsed;
        let total = positions.len();
        let hints: Arc<Vec<HrHints>> = Arc::new(
            positions
                .iter()
                .map(|p| hr_hints(&report.kept, &p.cells))
                .collect(),
        );
        let positions = Arc::new(positions);
        let learned = Arc::new(self.active_learned().await?);
        if let Some(w) = self.columns_differ(&report.kept).await? {
            report.warnings.push(w);
        }
        let kept_json = serde_json::to_string(&report.kept)
            .map_err(|e| StoreError::Classifier(e.to_string()))?;
        let chunks: Vec<std::ops::Range<usize>> = (0..total)
            .step_by(CLASSIFY_CHUNK)
            .map(|s| s..(s + CLASSIFY_CHUNK).min(total))
            .collect();
        let threads = default_threads();
        let spawn = |range: std::ops::Range<usize>| {
            let positions = Arc::clone(&positions);
            let hints = Arc::clone(&hints);
            let learned = Arc::clone(&learned);
            let classifier = Arc::clone(&classifier);
            tokio::task::spawn_blocking(move || {
                let part = positions.get(range.clone()).unwrap_or(&[]);
                let part_hints = hints.get(range).unwrap_or(&[]);
                let inputs: Vec<ClassifyInput<'_>> = part
                    .iter()
                    .zip(part_hints)
                    .map(|(p, h)| ClassifyInput {
                        title: &p.title,
                        missions: p.missions.as_deref(),
                        hints: Some(h),
                    })
                    .collect();
                classify_parallel(classifier.as_ref(), &inputs, &learned, threads)
            })
        };
        let now = now_utc();
        let summary = report.understood().join("\n");
        let mut inserted = 0usize;
        let mut pending = chunks.first().cloned().map(&spawn);
        // On SQLite, the write lock is taken up front: a review during the import is told at
        // once that an import is running (see [`Store::refuse_during_import`]) rather than
        // waiting for the lock.
        let begin = match self.backend() {
            crate::Backend::Sqlite(_) => "BEGIN IMMEDIATE",
            crate::Backend::Postgres(_) => "BEGIN",
        };
        let import_id = on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let _running = self.import_started();
            let existing: HashSet<String> = sqlx::query_scalar::<_, String>("SELECT external_key FROM positions")
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
            let import_id: i64 = sqlx::query_scalar(
                "INSERT INTO imports (file_name, sha256, imported_at, row_count, inserted, updated, summary, columns) \
                 VALUES ($1, $2, $3, $4, 0, 0, $5, $6) RETURNING id",
            )
            .bind(&report.file_name)
            .bind(&sha256)
            .bind(&now)
            .bind(i64::try_from(total).unwrap_or(i64::MAX))
            .bind(&summary)
            .bind(&kept_json)
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
                         occupation_id, status, import_id, source_line, created_at, updated_at, cells, evidence, \
                         title_key) ",
                    );
                    qb.push_values(rows.iter().zip(classes), |mut b, (p, c)| {
                        let cand = |k: usize| c.candidates.get(k);
                        let status = status_of(c);
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
                            .push_bind(now.clone())
                            .push_bind(serde_json::to_string(&p.cells).ok())
                            .push_bind(evidence_json(c))
                            .push_bind(metiers_referentiel::text::slug(&p.title));
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
                         updated_at = excluded.updated_at, cells = excluded.cells, evidence = excluded.evidence, \
                         title_key = excluded.title_key",
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
        self.reclassify(classifier, None).await
    }

    /// Classifies again the positions not yet decided by a reviewer whose title has the
    /// normalised form `title_key` (see [`metiers_referentiel::text::slug`]): what a review or
    /// the removal of a learned title changes at once. Returns how many were updated.
    pub async fn reclassify_title(
        &self,
        classifier: Arc<dyn Classifier>,
        title_key: &str,
    ) -> Result<usize> {
        self.reclassify(classifier, Some(title_key)).await
    }

    /// Classifies again the unreviewed positions (those of one normalised title when `title_key`
    /// is given) with the active learned titles, in one transaction. A position a reviewer
    /// decides meanwhile keeps the decision (the update is conditional on the status).
    async fn reclassify(
        &self,
        classifier: Arc<dyn Classifier>,
        title_key: Option<&str>,
    ) -> Result<usize> {
        let learned = self.active_learned().await?;
        type Row = (i64, String, Option<String>, Option<String>, Option<String>);
        const SELECT: &str = "SELECT id, title, missions, cells, \
             (SELECT imports.columns FROM imports WHERE imports.id = positions.import_id) \
             FROM positions WHERE status IN ('to_review', 'proposed')";
        let rows: Vec<Row> = match title_key {
            None => on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY id")))
                    .fetch_all(pool)
                    .await?
            }),
            Some(key) => {
                // The positions keyed by that title (indexed), and those imported before the
                // key existed whose title has it (their titles read, not their long texts);
                // then the whole rows of those only.
                let keyed: Vec<(i64, String)> = on_pool!(self, pool => {
                    sqlx::query_as(
                        "SELECT id, title FROM positions WHERE status IN ('to_review', 'proposed') \
                         AND (title_key = $1 OR title_key IS NULL)",
                    )
                    .bind(key)
                    .fetch_all(pool)
                    .await?
                });
                let wanted: Vec<i64> = keyed
                    .into_iter()
                    .filter(|(_, title)| metiers_referentiel::text::slug(title) == key)
                    .map(|(id, _)| id)
                    .collect();
                let mut rows = Vec::with_capacity(wanted.len());
                for ids in wanted.chunks(INSERT_BATCH) {
                    let part: Vec<Row> = on_pool!(self, pool => {
                        let mut qb = sqlx::QueryBuilder::new(SELECT);
                        qb.push(" AND id IN (");
                        let mut list = qb.separated(", ");
                        for id in ids {
                            list.push_bind(*id);
                        }
                        qb.push(") ORDER BY id");
                        qb.build_query_as().fetch_all(pool).await?
                    });
                    rows.extend(part);
                }
                rows
            }
        };
        if rows.is_empty() {
            return Ok(0);
        }
        let results = tokio::task::spawn_blocking({
            let rows = rows.clone();
            move || {
                let hints: Vec<HrHints> = rows
                    .iter()
                    .map(|(_, _, _, cells, headers)| {
                        hr_hints(
                            &json_texts(headers.as_deref()),
                            &json_texts(cells.as_deref()),
                        )
                    })
                    .collect();
                let inputs: Vec<ClassifyInput<'_>> = rows
                    .iter()
                    .zip(&hints)
                    .map(|((_, t, m, _, _), h)| ClassifyInput {
                        title: t,
                        missions: m.as_deref(),
                        hints: Some(h),
                    })
                    .collect();
                classify_parallel(classifier.as_ref(), &inputs, &learned, default_threads())
            }
        })
        .await
        .map_err(|e| StoreError::Classifier(e.to_string()))?;
        let now = now_utc();
        let mut updated = 0u64;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for ((id, ..), c) in rows.iter().zip(&results) {
                let cand = |k: usize| c.candidates.get(k);
                let status = status_of(c);
                updated += sqlx::query(
                    "UPDATE positions SET match1_id = $1, match1_score = $2, match2_id = $3, match2_score = $4, \
                     match3_id = $5, match3_score = $6, confident = $7, occupation_id = $1, status = $8, updated_at = $9, \
                     evidence = $11 WHERE id = $10 AND status IN ('to_review', 'proposed')",
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
                .bind(evidence_json(c))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
        });
        Ok(usize::try_from(updated).unwrap_or(usize::MAX))
    }

    /// The column sets of the files the workspace's positions come from (each once), and
    /// whether some positions were imported before the columns were kept.
    async fn column_sets(&self) -> Result<(Vec<Vec<String>>, bool)> {
        let found: Vec<Option<String>> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT DISTINCT imports.columns FROM imports \
                 WHERE imports.id IN (SELECT DISTINCT import_id FROM positions)",
            )
            .fetch_all(pool)
            .await?
        });
        let mut sets: Vec<Vec<String>> = Vec::new();
        let mut legacy = false;
        for o in found {
            match o {
                None => legacy = true,
                Some(json) => {
                    let set = json_texts(Some(&json));
                    if !sets.contains(&set) {
                        sets.push(set);
                    }
                }
            }
        }
        let unattached: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM positions WHERE import_id IS NULL OR cells IS NULL")
                .fetch_one(pool)
                .await?
        });
        Ok((sets, legacy || unattached > 0))
    }

    /// A warning when the workspace already holds positions whose file had other columns
    /// than `kept`: the export will then take the union of the columns.
    async fn columns_differ(&self, kept: &[String]) -> Result<Option<Problem>> {
        let (sets, legacy) = self.column_sets().await?;
        let differ = sets.iter().any(|s| s != kept);
        let message = match (differ, legacy) {
            (true, _) => {
                "l’espace contient des imports aux colonnes différentes : l’export en fera l’union (les colonnes dans l’ordre où elles ont été vues la première fois, vides pour les postes dont le fichier ne les avait pas)"
            }
            (false, true) => {
                "l’espace contient des postes importés avant que les colonnes des fichiers soient gardées : l’export les montre avec les colonnes « Identifiant », « Intitulé du poste », « Service » et « Effectif »"
            }
            (false, false) => return Ok(None),
        };
        Ok(Some(Problem::file(message)))
    }

    /// What the export page says of the columns, in French, when the workspace's positions
    /// come from files with different columns (the export takes their union); `None` when
    /// they all have the same.
    pub async fn export_note(&self) -> Result<Option<String>> {
        let (sets, legacy) = self.column_sets().await?;
        Ok((sets.len() > 1 || legacy && !sets.is_empty()).then(|| {
            "L’espace contient des imports aux colonnes différentes : l’export en fait l’union \
             (les colonnes des fichiers dans l’ordre où elles ont été vues la première fois, vides \
             pour les postes dont le fichier ne les avait pas), puis les colonnes de la cartographie."
                .to_owned()
        }))
    }

    /// The recorded imports, most recent first.
    pub async fn imports(&self) -> Result<Vec<ImportRecord>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, file_name, imported_at, row_count, inserted, updated FROM imports ORDER BY id DESC",
            )
            .fetch_all(pool)
            .await?
        }))
    }
}

/// The evidence of a classification as stored: a JSON array, `None` when there is none.
fn evidence_json(c: &Classification) -> Option<String> {
    if c.evidence.is_empty() {
        None
    } else {
        serde_json::to_string(&c.evidence).ok()
    }
}

/// The status a classification gives a position no reviewer has decided: proposed when the
/// matcher is confident of its first candidate, to review otherwise.
fn status_of(c: &Classification) -> Status {
    if c.confident && !c.candidates.is_empty() {
        Status::Proposed
    } else {
        Status::ToReview
    }
}
