//! `job-description` (alias `fiche-de-poste`): the draft job description of a fiche, with the
//! activities chosen for the position, in Markdown or printable HTML.

use crate::cmd::referentiel::{write_atomically, write_stdout};
use crate::load::Global;
use anyhow::Result;
use clap::{Args, ValueEnum};
use metiers_export::poste::{JobDescription, Selection, numbered_activities};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum JobFormat {
    /// Markdown, à reprendre dans un traitement de texte.
    Markdown,
    /// Page HTML autonome, imprimable.
    Html,
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
    let jd = JobDescription::new(&r.edition, o, &selection)?;
    let text = match args.format {
        JobFormat::Markdown => jd.to_markdown(),
        JobFormat::Html => jd.to_html(),
    };
    match &args.output {
        Some(path) => {
            write_atomically(path, text.as_bytes())?;
            eprintln!("fiche de poste écrite dans « {} »", path.display());
        }
        None => write_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}
