//! `cartographie learned`: the titles learned from reviewers' decisions, and their removal.

use crate::cmd::referentiel::write_stdout;
use crate::load::Global;
use anyhow::Result;
use clap::Args;
use metiers_store::Store;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub(super) struct LearnedArgs {
    /// Retire l’intitulé appris portant ce numéro (il ne sert plus aux rapprochements).
    #[arg(long, value_name = "NUMERO", requires = "reviewer")]
    remove: Option<i64>,
    /// Nom de la personne qui retire l’intitulé.
    #[arg(long, value_name = "NOM", env = "METIERS_REVIEWER")]
    reviewer: Option<String>,
    /// Affiche aussi les intitulés retirés.
    #[arg(long)]
    all: bool,
    /// Sortie JSON.
    #[arg(long)]
    json: bool,
}

pub(super) async fn learned(
    global: &Global,
    store: &Store,
    args: &LearnedArgs,
) -> Result<ExitCode> {
    if let Some(id) = args.remove {
        let by = args.reviewer.as_deref().unwrap_or_default();
        let r = global.referentiel()?;
        let removal = store.remove_learned(id, by, super::classifier(r)?).await?;
        let l = &removal.learned;
        eprintln!(
            "Intitulé appris n° {} « {} » ({}) retiré : il ne sert plus aux rapprochements ; {} poste(s) non relu(s) de cet intitulé rapproché(s) de nouveau sans lui",
            l.id, l.title, l.occupation_id, removal.reclassified
        );
        return Ok(ExitCode::SUCCESS);
    }
    let all = store.learned_titles(args.all).await?;
    if args.json {
        write_stdout(&(serde_json::to_string_pretty(&all)? + "\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    for l in &all {
        let removed = match (&l.removed_at, &l.removed_by) {
            (Some(at), Some(by)) => format!(" — retiré le {at} par {by}"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "n° {:<5} « {} » → {} (appris le {} de {}){removed}\n",
            l.id, l.title, l.occupation_id, l.learned_at, l.learned_by
        ));
    }
    out.push_str(&format!("{} intitulé(s) appris\n", all.len()));
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}
