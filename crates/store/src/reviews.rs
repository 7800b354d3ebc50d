//! Reviewers' decisions, with their history, and the titles they teach the matcher.

use crate::classify::Classifier;
use crate::model::{LearnedTitle, Position, Review, Status, StoredLearned};
use crate::positions::{POSITION_COLUMNS, PositionRow};
use crate::store::on_pool;
use crate::time::now_utc;
use crate::{Result, Store, StoreError};
use serde::Serialize;
use std::sync::Arc;

/// What a review did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewOutcome {
    pub position: Position,
    pub review: Review,
    /// The title the workspace now associates with the occupation (`None` if already known).
    pub learned: Option<StoredLearned>,
    /// Positions of the same normalised title, not yet reviewed, classified again at once
    /// with what the review taught.
    pub reclassified: usize,
}

/// What the removal of a learned title did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LearnedRemoval {
    /// The title, now marked removed.
    #[serde(flatten)]
    pub learned: StoredLearned,
    /// Positions of that title, not yet reviewed, classified again at once without it.
    pub reclassified: usize,
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
    /// Records a reviewer's decision: `occupation_id` becomes the position's occupation
    /// (`confirmed` if it was the matcher's first suggestion, `corrected` otherwise), the
    /// decision is appended to the history with the previous value, and the position's title
    /// becomes a learned title of that occupation. One transaction; then the positions of the
    /// same normalised title that no one has reviewed are classified again with `classifier`
    /// (a second transaction: if it fails, the decision stays recorded and
    /// [`Store::reclassify_unreviewed`] catches up).
    ///
    /// The caller checks that `occupation_id` exists in the référentiel.
    pub async fn review(
        &self,
        position_id: i64,
        occupation_id: &str,
        reviewer: &str,
        classifier: Arc<dyn Classifier>,
    ) -> Result<ReviewOutcome> {
        let reviewer = reviewer.trim();
        if reviewer.is_empty() || reviewer.chars().count() > 100 {
            return Err(StoreError::BadReviewer);
        }
        // On SQLite an import holds the write lock: say so now rather than wait for it.
        self.refuse_during_import().await?;
        let now = now_utc();
        let select = format!("SELECT {POSITION_COLUMNS} FROM positions WHERE id = $1");
        let select_learned = format!("SELECT {LEARNED_COLUMNS} FROM learned_titles WHERE id = $1");
        let mut outcome = on_pool!(self, pool => {
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
            ReviewOutcome { position, review: review.into(), learned, reclassified: 0 }
        });
        let key = metiers_referentiel::text::slug(&outcome.position.title);
        outcome.reclassified = self.reclassify_title(classifier, &key).await?;
        Ok(outcome)
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

    /// Stops using a learned title (kept in the history as removed), and classifies again
    /// without it the positions of that title that no one has reviewed.
    pub async fn remove_learned(
        &self,
        id: i64,
        by: &str,
        classifier: Arc<dyn Classifier>,
    ) -> Result<LearnedRemoval> {
        let by = by.trim();
        if by.is_empty() || by.chars().count() > 100 {
            return Err(StoreError::BadReviewer);
        }
        self.refuse_during_import().await?;
        let now = now_utc();
        let sql = format!(
            "UPDATE learned_titles SET removed_at = $1, removed_by = $2 WHERE id = $3 AND removed_at IS NULL \
             RETURNING {LEARNED_COLUMNS}"
        );
        let row: Option<LearnedRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(&now).bind(by).bind(id).fetch_optional(pool).await?
        });
        let learned = row
            .map(StoredLearned::from)
            .ok_or(StoreError::UnknownLearned(id))?;
        let key = metiers_referentiel::text::slug(&learned.title);
        let reclassified = self.reclassify_title(classifier, &key).await?;
        Ok(LearnedRemoval {
            learned,
            reclassified,
        })
    }
}
