//! The cartographie store: an organisation's positions mapped onto the référentiel.
//!
//! - [`Store`]: one workspace in SQLite (default, a file in WAL mode) or PostgreSQL, opened
//!   from a URL ([`Store::open`]); embedded migrations run at start-up.
//! - [`import`]: reads CSV and XLSX files as Excel writes them (separators, BOM, Windows-1252,
//!   French headers) into [`import::ParsedFile`], or refuses them with an
//!   [`import::ImportReport`] that says, line by line, what to fix. [`Store::import`] classifies
//!   and writes a file in one transaction: all or nothing.
//! - [`Classifier`]: what the store needs from the matcher (top 3, scores, confidence), fed
//!   with the workspace's [`LearnedTitle`]s; [`HrSignals`] weighs on it what the HR columns of
//!   a file say (catégorie against education level, ROME code through the crosswalk).
//! - Every column of an imported file is kept, in order, with its header and values as read
//!   ([`Position::columns`]), and the exports give them back first.
//! - Reviews ([`Store::review`]) append to a history and teach their title to later matches;
//!   learned titles are listed and removable ([`Store::learned_titles`],
//!   [`Store::remove_learned`]).
//! - [`dashboard`]: positions and agents per occupation, group and education level;
//!   [`export`]: the workspace as CSV or XLSX.
//! - [`backup`]: online backup of a SQLite workspace ([`Store::backup`]) and its checked,
//!   atomic restore ([`backup::restore`]).
//!
//! The crate knows nothing of HTTP. No state that matters lives only in a process: portal
//! sessions and the administrator token's hash are stored too ([`auth`]).

pub mod auth;
pub mod backup;
pub mod classify;
pub mod dashboard;
pub mod export;
mod files;
pub mod hr_signals;
pub mod import;
mod imports;
pub mod lock;
mod model;
mod positions;
mod reviews;
mod store;
mod time;
mod title_keys;

pub use auth::SessionRecord;
pub use classify::{Candidate, Classification, Classifier, ClassifyInput, HrHints};
pub use dashboard::{OccupationCount, StatusCount};
pub use hr_signals::HrSignals;
pub use imports::{ImportOutcome, ImportProgress, ImportRecord};
pub use model::{
    LearnedTitle, OriginalColumn, Position, PositionFilter, PositionPage, Review, Status,
    StoredLearned,
};
pub use reviews::{LearnedRemoval, ReviewOutcome};
pub use store::{Backend, Store};
pub use time::{now_utc, utc_in};
pub use title_keys::RewrittenKeys;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "adresse de base de données non reconnue « {0} » : attendu sqlite://CHEMIN ou postgres://…"
    )]
    BadUrl(String),
    #[error("base de données : {}", describe(.0))]
    Db(#[from] sqlx::Error),
    #[error("mise à jour du schéma de la base impossible : {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("fichier refusé : {} problème(s)", .0.problems.len())]
    Rejected(Box<import::ImportReport>),
    #[error("aucun poste ne correspond à « {0} »")]
    UnknownPosition(String),
    #[error("aucun titre appris n’a le numéro {0} (ou il a déjà été retiré)")]
    UnknownLearned(i64),
    #[error("nom du relecteur invalide : indiquez un nom de 1 à 100 caractères")]
    BadReviewer,
    #[error("le classement a été interrompu : {0}")]
    Classifier(String),
    #[error("écriture de l’export impossible : {0}")]
    Export(String),
    #[error("« {0} » n’est pas une base de cartographie utilisable : {1}")]
    BadBackup(String, String),
    #[error("sauvegarde ou restauration impossible : {0}")]
    Backup(String),
    #[error(
        "la base « {0} » est ouverte par un serveur ou une commande metiers : arrêtez-les avant de restaurer (ou --force, puis redémarrez-les)"
    )]
    InUse(String),
    #[error(
        "la base « {target} » contient des écritures plus récentes que la sauvegarde (base : {target_last} ; sauvegarde : {backup_last}) : --force pour la remplacer quand même"
    )]
    Newer {
        target: String,
        target_last: String,
        backup_last: String,
    },
    #[error("la base « {0} » est en cours de restauration : réessayez quand elle sera terminée")]
    Restoring(String),
    #[error("{}", Unavailable::Importing.message())]
    ImportInProgress,
}

/// Why the database could not do what was asked, when a person running the service can act
/// on it: the store is then unavailable rather than broken (the HTTP layer answers 503).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// The database server does not answer: stopped, restarting, unreachable, or every
    /// connection stayed busy longer than the pool's wait.
    Unreachable,
    /// The database file (or its directory) cannot be written.
    ReadOnly,
    /// The disk (or quota) of the database is full.
    DiskFull,
    /// Another connection held the lock longer than the wait (SQLite: an import is being
    /// written), or PostgreSQL gave up on a lock or a conflict.
    Busy,
    /// An import holds the write lock (SQLite): the write was not attempted.
    Importing,
}

impl Unavailable {
    /// A stable code for programs (the API's `code`).
    pub fn code(self) -> &'static str {
        match self {
            Unavailable::Unreachable => "base_indisponible",
            Unavailable::ReadOnly => "base_en_lecture_seule",
            Unavailable::DiskFull => "disque_plein",
            Unavailable::Busy => "base_occupee",
            Unavailable::Importing => "import_en_cours",
        }
    }

    /// What happened and what to do, in French.
    pub fn message(self) -> &'static str {
        match self {
            Unavailable::Unreachable => {
                "La base de données de la cartographie ne répond pas (serveur arrêté, en redémarrage, injoignable \
                 ou saturé) : la demande n’a pas abouti. Réessayez dans quelques instants ; si cela dure, vérifiez \
                 le serveur de base de données."
            }
            Unavailable::ReadOnly => {
                "La base de la cartographie est en lecture seule pour ce service : rien ne peut y être enregistré \
                 (import, relecture, connexion au portail). Rendez le fichier de la base et son dossier accessibles \
                 en écriture à l’utilisateur du service, puis recommencez."
            }
            Unavailable::DiskFull => {
                "Le disque de la base de la cartographie est plein : rien n’a été enregistré. Libérez de la place \
                 (ou agrandissez le volume), puis recommencez."
            }
            Unavailable::Busy => {
                "La base de la cartographie est occupée par une autre écriture (un import en cours, par exemple) : \
                 rien n’a été enregistré. Réessayez dans quelques instants."
            }
            Unavailable::Importing => {
                "Un import de fichier est en cours d’écriture dans la cartographie : votre décision n’a pas \
                 été enregistrée. Réessayez dans quelques instants, quand l’import sera terminé."
            }
        }
    }
}

impl StoreError {
    /// Whether the error says that the database is unreachable, read-only or full, rather
    /// than that the request or the data are wrong.
    pub fn unavailable(&self) -> Option<Unavailable> {
        match self {
            StoreError::Db(e) => unavailable(e),
            StoreError::Migrate(sqlx::migrate::MigrateError::Execute(e)) => unavailable(e),
            StoreError::ImportInProgress => Some(Unavailable::Importing),
            _ => None,
        }
    }
}

fn unavailable(e: &sqlx::Error) -> Option<Unavailable> {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => Some(Unavailable::Unreachable),
        sqlx::Error::Database(d) => {
            if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // SQLite's extended result code; its low byte is the primary code.
                let code: i32 = d.code()?.parse().ok()?;
                match code & 0xff {
                    5 | 6 => Some(Unavailable::Busy),  // SQLITE_BUSY, SQLITE_LOCKED
                    8 => Some(Unavailable::ReadOnly),  // SQLITE_READONLY
                    13 => Some(Unavailable::DiskFull), // SQLITE_FULL
                    _ => None,
                }
            } else {
                // PostgreSQL's SQLSTATE.
                match d.code()?.as_ref() {
                    c if c.starts_with("08") => Some(Unavailable::Unreachable), // connection exception
                    // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
                    "57P01" | "57P02" | "57P03" | "53300" => Some(Unavailable::Unreachable),
                    "53100" => Some(Unavailable::DiskFull), // disk_full
                    "25006" => Some(Unavailable::ReadOnly), // read_only_sql_transaction
                    // lock_not_available, serialization_failure, deadlock_detected
                    "55P03" | "40001" | "40P01" => Some(Unavailable::Busy),
                    _ => None,
                }
            }
        }
        _ => None,
    }
}

/// The text of a database error: what to do first when it is an outage, then the driver's own
/// words (in English) for the log.
fn describe(e: &sqlx::Error) -> String {
    match unavailable(e) {
        Some(u) => format!("{} (détail : {e})", u.message()),
        None => e.to_string(),
    }
}

/// Shorthand for this crate's results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
