//! The normalised titles (`title_key`) that the workspace stores, kept in step with the rules
//! that compute them ([`metiers_referentiel::text::slug`], versioned by
//! [`metiers_referentiel::text::SLUG_RULES`]).
//!
//! A review finds the unreviewed positions of its title, and supersedes the lesson of the same
//! title, by the key stored at import or review. Were the rules to change (a new release, a
//! new `deunicode`), keys stored under the old ones would no longer meet the new: a review
//! would miss positions and leave two lessons active for one title. So the settings record
//! under which rules the keys were written, and opening a workspace written under others
//! rewrites them, in one transaction, before anything reads them.

use crate::store::on_pool;
use crate::{Classifier, Result, Store, StoreError, Unavailable};
use std::sync::Arc;

/// The setting that names the rules of the stored keys.
pub(crate) const RULES_SETTING: &str = "title_key_rules";

/// Positions rewritten per statement (two parameters each).
const REKEY_BATCH: usize = 500;

/// Who removes a lesson that another lesson of the same title outlives after a rewrite.
const REWRITER: &str = "Métiers SIC (nouvelle normalisation des intitulés)";

/// What the opening of a workspace rewrote ([`Store::rewritten_keys`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RewrittenKeys {
    /// Positions whose key was missing or written under other rules.
    pub positions: usize,
    /// Lessons (learned titles) whose key changed.
    pub lessons: usize,
    /// Active lessons removed because a later lesson now has the same key.
    pub superseded: usize,
    /// The keys of their titles, whose unreviewed positions may hold the removed lesson's
    /// proposal until [`Store::reclassify_superseded`] classifies them again.
    pub superseded_titles: Vec<String>,
}

impl std::fmt::Display for RewrittenKeys {
    /// What the rewrite did, in French, as the CLI prints it and `serve` logs it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "intitulés normalisés réécrits selon les règles en vigueur : {} poste(s), {} intitulé(s) appris",
            self.positions, self.lessons
        )?;
        if self.superseded > 0 {
            write!(
                f,
                " ; {} intitulé(s) appris en double retiré(s) (la décision la plus récente est gardée)",
                self.superseded
            )?;
        }
        Ok(())
    }
}

impl Store {
    /// Rewrites the stored keys when they were written under other rules than the current
    /// ones (or before the rules were recorded), and records the current rules. What it
    /// rewrote, when anything; `None` as well when the keys are current, or when the
    /// workspace is read-only or busy (its keys are rewritten at the next opening that can
    /// write; logged).
    pub(crate) async fn rekey_titles_if_stale(&self) -> Result<Option<RewrittenKeys>> {
        let current = metiers_referentiel::text::SLUG_RULES.to_string();
        if self.setting(RULES_SETTING).await?.as_deref() == Some(current.as_str()) {
            return Ok(None);
        }
        match self.rekey_titles(&current).await {
            Ok(done) if done == RewrittenKeys::default() => Ok(None),
            // Said by the callers (the CLI's commands, `serve`), which also classify again.
            Ok(done) => Ok(Some(done)),
            Err(e)
                if matches!(
                    e.unavailable(),
                    Some(Unavailable::ReadOnly | Unavailable::Busy)
                ) =>
            {
                tracing::warn!(
                    "intitulés normalisés non réécrits (espace en lecture seule ou occupé) : {e}"
                );
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Classifies again the unreviewed positions of the titles whose duplicate lessons this
    /// opening removed ([`RewrittenKeys::superseded_titles`]): they may still hold the
    /// removed lesson's proposal. Returns how many were updated (0 when none was removed).
    pub async fn reclassify_superseded(&self, classifier: Arc<dyn Classifier>) -> Result<usize> {
        let mut updated = 0;
        for key in self
            .rewritten_keys()
            .into_iter()
            .flat_map(|r| &r.superseded_titles)
        {
            updated += self.reclassify_title(classifier.clone(), key).await?;
        }
        Ok(updated)
    }

    /// The rewrite itself, in one transaction: a process killed meanwhile leaves the keys and
    /// the recorded rules as they were, and the next opening starts again.
    async fn rekey_titles(&self, rules: &str) -> Result<RewrittenKeys> {
        let now = crate::now_utc();
        let mut done = RewrittenKeys::default();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Another process may have done it since the check.
            let recorded: Option<String> =
                sqlx::query_scalar(crate::auth::SELECT_SETTING)
                    .bind(RULES_SETTING)
                    .fetch_optional(&mut *tx)
                    .await?;
            if recorded.as_deref() != Some(rules) {
                let positions: Vec<(i64, String, Option<String>)> =
                    sqlx::query_as("SELECT id, title, title_key FROM positions")
                        .fetch_all(&mut *tx)
                        .await?;
                let changed: Vec<(i64, String)> = positions
                    .into_iter()
                    .filter_map(|(id, title, key)| {
                        let new = metiers_referentiel::text::slug(&title);
                        (key.as_deref() != Some(new.as_str())).then_some((id, new))
                    })
                    .collect();
                // By batches (one statement per row took 6 s for 100,000 positions).
                for part in changed.chunks(REKEY_BATCH) {
                    let mut qb = sqlx::QueryBuilder::new(
                        "UPDATE positions SET title_key = v.column2 FROM (VALUES ",
                    );
                    let mut rows = qb.separated(", ");
                    for (id, key) in part {
                        rows.push("(");
                        rows.push_bind_unseparated(*id);
                        rows.push_unseparated(", ");
                        rows.push_bind_unseparated(key);
                        rows.push_unseparated(")");
                    }
                    qb.push(") AS v WHERE positions.id = v.column1");
                    qb.build().execute(&mut *tx).await?;
                }
                done.positions = changed.len();

                // Lessons: at most one active per key. Where several active lessons now share
                // a key, the latest decision stands, as a new review would have made it.
                let lessons: Vec<StoredLesson> = sqlx::query_as(
                    "SELECT id, title, title_key, removed_at IS NULL AS active, learned_at \
                     FROM learned_titles",
                )
                .fetch_all(&mut *tx)
                .await?;
                let plan = plan_lessons(&lessons);
                for (id, _) in &plan.superseded {
                    sqlx::query(
                        "UPDATE learned_titles SET removed_at = $1, removed_by = $2 WHERE id = $3",
                    )
                    .bind(&now)
                    .bind(REWRITER)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                // Two passes, so that keys exchanged between active lessons never meet in
                // the unique index on the way.
                for (id, _) in &plan.rekeyed {
                    sqlx::query("UPDATE learned_titles SET title_key = $1 WHERE id = $2")
                        .bind(format!("\u{1}rewriting-{id}"))
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                for (id, key) in &plan.rekeyed {
                    sqlx::query("UPDATE learned_titles SET title_key = $1 WHERE id = $2")
                        .bind(key)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                done.lessons = plan.rekeyed.len();
                done.superseded = plan.superseded.len();
                done.superseded_titles = plan.superseded.into_iter().map(|(_, key)| key).collect();
                done.superseded_titles.sort_unstable();
                done.superseded_titles.dedup();

                sqlx::query(crate::auth::UPSERT_SETTING)
                .bind(RULES_SETTING)
                .bind(rules)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await.map_err(StoreError::from)?;
        });
        Ok(done)
    }
}

/// What to change in the lessons: the active lessons that a later one of the same new key
/// outlives, and every lesson whose key changes.
#[derive(Debug, Default, PartialEq)]
struct LessonPlan {
    /// (id, new key).
    superseded: Vec<(i64, String)>,
    rekeyed: Vec<(i64, String)>,
}

/// A learned title as stored, with its key.
#[derive(Debug, sqlx::FromRow)]
struct StoredLesson {
    id: i64,
    title: String,
    title_key: String,
    active: bool,
    /// `YYYY-MM-DDTHH:MM:SSZ`: ordered as text.
    learned_at: String,
}

fn plan_lessons(lessons: &[StoredLesson]) -> LessonPlan {
    let mut plan = LessonPlan::default();
    // The latest active lesson of each new key: learned last, then the highest id.
    let mut latest: std::collections::HashMap<String, (&str, i64)> =
        std::collections::HashMap::new();
    for l in lessons.iter().filter(|l| l.active) {
        let key = metiers_referentiel::text::slug(&l.title);
        let e = latest.entry(key).or_insert((l.learned_at.as_str(), l.id));
        if (l.learned_at.as_str(), l.id) > *e {
            *e = (l.learned_at.as_str(), l.id);
        }
    }
    for l in lessons {
        let new = metiers_referentiel::text::slug(&l.title);
        if l.active && latest.get(&new).is_some_and(|&(_, winner)| winner != l.id) {
            plan.superseded.push((l.id, new));
        } else if l.title_key != new {
            plan.rekeyed.push((l.id, new));
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(id: i64, title: &str, key: &str, active: bool, at: &str) -> StoredLesson {
        StoredLesson {
            id,
            title: title.to_owned(),
            title_key: key.to_owned(),
            active,
            learned_at: at.to_owned(),
        }
    }

    #[test]
    fn the_latest_active_lesson_of_a_key_stands() {
        let lessons = [
            // Learned under old rules, two ways of writing one title: the later stands.
            lesson(
                1,
                "Chargé de la bidouille",
                "old-a",
                true,
                "2026-01-02T00:00:00Z",
            ),
            lesson(
                2,
                "CHARGÉ DE LA BIDOUILLE",
                "old-b",
                true,
                "2026-03-01T00:00:00Z",
            ),
            // Removed long ago: rekeyed, never « superseded » again.
            lesson(
                3,
                "Chargé de la bidouille",
                "old-a",
                false,
                "2025-01-01T00:00:00Z",
            ),
            // Already current: untouched.
            lesson(4, "Testeur", "testeur", true, "2026-01-01T00:00:00Z"),
        ];
        assert_eq!(
            plan_lessons(&lessons),
            LessonPlan {
                superseded: vec![(1, "charge-de-la-bidouille".to_owned())],
                rekeyed: vec![
                    (2, "charge-de-la-bidouille".to_owned()),
                    (3, "charge-de-la-bidouille".to_owned())
                ],
            }
        );
    }

    #[test]
    fn the_report_says_when_lessons_were_removed() {
        let plain = RewrittenKeys {
            positions: 999,
            lessons: 0,
            superseded: 0,
            superseded_titles: Vec::new(),
        };
        assert_eq!(
            plain.to_string(),
            "intitulés normalisés réécrits selon les règles en vigueur : 999 poste(s), 0 intitulé(s) appris"
        );
        let removed = RewrittenKeys {
            superseded: 1,
            superseded_titles: vec!["testeur".to_owned()],
            ..plain
        };
        assert!(
            removed
                .to_string()
                .contains("1 intitulé(s) appris en double retiré(s)")
        );
    }

    #[test]
    fn same_time_lessons_are_decided_by_id() {
        let at = "2026-01-01T00:00:00Z";
        let lessons = [
            lesson(7, "Intégrateur", "x", true, at),
            lesson(5, "integrateur", "y", true, at),
        ];
        let plan = plan_lessons(&lessons);
        assert_eq!(plan.superseded, vec![(5, "integrateur".to_owned())]);
        assert_eq!(plan.rekeyed, vec![(7, "integrateur".to_owned())]);
    }
}
