//! `cartographie stats`: the dashboard, per occupation, group and education level.

use crate::cmd::referentiel::write_stdout;
use crate::load::Global;
use anyhow::Result;
use clap::Args;
use metiers_store::Store;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub(super) struct StatsArgs {
    /// Sortie JSON.
    #[arg(long)]
    json: bool,
}

pub(super) async fn stats(global: &Global, store: &Store, args: &StatsArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let groups = metiers_web::groups::Groups::embedded(r);
    let refs: Vec<metiers_store::dashboard::GroupRef<'_>> = groups
        .groups
        .iter()
        .map(|g| metiers_store::dashboard::GroupRef {
            id: &g.id,
            title: &g.title,
            occupations: &g.occupations,
        })
        .collect();
    let counts = store.counts().await?;
    let d = metiers_store::dashboard::build(r, &counts, &refs);
    if args.json {
        write_stdout(&(serde_json::to_string_pretty(&d)? + "\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = format!(
        "{} poste(s), {} agent(s) (un poste sans effectif compte pour un agent) ; {} à relire\n",
        d.positions,
        fmt_num(d.agents),
        d.unreviewed
    );
    for s in &d.by_status {
        out.push_str(&format!("  {:<10} {}\n", s.label, s.positions));
    }
    for (title, lines) in [
        ("Par métier", &d.by_occupation),
        (
            "Par groupe de métiers (aide à la lecture du projet, pas le référentiel)",
            &d.by_group,
        ),
        ("Par niveau d’études du métier", &d.by_education),
    ] {
        out.push_str(&format!("\n{title}\n"));
        for l in lines {
            out.push_str(&format!(
                "  {:<60} {:>7} poste(s) {:>9} agent(s) {:>7} relu(s)\n",
                l.label,
                l.positions,
                fmt_num(l.agents),
                l.reviewed
            ));
        }
    }
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}").replace('.', ",")
    }
}
