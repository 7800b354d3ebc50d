//! Shared by the store's tests: a fresh workspace on each backend, and a matcher whose
//! answers are known in advance.

#![allow(dead_code)]

use metiers_store::{Candidate, Classification, Classifier, ClassifyInput, LearnedTitle, Store};
use std::sync::Arc;

/// Defines, for each named `async fn NAME(db: &TestDb)` of the test file, the test
/// `sqlite::NAME` and the test `postgres::NAME` (which says on standard error that it did
/// not run when `METIERS_TEST_POSTGRES_URL` is not set).
#[allow(unused_macros)] // fuzz_regressions.rs shares this module without it
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = crate::common::TestDb::sqlite().await;
                    super::$name(&db).await;
                    db.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(db) = crate::common::TestDb::postgres(stringify!($name)).await else { return };
                    super::$name(&db).await;
                    db.cleanup().await;
                }
            )*
        }
    };
}

mod pg_schema;
pub mod stale_keys;
pub use pg_schema::{PgSchema, postgres_base};

/// A fresh workspace; on PostgreSQL, in a schema of its own, dropped by [`TestDb::cleanup`]
/// (or when the test fails).
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<PgSchema>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("cartographie.db").display());
        let store = Store::open(&url).await.expect("SQLite workspace opens");
        TestDb {
            store,
            url,
            _dir: Some(dir),
            pg: None,
        }
    }

    /// `None` (and a visible line on standard error) when no PostgreSQL is configured.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        let schema = PgSchema::create(&postgres_base(test)?, test);
        let url = schema.url();
        let store = Store::open(&url).await.expect("PostgreSQL workspace opens");
        Some(TestDb {
            store,
            url,
            _dir: None,
            pg: Some(schema),
        })
    }

    /// Closes the store, then drops the PostgreSQL schema with its tables.
    pub async fn cleanup(self) {
        self.store.close().await;
        drop(self.pg);
    }
}

/// A matcher with fixed answers, so that the store's behaviour is tested alone:
/// known words give known occupations; a learned title gives its occupation, confidently.
#[derive(Debug, Default)]
pub struct FakeClassifier;

impl FakeClassifier {
    pub fn shared() -> Arc<dyn Classifier> {
        Arc::new(FakeClassifier)
    }
}

fn key(s: &str) -> String {
    metiers_referentiel::text::slug(s)
}

impl Classifier for FakeClassifier {
    fn classify_batch(
        &self,
        inputs: &[ClassifyInput<'_>],
        learned: &[LearnedTitle],
    ) -> Vec<Classification> {
        inputs
            .iter()
            .map(|i| {
                let k = key(i.title);
                if let Some(l) = learned.iter().find(|l| key(&l.title) == k) {
                    return Classification {
                        candidates: vec![Candidate {
                            occupation_id: l.occupation_id.clone(),
                            score: 1.0,
                        }],
                        confident: true,
                        decided: true,
                        evidence: Vec::new(),
                    };
                }
                let c = |id: &str, score: f32| Candidate {
                    occupation_id: id.to_owned(),
                    score,
                };
                if k.contains("developpeur") {
                    Classification {
                        candidates: vec![c("concepteur-developpeur", 0.9), c("testeur", 0.3)],
                        confident: true,
                        decided: false,
                        evidence: Vec::new(),
                    }
                } else if k.contains("administrateur") {
                    Classification {
                        candidates: vec![c(
                            "administrateur-d-outils-de-systemes-de-reseaux-telecoms",
                            0.8,
                        )],
                        confident: true,
                        decided: false,
                        evidence: Vec::new(),
                    }
                } else if k.contains("testeur") {
                    Classification {
                        candidates: vec![c("testeur", 0.85)],
                        confident: true,
                        decided: false,
                        evidence: Vec::new(),
                    }
                } else if k.contains("chef-de-projet") {
                    Classification {
                        candidates: vec![
                            c("chef-de-projet-maitrise-d-ouvrage-si", 0.5),
                            c("chef-de-projet-maitrise-d-oeuvre-si", 0.45),
                            c("directeur-de-projets-si", 0.3),
                        ],
                        confident: false,
                        decided: false,
                        evidence: Vec::new(),
                    }
                } else {
                    Classification::default()
                }
            })
            .collect()
    }
}

/// Reads a file of `tests/data/`.
pub fn data(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A real-shaped XLSX: a title row, merged header and service cells, numbers as numbers.
pub fn sample_xlsx() -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Postes").expect("name");
    let plain = Format::new();
    sheet
        .write_string(0, 0, "Cartographie des postes 2026")
        .expect("write");
    for (c, h) in ["Matricule", "Intitulé du poste", "", "Service", "Effectif"]
        .iter()
        .enumerate()
    {
        if !h.is_empty() {
            sheet.write_string(2, c as u16, *h).expect("write");
        }
    }
    // « Intitulé du poste » merged over B3:C3, as often in hand-made tables.
    sheet
        .merge_range(2, 1, 2, 2, "Intitulé du poste", &plain)
        .expect("merge");
    let rows: [(f64, &str, &str, f64); 3] = [
        (1001.0, "Développeur PHP", "", 1.0),
        (1002.0, "Testeur", "", 2.0),
        (
            1003.0,
            "Administrateur réseaux",
            "Bureau de la production",
            0.8,
        ),
    ];
    for (i, (id, title, service, n)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        sheet.write_number(r, 0, *id).expect("write");
        sheet.write_string(r, 1, *title).expect("write");
        if !service.is_empty() {
            sheet.write_string(r, 3, *service).expect("write");
        }
        sheet.write_number(r, 4, *n).expect("write");
    }
    // The service merged over two rows: the second row gets the value too.
    sheet
        .merge_range(3, 3, 4, 3, "Bureau des applications", &plain)
        .expect("merge");
    book.save_to_buffer().expect("xlsx")
}
