//! Shared helpers of the tests that run the `metiers` binary, by what they provide:
//! [`workspaces`] (a workspace on each backend, what it holds, its history checked),
//! [`server`] (a `metiers serve` process reached over HTTP on 127.0.0.1, and the portal's
//! forms) and [`data`] (files of positions); a fresh PostgreSQL schema and a workspace's
//! keys aged as an older release left them come from the store's tests (`pg_schema.rs`,
//! `stale_keys.rs`, the same files).

#![allow(dead_code, unused_imports)]

pub mod data;
#[path = "../../../store/tests/common/pg_schema.rs"]
pub mod pg_schema;
pub mod server;
#[path = "../../../store/tests/common/stale_keys.rs"]
pub mod stale_keys;
pub mod workspaces;

pub use data::{positions_csv, store_data};
pub use pg_schema::{PgSchema, postgres_base};
pub use server::{Answer, Server, call, form_encode, serve_command, upload};
pub use workspaces::{PositionKey, Workspace, backends, check_history, snapshot};

use std::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_metiers");

/// The administrator token given to the servers of the tests.
pub const TOKEN: &str = "jeton-de-test-0123456789abcdef";

/// `metiers ARGS…` (without the machine's `METIERS_REFERENTIEL`), run to its end.
pub fn run(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env_remove("METIERS_REFERENTIEL")
        .output()
        .expect("binaire metiers lançable")
}

/// `metiers cartographie --db DB ARGS…`, run to its end.
pub fn metiers(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["cartographie", "--db", db])
        .args(args)
        .env_remove("METIERS_DB")
        .output()
        .expect("metiers runs")
}

/// `metiers cartographie --db DB ARGS…`, which must succeed: its standard output.
pub fn metiers_ok(db: &str, args: &[&str]) -> String {
    let out = metiers(db, args);
    assert!(
        out.status.success(),
        "metiers cartographie {args:?} : {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `metiers cartographie --db DB ARGS…`, which must succeed: what it said (standard error).
pub fn metiers_said(db: &str, args: &[&str]) -> String {
    let out = metiers(db, args);
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "metiers cartographie {args:?} : {said}"
    );
    said
}

/// Imports the real-shaped sample of the store's tests (6 positions, P001 to P006) into `db`.
pub fn import_sample(db: &str) {
    let file = store_data("postes-excel-windows1252.csv");
    metiers_ok(db, &["import", file.to_str().expect("utf-8 path")]);
}
