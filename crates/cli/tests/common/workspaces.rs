//! A workspace on each backend (a SQLite file; a fresh PostgreSQL schema when
//! `METIERS_TEST_POSTGRES_URL` is set), what it holds, and its history checked.

use super::{PgSchema, postgres_base};
use metiers_store::Store;
use std::path::Path;

/// One workspace of a test: its URL, and the schema to drop for PostgreSQL.
#[derive(Debug)]
pub struct Workspace {
    pub url: String,
    pub schema: Option<PgSchema>,
}

impl Workspace {
    pub fn kind(&self) -> &'static str {
        if self.schema.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }
}

/// A workspace per backend: SQLite in `dir`, and PostgreSQL in a fresh schema when configured.
pub fn backends(dir: &Path, test: &str) -> Vec<Workspace> {
    let mut out = vec![Workspace {
        url: format!("sqlite://{}", dir.join(format!("{test}.db")).display()),
        schema: None,
    }];
    if let Some(base) = postgres_base(test) {
        let schema = PgSchema::create(&base, test);
        out.push(Workspace {
            url: schema.url(),
            schema: Some(schema),
        });
    }
    out
}

/// A position as (external id, title, occupation, status): what must not change.
pub type PositionKey = (Option<String>, String, Option<String>, &'static str);

/// What a workspace holds: positions sorted, number of imports, number of reviews.
pub async fn snapshot(url: &str) -> (Vec<PositionKey>, usize, i64) {
    let store = Store::open(url).await.expect("workspace opens");
    let mut all: Vec<_> = store
        .all_positions()
        .await
        .expect("positions")
        .into_iter()
        .map(|p| (p.external_id, p.title, p.occupation_id, p.status.as_str()))
        .collect();
    all.sort();
    let imports = store.imports().await.expect("imports").len();
    let reviews = store.count_reviews().await.expect("reviews");
    store.close().await;
    (all, imports, reviews)
}

/// Checks that the history of every position is consistent with the position (its occupation
/// and status are those of its last review; each review starts from the previous one's
/// decision); returns the ids of the stored reviews.
pub async fn check_history(url: &str) -> std::collections::BTreeSet<i64> {
    let store = Store::open(url).await.expect("workspace opens");
    let mut ids = std::collections::BTreeSet::new();
    for p in store.all_positions().await.expect("positions") {
        let reviews = store.reviews(p.id).await.expect("reviews");
        for pair in reviews.windows(2) {
            assert_eq!(
                pair[1].previous_occupation_id.as_deref(),
                Some(pair[0].new_occupation_id.as_str()),
                "historique du poste {} : {reviews:?}",
                p.id
            );
            assert_eq!(pair[1].previous_status, pair[0].new_status, "{reviews:?}");
        }
        if let Some(last) = reviews.last() {
            assert_eq!(
                p.occupation_id.as_deref(),
                Some(last.new_occupation_id.as_str()),
                "poste {p:?}"
            );
            assert_eq!(p.status.as_str(), last.new_status, "poste {p:?}");
            assert_eq!(
                p.reviewer.as_deref(),
                Some(last.reviewer.as_str()),
                "poste {p:?}"
            );
        } else {
            assert!(
                !p.status.is_reviewed(),
                "poste relu sans historique : {p:?}"
            );
        }
        ids.extend(reviews.iter().map(|r| r.id));
    }
    if let metiers_store::Backend::Sqlite(pool) = store.backend() {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(pool)
            .await
            .expect("PRAGMA integrity_check");
        assert_eq!(check, "ok", "PRAGMA integrity_check");
    }
    store.close().await;
    ids
}
