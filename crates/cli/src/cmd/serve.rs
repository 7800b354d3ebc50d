//! `serve`: the portal and the JSON API, until Ctrl-C or SIGTERM; `config`: the settings it
//! would use (see [`crate::config`]).

use crate::config::{LogFormat, ServerOptions, Settings};
use crate::load::Global;
use anyhow::{Context, Result};
use clap::Args;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    options: ServerOptions,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    options: ServerOptions,
}

/// `metiers config`: the effective settings of `serve`, as a TOML file with the source of
/// each value; exit code 2 when one is invalid.
pub fn config(args: &ConfigArgs) -> Result<ExitCode> {
    match Settings::resolve(&args.options) {
        Ok(settings) => {
            crate::cmd::referentiel::write_stdout(&settings.render())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(bad_settings(&e)),
    }
}

fn bad_settings(e: &crate::config::ConfigError) -> ExitCode {
    eprintln!(
        "erreur : {e}\n« metiers config » affiche les valeurs retenues ; rien n’a été démarré."
    );
    ExitCode::from(2)
}

pub fn serve(global: &Global, args: &ServeArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let settings = match Settings::resolve(&args.options) {
        Ok(s) => s,
        Err(e) => return Ok(bad_settings(&e)),
    };
    init_log(&settings);
    let say = Say::new(&settings);
    let editions = global.editions()?;
    let current = global.current_index(&editions)?;
    for w in crate::load::warnings(&editions[current]) {
        say.warn(&w);
    }
    let editions: Vec<Arc<metiers_referentiel::Referentiel>> = editions
        .into_iter()
        .map(|e| Arc::new(e.referentiel))
        .collect();
    let referentiel = editions[current].clone();
    let engine = Arc::new(
        metiers_search::Engine::build(&referentiel)
            .context("construction de l’index de recherche impossible")?,
    );
    let knowledge = metiers_knowledge::Knowledge::shared()
        .context("lecture des répertoires ROME et ESCO embarqués impossible")?;
    let mut state =
        metiers_web::AppState::new(referentiel, engine, knowledge).with_editions(editions);
    state = state.with_match_cache(settings.match_cache.value);
    if let Some(token) = &settings.metrics_token.value {
        state = state.with_metrics_token(token);
    }
    // The login limiter believes X-Forwarded-For only from these proxies (none by default).
    state = state.with_trusted_proxies(settings.trusted_proxies.value.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("démarrage du moteur d’exécution impossible")?;
    runtime.block_on(async {
        let state = attach(state, &settings, say).await?;
        let addr = settings.addr.value;
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!(
                "impossible d’écouter sur {addr} : port déjà utilisé ou adresse invalide (essayez --addr 127.0.0.1:8081)"
            )
        })?;
        let local = listener
            .local_addr()
            .context("adresse d’écoute illisible")?;
        let metrics = match settings.metrics_addr.value {
            Some(maddr) => {
                let mlistener = tokio::net::TcpListener::bind(maddr).await.with_context(|| {
                    format!("impossible d’écouter sur {maddr} pour les métriques : port déjà utilisé ou adresse invalide (--metrics-addr)")
                })?;
                let mlocal = mlistener.local_addr().context("adresse des métriques illisible")?;
                say.info(&format!("Métiers SIC : métriques Prometheus sur http://{mlocal}/metrics"));
                Some(tokio::spawn(metiers_web::metrics::serve(mlistener, state.clone())))
            }
            None => None,
        };
        let shutdown = shutdown_signal(say)?;
        say.info(&format!(
            "Métiers SIC : portail et API sur http://{local}/ (prêt en {} ms ; Ctrl-C pour arrêter)",
            started.elapsed().as_millis()
        ));
        let served = metiers_web::serve(listener, state, shutdown).await;
        if let Some(m) = metrics {
            // The portal has stopped (signal or error): scrapes stop with it.
            m.abort();
        }
        served.context("le serveur s’est arrêté sur une erreur")?;
        say.info("Métiers SIC : arrêté");
        Ok(ExitCode::SUCCESS)
    })
}

/// Opens the cartographie's store for `metiers serve` and adds it to the portal's state;
/// prints the administrator token when one is generated (once, at first start).
/// `db` = `aucune` serves without cartographie; `admin_token` replaces the administrator
/// token; `cookie_secure` marks the session cookies Secure; the sessions last
/// `session_lifetime` at most and `session_idle` unused.
async fn attach(
    state: metiers_web::AppState,
    settings: &crate::config::Settings,
    say: Say,
) -> Result<metiers_web::AppState> {
    let db = settings.db.value.as_deref();
    let token = settings.admin_token.value.as_deref();
    let secure = settings.cookie_secure.value;
    if db.map(str::trim) == Some("aucune") {
        say.info("Cartographie désactivée (--db aucune)");
        return Ok(state);
    }
    let url = db.map_or_else(metiers_store::Store::default_url, str::to_owned);
    let (mut carto, admin) = metiers_web::cartographie::Cartographie::open(&url, token, secure)
        .await
        .with_context(|| {
            format!(
                "ouverture de la cartographie « {} » impossible (chemin accessible ? serveur PostgreSQL démarré ? « --db aucune » sert sans cartographie)",
                crate::config::redact(&url)
            )
        })?;
    carto.session_ttl = settings.session_lifetime.value;
    carto.session_idle = settings.session_idle.value;
    say.info(&format!(
        "Cartographie : espace de travail {} ({})",
        crate::config::redact(&url),
        carto.store.kind()
    ));
    let classifier = || Ok(metiers_web::cartographie::classifier(&state));
    for line in super::cartographie::report_rewritten_keys(&carto.store, classifier).await {
        match line {
            Ok(line) => say.info(&format!("Cartographie : {line}")),
            Err(line) => say.warn(&format!("Attention : {line}")),
        }
    }
    match carto.store.is_writable().await {
        Ok(true) => {}
        Ok(false) => say.warn(&format!(
            "Attention : cartographie servie en consultation seule. {}",
            metiers_store::Unavailable::ReadOnly.message()
        )),
        Err(e) => say.warn(&format!(
            "Attention : accès en écriture à la cartographie non vérifié : {e}"
        )),
    }
    match admin {
        metiers_store::auth::AdminToken::Generated(t) => say.warn(&format!(
            "Cartographie : jeton d’administration généré, affiché cette seule fois (conservez-le ; METIERS_ADMIN_TOKEN le remplace) :\n  {t}"
        )),
        metiers_store::auth::AdminToken::FromEnvironment => say.info(
            "Cartographie : jeton d’administration fixé par la configuration (admin_token, METIERS_ADMIN_TOKEN)",
        ),
        metiers_store::auth::AdminToken::Existing => {}
    }
    Ok(state.with_cartographie(carto))
}

/// How `serve` says what it does: French lines on standard error, or, in JSON log mode,
/// events of the log (one JSON object a line, filtered like the others) so that a log
/// collector reads every line; warnings at level WARN, so that the administrator token,
/// printed once, passes a `warn` filter.
#[derive(Debug, Clone, Copy)]
struct Say {
    json: bool,
}

impl Say {
    fn new(settings: &Settings) -> Self {
        Self {
            json: matches!(settings.log_format.value, LogFormat::Json),
        }
    }

    fn info(self, message: &str) {
        if self.json {
            tracing::info!(target: "metiers::serve", "{message}");
        } else {
            eprintln!("{message}");
        }
    }

    fn warn(self, message: &str) {
        if self.json {
            tracing::warn!(target: "metiers::serve", "{message}");
        } else {
            eprintln!("{message}");
        }
    }
}

/// The log on standard error: text or one JSON object a line, filtered by `log`.
fn init_log(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_new(&settings.log.value)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match settings.log_format.value {
        LogFormat::Text => builder.with_ansi(false).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Listens for Ctrl-C and SIGTERM from the call on (not from the first poll), so that a
/// signal sent as soon as the server says it is ready — systemd may — stops it gracefully
/// instead of killing it. The future completes on the first of them; the server then
/// finishes the requests in flight. Must be called inside the runtime.
fn shutdown_signal(say: Say) -> Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate =
            signal(SignalKind::terminate()).context("écoute du signal SIGTERM impossible")?;
        let mut interrupt =
            signal(SignalKind::interrupt()).context("écoute du signal SIGINT impossible")?;
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => {},
                _ = interrupt.recv() => {},
            }
            say.info("Métiers SIC : arrêt demandé, fin des requêtes en cours…");
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            say.info("Métiers SIC : arrêt demandé, fin des requêtes en cours…");
        })
    }
}
