//! `metiers`: the command line of the référentiel des métiers SIC.
//!
//! Each subcommand lives in its own module under `cmd/`; this file only parses the command
//! line and dispatches. It is the only crate that uses `anyhow`.

use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

mod cmd;
mod config;
mod load;

/// Référentiel interministériel des métiers et compétences des systèmes d’information et de
/// communication (SIC) : consultation, recherche, rapprochement de textes libres, portail.
#[derive(Debug, Parser)]
#[command(name = "metiers", version)]
#[command(disable_help_subcommand = true)]
struct Cli {
    #[command(flatten)]
    global: load::Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Liste les fiches métiers de l’édition.
    List(cmd::referentiel::ListArgs),
    /// Affiche une fiche métier, désignée par son identifiant ou son intitulé.
    Show(cmd::referentiel::ShowArgs),
    /// Exporte l’édition (JSON canonique, CSV, Markdown, SKOS Turtle ou JSON-LD, XLSX).
    Export(cmd::referentiel::ExportArgs),
    /// Analyse une édition et affiche ses diagnostics et constats de qualité.
    Check(cmd::referentiel::CheckArgs),
    /// Compare deux éditions : fiches ajoutées, retirées, renommées ; activités ajoutées, retirées, reformulées, déplacées.
    Diff(cmd::editions::DiffArgs),
    /// Rédige le brouillon d’une fiche de poste à partir d’une fiche métier et des activités retenues.
    #[command(alias = "fiche-de-poste")]
    JobDescription(cmd::job_description::JobArgs),
    /// Écart entre deux métiers (« de A vers B »), ou métiers classés selon les activités pratiquées.
    #[command(alias = "ecart")]
    Gaps(cmd::gaps::GapArgs),
    /// Lance le portail web et l’API JSON (http://127.0.0.1:8080/ par défaut).
    Serve(cmd::serve::ServeArgs),
    /// Affiche la configuration effective de « serve » (options, variables, fichier, défauts) et l’origine de chaque valeur.
    Config(cmd::serve::ConfigArgs),
    /// Cartographie des emplois : importe les postes d’une organisation, les rattache aux métiers, relecture et tableau de bord.
    Cartographie(cmd::cartographie::CartographieArgs),
    /// Recherche les métiers par mots-clés, activités correspondantes en évidence.
    Search(cmd::search::SearchArgs),
    /// Rapproche un intitulé de poste, une annonce ou un CV des métiers du référentiel.
    Match(cmd::search::MatchArgs),
    /// Affiche les métiers proches d’un métier (compétences communes, mobilités ROME).
    Similar(cmd::search::SimilarArgs),
    /// Correspondances avec ROME 4.0 et ESCO : la table entière, ou les métiers d’un code ROME, d’une appellation ou d’une profession ESCO.
    #[command(alias = "correspondances")]
    Crosswalk(cmd::knowledge::CrosswalkArgs),
    /// Compétences des métiers : la liste, ou qui mobilise une compétence.
    #[command(alias = "competences")]
    Skills(cmd::knowledge::SkillsArgs),
    /// Mesure le rapprochement sur un fichier JSONL étiqueté.
    Eval(cmd::search::EvalArgs),
}

/// jemalloc rather than glibc's malloc: under load the server allocates and frees small
/// buffers on every request, often on different worker threads, where glibc's arenas take a
/// lock; jemalloc's thread caches do not, and it kept the soak's memory lower than glibc did
/// (mimalloc, tried before, kept more: docs/PERFORMANCE.md, « Allocateur »).
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let command = in_french(Cli::command()).disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help("Affiche la version"),
    );
    let parsed = command
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let result = match cli.command {
        Command::List(args) => cmd::referentiel::list(&cli.global, &args),
        Command::Show(args) => cmd::referentiel::show(&cli.global, &args),
        Command::Export(args) => cmd::referentiel::export(&cli.global, &args),
        Command::Check(args) => cmd::referentiel::check(&cli.global, &args),
        Command::Diff(args) => cmd::editions::diff(&cli.global, &args),
        Command::JobDescription(args) => cmd::job_description::job(&cli.global, &args),
        Command::Gaps(args) => cmd::gaps::gap(&cli.global, &args),
        Command::Serve(args) => cmd::serve::serve(&cli.global, &args),
        Command::Config(args) => cmd::serve::config(&args),
        Command::Cartographie(args) => cmd::cartographie::cartographie(&cli.global, &args),
        Command::Search(args) => cmd::search::search(&cli.global, &args),
        Command::Match(args) => cmd::search::match_(&cli.global, &args),
        Command::Similar(args) => cmd::search::similar(&cli.global, &args),
        Command::Crosswalk(args) => cmd::knowledge::crosswalk(&cli.global, &args),
        Command::Skills(args) => cmd::knowledge::skills(&cli.global, &args),
        Command::Eval(args) => cmd::search::eval(&cli.global, &args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("erreur : {err:#}");
            ExitCode::from(1)
        }
    }
}

/// Help in French for the command and all its subcommands: clap's own flag and headings
/// are in English.
fn in_french(command: clap::Command) -> clap::Command {
    let subcommands: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    let mut command = command
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Affiche l’aide"),
        )
        .help_template(
            "{before-help}{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}",
        )
        .subcommand_help_heading("Commandes")
        .subcommand_value_name("COMMANDE");
    for name in subcommands {
        command = command.mut_subcommand(name, in_french);
    }
    command
}

/// The subcommand that a command line names: its first argument that is the name of one
/// (global options and their values may come before it).
fn command_named(args: impl Iterator<Item = String>) -> Option<String> {
    let cli = Cli::command();
    args.take_while(|a| a != "--")
        .find(|a| cli.find_subcommand(a).is_some())
}

/// clap's errors are in English: the help and version are printed as they are, every other
/// error is said in French with what was wrong and where to find help (exit code 2).
fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind: ContextKind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let message = match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => err.exit(),
        ErrorKind::InvalidValue => {
            let valid = context(ContextKind::ValidValue);
            format!(
                "valeur « {} » invalide pour {}{}",
                context(ContextKind::InvalidValue),
                context(ContextKind::InvalidArg),
                if valid.is_empty() {
                    String::new()
                } else {
                    format!(" (valeurs possibles : {valid})")
                }
            )
        }
        ErrorKind::ValueValidation => format!(
            "valeur « {} » invalide pour {}",
            context(ContextKind::InvalidValue),
            context(ContextKind::InvalidArg)
        ),
        ErrorKind::UnknownArgument => {
            let arg = context(ContextKind::InvalidArg);
            // A pasted text that opens with a dash (a bullet list) reads as an option.
            let looks_like_text = !arg
                .trim_start_matches('-')
                .starts_with(|c: char| c.is_ascii_alphanumeric());
            if looks_like_text {
                let command =
                    command_named(std::env::args().skip(1)).unwrap_or_else(|| "match".into());
                format!(
                    "option inconnue « {arg} » : un texte qui commence par un tiret se donne après « -- » (metiers {command} -- \"- Administrer…\")"
                )
            } else {
                format!("option inconnue « {arg} »")
            }
        }
        ErrorKind::InvalidSubcommand => {
            format!(
                "commande inconnue « {} »",
                context(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::MissingRequiredArgument => {
            format!(
                "argument obligatoire manquant : {}",
                context(ContextKind::InvalidArg)
            )
        }
        ErrorKind::MissingSubcommand => "une commande est attendue".to_owned(),
        ErrorKind::ArgumentConflict => format!(
            "{} ne peut pas être utilisé avec {}",
            context(ContextKind::InvalidArg),
            context(ContextKind::PriorArg)
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!(
                "nombre de valeurs incorrect pour {}",
                context(ContextKind::InvalidArg)
            )
        }
        ErrorKind::NoEquals => format!(
            "{} attend « = » suivi d’une valeur",
            context(ContextKind::InvalidArg)
        ),
        ErrorKind::InvalidUtf8 => "un argument n’est pas de l’UTF-8 valide".to_owned(),
        _ => "ligne de commande invalide".to_owned(),
    };
    eprintln!(
        "erreur : {message}\n« metiers --help » (ou « metiers COMMANDE --help ») affiche l’aide."
    );
    ExitCode::from(2)
}
