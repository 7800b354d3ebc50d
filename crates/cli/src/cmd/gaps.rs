//! `gaps` (alias `ecart`): what separates two occupations (« de A vers B »), or the
//! occupations ranked by what a person practises.

use crate::cmd::ReportFormat;
use crate::cmd::referentiel::write_stdout;
use crate::load::Global;
use anyhow::{Result, bail};
use clap::Args;
use metiers_export::ecart::{self, GapAnalyzer};
use metiers_export::poste::{JobDescription, Selection};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct GapArgs {
    /// Métier de départ (identifiant ou intitulé). Seul : vos activités sont celles de ce
    /// métier que --activities retient, et les métiers sont classés selon ce qu’elles couvrent.
    #[arg(value_name = "A")]
    from: Option<String>,
    /// Métier visé (identifiant ou intitulé) : activités déjà couvertes, à acquérir, écart de
    /// formation.
    #[arg(value_name = "B")]
    to: Option<String>,
    /// Sans B : activités de A que vous pratiquez (numéros, ou « all »).
    #[arg(long, alias = "activites", value_name = "NUMEROS")]
    activities: Option<String>,
    /// Sans B : une activité que vous pratiquez, en texte libre (répétable).
    #[arg(long, alias = "pratique", value_name = "TEXTE")]
    practice: Vec<String>,
    /// Sans B : nombre de métiers affichés.
    #[arg(long, alias = "nombre", default_value_t = 10)]
    top: usize,
    /// Format de sortie.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
}

pub fn gap(global: &Global, args: &GapArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let analyzer = GapAnalyzer::new(&r);
    if let (Some(a), Some(b)) = (&args.from, &args.to) {
        if args.activities.is_some() || !args.practice.is_empty() {
            bail!(
                "--activities et --practice s’emploient sans métier visé B : « metiers gaps A --activities 1,3 »"
            );
        }
        let gap = analyzer.between(r.resolve(a)?, r.resolve(b)?);
        let text = match args.format {
            ReportFormat::Text => gap.to_text(),
            ReportFormat::Json => serde_json::to_string_pretty(&gap)? + "\n",
            ReportFormat::Markdown => gap.to_markdown(),
        };
        write_stdout(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut practised: Vec<String> = args
        .practice
        .iter()
        .filter(|p| !p.trim().is_empty())
        .cloned()
        .collect();
    if let Some(a) = &args.from {
        let o = r.resolve(a)?;
        let selection = Selection::parse(args.activities.as_deref().unwrap_or("all"))
            .map_err(anyhow::Error::msg)?;
        let jd = JobDescription::new(&r.edition, o, &selection)?;
        practised.extend(jd.activities.iter().map(|a| a.text.to_owned()));
    } else if args.activities.is_some() {
        bail!(
            "--activities désigne des activités d’un métier : indiquez-le (« metiers gaps A --activities 1,3 »)"
        );
    }
    if practised.is_empty() {
        bail!(
            "indiquez deux métiers (« metiers gaps A B »), ou vos activités : « metiers gaps A --activities 1,3 » ou --practice \"texte\""
        );
    }
    let ranking = analyzer.for_person(&r, &practised);
    let limit = args.top.max(1);
    let text = match args.format {
        ReportFormat::Text => ecart::coverage_text(&ranking, limit),
        ReportFormat::Json => {
            serde_json::to_string_pretty(&ranking.iter().take(limit).collect::<Vec<_>>())? + "\n"
        }
        ReportFormat::Markdown => ecart::coverage_markdown(&ranking, limit),
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
