//! `cartographie list`, `review` and `history`: the positions, a reviewer's decision, and the
//! decisions recorded for a position.

use super::{occupation_id, position};
use crate::cmd::referentiel::write_stdout;
use crate::load::Global;
use anyhow::{Context, Result};
use clap::Args;
use metiers_store::{PositionFilter, Status, Store};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub(super) struct ListArgs {
    /// Seulement les postes de ce statut (a-revoir, propose, confirme, corrige).
    #[arg(long, alias = "statut", value_name = "STATUT")]
    status: Option<String>,
    /// Seulement les postes non encore relus (à revoir ou proposés).
    #[arg(long, alias = "a-relire")]
    to_review: bool,
    /// Seulement les postes rattachés à ce métier (identifiant ou intitulé).
    #[arg(long, alias = "metier", value_name = "METIER")]
    occupation: Option<String>,
    /// Seulement les postes dont l’intitulé contient ce texte.
    #[arg(long, alias = "texte", value_name = "TEXTE")]
    text: Option<String>,
    /// Nombre maximal de postes affichés (1 000 au plus).
    #[arg(long, default_value_t = 50)]
    limit: i64,
    /// Nombre de postes sautés (pagination).
    #[arg(long, default_value_t = 0)]
    offset: i64,
    /// Sortie JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(super) struct ReviewArgs {
    /// Identifiant du poste dans le fichier importé, ou son numéro (ex. 12 ou #12).
    #[arg(value_name = "POSTE")]
    position: String,
    /// Métier retenu : identifiant (ex. concepteur-developpeur) ou intitulé.
    #[arg(value_name = "METIER")]
    occupation: String,
    /// Nom du relecteur, enregistré dans l’historique.
    #[arg(long, value_name = "NOM", env = "METIERS_REVIEWER")]
    reviewer: String,
}

#[derive(Debug, Args)]
pub(super) struct HistoryArgs {
    /// Identifiant du poste dans le fichier importé, ou son numéro.
    #[arg(value_name = "POSTE")]
    position: String,
}

pub(super) async fn list(global: &Global, store: &Store, args: &ListArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let status = match &args.status {
        Some(s) => Some(Status::parse(s).with_context(|| {
            format!("statut « {s} » inconnu : a-revoir, propose, confirme ou corrige")
        })?),
        None => None,
    };
    let occupation = match &args.occupation {
        Some(m) => Some(occupation_id(r, m)?),
        None => None,
    };
    let filter = PositionFilter {
        status,
        occupation_id: occupation,
        text: args.text.clone(),
        unreviewed: args.to_review,
        offset: args.offset,
        limit: args.limit,
    };
    let page = store.positions(&filter).await?;
    if args.json {
        write_stdout(&(serde_json::to_string_pretty(&page)? + "\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    for p in &page.positions {
        let occ = p.occupation_id.as_deref().map_or_else(
            || "—".to_owned(),
            |id| {
                r.get(id)
                    .map_or_else(|| id.to_owned(), |o| format!("{} ({id})", o.title))
            },
        );
        let score = p.score().map_or_else(String::new, |s| format!(" {s:.2}"));
        out.push_str(&format!(
            "#{:<6} {:<12} {:<45} → {occ}{score} [{}]\n",
            p.id,
            p.external_id.as_deref().unwrap_or("—"),
            p.title,
            p.status.label()
        ));
    }
    let shown_to = page.offset + i64::try_from(page.positions.len()).unwrap_or(0);
    out.push_str(&format!(
        "postes {} à {shown_to} sur {}\n",
        if page.positions.is_empty() {
            0
        } else {
            page.offset + 1
        },
        page.total
    ));
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn review(global: &Global, store: &Store, args: &ReviewArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let occupation = occupation_id(r, &args.occupation)?;
    let p = position(store, &args.position).await?;
    let outcome = store
        .review(p.id, &occupation, &args.reviewer, super::classifier(r)?)
        .await?;
    let before = outcome
        .review
        .previous_occupation_id
        .as_deref()
        .unwrap_or("aucun");
    eprintln!(
        "Poste #{} « {} » : {} → {occupation} ({}), par {} le {}",
        p.id,
        p.title,
        before,
        outcome.position.status.label(),
        outcome.review.reviewer,
        outcome.review.reviewed_at
    );
    if let Some(l) = outcome.learned {
        eprintln!(
            "Intitulé appris n° {} : « {} » : les postes de même intitulé iront à {}, et il servira de titre supplémentaire aux prochains rapprochements (retrait : metiers cartographie learned --remove {} --reviewer NOM)",
            l.id, l.title, l.occupation_id, l.id
        );
    }
    if outcome.reclassified > 0 {
        eprintln!(
            "{} autre(s) poste(s) non relu(s) de même intitulé rapproché(s) de nouveau : cette décision leur est proposée",
            outcome.reclassified
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn history(store: &Store, args: &HistoryArgs) -> Result<ExitCode> {
    let p = position(store, &args.position).await?;
    let reviews = store.reviews(p.id).await?;
    let mut out = format!(
        "Poste #{} « {} » : {} ({})\n",
        p.id,
        p.title,
        p.occupation_id.as_deref().unwrap_or("—"),
        p.status.label()
    );
    if reviews.is_empty() {
        out.push_str("aucune décision enregistrée\n");
    }
    for rv in &reviews {
        out.push_str(&format!(
            "{} {} : {} ({}) → {} ({})\n",
            rv.reviewed_at,
            rv.reviewer,
            rv.previous_occupation_id.as_deref().unwrap_or("aucun"),
            Status::parse(&rv.previous_status).map_or(rv.previous_status.as_str(), |s| s.label()),
            rv.new_occupation_id,
            Status::parse(&rv.new_status).map_or(rv.new_status.as_str(), |s| s.label()),
        ));
    }
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}
