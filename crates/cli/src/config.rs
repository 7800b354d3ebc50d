//! Settings of `metiers serve`: flags, environment, a TOML file, defaults — in that order of
//! precedence — and `metiers config`, which prints the effective values and where each comes
//! from (secrets masked).
//!
//! Each setting is declared once, in the `settings!` table at the end of this file: its
//! TOML key (also the field of [`Settings`]), flag, environment variable, French help text,
//! whether it is secret, what its value should be, how it is written in the file, its
//! default, its parser and how `metiers config` shows it. Everything else is derived from
//! that table: the clap flags of [`ServerOptions`], the keys the file accepts, the
//! resolution ([`Settings::resolve_with`]: each value keeps its [`Source`]), the errors (a
//! bad value stops `serve` before anything starts, exit code 2, with a French message naming
//! the source, and the line for the file) and [`Settings::render`]. The environment is read
//! only through the lookup given to [`Settings::resolve_with`], so tests never touch the
//! process's environment.

use clap::{Arg, ArgMatches, Command};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

pub use metiers_web::security::TrustedProxy;

/// Environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "METIERS_CONFIG";

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

/// A bad setting: what, where, and what is expected. `metiers serve` stops with exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

/// How a value is written in the configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string: `addr = "127.0.0.1:8080"`.
    Text,
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// A list of strings: `trusted_proxies = ["10.0.0.1", "10.1.0.0/16"]` (in a flag or a
    /// variable: separated by commas).
    List,
}

impl Kind {
    /// The French name of what the file should hold.
    fn wanted(self) -> &'static str {
        match self {
            Kind::Text => "un texte entre guillemets",
            Kind::Bool => "true ou false",
            Kind::Integer => "un nombre entier",
            Kind::List => "une liste de textes entre guillemets",
        }
    }

    /// The value of the file as the text a flag would give, when it has this kind.
    fn text_of(self, value: &toml::Value) -> Option<String> {
        match (self, value) {
            (Kind::Text, toml::Value::String(s)) => Some(s.clone()),
            (Kind::Bool, toml::Value::Boolean(b)) => Some(b.to_string()),
            (Kind::Integer, toml::Value::Integer(n)) => Some(n.to_string()),
            (Kind::List, toml::Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<String>>>()
                .map(|items| items.join(",")),
            _ => None,
        }
    }
}

/// The names and rules of one setting, as declared in `settings!` (its parser and its
/// display are typed, so they stay in the generated code).
#[derive(Debug)]
pub struct Key {
    /// Key of the configuration file, and field of [`Settings`].
    pub toml: &'static str,
    /// Its flag, `None` for a secret that a flag would show in the list of processes.
    pub flag: Option<&'static str>,
    /// The value of the flag given alone (`--cookie-secure`), when it may be.
    pub flag_alone: Option<&'static str>,
    pub env: &'static str,
    /// Placeholder of the value in the help.
    pub value_name: &'static str,
    /// Help of the flag (French).
    pub help: &'static str,
    pub secret: bool,
    /// What the value should be, for error messages.
    pub expected: &'static str,
    pub kind: Kind,
}

/// The flags of `serve`, `config` (and `cartographie`, for `--db` and `--config`), by TOML
/// key: every setting with a flag in [`KEYS`] has one, generated from its declaration. A flag
/// wins over the environment, which wins over the file.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// `--config FICHIER`.
    pub config: Option<PathBuf>,
    /// Values given as flags, by TOML key.
    flags: BTreeMap<&'static str, String>,
}

impl ServerOptions {
    /// The same options with `value` given for the flag of `key` (nothing when `None`).
    pub fn with_flag(mut self, key: &Key, value: Option<String>) -> Self {
        if let Some(v) = value {
            self.flags.insert(key.toml, v);
        }
        self
    }

    /// The same options with `--config` set to `path`.
    pub fn with_config(mut self, path: Option<PathBuf>) -> Self {
        self.config = path;
        self
    }
}

const CONFIG_HELP: &str = "Fichier de configuration TOML (variable METIERS_CONFIG) ; « metiers config » affiche les valeurs retenues et leur origine.";

impl clap::Args for ServerOptions {
    fn augment_args(cmd: Command) -> Command {
        let mut cmd = cmd.arg(
            Arg::new("config")
                .long("config")
                .value_name("FICHIER")
                .value_parser(clap::value_parser!(PathBuf))
                .help(CONFIG_HELP),
        );
        for key in KEYS {
            let Some(flag) = key.flag else { continue };
            let mut arg = Arg::new(key.toml)
                .long(flag.trim_start_matches("--"))
                .value_name(key.value_name)
                .help(key.help);
            if let Some(alone) = key.flag_alone {
                arg = arg.num_args(0..=1).default_missing_value(alone);
            }
            cmd = cmd.arg(arg);
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl clap::FromArgMatches for ServerOptions {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Self::from_arg_matches_mut(&mut matches.clone())
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        let mut options = ServerOptions::default();
        options.update_from_arg_matches_mut(matches)?;
        Ok(options)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.update_from_arg_matches_mut(&mut matches.clone())
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        if let Some(path) = matches.remove_one::<PathBuf>("config") {
            self.config = Some(path);
        }
        for key in KEYS.iter().filter(|k| k.flag.is_some()) {
            if let Some(v) = matches.remove_one::<String>(key.toml) {
                self.flags.insert(key.toml, v);
            }
        }
        Ok(())
    }
}

/// The configuration file read: every key with its place.
struct File {
    path: PathBuf,
    text: String,
    values: BTreeMap<String, Spanned<toml::Value>>,
}

impl File {
    /// "line L": where `span` starts in the file.
    fn line_of(&self, span: std::ops::Range<usize>) -> usize {
        line_col(&self.text, span.start).0
    }
}

/// The four sources, in order of precedence.
struct Sources<'a> {
    flags: &'a ServerOptions,
    env: &'a dyn Fn(&str) -> Option<String>,
    file: Option<&'a File>,
}

impl Sources<'_> {
    /// The value of `key` from the first source that has one, checked by `parse`; `None`
    /// when no source has one (the default applies).
    fn pick<T>(
        &self,
        key: &Key,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<Setting<T>>, ConfigError> {
        let bad = |value: &str, source: &Source| {
            let value = if key.secret { "********" } else { value };
            ConfigError(format!(
                "valeur « {value} » invalide pour {} ({source}) : attendu {}",
                key.toml, key.expected
            ))
        };
        let given = match (self.flags.flags.get(key.toml), key.flag) {
            (Some(v), Some(flag)) => Some((v.clone(), Source::Flag(flag))),
            _ => (self.env)(key.env).map(|v| (v, Source::Env(key.env))),
        };
        if let Some((v, source)) = given {
            return match parse(&v) {
                Some(value) => Ok(Some(Setting { value, source })),
                None => Err(bad(&v, &source)),
            };
        }
        let Some(file) = self.file else {
            return Ok(None);
        };
        let Some(spanned) = file.values.get(key.toml) else {
            return Ok(None);
        };
        let raw = file.text.get(spanned.span()).unwrap_or_default();
        let Some(text) = key.kind.text_of(spanned.get_ref()) else {
            let (line, col) = line_col(&file.text, spanned.span().start);
            return Err(ConfigError(format!(
                "fichier de configuration « {} » invalide, ligne {line}, colonne {col} : valeur de type incorrect : {} ({}) alors qu’il faut {}",
                file.path.display(),
                if key.secret { "********" } else { raw },
                found(spanned.get_ref()),
                key.kind.wanted()
            )));
        };
        match parse(&text) {
            Some(value) => Ok(Some(Setting {
                value,
                source: Source::File(file.path.clone()),
            })),
            None => Err(ConfigError(format!(
                "fichier de configuration « {} », ligne {} : valeur {} invalide pour {} : attendu {}",
                file.path.display(),
                file.line_of(spanned.span()),
                if key.secret { "********" } else { raw },
                key.toml,
                key.expected
            ))),
        }
    }
}

/// The French name of what a TOML value is.
fn found(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "un texte entre guillemets",
        toml::Value::Integer(_) => "un nombre entier",
        toml::Value::Float(_) => "un nombre décimal",
        toml::Value::Boolean(_) => "true ou false",
        toml::Value::Array(_) => "une liste",
        toml::Value::Table(_) => "une table",
        toml::Value::Datetime(_) => "une date",
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
        let sources = Sources {
            flags: options,
            env,
            file: file.as_ref(),
        };
        Self::pick_all(&sources, named)
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
        for (key, value, source) in self.lines() {
            let shown = match value {
                None => format!("# {} non défini", key.toml),
                Some(_) if key.secret => format!("{} = \"********\"", key.toml),
                Some(v) => format!("{} = {v}", key.toml),
            };
            let _ = writeln!(out, "{shown:<60} # {source}");
        }
        out
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
    let invalid = |span: Option<std::ops::Range<usize>>, what: String| {
        let place = span.map_or_else(String::new, |span| {
            let (line, col) = line_col(&text, span.start);
            format!(", ligne {line}, colonne {col}")
        });
        ConfigError(format!(
            "fichier de configuration « {} » invalide{place} : {what}",
            path.display()
        ))
    };
    let read: BTreeMap<Spanned<String>, Spanned<toml::Value>> =
        toml::from_str(&text).map_err(|e| {
            invalid(
                e.span(),
                format!(
                    "syntaxe TOML incorrecte (détail du lecteur TOML : {})",
                    e.message().trim()
                ),
            )
        })?;
    let mut values = BTreeMap::new();
    for (name, value) in read {
        if !KEYS.iter().any(|k| k.toml == name.get_ref()) {
            let known: Vec<&str> = KEYS.iter().map(|k| k.toml).collect();
            return Err(invalid(
                Some(name.span()),
                format!(
                    "clé inconnue « {} » ; clés reconnues : {}",
                    name.get_ref(),
                    known.join(", ")
                ),
            ));
        }
        values.insert(name.into_inner(), value);
    }
    Ok(File {
        path: path.to_owned(),
        text,
        values,
    })
}

/// Line and column (from 1) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn french_io(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "fichier introuvable",
        std::io::ErrorKind::PermissionDenied => "accès refusé",
        std::io::ErrorKind::InvalidData => "contenu qui n’est pas du texte UTF-8",
        _ => "erreur de lecture",
    }
}

// ----- parsers and displays used by the declarations ------------------------------------------

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn parse_addr(v: &str) -> Option<SocketAddr> {
    v.trim().parse().ok()
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "oui" | "yes" | "on" => Some(true),
        "0" | "false" | "non" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A secret token: at least 16 characters.
fn parse_token(v: &str) -> Option<Option<String>> {
    let v = v.trim();
    (v.chars().count() >= 16).then(|| Some(v.to_owned()))
}

fn parse_log(v: &str) -> Option<String> {
    let v = v.trim();
    tracing_subscriber::EnvFilter::try_new(v)
        .ok()
        .filter(|_| !v.is_empty())
        .map(|_| v.to_owned())
}

fn parse_log_format(v: &str) -> Option<LogFormat> {
    match v.trim().to_ascii_lowercase().as_str() {
        "text" | "texte" => Some(LogFormat::Text),
        "json" => Some(LogFormat::Json),
        _ => None,
    }
}

/// A duration as people write it: a number and a unit (`h`, `min`, `s`; `j` for days),
/// several of them added (`1h30min`); never zero.
pub fn parse_duration(v: &str) -> Option<Duration> {
    let v: String = v.split_whitespace().collect();
    if v.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut rest = v.as_str();
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let (number, after) = rest.split_at(digits);
        let number: u64 = number.parse().ok()?;
        let unit_len = after
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let seconds = match unit.to_ascii_lowercase().as_str() {
            "s" | "sec" => 1,
            "min" | "mn" | "m" => 60,
            "h" => 3600,
            "j" | "d" => 86_400,
            _ => return None,
        };
        total = total.checked_add(number.checked_mul(seconds)?)?;
        rest = next;
    }
    (total > 0).then(|| Duration::from_secs(total))
}

/// A duration as [`parse_duration`] reads it: `8h`, `30min`, `90s`, `1h30min`.
pub fn format_duration(d: Duration) -> String {
    let mut secs = d.as_secs();
    let mut out = String::new();
    for (unit, size) in [("h", 3600), ("min", 60), ("s", 1)] {
        if secs >= size {
            let _ = write!(out, "{}{unit}", secs / size);
            secs %= size;
        }
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

/// A list separated by commas (empty: none).
fn parse_proxies(v: &str) -> Option<Vec<TrustedProxy>> {
    v.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(TrustedProxy::parse)
        .collect()
}

fn show_proxies(list: &[TrustedProxy]) -> String {
    toml::Value::Array(
        list.iter()
            .map(|p| toml::Value::String(p.to_string()))
            .collect(),
    )
    .to_string()
}

// ----- the declarations ------------------------------------------------------------------------

/// Declares every setting once; generates [`Settings`], [`KEYS`] (and `keys::NAME`), the
/// resolution of all of them and the lines of `metiers config`.
macro_rules! settings {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident: $ty:ty {
            flag: $flag:expr,
            $(flag_alone: $alone:literal,)?
            env: $env:literal,
            value_name: $value_name:literal,
            help: $help:literal,
            secret: $secret:literal,
            expected: $expected:literal,
            kind: $kind:ident,
            default: $default:expr,
            parse: $parse:expr,
            show: $show:expr $(,)?
        }
    )*) => {
        /// The effective settings of `metiers serve`.
        #[derive(Debug, Clone)]
        pub struct Settings {
            /// The configuration file read, and how it was named.
            pub file: Option<(PathBuf, Source)>,
            $($(#[doc = $doc])* pub $name: Setting<$ty>,)*
        }

        /// Each setting's names and rules, by TOML key.
        #[allow(non_upper_case_globals)]
        pub mod keys {
            use super::{Key, Kind};
            $(
                pub const $name: Key = Key {
                    toml: stringify!($name),
                    flag: $flag,
                    flag_alone: settings!(@alone $($alone)?),
                    env: $env,
                    value_name: $value_name,
                    help: $help,
                    secret: $secret,
                    expected: $expected,
                    kind: Kind::$kind,
                };
            )*
        }

        /// Every setting, in the order of `metiers config`.
        pub const KEYS: &[Key] = &[$(keys::$name),*];

        impl Settings {
            fn pick_all(
                sources: &Sources<'_>,
                file: Option<(PathBuf, Source)>,
            ) -> Result<Settings, ConfigError> {
                Ok(Settings {
                    file,
                    $($name: sources.pick(&keys::$name, $parse)?.unwrap_or_else(|| Setting {
                        value: $default,
                        source: Source::Default,
                    }),)*
                })
            }

            /// Each setting with its value as TOML (`None`: not set) and its source.
            fn lines(&self) -> Vec<(&'static Key, Option<String>, &Source)> {
                vec![$((
                    &keys::$name,
                    ($show)(&self.$name.value),
                    &self.$name.source,
                )),*]
            }
        }
    };
    (@alone $alone:literal) => { Some($alone) };
    (@alone) => { None };
}

settings! {
    addr: SocketAddr {
        flag: Some("--addr"),
        env: "METIERS_ADDR",
        value_name: "IP:PORT",
        help: "Adresse d’écoute, IP:PORT ; port 0 : un port libre, affiché au démarrage (variable METIERS_ADDR ; par défaut 127.0.0.1:8080).",
        secret: false,
        expected: "une adresse IP:PORT, ex. 127.0.0.1:8080",
        kind: Text,
        default: SocketAddr::from(([127, 0, 0, 1], 8080)),
        parse: parse_addr,
        show: |a: &SocketAddr| Some(quoted(&a.to_string())),
    }
    /// `None`: the default SQLite file.
    db: Option<String> {
        flag: Some("--db"),
        env: "METIERS_DB",
        value_name: "URL",
        help: "Base de la cartographie : sqlite://CHEMIN (par défaut sqlite://metiers-cartographie.db), postgres://…, ou « aucune » pour servir sans cartographie (variable METIERS_DB).",
        secret: false,
        expected: "sqlite://CHEMIN, postgres://… ou « aucune »",
        kind: Text,
        default: None,
        parse: |v: &str| {
            let v = v.trim();
            (!v.is_empty()).then(|| Some(v.to_owned()))
        },
        show: |db: &Option<String>| Some(quoted(&redact(
            db.clone().unwrap_or_else(metiers_store::Store::default_url).as_str(),
        ))),
    }
    log: String {
        flag: Some("--log"),
        env: "METIERS_LOG",
        value_name: "FILTRE",
        help: "Niveau du journal, filtre tracing : error, warn, info, debug, ou par module (ex. « warn,metiers::http=info ») (variable METIERS_LOG ; par défaut info).",
        secret: false,
        expected: "un filtre de journal : error, warn, info, debug, trace, ou « warn,metiers::http=info »",
        kind: Text,
        default: "info".to_owned(),
        parse: parse_log,
        show: |l: &String| Some(quoted(l)),
    }
    log_format: LogFormat {
        flag: Some("--log-format"),
        env: "METIERS_LOG_FORMAT",
        value_name: "FORMAT",
        help: "Format du journal : text (lisible) ou json (une ligne JSON par événement) (variable METIERS_LOG_FORMAT ; par défaut text).",
        secret: false,
        expected: "text ou json",
        kind: Text,
        default: LogFormat::Text,
        parse: parse_log_format,
        show: |f: &LogFormat| Some(quoted(match f {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        })),
    }
    metrics_addr: Option<SocketAddr> {
        flag: Some("--metrics-addr"),
        env: "METIERS_METRICS_ADDR",
        value_name: "IP:PORT",
        help: "Sert /metrics (Prometheus) sans jeton sur cette seconde adresse, à réserver au réseau interne, ex. 127.0.0.1:9184 (variable METIERS_METRICS_ADDR ; par défaut aucune).",
        secret: false,
        expected: "une adresse IP:PORT, ex. 127.0.0.1:9184",
        kind: Text,
        default: None,
        parse: |v: &str| parse_addr(v).map(Some),
        show: |a: &Option<SocketAddr>| a.map(|a| quoted(&a.to_string())),
    }
    metrics_token: Option<String> {
        flag: Some("--metrics-token"),
        env: "METIERS_METRICS_TOKEN",
        value_name: "JETON",
        help: "Sert aussi /metrics sur l’adresse publique, aux porteurs de ce jeton (« Authorization: Bearer JETON ») ; préférez la variable METIERS_METRICS_TOKEN ou le fichier, une option se lit dans la liste des processus.",
        secret: true,
        expected: "un jeton d’au moins 16 caractères",
        kind: Text,
        default: None,
        parse: parse_token,
        show: |t: &Option<String>| t.clone(),
    }
    /// Only from the environment or the file (a flag would show in the list of processes).
    admin_token: Option<String> {
        flag: None,
        env: "METIERS_ADMIN_TOKEN",
        value_name: "JETON",
        help: "Jeton d’administration du portail (variable METIERS_ADMIN_TOKEN ou fichier seulement).",
        secret: true,
        expected: "un jeton d’au moins 16 caractères",
        kind: Text,
        default: None,
        parse: parse_token,
        show: |t: &Option<String>| t.clone(),
    }
    cookie_secure: bool {
        flag: Some("--cookie-secure"),
        flag_alone: "oui",
        env: "METIERS_COOKIE_SECURE",
        value_name: "OUI|NON",
        help: "Cookies de session marqués Secure : à activer derrière HTTPS (variable METIERS_COOKIE_SECURE : 1, true, oui / 0, false, non).",
        secret: false,
        expected: "oui ou non (1, true / 0, false)",
        kind: Bool,
        default: false,
        parse: parse_bool,
        show: |b: &bool| Some(b.to_string()),
    }
    match_cache: usize {
        flag: Some("--match-cache"),
        env: "METIERS_MATCH_CACHE",
        value_name: "NOMBRE",
        help: "Résultats de rapprochement des intitulés gardés en cache, ~1,6 Ko chacun (0 : pas de cache) (variable METIERS_MATCH_CACHE ; par défaut 20000, ~30 Mio une fois plein ; plein, il oublie d’abord les intitulés demandés une seule fois).",
        secret: false,
        expected: "un nombre d’entrées (0 : pas de cache)",
        kind: Integer,
        default: metiers_web::MatchCache::DEFAULT_ENTRIES,
        parse: |v: &str| v.trim().parse::<usize>().ok(),
        show: |n: &usize| Some(n.to_string()),
    }
    /// Proxies whose `X-Forwarded-For` the login limiter trusts (empty: none, the peer's
    /// address counts).
    trusted_proxies: Vec<TrustedProxy> {
        flag: Some("--trusted-proxies"),
        env: "METIERS_TRUSTED_PROXIES",
        value_name: "IP[/LONGUEUR],…",
        help: "Mandataires (nginx…) dont l’en-tête X-Forwarded-For est cru pour limiter les échecs de connexion par client : adresses ou réseaux séparés par des virgules, ex. 127.0.0.1,10.0.0.0/8 (variable METIERS_TRUSTED_PROXIES ; par défaut aucun : l’adresse de la connexion compte).",
        secret: false,
        expected: "des adresses IP ou réseaux ADRESSE/LONGUEUR, ex. 127.0.0.1, 10.0.0.0/8 (fichier : une liste [\"127.0.0.1\", \"10.0.0.0/8\"])",
        kind: List,
        default: Vec::new(),
        parse: parse_proxies,
        show: |l: &Vec<TrustedProxy>| Some(show_proxies(l)),
    }
    /// How long a portal session lasts at most (absolute expiry).
    session_lifetime: Duration {
        flag: Some("--session-lifetime"),
        env: "METIERS_SESSION_LIFETIME",
        value_name: "DURÉE",
        help: "Durée maximale d’une session du portail, même utilisée, ex. 8h, 30min, 90s, 1h30min (variable METIERS_SESSION_LIFETIME ; par défaut 8h).",
        secret: false,
        expected: "une durée non nulle : un nombre suivi de h, min ou s, ex. 8h, 30min, 90s, 1h30min",
        kind: Text,
        default: metiers_web::cartographie::Cartographie::SESSION_TTL,
        parse: parse_duration,
        show: |d: &Duration| Some(quoted(&format_duration(*d))),
    }
    /// How long a portal session lasts without use (idle expiry).
    session_idle: Duration {
        flag: Some("--session-idle"),
        env: "METIERS_SESSION_IDLE",
        value_name: "DURÉE",
        help: "Durée d’inactivité après laquelle une session du portail expire, ex. 30min, 1h (variable METIERS_SESSION_IDLE ; par défaut 30min).",
        secret: false,
        expected: "une durée non nulle : un nombre suivi de h, min ou s, ex. 8h, 30min, 90s, 1h30min",
        kind: Text,
        default: metiers_web::cartographie::Cartographie::SESSION_IDLE,
        parse: parse_duration,
        show: |d: &Duration| Some(quoted(&format_duration(*d))),
    }
}

/// A database URL without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
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
        let options = ServerOptions::default()
            .with_config(Some(path.clone()))
            .with_flag(&keys::addr, Some("127.0.0.1:9000".to_owned()));
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
            let options = ServerOptions::default().with_config(Some(path));
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
        let options = ServerOptions::default().with_config(Some(path));
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

    #[test]
    fn each_setting_has_its_own_key_flag_and_variable() {
        let mut seen = std::collections::HashSet::new();
        for k in KEYS {
            assert!(seen.insert(k.toml), "{}", k.toml);
            assert!(seen.insert(k.env), "{}", k.env);
            assert!(k.env.starts_with("METIERS_"), "{}", k.env);
            if let Some(flag) = k.flag {
                assert!(seen.insert(flag), "{flag}");
                assert_eq!(flag, format!("--{}", k.toml.replace('_', "-")));
            }
            assert!(
                k.secret || k.flag.is_some(),
                "{}: only secrets go without a flag",
                k.toml
            );
        }
    }

    #[test]
    fn durations_are_written_as_people_write_them() {
        for (text, secs) in [
            ("8h", 8 * 3600),
            ("30min", 1800),
            ("90s", 90),
            ("1h30min", 5400),
            (" 2 h ", 7200),
            ("1j", 86_400),
        ] {
            assert_eq!(
                parse_duration(text),
                Some(Duration::from_secs(secs)),
                "{text}"
            );
        }
        for bad in [
            "",
            "8",
            "h",
            "0s",
            "huit heures",
            "8 heures",
            "-5min",
            "1.5h",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
        for secs in [8 * 3600, 1800, 90, 5400, 3661] {
            let d = Duration::from_secs(secs);
            assert_eq!(parse_duration(&format_duration(d)), Some(d));
        }
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30min");
    }

    #[test]
    fn sessions_and_proxies_have_defaults_and_take_every_source() {
        let s = Settings::resolve_with(&ServerOptions::default(), &env_of(&[])).expect("valide");
        assert_eq!(s.session_lifetime.value, Duration::from_secs(8 * 3600));
        assert_eq!(s.session_idle.value, Duration::from_secs(30 * 60));
        assert!(s.trusted_proxies.value.is_empty());
        let shown = s.render();
        assert!(shown.contains("session_lifetime = \"8h\""), "{shown}");
        assert!(shown.contains("session_idle = \"30min\""), "{shown}");
        assert!(shown.contains("trusted_proxies = []"), "{shown}");

        let (_dir, path) =
            file("session_idle = \"15min\"\ntrusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]\n");
        let options = ServerOptions::default()
            .with_config(Some(path.clone()))
            .with_flag(&keys::session_lifetime, Some("2h".to_owned()));
        let env = env_of(&[("METIERS_SESSION_IDLE", "10min")]);
        let s = Settings::resolve_with(&options, &env).expect("valide");
        assert_eq!(s.session_lifetime.value, Duration::from_secs(7200));
        assert_eq!(
            s.session_lifetime.source,
            Source::Flag("--session-lifetime")
        );
        assert_eq!(s.session_idle.value, Duration::from_secs(600));
        assert_eq!(s.session_idle.source, Source::Env("METIERS_SESSION_IDLE"));
        assert_eq!(s.trusted_proxies.source, Source::File(path));
        let proxies = &s.trusted_proxies.value;
        assert_eq!(proxies.len(), 2);
        assert!(proxies[1].contains("10.20.30.40".parse().expect("ip")));
        assert!(!proxies[1].contains("11.0.0.1".parse().expect("ip")));
        assert!(proxies[0].contains("127.0.0.1".parse().expect("ip")));
        assert!(!proxies[0].contains("::1".parse().expect("ip")));
        let shown = s.render();
        assert!(
            shown.contains("trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]"),
            "{shown}"
        );
        // What `metiers config` prints reads back to the same values.
        let (_dir2, again) = file(&shown);
        let reread = Settings::resolve_with(
            &ServerOptions::default().with_config(Some(again)),
            &env_of(&[]),
        )
        .expect("valide");
        assert_eq!(reread.trusted_proxies.value, s.trusted_proxies.value);
        assert_eq!(reread.session_idle.value, s.session_idle.value);

        let env = env_of(&[("METIERS_TRUSTED_PROXIES", "127.0.0.1, fd00::/8")]);
        let s = Settings::resolve_with(&ServerOptions::default(), &env).expect("valide");
        assert_eq!(s.trusted_proxies.value.len(), 2);
    }

    #[test]
    fn bad_durations_and_proxies_are_refused_in_french() {
        for (var, value, says) in [
            (
                "METIERS_SESSION_LIFETIME",
                "huit heures",
                "une durée non nulle",
            ),
            ("METIERS_SESSION_IDLE", "0min", "une durée non nulle"),
            (
                "METIERS_TRUSTED_PROXIES",
                "nginx",
                "des adresses IP ou réseaux",
            ),
            (
                "METIERS_TRUSTED_PROXIES",
                "10.0.0.0/33",
                "des adresses IP ou réseaux",
            ),
        ] {
            let err = Settings::resolve_with(&ServerOptions::default(), &env_of(&[(var, value)]))
                .expect_err(value)
                .to_string();
            assert!(err.contains(&format!("variable {var}")), "{err}");
            assert!(err.contains(says), "{err}");
        }
        for (text, says) in [
            (
                "session_idle = 30\n",
                "alors qu’il faut un texte entre guillemets",
            ),
            (
                "trusted_proxies = \"10.0.0.1\"\n",
                "alors qu’il faut une liste de textes",
            ),
            (
                "trusted_proxies = [1]\n",
                "alors qu’il faut une liste de textes",
            ),
            (
                "session_lifetime = \"8 heures\"\n",
                "attendu une durée non nulle",
            ),
        ] {
            let (_dir, path) = file(text);
            let err = Settings::resolve_with(
                &ServerOptions::default().with_config(Some(path)),
                &env_of(&[]),
            )
            .expect_err(text)
            .to_string();
            assert!(err.contains("ligne 1"), "{text:?} → {err}");
            assert!(err.contains(says), "{text:?} → {err}");
        }
    }
}
