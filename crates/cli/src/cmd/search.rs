//! `search`, `match`, `similar` and `eval`: which occupation is this text?

use crate::cmd::referentiel::named;
use crate::cmd::referentiel::write_stdout;
use crate::load::Global;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use metiers_search::{Engine, EvidenceKind, Highlight, MatchResult, eval};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TextOrJson {
    /// Lisible.
    Text,
    /// JSON.
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MatchFormat {
    /// Lisible.
    Text,
    /// Un document JSON (un tableau avec --input).
    Json,
    /// Une ligne JSON par texte, dans l’ordre (défaut avec --input).
    Jsonl,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Mots recherchés (intitulé, activité, sigle…).
    #[arg(value_name = "REQUETE", required = true, num_args = 1..)]
    query: Vec<String>,
    /// Nombre maximal de métiers affichés.
    #[arg(long, short = 'n', default_value_t = 10)]
    limit: usize,
    /// Format de sortie.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    /// Texte à rapprocher : intitulé de poste, annonce, CV (ou --input).
    #[arg(value_name = "TEXTE", num_args = 0.., conflicts_with = "input")]
    text: Vec<String>,
    /// Fichier dont chaque ligne est un texte à rapprocher (« - » : entrée standard).
    #[arg(long, short, value_name = "FICHIER")]
    input: Option<PathBuf>,
    /// Nombre de métiers proposés par texte.
    #[arg(long, default_value_t = 3)]
    top: usize,
    /// Format de sortie (défaut : text pour un texte, jsonl avec --input).
    #[arg(long, value_enum)]
    format: Option<MatchFormat>,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// Identifiant ou intitulé de la fiche.
    #[arg(value_name = "ID_OU_INTITULE", required = true, num_args = 1..)]
    name: Vec<String>,
    /// Nombre de métiers proches affichés.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// Format de sortie.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Fichier JSONL étiqueté (format de data/eval/dev.jsonl ; ou data/eval/pep-dev.jsonl,
    /// offres étiquetées par leur employeur : accord avec « accept »).
    #[arg(value_name = "FICHIER")]
    file: PathBuf,
    /// Format de sortie.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

fn engine(global: &Global) -> Result<Engine> {
    let r = global.referentiel()?;
    Engine::build(r).context("impossible de construire l’index de recherche")
}

pub fn search(global: &Global, args: &SearchArgs) -> Result<ExitCode> {
    let engine = engine(global)?;
    let query = args.query.join(" ");
    let hits = engine.search(&query, args.limit);
    let out = match args.format {
        TextOrJson::Json => serde_json::to_string_pretty(&hits)? + "\n",
        TextOrJson::Text => {
            let bold = std::io::stdout().is_terminal();
            let mut out = String::new();
            if hits.is_empty() {
                out.push_str(&format!("aucun métier ne correspond à « {query} »\n"));
            }
            for (i, h) in hits.iter().enumerate() {
                out.push_str(&format!(
                    "{}. {} ({}) — {:.2}\n",
                    i + 1,
                    h.title,
                    h.id,
                    h.score
                ));
                for hl in h.highlights.iter().take(3) {
                    let heading = hl
                        .heading
                        .as_deref()
                        .map(|s| format!("{s} : "))
                        .unwrap_or_default();
                    out.push_str(&format!("   • {heading}{}\n", marked(hl, bold)));
                }
            }
            out
        }
    };
    write_stdout(&out)?;
    Ok(if hits.is_empty() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The activity with the matched words in bold (terminal) or between brackets.
fn marked(h: &Highlight, bold: bool) -> String {
    let (open, close) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    let mut out = String::new();
    let mut at = 0;
    for r in &h.ranges {
        let (Some(before), Some(word)) = (h.text.get(at..r.start), h.text.get(r.start..r.end))
        else {
            continue;
        };
        out.push_str(before);
        out.push_str(open);
        out.push_str(word);
        out.push_str(close);
        at = r.end;
    }
    out.push_str(h.text.get(at..).unwrap_or(""));
    out
}

pub fn match_(global: &Global, args: &MatchArgs) -> Result<ExitCode> {
    let engine = engine(global)?;
    match &args.input {
        Some(path) => match_lines(&engine, path, args),
        None => {
            let text = args.text.join(" ");
            if text.trim().is_empty() {
                anyhow::bail!(
                    "aucun texte à rapprocher : donnez un TEXTE ou --input FICHIER (« - » pour l’entrée standard)"
                );
            }
            let result = engine.match_text(&text, args.top);
            let out = match args.format.unwrap_or(MatchFormat::Text) {
                MatchFormat::Text => match_text_report(&result),
                MatchFormat::Json => serde_json::to_string_pretty(&result)? + "\n",
                MatchFormat::Jsonl => serde_json::to_string(&result)? + "\n",
            };
            write_stdout(&out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn kind_fr(kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::Title => "intitulé",
        EvidenceKind::AltTitle => "autre appellation",
        EvidenceKind::LearnedTitle => "intitulé appris",
        EvidenceKind::Activity => "activité",
        EvidenceKind::Heading => "rubrique",
        EvidenceKind::Vocabulary => "vocabulaire",
        EvidenceKind::Term => "mots communs",
        EvidenceKind::RomeAppellation => "appellation ROME",
        EvidenceKind::EscoLabel => "profession ESCO",
    }
}

fn match_text_report(r: &MatchResult) -> String {
    let mut out = format!(
        "{}\n",
        if r.confident {
            "rapprochement sûr"
        } else {
            "rapprochement incertain : à vérifier"
        }
    );
    if r.matches.is_empty() {
        out.push_str("aucun métier ne correspond\n");
    }
    for (i, m) in r.matches.iter().enumerate() {
        out.push_str(&format!(
            "{}. {} ({}) — {:.2}\n",
            i + 1,
            m.title,
            m.id,
            m.score
        ));
        for e in m.evidence.iter().take(4) {
            let terms = if e.terms.is_empty() {
                String::new()
            } else {
                format!(" [{}]", e.terms.join(", "))
            };
            let via = e
                .via
                .as_deref()
                .map(|v| format!(" ({v})"))
                .unwrap_or_default();
            out.push_str(&format!(
                "   {} : {}{terms}{via}\n",
                kind_fr(e.kind),
                e.text
            ));
        }
        for s in &m.sentences {
            out.push_str(&format!("   phrase décisive : {s}\n"));
        }
    }
    if let Some(t) = &r.title_line {
        out.push_str(&format!("intitulé lu : {t}\n"));
    }
    if !r.set_aside.is_empty() {
        out.push_str(&format!(
            "{} phrase(s) mise(s) de côté (employeur, conditions, candidature) :\n",
            r.set_aside.len()
        ));
        for s in &r.set_aside {
            out.push_str(&format!("   – {s}\n"));
        }
    }
    out
}

fn match_lines(engine: &Engine, path: &PathBuf, args: &MatchArgs) -> Result<ExitCode> {
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(path)
            .with_context(|| format!("impossible de lire « {} »", path.display()))?;
        Box::new(std::io::BufReader::new(file))
    };
    let lines: Vec<String> = reader
        .lines()
        .collect::<std::io::Result<_>>()
        .with_context(|| {
            format!(
                "lecture de « {} » impossible (UTF-8 attendu)",
                path.display()
            )
        })?;
    let format = args.format.unwrap_or(MatchFormat::Jsonl);
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(lines.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} textes ({per_sec}, reste {eta})",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .max(1);
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut all: Vec<MatchResult> = Vec::new();
    for batch in lines.chunks(512) {
        let per = batch.len().div_ceil(threads).max(1);
        let results: Vec<MatchResult> = std::thread::scope(|s| {
            let handles: Vec<_> = batch
                .chunks(per)
                .map(|chunk| {
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|t| engine.match_text(t, args.top))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        if results.len() != batch.len() {
            anyhow::bail!("échec interne pendant le rapprochement d’un lot de textes");
        }
        if let Some(bar) = &progress {
            bar.inc(batch.len() as u64);
        }
        match format {
            MatchFormat::Jsonl => {
                for r in &results {
                    let line = serde_json::to_string(r)? + "\n";
                    if write_or_pipe_closed(&mut stdout, line.as_bytes())? {
                        return Ok(ExitCode::SUCCESS);
                    }
                }
            }
            MatchFormat::Text => {
                for r in &results {
                    let text = format!("« {} »\n{}\n", r.query, match_text_report(r));
                    if write_or_pipe_closed(&mut stdout, text.as_bytes())? {
                        return Ok(ExitCode::SUCCESS);
                    }
                }
            }
            MatchFormat::Json => all.extend(results),
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if matches!(format, MatchFormat::Json) {
        let text = serde_json::to_string_pretty(&all)? + "\n";
        write_or_pipe_closed(&mut stdout, text.as_bytes())?;
    }
    match stdout.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("écriture sur la sortie standard impossible")?
        }
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes; `Ok(true)` when the reader went away (`| head`).
fn write_or_pipe_closed(out: &mut impl Write, bytes: &[u8]) -> Result<bool> {
    match out.write_all(bytes) {
        Ok(()) => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(true),
        Err(e) => Err(e).context("écriture sur la sortie standard impossible"),
    }
}

pub fn similar(global: &Global, args: &SimilarArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let Some(o) = named(r, &args.name) else {
        return Ok(ExitCode::from(2));
    };
    let k = metiers_knowledge::Knowledge::shared()
        .context("lecture des données embarquées impossible")?;
    let space = metiers_hr::space::SkillSpace::new(r, &k);
    let mobility = metiers_hr::mobility::Mobility {
        space: &space,
        referentiel: r,
        knowledge: &k,
    };
    let mut similar = mobility.closest(o.id.as_str()).unwrap_or_default();
    similar.truncate(args.top);
    let out = match args.format {
        TextOrJson::Json => serde_json::to_string_pretty(&similar)? + "\n",
        TextOrJson::Text => {
            let mut out = format!(
                "Métiers proches de « {} » (sur les compétences) :\n",
                o.title
            );
            for (i, s) in similar.iter().enumerate() {
                out.push_str(&format!(
                    "{}. {} ({}) — {:.2}\n   {}\n",
                    i + 1,
                    s.title,
                    s.id,
                    s.score,
                    s.reason
                ));
                for m in &s.rome_mobilities {
                    out.push_str(&format!(
                        "   ROME 4.0 : {} → {} (France Travail – ROME 4.0 v460)\n",
                        m.from_code, m.to_code
                    ));
                }
            }
            out
        }
    };
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}

pub fn eval(global: &Global, args: &EvalArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("impossible de lire « {} »", args.file.display()))?;
    let items = eval::parse_jsonl(&text)
        .with_context(|| format!("fichier d’évaluation « {} » illisible", args.file.display()))?;
    let engine = engine(global)?;
    let report = eval::evaluate(&engine, &items);
    let out = match args.format {
        TextOrJson::Json => serde_json::to_string_pretty(&report)? + "\n",
        TextOrJson::Text => {
            let pct = |x: f64| format!("{:.1} %", 100.0 * x);
            let mut out = String::new();
            let line = |name: &str, m: &eval::Measures| {
                format!(
                    "{name:<8} {:>4} textes ({} étiquetés, {} NONE) : top-1 {}, top-3 {}, précision des sûrs {}, couverture {}, NONE non sûrs {}\n",
                    m.items,
                    m.labelled,
                    m.none,
                    pct(m.top1),
                    pct(m.top3),
                    pct(m.precision),
                    pct(m.coverage),
                    pct(m.none_not_confident)
                )
            };
            out.push_str(&line("tous", &report.all));
            for (kind, m) in &report.by_kind {
                out.push_str(&line(kind, m));
            }
            // (Said only of a set that holds titles of the repertories: the others are all
            // « other texts ».)
            if let Some(m) = report
                .other_texts
                .as_ref()
                .filter(|m| m.items < report.all.items)
            {
                out.push_str(
                    "\nTextes qui ne sont pas, mot pour mot, une appellation ROME ou une profession ESCO :\n",
                );
                out.push_str(&line("autres", m));
            }
            out.push_str("\nPar source :\n");
            for (source, m) in &report.by_source {
                out.push_str(&format!("  {source}\n  "));
                out.push_str(&line("", m));
            }
            out.push('\n');
            if items.iter().any(|i| !i.accept.is_empty()) {
                out.push_str(&format!(
                    "top-1 = accord avec le libellé choisi par l’employeur (accept) ; cible : accord ≥ 70 % : {}\n",
                    if report.all.top1 >= eval::TARGET_AGREEMENT { "atteinte" } else { "non atteinte" }
                ));
            } else {
                out.push_str(&format!(
                    "cibles (top-1 ≥ 90 %, top-3 ≥ 97 %, précision des sûrs ≥ 95 % et couverture ≥ 70 %, NONE non sûrs ≥ 80 %, top-1 des autres textes ≥ 85 %) : {}\n",
                    if report.meets_targets() { "atteintes" } else { "non atteintes" }
                ));
            }
            if !report.unknown_labels.is_empty() {
                out.push_str(&format!(
                    "étiquettes inconnues de l’édition : {}\n",
                    report.unknown_labels.join(" ; ")
                ));
            }
            if !report.confusions.is_empty() {
                out.push_str("\nConfusions (attendu → obtenu) :\n");
                for c in &report.confusions {
                    // One line per confusion: an ad's line breaks and runs of spaces folded.
                    let flat = c.text.split_whitespace().collect::<Vec<_>>().join(" ");
                    let text: String = flat.chars().take(80).collect();
                    out.push_str(&format!(
                        "  [{}] « {text} » : {} → {} ({:.2}{})\n",
                        c.kind,
                        c.expected,
                        c.got,
                        c.score,
                        if c.confident { ", sûr" } else { "" }
                    ));
                }
            }
            out
        }
    };
    write_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}
