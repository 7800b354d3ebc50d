//! A fresh PostgreSQL schema per test, dropped with its tables. Written once for the tests of
//! metiers-store and of the `metiers` binary, which includes this file with `#[path]`.
//!
//! The statements run on a thread of their own with a runtime of their own, so that a plain
//! test, an async test and `Drop` can all create and drop a schema.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Environment variable naming the PostgreSQL database of the tests
/// (e.g. `postgres://root@127.0.0.1:5432/test`).
pub const POSTGRES_URL_VAR: &str = "METIERS_TEST_POSTGRES_URL";

/// The test database's URL, or `None` after saying on stderr that the PostgreSQL part of
/// `test` did not run.
pub fn postgres_base(test: &str) -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(base) => Some(base),
        Err(_) => {
            // Written to the process's stderr directly: the test harness does not capture it,
            // so a skipped PostgreSQL test is always visible.
            let _ = writeln!(
                std::io::stderr(),
                "IGNORÉ : partie PostgreSQL du test « {test} » non exécutée, {POSTGRES_URL_VAR} n’est pas défini \
                 (ex. {POSTGRES_URL_VAR}=postgres://root@127.0.0.1:5432/test)"
            );
            None
        }
    }
}

/// A fresh schema in the test database, dropped with its tables when this is dropped.
#[derive(Debug)]
pub struct PgSchema {
    pub base: String,
    pub name: String,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl PgSchema {
    /// Creates `metiers_test_<pid>_<n>_<test>` in the database of `base`.
    pub fn create(base: &str, test: &str) -> Self {
        let name = format!(
            "metiers_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            test.chars()
                .filter(char::is_ascii_alphanumeric)
                .take(30)
                .collect::<String>()
                .to_lowercase()
        );
        if let Err(e) = execute(base, &format!("CREATE SCHEMA \"{name}\"")) {
            panic!("création du schéma {name} dans {base} : {e}");
        }
        Self {
            base: base.to_owned(),
            name,
        }
    }

    /// The database URL whose `search_path` is this schema.
    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options[search_path]={}", self.base, self.name)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let _ = execute(
            &self.base,
            &format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name),
        );
    }
}

/// Runs one statement on the database of `base`.
fn execute(base: &str, sql: &str) -> Result<(), String> {
    let (base, sql) = (base.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&base)
                .await
                .map_err(|e| format!("PostgreSQL inaccessible : {e}"))?;
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
            conn.close().await.map_err(|e| e.to_string())
        })
    })
    .join()
    .map_err(|_| "le fil d’exécution a paniqué".to_owned())?
}
