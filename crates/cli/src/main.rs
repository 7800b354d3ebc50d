//! `metiers`: the command line of the référentiel des métiers SIC.
//!
//! Each subcommand lives in its own module under `cmd/`; this file only parses the command
//! line and dispatches. It is the only crate that uses `anyhow`.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cmd;
mod load;

/// Référentiel interministériel des métiers et compétences des systèmes d’information et de
/// communication (SIC) : consultation, recherche, rapprochement de textes libres, portail.
#[derive(Debug, Parser)]
#[command(name = "metiers", version, about, long_about = None)]
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
    #[command(name = "fiche-de-poste")]
    FicheDePoste(cmd::editions::JobArgs),
    /// Écart entre deux métiers (« de A vers B »), ou métiers classés selon les activités pratiquées.
    Ecart(cmd::editions::GapArgs),
    /// Lance le portail web et l’API JSON (http://127.0.0.1:8080/ par défaut).
    Serve(cmd::serve::ServeArgs),
    /// Cartographie des emplois : importe les postes d’une organisation, les rattache aux métiers, relecture et tableau de bord.
    Cartographie(cmd::cartographie::CartographieArgs),
    /// Recherche les métiers par mots-clés, activités correspondantes en évidence.
    Search(cmd::search::SearchArgs),
    /// Rapproche un intitulé de poste, une annonce ou un CV des métiers du référentiel.
    Match(cmd::search::MatchArgs),
    /// Affiche les métiers proches d’un métier (activités et rubriques communes, niveau d’études).
    Similar(cmd::search::SimilarArgs),
    /// Mesure le rapprochement sur un fichier JSONL étiqueté.
    Eval(cmd::search::EvalArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::List(args) => cmd::referentiel::list(&cli.global, &args),
        Command::Show(args) => cmd::referentiel::show(&cli.global, &args),
        Command::Export(args) => cmd::referentiel::export(&cli.global, &args),
        Command::Check(args) => cmd::referentiel::check(&cli.global, &args),
        Command::Diff(args) => cmd::editions::diff(&cli.global, &args),
        Command::FicheDePoste(args) => cmd::editions::job(&cli.global, &args),
        Command::Ecart(args) => cmd::editions::gap(&cli.global, &args),
        Command::Serve(args) => cmd::serve::serve(&cli.global, &args),
        Command::Cartographie(args) => cmd::cartographie::cartographie(&cli.global, &args),
        Command::Search(args) => cmd::search::search(&cli.global, &args),
        Command::Match(args) => cmd::search::match_(&cli.global, &args),
        Command::Similar(args) => cmd::search::similar(&cli.global, &args),
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
