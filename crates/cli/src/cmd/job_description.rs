//! `job-description` (alias `fiche-de-poste`): the draft job description of a fiche, with the
//! activities chosen for the position and the skills they mobilise, in Markdown, printable
//! HTML, DOCX or ODT (the documents HR staff edit).

use crate::cmd::referentiel::{write_atomically, write_stdout};
use crate::load::Global;
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use metiers_hr::job_description::{JobDescription, Selection, numbered_activities};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum JobFormat {
    /// Markdown, à reprendre dans un traitement de texte.
    Markdown,
    /// Page HTML autonome, imprimable.
    Html,
    /// Document Word (binaire : --output requis hors redirection).
    Docx,
    /// Document OpenDocument texte, pour LibreOffice (binaire : --output requis hors
    /// redirection).
    Odt,
}

#[derive(Debug, Args)]
pub struct JobArgs {
    /// Identifiant (ex. « technicien-d-exploitation ») ou intitulé de la fiche métier.
    #[arg(value_name = "ID_OU_INTITULE", required = true, num_args = 1..)]
    name: Vec<String>,
    /// Activités retenues pour le poste : numéros (« 1,3,7 », « 2-5 ») tels que --list les
    /// affiche, ou « all » pour toutes.
    #[arg(
        long,
        alias = "activites",
        value_name = "NUMEROS",
        default_value = "all"
    )]
    activities: String,
    /// Affiche les activités numérotées de la fiche, pour choisir --activities.
    #[arg(long, alias = "liste")]
    list: bool,
    /// Format de sortie.
    #[arg(long, value_enum, default_value_t = JobFormat::Markdown)]
    format: JobFormat,
    /// Fichier de sortie (écrit entièrement ou pas du tout) ; sortie standard par défaut.
    #[arg(long, short, value_name = "FICHIER")]
    output: Option<PathBuf>,
}

pub fn job(global: &Global, args: &JobArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let o = r.resolve(&args.name.join(" "))?;
    if args.list {
        let mut out = format!("Activités de « {} » ({}) :\n", o.title, o.id);
        let mut heading = None;
        for a in numbered_activities(o) {
            if a.heading != heading {
                let _ = writeln!(out, "\n{}", a.heading.unwrap_or("(sans rubrique)"));
                heading = a.heading;
            }
            let _ = writeln!(out, "  {:>3}. {}", a.number, a.text);
        }
        out.push_str("\nChoisissez avec --activities, par exemple --activities 1,3,5-7\n");
        write_stdout(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let selection = Selection::parse(&args.activities).map_err(anyhow::Error::msg)?;
    let k = metiers_knowledge::Knowledge::shared()
        .context("lecture des données embarquées impossible")?;
    let doc = JobDescription::new(&r.edition, o, &selection)?
        .with_skills(r, &k)
        .document();
    let bytes = match args.format {
        JobFormat::Markdown => doc.to_markdown().into_bytes(),
        JobFormat::Html => doc.to_html().into_bytes(),
        JobFormat::Docx => doc.to_docx()?,
        JobFormat::Odt => doc.to_odt()?,
    };
    let binary = matches!(args.format, JobFormat::Docx | JobFormat::Odt);
    match &args.output {
        Some(path) => {
            write_atomically(path, &bytes)?;
            eprintln!("fiche de poste écrite dans « {} »", path.display());
        }
        None if binary && std::io::stdout().is_terminal() => {
            bail!(
                "ce format est binaire et ne s’affiche pas dans un terminal : indiquez un fichier avec --output (ex. --output fiche-de-poste.docx)"
            );
        }
        None => crate::cmd::referentiel::write_stdout_bytes(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}
