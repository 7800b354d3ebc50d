//! Settings of `metiers serve`: flags, environment, a TOML file, defaults — in that order of
//! precedence — and `metiers config`, which prints the effective values and where each comes
//! from (secrets masked).
//!
//! Each setting is a [`Key`] (its TOML key, flag and environment variable, whether it is
//! secret, its default); [`ServerOptions`] holds the flags, [`Settings::resolve`] merges the
//! four sources and checks every value, so that a bad one stops `serve` before anything
//! starts (exit code 2) with a French message naming the source (and the line, for the file).

use clap::Args;
use serde::Deserialize;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "METIERS_CONFIG";

/// The flags of `serve` and `config`. Every one also has an environment variable and a key of
/// the configuration file; a flag wins over the environment, which wins over the file.
#[derive(Debug, Clone, Default, Args)]
pub struct ServerOptions {
    /// Fichier de configuration TOML (variable METIERS_CONFIG) ; « metiers config » affiche
    /// les valeurs retenues et leur origine.
    #[arg(long, value_name = "FICHIER")]
    pub config: Option<PathBuf>,
    /// Adresse d’écoute, IP:PORT ; port 0 : un port libre, affiché au démarrage (variable
    /// METIERS_ADDR ; par défaut 127.0.0.1:8080).
    #[arg(long, value_name = "IP:PORT")]
    pub addr: Option<String>,
    /// Base de la cartographie : sqlite://CHEMIN (par défaut sqlite://metiers-cartographie.db),
    /// postgres://…, ou « aucune » pour servir sans cartographie (variable METIERS_DB).
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Niveau du journal, filtre tracing : error, warn, info, debug, ou par module
    /// (ex. « warn,metiers::http=info ») (variable METIERS_LOG ; par défaut info).
    #[arg(long, value_name = "FILTRE")]
    pub log: Option<String>,
    /// Format du journal : text (lisible) ou json (une ligne JSON par événement) (variable
    /// METIERS_LOG_FORMAT ; par défaut text).
    #[arg(long, value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// Sert /metrics (Prometheus) sans jeton sur cette seconde adresse, à réserver au réseau
    /// interne, ex. 127.0.0.1:9184 (variable METIERS_METRICS_ADDR ; par défaut aucune).
    #[arg(long, value_name = "IP:PORT")]
    pub metrics_addr: Option<String>,
    /// Sert aussi /metrics sur l’adresse publique, aux porteurs de ce jeton
    /// (« Authorization: Bearer JETON ») ; préférez la variable METIERS_METRICS_TOKEN ou le
    /// fichier, une option se lit dans la liste des processus.
    #[arg(long, value_name = "JETON")]
    pub metrics_token: Option<String>,
    /// Cookies de session marqués Secure : à activer derrière HTTPS (variable
    /// METIERS_COOKIE_SECURE : 1, true, oui / 0, false, non).
    #[arg(long, num_args = 0..=1, default_missing_value = "oui", value_name = "OUI|NON")]
    pub cookie_secure: Option<String>,
    /// Résultats de rapprochement gardés en cache (0 : pas de cache) (variable
    /// METIERS_MATCH_CACHE ; par défaut 20000).
    #[arg(long, value_name = "NOMBRE")]
    pub match_cache: Option<String>,
}

/// Format of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Where a value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Env(&'static str),
    File(PathBuf),
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "option {flag}"),
            Source::Env(var) => write!(f, "variable {var}"),
            Source::File(path) => write!(f, "fichier {}", path.display()),
            Source::Default => f.write_str("défaut"),
        }
    }
}

/// A value and where it comes from.
#[derive(Debug, Clone)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// The effective settings of `metiers serve`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file read, and how it was named.
    pub file: Option<(PathBuf, Source)>,
    pub addr: Setting<SocketAddr>,
    /// `None`: the default SQLite file.
    pub db: Setting<Option<String>>,
    pub log: Setting<String>,
    pub log_format: Setting<LogFormat>,
    pub metrics_addr: Setting<Option<SocketAddr>>,
    pub metrics_token: Setting<Option<String>>,
    /// Only from the environment or the file (a flag would show in the list of processes).
    pub admin_token: Setting<Option<String>>,
    pub cookie_secure: Setting<bool>,
    pub match_cache: Setting<usize>,
}

/// A bad setting: what, where, and what is expected. `metiers serve` stops with exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

/// One setting: its names in each source.
struct Key {
    toml: &'static str,
    flag: Option<&'static str>,
    env: &'static str,
    secret: bool,
    /// What the value should be, for error messages.
    expected: &'static str,
}

const ADDR: Key = Key {
    toml: "addr",
    flag: Some("--addr"),
    env: "METIERS_ADDR",
    secret: false,
    expected: "une adresse IP:PORT, ex. 127.0.0.1:8080",
};
const DB: Key = Key {
    toml: "db",
    flag: Some("--db"),
    env: "METIERS_DB",
    secret: false,
    expected: "sqlite://CHEMIN, postgres://… ou « aucune »",
};
const LOG: Key = Key {
    toml: "log",
    flag: Some("--log"),
    env: "METIERS_LOG",
    secret: false,
    expected: "un filtre de journal : error, warn, info, debug, trace, ou « warn,metiers::http=info »",
};
const LOG_FORMAT: Key = Key {
    toml: "log_format",
    flag: Some("--log-format"),
    env: "METIERS_LOG_FORMAT",
    secret: false,
    expected: "text ou json",
};
const METRICS_ADDR: Key = Key {
    toml: "metrics_addr",
    flag: Some("--metrics-addr"),
    env: "METIERS_METRICS_ADDR",
    secret: false,
    expected: "une adresse IP:PORT, ex. 127.0.0.1:9184",
};
const METRICS_TOKEN: Key = Key {
    toml: "metrics_token",
    flag: Some("--metrics-token"),
    env: "METIERS_METRICS_TOKEN",
    secret: true,
    expected: "un jeton d’au moins 16 caractères",
};
const ADMIN_TOKEN: Key = Key {
    toml: "admin_token",
    flag: None,
    env: "METIERS_ADMIN_TOKEN",
    secret: true,
    expected: "un jeton d’au moins 16 caractères",
};
const COOKIE_SECURE: Key = Key {
    toml: "cookie_secure",
    flag: Some("--cookie-secure"),
    env: "METIERS_COOKIE_SECURE",
    secret: false,
    expected: "oui ou non (1, true / 0, false)",
};
const MATCH_CACHE: Key = Key {
    toml: "match_cache",
    flag: Some("--match-cache"),
    env: "METIERS_MATCH_CACHE",
    secret: false,
    expected: "un nombre d’entrées (0 : pas de cache)",
};

/// The configuration file: every key optional, unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    addr: Option<Spanned<String>>,
    db: Option<Spanned<String>>,
    log: Option<Spanned<String>>,
    log_format: Option<Spanned<String>>,
    metrics_addr: Option<Spanned<String>>,
    metrics_token: Option<Spanned<String>>,
    admin_token: Option<Spanned<String>>,
    cookie_secure: Option<Spanned<bool>>,
    match_cache: Option<Spanned<u64>>,
}

/// The file read, for the values taken from it.
struct File {
    path: PathBuf,
    text: String,
    settings: FileSettings,
}

impl File {
    /// "line L": where `span` starts in the file.
    fn line_of(&self, span: std::ops::Range<usize>) -> usize {
        line_col(&self.text, span.start).0
    }
}

impl Settings {
    /// Merges flags, environment, the configuration file and defaults, and checks every value.
    pub fn resolve(options: &ServerOptions) -> Result<Settings, ConfigError> {
        Self::resolve_with(options, &|name| std::env::var(name).ok())
    }

    /// [`Settings::resolve`] with the environment given (for tests).
    pub fn resolve_with(
        options: &ServerOptions,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        let named = match (
            &options.config,
            env(CONFIG_ENV).filter(|v| !v.trim().is_empty()),
        ) {
            (Some(path), _) => Some((path.clone(), Source::Flag("--config"))),
            (None, Some(path)) => Some((PathBuf::from(path), Source::Env(CONFIG_ENV))),
            (None, None) => None,
        };
        let file = match &named {
            Some((path, source)) => Some(read_file(path, source)?),
            None => None,
        };
        let f = file.as_ref();
        let fs = f.map(|f| &f.settings);

        let addr = pick(
            &ADDR,
            options.addr.as_deref(),
            env,
            f,
            fs.and_then(|s| s.addr.as_ref()),
            |v| v.trim().parse::<SocketAddr>().ok(),
        )?
        .unwrap_or_else(|| Setting {
            value: SocketAddr::from(([127, 0, 0, 1], 8080)),
            source: Source::Default,
        });
        let db = optional(pick(
            &DB,
            options.db.as_deref(),
            env,
            f,
            fs.and_then(|s| s.db.as_ref()),
            |v| {
                let v = v.trim();
                (!v.is_empty()).then(|| Some(v.to_owned()))
            },
        )?);
        let log = pick(
            &LOG,
            options.log.as_deref(),
            env,
            f,
            fs.and_then(|s| s.log.as_ref()),
            |v| {
                let v = v.trim();
                tracing_subscriber::EnvFilter::try_new(v)
                    .ok()
                    .filter(|_| !v.is_empty())
                    .map(|_| v.to_owned())
            },
        )?
        .unwrap_or_else(|| Setting {
            value: "info".to_owned(),
            source: Source::Default,
        });
        let log_format = pick(
            &LOG_FORMAT,
            options.log_format.as_deref(),
            env,
            f,
            fs.and_then(|s| s.log_format.as_ref()),
            |v| match v.trim().to_ascii_lowercase().as_str() {
                "text" | "texte" => Some(LogFormat::Text),
                "json" => Some(LogFormat::Json),
                _ => None,
            },
        )?
        .unwrap_or(Setting {
            value: LogFormat::Text,
            source: Source::Default,
        });
        let metrics_addr = optional(pick(
            &METRICS_ADDR,
            options.metrics_addr.as_deref(),
            env,
            f,
            fs.and_then(|s| s.metrics_addr.as_ref()),
            |v| v.trim().parse::<SocketAddr>().ok().map(Some),
        )?);
        let token = |v: &str| {
            let v = v.trim();
            (v.chars().count() >= 16).then(|| Some(v.to_owned()))
        };
        let metrics_token = optional(pick(
            &METRICS_TOKEN,
            options.metrics_token.as_deref(),
            env,
            f,
            fs.and_then(|s| s.metrics_token.as_ref()),
            token,
        )?);
        let admin_token = optional(pick(
            &ADMIN_TOKEN,
            None,
            env,
            f,
            fs.and_then(|s| s.admin_token.as_ref()),
            token,
        )?);
        let cookie_secure = pick_typed(
            &COOKIE_SECURE,
            options.cookie_secure.as_deref(),
            env,
            f,
            fs.and_then(|s| s.cookie_secure.as_ref()),
            parse_bool,
            |b| Some(*b),
        )?
        .unwrap_or(Setting {
            value: false,
            source: Source::Default,
        });
        let match_cache = pick_typed(
            &MATCH_CACHE,
            options.match_cache.as_deref(),
            env,
            f,
            fs.and_then(|s| s.match_cache.as_ref()),
            |v| v.trim().parse::<usize>().ok(),
            |n| usize::try_from(*n).ok(),
        )?
        .unwrap_or(Setting {
            value: metiers_web::MatchCache::DEFAULT_ENTRIES,
            source: Source::Default,
        });
        Ok(Settings {
            file: named,
            addr,
            db,
            log,
            log_format,
            metrics_addr,
            metrics_token,
            admin_token,
            cookie_secure,
            match_cache,
        })
    }

    /// The effective settings as a TOML file (usable as `--config`), each value with its
    /// source in a comment; secrets masked, the database password hidden.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# Configuration effective de « metiers serve » (priorité : option > variable > fichier > défaut)\n",
        );
        match &self.file {
            Some((path, source)) => {
                let _ = writeln!(
                    out,
                    "# Fichier de configuration : {} ({source})",
                    path.display()
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "# Aucun fichier de configuration (--config FICHIER ou {CONFIG_ENV})"
                );
            }
        }
        let mut line = |key: &Key, value: Option<String>, source: &Source| {
            let shown = match value {
                None => format!("# {} non défini", key.toml),
                Some(_) if key.secret => format!("{} = \"********\"", key.toml),
                Some(v) => format!("{} = {v}", key.toml),
            };
            let _ = writeln!(out, "{shown:<60} # {source}");
        };
        let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
        line(
            &ADDR,
            Some(quoted(&self.addr.value.to_string())),
            &self.addr.source,
        );
        line(
            &DB,
            Some(quoted(&crate::cmd::cartographie::redact(
                self.db
                    .value
                    .clone()
                    .unwrap_or_else(metiers_store::Store::default_url)
                    .as_str(),
            ))),
            &self.db.source,
        );
        line(&LOG, Some(quoted(&self.log.value)), &self.log.source);
        line(
            &LOG_FORMAT,
            Some(quoted(match self.log_format.value {
                LogFormat::Text => "text",
                LogFormat::Json => "json",
            })),
            &self.log_format.source,
        );
        line(
            &METRICS_ADDR,
            self.metrics_addr.value.map(|a| quoted(&a.to_string())),
            &self.metrics_addr.source,
        );
        line(
            &METRICS_TOKEN,
            self.metrics_token.value.clone(),
            &self.metrics_token.source,
        );
        line(
            &ADMIN_TOKEN,
            self.admin_token.value.clone(),
            &self.admin_token.source,
        );
        line(
            &COOKIE_SECURE,
            Some(self.cookie_secure.value.to_string()),
            &self.cookie_secure.source,
        );
        line(
            &MATCH_CACHE,
            Some(self.match_cache.value.to_string()),
            &self.match_cache.source,
        );
        out
    }
}

/// `Some(None)` from a source means "set to nothing"; no source means the default, nothing.
fn optional<T>(s: Option<Setting<Option<T>>>) -> Setting<Option<T>> {
    s.unwrap_or(Setting {
        value: None,
        source: Source::Default,
    })
}

/// A text setting: flag, then environment, then file; `parse` checks the value.
fn pick<T>(
    key: &Key,
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    file: Option<&File>,
    in_file: Option<&Spanned<String>>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<Setting<T>>, ConfigError> {
    pick_typed(key, flag, env, file, in_file, &parse, |s: &String| parse(s))
}

/// A setting whose file value has its own TOML type (a boolean, a number).
fn pick_typed<T, F>(
    key: &Key,
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    file: Option<&File>,
    in_file: Option<&Spanned<F>>,
    parse: impl Fn(&str) -> Option<T>,
    from_file: impl Fn(&F) -> Option<T>,
) -> Result<Option<Setting<T>>, ConfigError> {
    let bad = |value: &str, source: &Source| {
        let value = if key.secret { "********" } else { value };
        ConfigError(format!(
            "valeur « {value} » invalide pour {} ({source}) : attendu {}",
            key.toml, key.expected
        ))
    };
    if let (Some(v), Some(flag)) = (flag, key.flag) {
        let source = Source::Flag(flag);
        return parse(v)
            .map(|value| {
                Some(Setting {
                    value,
                    source: source.clone(),
                })
            })
            .ok_or_else(|| bad(v, &source));
    }
    if let Some(v) = env(key.env) {
        let source = Source::Env(key.env);
        return parse(&v)
            .map(|value| {
                Some(Setting {
                    value,
                    source: source.clone(),
                })
            })
            .ok_or_else(|| bad(&v, &source));
    }
    if let (Some(file), Some(spanned)) = (file, in_file) {
        return match from_file(spanned.get_ref()) {
            Some(value) => Ok(Some(Setting {
                value,
                source: Source::File(file.path.clone()),
            })),
            None => {
                let line = file.line_of(spanned.span());
                let shown = file.text.get(spanned.span()).unwrap_or_default().to_owned();
                let shown = if key.secret {
                    "********".to_owned()
                } else {
                    shown
                };
                Err(ConfigError(format!(
                    "fichier de configuration « {} », ligne {line} : valeur {shown} invalide pour {} : attendu {}",
                    file.path.display(),
                    key.toml,
                    key.expected
                )))
            }
        };
    }
    Ok(None)
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "oui" | "yes" | "on" => Some(true),
        "0" | "false" | "non" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn read_file(path: &Path, source: &Source) -> Result<File, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigError(format!(
            "fichier de configuration « {} » ({source}) illisible : {} (chemin exact ? droits de lecture ? UTF-8 ?)",
            path.display(),
            french_io(&e)
        ))
    })?;
    let settings: FileSettings = toml::from_str(&text).map_err(|e| {
        let place = e.span().map_or_else(String::new, |span| {
            let (line, col) = line_col(&text, span.start);
            format!(", ligne {line}, colonne {col}")
        });
        ConfigError(format!(
            "fichier de configuration « {} » invalide{place} : {}",
            path.display(),
            french_toml(e.message())
        ))
    })?;
    Ok(File {
        path: path.to_owned(),
        text,
        settings,
    })
}

/// Line and column (from 1) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The TOML reader's message, in French for the mistakes people make.
fn french_toml(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return format!(
            "clé inconnue « {name} » ; clés reconnues : {}",
            KEYS.join(", ")
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        // "integer `3`, expected a string"
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let kind = |t: &str| {
            let t = t.trim().trim_start_matches("a ").trim_start_matches("an ");
            match t.split_whitespace().next().unwrap_or_default() {
                "string" => "un texte entre guillemets",
                "integer" | "u64" | "usize" | "i64" => "un nombre entier",
                "float" => "un nombre décimal",
                "boolean" | "bool" => "true ou false",
                "sequence" | "array" => "une liste",
                "map" | "table" => "une table",
                _ => "une autre valeur",
            }
        };
        let value = found.split_once(' ').map_or_else(String::new, |(_, v)| {
            format!(" {}", v.trim().trim_matches('`'))
        });
        return format!(
            "valeur de type incorrect :{value} ({}) alors qu’il faut {}",
            kind(found),
            kind(expected)
        );
    }
    format!("syntaxe TOML incorrecte (détail du lecteur TOML : {message})")
}

const KEYS: [&str; 9] = [
    ADDR.toml,
    DB.toml,
    LOG.toml,
    LOG_FORMAT.toml,
    METRICS_ADDR.toml,
    METRICS_TOKEN.toml,
    ADMIN_TOKEN.toml,
    COOKIE_SECURE.toml,
    MATCH_CACHE.toml,
];

fn french_io(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "fichier introuvable",
        std::io::ErrorKind::PermissionDenied => "accès refusé",
        std::io::ErrorKind::InvalidData => "contenu qui n’est pas du texte UTF-8",
        _ => "erreur de lecture",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("dossier temporaire");
        let path = dir.path().join("metiers.toml");
        std::fs::write(&path, text).expect("écriture");
        (dir, path)
    }

    #[test]
    fn a_flag_wins_over_the_environment_which_wins_over_the_file() {
        let (_dir, path) = file("addr = \"127.0.0.1:7000\"\nlog = \"debug\"\nmatch_cache = 5\n");
        let options = ServerOptions {
            config: Some(path.clone()),
            addr: Some("127.0.0.1:9000".to_owned()),
            ..ServerOptions::default()
        };
        let env = env_of(&[("METIERS_ADDR", "127.0.0.1:8000"), ("METIERS_LOG", "warn")]);
        let s = Settings::resolve_with(&options, &env).expect("valide");
        assert_eq!(s.addr.value.to_string(), "127.0.0.1:9000");
        assert_eq!(s.addr.source, Source::Flag("--addr"));
        assert_eq!(s.log.value, "warn");
        assert_eq!(s.log.source, Source::Env("METIERS_LOG"));
        assert_eq!(s.match_cache.value, 5);
        assert_eq!(s.match_cache.source, Source::File(path));
        assert_eq!(s.log_format.value, LogFormat::Text);
        assert_eq!(s.log_format.source, Source::Default);
    }

    #[test]
    fn the_file_can_be_named_by_the_environment() {
        let (_dir, path) = file("log_format = \"json\"\ncookie_secure = true\n");
        let env = env_of(&[(CONFIG_ENV, path.to_str().expect("utf-8"))]);
        let s = Settings::resolve_with(&ServerOptions::default(), &env).expect("valide");
        assert_eq!(s.log_format.value, LogFormat::Json);
        assert!(s.cookie_secure.value);
        assert_eq!(s.file.map(|f| f.1), Some(Source::Env(CONFIG_ENV)));
    }

    #[test]
    fn bad_files_are_refused_with_their_line() {
        for (text, line, says) in [
            (
                "addr = \"127.0.0.1:80\"\nadr = \"x\"\n",
                2,
                "clé inconnue « adr »",
            ),
            (
                "log = \"info\"\n\nmatch_cache = \"beaucoup\"\n",
                3,
                "\"beaucoup\" (un texte entre guillemets) alors qu’il faut un nombre entier",
            ),
            ("log = \"info\"\naddr = 127.0.0.1\n", 2, "ligne 2"),
            (
                "# commentaire\naddr = \"pas une adresse\"\n",
                2,
                "attendu une adresse IP:PORT",
            ),
            ("log_format = \"xml\"\n", 1, "text ou json"),
        ] {
            let (_dir, path) = file(text);
            let options = ServerOptions {
                config: Some(path),
                ..ServerOptions::default()
            };
            let err = Settings::resolve_with(&options, &env_of(&[]))
                .expect_err(text)
                .to_string();
            assert!(err.contains(&format!("ligne {line}")), "{text:?} → {err}");
            assert!(err.contains(says), "{text:?} → {err}");
        }
    }

    #[test]
    fn secrets_are_masked_everywhere() {
        let (_dir, path) = file("admin_token = \"court\"\n");
        let options = ServerOptions {
            config: Some(path),
            ..ServerOptions::default()
        };
        let err = Settings::resolve_with(&options, &env_of(&[]))
            .expect_err("trop court")
            .to_string();
        assert!(!err.contains("court\""), "{err}");
        let env = env_of(&[
            ("METIERS_ADMIN_TOKEN", "jeton-administrateur-tres-secret"),
            (
                "METIERS_DB",
                "postgres://metiers:motdepasse@127.0.0.1/metiers",
            ),
        ]);
        let shown = Settings::resolve_with(&ServerOptions::default(), &env)
            .expect("valide")
            .render();
        assert!(!shown.contains("tres-secret"), "{shown}");
        assert!(!shown.contains("motdepasse"), "{shown}");
        assert!(shown.contains("admin_token = \"********\""), "{shown}");
        assert!(shown.contains("# variable METIERS_ADMIN_TOKEN"), "{shown}");
        // What `metiers config` prints is itself a valid configuration file.
        let reread: toml::Table = toml::from_str(&shown).expect("TOML valide");
        assert!(reread.contains_key("addr"));
    }
}
