//! The cartographie store: an organisation's positions mapped onto the référentiel.
//!
//! - [`Store`]: one workspace in SQLite (default, a file in WAL mode) or PostgreSQL, opened
//!   from a URL ([`Store::open`]); embedded migrations run at start-up.
//! - [`import`]: reads CSV and XLSX files as Excel writes them (separators, BOM, Windows-1252,
//!   French headers) into [`import::ParsedFile`], or refuses them with an
//!   [`import::ImportReport`] that says, line by line, what to fix. [`Store::import`] classifies
//!   and writes a file in one transaction: all or nothing.
//! - [`Classifier`]: what the store needs from the matcher (top 3, scores, confidence), fed
//!   with the workspace's [`LearnedTitle`]s.
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
pub mod import;
mod model;
mod store;
mod time;

pub use classify::{Candidate, Classification, Classifier, ClassifyInput};
pub use model::{
    LearnedTitle, Position, PositionFilter, PositionPage, Review, Status, StoredLearned,
};
pub use store::{Backend, ImportOutcome, ImportProgress, OccupationCount, ReviewOutcome, Store};
pub use time::{now_utc, utc_in};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "adresse de base de données non reconnue « {0} » : attendu sqlite://CHEMIN ou postgres://…"
    )]
    BadUrl(String),
    #[error("base de données : {0}")]
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
}

/// Shorthand for this crate's results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
