//! `crosswalk` (alias `correspondances`): the correspondences of the occupations with ROME
//! 4.0 and ESCO — the whole table, or which occupations correspond to a ROME code, an
//! appellation or an ESCO occupation; `skills` (alias `competences`): the skills graph.

use crate::cmd::referentiel::write_stdout;
use crate::load::Global;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use metiers_export::{Format, RenderOptions};
use metiers_knowledge::{Knowledge, LookupError, Query, SkillKind};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TableFormat {
    /// Texte lisible dans un terminal.
    Text,
    /// JSON.
    Json,
    /// CSV (RFC 4180), la table entière.
    Csv,
}

#[derive(Debug, Args)]
pub struct CrosswalkArgs {
    /// Les métiers qui correspondent à cette fiche ROME (ex. M1805).
    #[arg(long, value_name = "CODE", group = "cherche")]
    rome: Option<String>,
    /// Les métiers qui correspondent à cette appellation ROME : code OGR (ex. 38981) ou
    /// intitulé.
    #[arg(long, value_name = "OGR_OU_INTITULE", group = "cherche")]
    appellation: Option<String>,
    /// Les métiers qui correspondent à cette profession ESCO (URI).
    #[arg(long, value_name = "URI", group = "cherche")]
    esco: Option<String>,
    /// Format de sortie (sans recherche : la table entière).
    #[arg(long, value_enum, default_value_t = TableFormat::Text)]
    format: TableFormat,
}

pub fn crosswalk(global: &Global, args: &CrosswalkArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let k = Knowledge::shared().context("lecture des données embarquées impossible")?;
    let query = match (&args.rome, &args.appellation, &args.esco) {
        (Some(code), _, _) => Some(match Knowledge::parse_query(code) {
            Ok(q @ Query::Rome(_)) => Ok(q),
            _ => Err(LookupError::Malformed(format!(
                "« {} » n’est pas un code ROME (une lettre et quatre chiffres, ex. M1805)",
                code.trim()
            ))),
        }),
        (_, Some(a), _) => Some(Ok(Query::Appellation(a.trim().to_owned()))),
        (_, _, Some(uri)) => Some(match Knowledge::parse_query(uri) {
            Ok(q @ Query::Esco(_)) => Ok(q),
            _ => Err(LookupError::Malformed(format!(
                "« {} » n’est pas une URI de profession ESCO ({}…)",
                uri.trim(),
                metiers_knowledge::esco::OCCUPATION_PREFIX
            ))),
        }),
        _ => None,
    };
    let Some(query) = query else {
        // The whole table.
        let text = match args.format {
            TableFormat::Csv => String::from_utf8(Format::CrosswalkCsv.render(
                r,
                &RenderOptions {
                    knowledge: Some(&k),
                    ..RenderOptions::default()
                },
            )?)?,
            TableFormat::Json => metiers_export::crosswalk::to_json(&k, r),
            TableFormat::Text => {
                let mut out = String::new();
                for row in metiers_export::crosswalk::rows(&k, r) {
                    out.push_str(&format!(
                        "{:<45} {:<5} {:<12} {} — {}\n",
                        if row.occupation_id.is_empty() {
                            "(aucun métier)"
                        } else {
                            &row.occupation_id
                        },
                        row.scheme,
                        row.relation,
                        short(&row.code),
                        row.label
                    ));
                }
                out.push_str("Sources : France Travail – ROME 4.0 v460 ; ESCO – European Commission, v1.1.1.\n");
                out
            }
        };
        write_stdout(&text)?;
        return Ok(ExitCode::SUCCESS);
    };
    let found = query.and_then(|q| match &q {
        Query::Appellation(a) if !metiers_knowledge::rome::is_ogr(a) => {
            k.lookup_appellation_text(a)
        }
        _ => k.lookup(&q),
    });
    let lookup = match found {
        Ok(l) => l,
        Err(LookupError::Malformed(m)) => {
            eprintln!("{m}");
            return Ok(ExitCode::from(2));
        }
        Err(LookupError::Unknown { message, closest }) => {
            if closest.is_empty() {
                eprintln!("{message}");
            } else {
                eprintln!("{message} Codes proches : {}.", closest.join(", "));
            }
            return Ok(ExitCode::from(2));
        }
    };
    let text = match args.format {
        TableFormat::Json | TableFormat::Csv => serde_json::to_string_pretty(&lookup)? + "\n",
        TableFormat::Text => {
            let mut out = format!("{} — {}\n", lookup.code, lookup.label);
            if lookup.occupations.is_empty() {
                out.push_str(&format!(
                    "Aucun métier du référentiel ne correspond.{}\n",
                    lookup
                        .none_because
                        .as_deref()
                        .map(|w| format!(" {w}"))
                        .unwrap_or_default()
                ));
            }
            for m in &lookup.occupations {
                let title = r
                    .get(&m.occupation_id)
                    .map_or(m.occupation_id.as_str(), |o| o.title.as_str());
                out.push_str(&format!(
                    "  {} ({}) — {}{}\n    {}\n",
                    title,
                    m.occupation_id,
                    m.correspondence.relation.label(),
                    m.via
                        .as_deref()
                        .map(|v| format!(", par {v}"))
                        .unwrap_or_default(),
                    m.correspondence.note
                ));
            }
            out
        }
    };
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// An ESCO URI shortened to its last segment for a terminal.
fn short(code: &str) -> &str {
    code.rsplit('/').next().unwrap_or(code)
}

#[derive(Debug, Args)]
pub struct SkillsArgs {
    /// Identifiant d’une compétence : qui la mobilise, avec les phrases des fiches ; sans
    /// identifiant, la liste.
    #[arg(value_name = "ID")]
    id: Option<String>,
    /// Mots du libellé ou de la description (liste).
    #[arg(long, short)]
    q: Option<String>,
    /// Nature : savoir-faire, savoir ou savoir-etre (liste).
    #[arg(long, value_name = "NATURE")]
    kind: Option<String>,
    /// Format de sortie.
    #[arg(long, value_enum, default_value_t = crate::cmd::search::TextOrJson::Text)]
    format: crate::cmd::search::TextOrJson,
}

pub fn skills(global: &Global, args: &SkillsArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let k = Knowledge::shared().context("lecture des données embarquées impossible")?;
    let json = matches!(args.format, crate::cmd::search::TextOrJson::Json);
    if let Some(id) = &args.id {
        let Some(s) = k.skills.get(id.trim()) else {
            eprintln!(
                "aucune compétence « {} » ; identifiants proches : {}",
                id.trim(),
                k.skills.closest_ids(id, 3).join(", ")
            );
            return Ok(ExitCode::from(2));
        };
        let holders = k.skills.holders(&s.id);
        let quotes = k.skills.quotes(r, s);
        if json {
            let occupations: Vec<_> = holders
                .iter()
                .map(|(o, core)| {
                    serde_json::json!({
                        "id": o,
                        "core": core,
                        "sentences": quotes.iter().filter(|(q, _)| q.id.as_str() == *o).map(|(_, q)| q.text).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let v = serde_json::json!({
                "id": s.id, "label": s.label, "kind": s.kind, "description": s.description,
                "occupations": occupations, "rome": s.rome, "esco": s.esco, "merge": s.merge,
            });
            write_stdout(&(serde_json::to_string_pretty(&v)? + "\n"))?;
        } else {
            let mut out = format!(
                "{} ({})\n{}\n\nQui la mobilise :\n",
                s.label,
                s.kind.label(),
                s.description
            );
            for (o, core) in holders {
                let title = r.get(o).map_or(o, |x| x.title.as_str());
                out.push_str(&format!(
                    "  {}{}\n",
                    title,
                    if core { " — cœur du métier" } else { "" }
                ));
                for (_, q) in quotes.iter().filter(|(q, _)| q.id.as_str() == o) {
                    out.push_str(&format!("    « {} »\n", q.text));
                }
            }
            write_stdout(&out)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let kind = match args.kind.as_deref() {
        None => None,
        Some(k) => match SkillKind::parse(k) {
            Some(k) => Some(k),
            None => {
                eprintln!("nature « {k} » inconnue : savoir-faire, savoir ou savoir-etre");
                return Ok(ExitCode::from(2));
            }
        },
    };
    let list = k.skills.search(args.q.as_deref().unwrap_or_default(), kind);
    if json {
        let v: Vec<_> = list
            .iter()
            .map(|s| serde_json::json!({"id": s.id, "label": s.label, "kind": s.kind, "occupations": k.skills.holders(&s.id).len()}))
            .collect();
        write_stdout(&(serde_json::to_string_pretty(&v)? + "\n"))?;
    } else {
        let mut out = String::new();
        for s in &list {
            out.push_str(&format!(
                "{:<40} {} ({} métier(s))\n",
                s.id,
                s.label,
                k.skills.holders(&s.id).len()
            ));
        }
        out.push_str(&format!("{} compétence(s)\n", list.len()));
        write_stdout(&out)?;
    }
    Ok(ExitCode::SUCCESS)
}
