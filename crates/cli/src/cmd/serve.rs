//! `serve`: the portal and the JSON API, until Ctrl-C or SIGTERM.

use crate::load::Global;
use anyhow::{Context, Result};
use clap::Args;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Adresse d’écoute, IP:PORT (port 0 : un port libre, affiché au démarrage).
    #[arg(
        long,
        default_value = "127.0.0.1:8080",
        env = "METIERS_ADDR",
        value_name = "IP:PORT"
    )]
    addr: SocketAddr,
    /// Base de la cartographie : sqlite://CHEMIN (par défaut sqlite://metiers-cartographie.db),
    /// postgres://…, ou « aucune » pour servir sans cartographie.
    #[arg(long, env = "METIERS_DB", value_name = "URL")]
    db: Option<String>,
}

pub fn serve(global: &Global, args: &ServeArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("METIERS_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let editions = global.editions()?;
    let current = global.current_index(&editions)?;
    crate::load::warn(&editions[current]);
    let editions: Vec<Arc<metiers_referentiel::Referentiel>> = editions
        .into_iter()
        .map(|e| Arc::new(e.referentiel))
        .collect();
    let referentiel = editions[current].clone();
    let engine = Arc::new(
        metiers_search::Engine::build(&referentiel)
            .context("construction de l’index de recherche impossible")?,
    );
    let state = metiers_web::AppState::new(referentiel, engine).with_editions(editions);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("démarrage du moteur d’exécution impossible")?;
    runtime.block_on(async {
        let state = crate::cmd::cartographie::attach(state, args.db.as_deref()).await?;
        let listener = tokio::net::TcpListener::bind(args.addr).await.with_context(|| {
            format!(
                "impossible d’écouter sur {} : port déjà utilisé ou adresse invalide (essayez --addr 127.0.0.1:8081)",
                args.addr
            )
        })?;
        let local = listener
            .local_addr()
            .context("adresse d’écoute illisible")?;
        eprintln!(
            "Métiers SIC : portail et API sur http://{local}/ (prêt en {} ms ; Ctrl-C pour arrêter)",
            started.elapsed().as_millis()
        );
        metiers_web::serve(listener, state, shutdown_signal())
            .await
            .context("le serveur s’est arrêté sur une erreur")?;
        eprintln!("Métiers SIC : arrêté");
        Ok(ExitCode::SUCCESS)
    })
}

/// Completes on Ctrl-C or SIGTERM; the server then finishes the requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    eprintln!("Métiers SIC : arrêt demandé, fin des requêtes en cours…");
}
