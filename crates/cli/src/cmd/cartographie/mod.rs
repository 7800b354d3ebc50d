//! `cartographie`: map an organisation's positions onto the référentiel (issue 5).
//!
//! Every subcommand opens the workspace named by `--db` (or `METIERS_DB`, or the `db` key of
//! the configuration file; by default the SQLite file `metiers-cartographie.db` of the
//! working directory, created on first use) and applies its migrations. One file per
//! feature: `import.rs` (import, reclassify), `positions.rs` (list, review, history),
//! `learned.rs` (learned titles), `stats.rs` (dashboard), `export.rs`, `backup.rs` (backup
//! and restore); this file parses the subcommand and opens the workspace.

mod backup;
mod export;
mod import;
mod learned;
mod positions;
mod stats;

use crate::load::Global;
use anyhow::{Context, Result};
use backup::{BackupArgs, RestoreArgs};
use clap::{Args, Subcommand};
use export::ExportArgs;
use import::ImportArgs;
use learned::LearnedArgs;
use metiers_referentiel::Referentiel;
use metiers_store::Store;
use positions::{HistoryArgs, ListArgs, ReviewArgs};
use stats::StatsArgs;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Args)]
pub struct CartographieArgs {
    /// Base de données de l’espace de travail : sqlite://CHEMIN (par défaut
    /// sqlite://metiers-cartographie.db, créé au premier usage) ou postgres://…
    #[arg(long, global = true, value_name = "URL")]
    db: Option<String>,
    /// Fichier de configuration de « serve » (variable METIERS_CONFIG) : sa clé db sert quand
    /// ni --db ni METIERS_DB ne sont donnés.
    #[arg(long, global = true, value_name = "FICHIER")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: CartographieCommand,
}

#[derive(Debug, Subcommand)]
enum CartographieCommand {
    /// Importe un fichier de postes (CSV ou XLSX) et rapproche chaque poste d’un métier.
    Import(ImportArgs),
    /// Exporte l’espace de travail (poste, métier, score, statut, relecteur).
    Export(ExportArgs),
    /// Liste les postes et leur métier.
    List(ListArgs),
    /// Enregistre la décision d’un relecteur : le poste relève de ce métier.
    Review(ReviewArgs),
    /// Affiche l’historique des décisions d’un poste.
    History(HistoryArgs),
    /// Tableau de bord : postes et agents par métier, par groupe, par niveau d’études ; reste à revoir.
    Stats(StatsArgs),
    /// Intitulés appris des décisions des relecteurs (et leur retrait).
    Learned(LearnedArgs),
    /// Rapproche de nouveau les postes non encore relus (après un changement des intitulés appris).
    Reclassify,
    /// Sauvegarde l’espace de travail SQLite dans un fichier, cohérente même serveur en marche
    /// (PostgreSQL : affiche les commandes pg_dump à utiliser).
    Backup(BackupArgs),
    /// Remplace l’espace de travail SQLite par une sauvegarde vérifiée, de façon atomique
    /// (PostgreSQL : affiche les commandes pg_restore à utiliser).
    Restore(RestoreArgs),
}

pub fn cartographie(global: &Global, args: &CartographieArgs) -> Result<ExitCode> {
    // The same workspace as `serve`: --db, METIERS_DB, the configuration file, the default.
    let options = crate::config::ServerOptions::default()
        .with_config(args.config.clone())
        .with_flag(&crate::config::keys::db, args.db.clone());
    let settings = match crate::config::Settings::resolve(&options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("erreur : {e}\nRien n’a été modifié.");
            return Ok(ExitCode::from(2));
        }
    };
    let url = settings.db.value.unwrap_or_else(Store::default_url);
    if url.trim() == "aucune" {
        eprintln!(
            "erreur : la configuration désactive la cartographie (db = « aucune », {}) : indiquez --db sqlite://CHEMIN ou postgres://…",
            settings.db.source
        );
        return Ok(ExitCode::from(2));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("démarrage du moteur d’exécution impossible")?;
    match &args.command {
        // The workspace must not be opened (created, migrated, locked) before it is replaced.
        CartographieCommand::Restore(a) => return runtime.block_on(backup::restore(&url, a)),
        // PostgreSQL has its own tools; no need to connect (nor migrate) to say which.
        CartographieCommand::Backup(a) if is_postgres(&url) => {
            backup::print_postgres_guidance(&url, &a.file, true);
            return Ok(ExitCode::from(2));
        }
        _ => {}
    }
    runtime.block_on(async {
        let store = Store::open(&url).await.with_context(|| {
            format!("ouverture de l’espace de travail « {url} » impossible (chemin accessible ? serveur PostgreSQL démarré ?)")
        })?;
        for line in report_rewritten_keys(&store, || classifier(global.referentiel()?)).await {
            match line {
                Ok(line) => eprintln!("{line}"),
                Err(line) => eprintln!("attention : {line}"),
            }
        }
        let result = run(global, &store, &url, &args.command).await;
        store.close().await;
        result
    })
}

async fn run(
    global: &Global,
    store: &Store,
    url: &str,
    command: &CartographieCommand,
) -> Result<ExitCode> {
    match command {
        CartographieCommand::Import(a) => import::import(global, store, url, a).await,
        CartographieCommand::Export(a) => export::export(global, store, a).await,
        CartographieCommand::List(a) => positions::list(global, store, a).await,
        CartographieCommand::Review(a) => positions::review(global, store, a).await,
        CartographieCommand::History(a) => positions::history(store, a).await,
        CartographieCommand::Stats(a) => stats::stats(global, store, a).await,
        CartographieCommand::Learned(a) => learned::learned(global, store, a).await,
        CartographieCommand::Reclassify => import::reclassify(global, store).await,
        CartographieCommand::Backup(a) => backup::backup(store, url, a).await,
        CartographieCommand::Restore(a) => backup::restore(url, a).await,
    }
}

/// After opening a workspace (the cartographie's commands and `serve`): what the opening
/// rewrote of the stored title keys, and the unreviewed positions of the titles whose
/// duplicate lesson it removed classified again (they may hold that lesson's proposal), with
/// `classifier`, built only then. French lines, `Err` for a warning (the command goes on);
/// none when nothing was rewritten.
pub(crate) async fn report_rewritten_keys(
    store: &Store,
    classifier: impl FnOnce() -> Result<Arc<dyn metiers_store::Classifier>>,
) -> Vec<std::result::Result<String, String>> {
    let Some(rewritten) = store.rewritten_keys() else {
        return Vec::new();
    };
    let mut lines = vec![Ok(rewritten.to_string())];
    if !rewritten.superseded_titles.is_empty() {
        let done = match classifier() {
            Ok(c) => store.reclassify_superseded(c).await.map_err(Into::into),
            Err(e) => Err(e),
        };
        lines.push(match done {
            Ok(n) => Ok(format!(
                "{n} poste(s) non relu(s) de ces intitulés rapproché(s) de nouveau avec la décision gardée"
            )),
            Err(e) => Err(format!(
                "postes de ces intitulés non rapprochés de nouveau ({e:#}) ; lancez « metiers cartographie reclassify »"
            )),
        });
    }
    lines
}

/// The matcher over the edition, as the store's classifier, with what the HR columns of a
/// file say (catégorie against education level, ROME code through the crosswalk).
pub(super) fn classifier(r: &Referentiel) -> Result<Arc<dyn metiers_store::Classifier>> {
    let engine = metiers_search::Engine::build(r)
        .context("construction de l’index de recherche impossible")?;
    let knowledge = metiers_knowledge::Knowledge::shared()
        .context("lecture des répertoires ROME et ESCO embarqués impossible")?;
    Ok(Arc::new(metiers_store::HrSignals::new(
        Arc::new(engine),
        Arc::new(r.clone()),
        knowledge,
    )))
}

/// The occupation named by an id or a title, or an error listing the closest ids.
fn occupation_id(r: &Referentiel, name: &str) -> Result<String> {
    Ok(r.resolve(name)?.id.to_string())
}

async fn position(store: &Store, name: &str) -> Result<metiers_store::Position> {
    store.find_position(name).await?.with_context(|| {
        format!("aucun poste n’a l’identifiant ou le numéro « {name} » (« metiers cartographie list » les affiche)")
    })
}

fn is_postgres(url: &str) -> bool {
    let url = url.trim();
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}
