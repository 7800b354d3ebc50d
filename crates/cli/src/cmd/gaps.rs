//! `gaps` (alias `ecart`): what separates two occupations (« de A vers B »), or the
//! occupations ranked for a person by the activities they practise or what they write of
//! their work; computed on the skills graph (`metiers-hr`).

use crate::cmd::ReportFormat;
use crate::cmd::referentiel::write_stdout;
use crate::load::Global;
use anyhow::{Context, Result, bail};
use clap::Args;
use metiers_hr::job_description::{JobDescription, Selection};
use metiers_hr::mobility::Mobility;
use metiers_hr::profile::{
    SkillFinder, from_activities, person, rank, ranking_text, training_needs,
};
use metiers_hr::space::SkillSpace;
use metiers_knowledge::Knowledge;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct GapArgs {
    /// Métier de départ (identifiant ou intitulé). Seul : vos compétences sont celles des
    /// activités de ce métier que --activities retient, et les métiers sont classés selon ce
    /// qu’elles couvrent.
    #[arg(value_name = "A")]
    from: Option<String>,
    /// Métier visé (identifiant ou intitulé) : compétences en commun, en partie, à acquérir,
    /// écart de formation.
    #[arg(value_name = "B")]
    to: Option<String>,
    /// Sans B : activités de A que vous pratiquez (numéros, ou « all »).
    #[arg(long, alias = "activites", value_name = "NUMEROS")]
    activities: Option<String>,
    /// Sans B : ce que vous faites, en texte libre (répétable) ; chaque phrase, et chaque
    /// élément d’une énumération, est rapprochée d’une compétence. Une liste à puces collée
    /// telle quelle (« - Administrer… ») est acceptée.
    #[arg(
        long,
        alias = "pratique",
        value_name = "TEXTE",
        allow_hyphen_values = true
    )]
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
    let k = Knowledge::shared().context("lecture des données embarquées impossible")?;
    let space = SkillSpace::new(r, &k);
    let m = Mobility {
        space: &space,
        referentiel: r,
        knowledge: &k,
    };
    if let (Some(a), Some(b)) = (&args.from, &args.to) {
        if args.activities.is_some() || !args.practice.is_empty() {
            bail!(
                "--activities et --practice s’emploient sans métier visé B : « metiers gaps A --activities 1,3 »"
            );
        }
        let gap = m
            .gap(r.resolve(a)?, r.resolve(b)?)
            .context("écart impossible à calculer")?;
        let text = match args.format {
            ReportFormat::Text => gap.to_text(),
            ReportFormat::Json => serde_json::to_string_pretty(&gap)? + "\n",
            ReportFormat::Markdown => gap.to_markdown(),
        };
        write_stdout(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut skills = Vec::new();
    if let Some(a) = &args.from {
        let o = r.resolve(a)?;
        let selection = Selection::parse(args.activities.as_deref().unwrap_or("all"))
            .map_err(anyhow::Error::msg)?;
        let jd = JobDescription::new(&r.edition, o, &selection)?;
        let numbers: Vec<usize> = jd.activities.iter().map(|a| a.number).collect();
        skills.extend(from_activities(&space, r, &k, o.id.as_str(), &numbers));
    } else if args.activities.is_some() {
        bail!(
            "--activities désigne des activités d’un métier : indiquez-le (« metiers gaps A --activities 1,3 »)"
        );
    }
    let practice = args.practice.join("\n");
    if !practice.trim().is_empty() {
        let finder = SkillFinder::new(&space, r, &k);
        for f in finder.find(&space, &practice) {
            eprintln!("compétence reconnue : {} — « {} »", f.label, f.sentence);
            if let Some(i) = space.skill(&f.id) {
                skills.push((i, None));
            }
        }
    }
    if skills.is_empty() {
        bail!(
            "indiquez deux métiers (« metiers gaps A B »), ou vos activités : « metiers gaps A --activities 1,3 » ou --practice \"ce que je fais\" (aucune compétence reconnue pour l’instant)"
        );
    }
    let ranking = rank(&m, &person(&skills), args.top.max(1));
    let text = match args.format {
        ReportFormat::Text => ranking_text(&ranking, false),
        ReportFormat::Markdown => ranking_text(&ranking, true),
        ReportFormat::Json => {
            let training = training_needs(&m, &ranking);
            serde_json::to_string_pretty(&serde_json::json!({
                "occupations": ranking,
                "training": training,
            }))? + "\n"
        }
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
