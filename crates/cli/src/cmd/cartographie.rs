//! `cartographie`: map an organisation's positions onto the référentiel (issue 5).
//!
//! Every subcommand opens the workspace named by `--db` (or `METIERS_DB`; by default the
//! SQLite file `metiers-cartographie.db` of the working directory, created on first use) and
//! applies its migrations.

use crate::cmd::referentiel::{write_atomically, write_stdout};
use crate::load::Global;
use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use metiers_referentiel::Referentiel;
use metiers_store::import::ImportReport;
use metiers_store::{ImportProgress, PositionFilter, Status, Store, StoreError};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct CartographieArgs {
    /// Base de données de l’espace de travail : sqlite://CHEMIN (par défaut
    /// sqlite://metiers-cartographie.db, créé au premier usage) ou postgres://…
    #[arg(long, global = true, env = "METIERS_DB", value_name = "URL")]
    db: Option<String>,
    /// Fichier de configuration de « serve » (variable METIERS_CONFIG) : sa clé db sert quand
    /// ni --db ni METIERS_DB ne sont donnés.
    #[arg(long, global = true, value_name = "FICHIER")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: CartographieCommand,
}

#[derive(Debug, Subcommand)]
enum CartographieCommand {
    /// Importe un fichier de postes (CSV ou XLSX) et rapproche chaque poste d’un métier.
    Import(ImportArgs),
    /// Exporte l’espace de travail (poste, métier, score, statut, relecteur).
    Export(ExportArgs),
    /// Liste les postes et leur métier.
    List(ListArgs),
    /// Enregistre la décision d’un relecteur : le poste relève de ce métier.
    Review(ReviewArgs),
    /// Affiche l’historique des décisions d’un poste.
    History(HistoryArgs),
    /// Tableau de bord : postes et agents par métier, par groupe, par niveau d’études ; reste à revoir.
    Stats(StatsArgs),
    /// Intitulés appris des décisions des relecteurs (et leur retrait).
    Learned(LearnedArgs),
    /// Rapproche de nouveau les postes non encore relus (après un changement des intitulés appris).
    Reclassify,
    /// Sauvegarde l’espace de travail SQLite dans un fichier, cohérente même serveur en marche
    /// (PostgreSQL : affiche les commandes pg_dump à utiliser).
    Backup(BackupArgs),
    /// Remplace l’espace de travail SQLite par une sauvegarde vérifiée, de façon atomique
    /// (PostgreSQL : affiche les commandes pg_restore à utiliser).
    Restore(RestoreArgs),
}

#[derive(Debug, Args)]
struct BackupArgs {
    /// Fichier de sauvegarde à écrire (écrit entièrement ou pas du tout).
    #[arg(value_name = "FICHIER")]
    file: PathBuf,
    /// Remplace le fichier s’il existe déjà.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct RestoreArgs {
    /// Sauvegarde à restaurer (faite par « metiers cartographie backup »).
    #[arg(value_name = "FICHIER")]
    file: PathBuf,
    /// Restaure même si la base est ouverte par un serveur (à redémarrer ensuite) ou contient
    /// des écritures plus récentes que la sauvegarde.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// Fichier CSV (séparateur « ; » ou « , », UTF-8 ou Windows-1252) ou XLSX.
    #[arg(value_name = "FICHIER")]
    file: PathBuf,
    /// Affiche le compte rendu au format JSON sur la sortie standard.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// CSV pour tableur en français : séparateur « ; », UTF-8 avec BOM, virgule décimale.
    Csv,
    /// Classeur Excel.
    Xlsx,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// Format d’export.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Fichier de sortie (écrit entièrement ou pas du tout) ; par défaut
    /// cartographie.csv ou cartographie.xlsx.
    #[arg(long, short, value_name = "FICHIER")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Seulement les postes de ce statut (a-revoir, propose, confirme, corrige).
    #[arg(long, value_name = "STATUT")]
    statut: Option<String>,
    /// Seulement les postes non encore relus (à revoir ou proposés).
    #[arg(long)]
    a_relire: bool,
    /// Seulement les postes rattachés à ce métier (identifiant ou intitulé).
    #[arg(long, value_name = "METIER")]
    metier: Option<String>,
    /// Seulement les postes dont l’intitulé contient ce texte.
    #[arg(long, value_name = "TEXTE")]
    texte: Option<String>,
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
struct ReviewArgs {
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
struct HistoryArgs {
    /// Identifiant du poste dans le fichier importé, ou son numéro.
    #[arg(value_name = "POSTE")]
    position: String,
}

#[derive(Debug, Args)]
struct StatsArgs {
    /// Sortie JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct LearnedArgs {
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

pub fn cartographie(global: &Global, args: &CartographieArgs) -> Result<ExitCode> {
    // The same workspace as `serve`: --db, METIERS_DB, the configuration file, the default.
    let options = crate::config::ServerOptions {
        config: args.config.clone(),
        db: args.db.clone(),
        ..crate::config::ServerOptions::default()
    };
    let settings = match crate::config::Settings::resolve(&options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("erreur : {e}\nRien n’a été modifié.");
            return Ok(ExitCode::from(2));
        }
    };
    let url = settings.db.value.unwrap_or_else(Store::default_url);
    if url.trim() == "aucune" {
        eprintln!(
            "erreur : la configuration désactive la cartographie (db = « aucune », {}) : indiquez --db sqlite://CHEMIN ou postgres://…",
            settings.db.source
        );
        return Ok(ExitCode::from(2));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("démarrage du moteur d’exécution impossible")?;
    match &args.command {
        // The workspace must not be opened (created, migrated, locked) before it is replaced.
        CartographieCommand::Restore(a) => return runtime.block_on(restore(&url, a)),
        // PostgreSQL has its own tools; no need to connect (nor migrate) to say which.
        CartographieCommand::Backup(a) if is_postgres(&url) => {
            print_postgres_guidance(&url, &a.file, true);
            return Ok(ExitCode::from(2));
        }
        _ => {}
    }
    runtime.block_on(async {
        let store = Store::open(&url).await.with_context(|| {
            format!("ouverture de l’espace de travail « {url} » impossible (chemin accessible ? serveur PostgreSQL démarré ?)")
        })?;
        let result = run(global, &store, &url, &args.command).await;
        store.close().await;
        result
    })
}

async fn run(
    global: &Global,
    store: &Store,
    url: &str,
    command: &CartographieCommand,
) -> Result<ExitCode> {
    match command {
        CartographieCommand::Import(a) => import(global, store, url, a).await,
        CartographieCommand::Export(a) => export(global, store, a).await,
        CartographieCommand::List(a) => list(global, store, a).await,
        CartographieCommand::Review(a) => review(global, store, a).await,
        CartographieCommand::History(a) => history(global, store, a).await,
        CartographieCommand::Stats(a) => stats(global, store, a).await,
        CartographieCommand::Learned(a) => learned(global, store, a).await,
        CartographieCommand::Reclassify => reclassify(global, store).await,
        CartographieCommand::Backup(a) => backup(store, url, a).await,
        CartographieCommand::Restore(a) => restore(url, a).await,
    }
}

/// The matcher over the edition, as the store's classifier.
fn classifier(r: &Referentiel) -> Result<Arc<dyn metiers_store::Classifier>> {
    let engine = metiers_search::Engine::build(r)
        .context("construction de l’index de recherche impossible")?;
    Ok(Arc::new(engine))
}

async fn import(global: &Global, store: &Store, url: &str, args: &ImportArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let bytes = std::fs::read(&args.file).with_context(|| {
        format!(
            "impossible de lire « {} » (chemin exact ? droits de lecture ?)",
            args.file.display()
        )
    })?;
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let parsed =
        match tokio::task::spawn_blocking(move || metiers_store::import::parse(&name, &bytes))
            .await?
        {
            Ok(parsed) => parsed,
            Err(report) => return Ok(refused(&report, args.json)),
        };
    if !args.json {
        for line in parsed.report.understood() {
            eprintln!("{line}");
        }
        for w in &parsed.report.warnings {
            eprintln!("remarque : {w}");
        }
    }
    let r = global.referentiel()?;
    let classifier = classifier(&r)?;
    let total = parsed.positions.len();
    let bar = progress_bar(total);
    let outcome = store
        .import(parsed, classifier, &|p| match p {
            ImportProgress::Rows { done, total } => {
                bar.set_position(done as u64);
                if bar.is_hidden() {
                    eprintln!("progression : {done} / {total} postes rapprochés et écrits");
                }
            }
            ImportProgress::Committing => {
                bar.set_message("enregistrement…");
                if bar.is_hidden() {
                    eprintln!("progression : enregistrement de la transaction");
                }
            }
        })
        .await;
    bar.finish_and_clear();
    let outcome = match outcome {
        Ok(o) => o,
        Err(StoreError::Rejected(report)) => return Ok(refused(&report, args.json)),
        Err(e) => {
            return Err(
                anyhow::Error::new(e).context("import interrompu : la base n’a pas été modifiée")
            );
        }
    };
    let statuses = store.status_counts().await?;
    let count = |s: Status| {
        statuses
            .iter()
            .find(|c| c.status == s)
            .map_or(0, |c| c.positions)
    };
    if args.json {
        let value = serde_json::json!({
            "import_id": outcome.import_id,
            "inserted": outcome.inserted,
            "updated": outcome.updated,
            "report": outcome.report,
            "seconds": started.elapsed().as_secs_f64(),
        });
        write_stdout(&(serde_json::to_string_pretty(&value)? + "\n"))?;
    }
    eprintln!(
        "{total} poste(s) importé(s) dans {url} en {:.1} s : {} nouveau(x), {} mis à jour. Dans l’espace : {} à revoir, {} proposé(s), {} relu(s).",
        started.elapsed().as_secs_f64(),
        outcome.inserted,
        outcome.updated,
        count(Status::ToReview),
        count(Status::Proposed),
        count(Status::Confirmed) + count(Status::Corrected),
    );
    Ok(ExitCode::SUCCESS)
}

fn progress_bar(total: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        if std::io::stderr().is_terminal() {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40.cyan/blue} {pos}/{len} postes rapprochés ({per_sec}, reste {eta}) {msg}",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Prints why a file was refused; exit code 2.
fn refused(report: &ImportReport, json: bool) -> ExitCode {
    if json {
        let value = serde_json::json!({ "refused": true, "report": report });
        let _ = write_stdout(&(serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"));
    }
    eprintln!(
        "Fichier « {} » refusé : {} problème(s). Aucune modification n’a été faite dans la base.",
        report.file_name,
        report.problems.len()
    );
    if !report.format.is_empty() {
        eprintln!("Format lu : {}", report.format);
    }
    const SHOWN: usize = 100;
    for p in report.problems.iter().take(SHOWN) {
        eprintln!("  - {p}");
    }
    if report.problems.len() > SHOWN {
        eprintln!(
            "  … et {} autre(s) problème(s) (--json les donne tous)",
            report.problems.len() - SHOWN
        );
    }
    eprintln!("Corrigez le fichier puis relancez l’import.");
    ExitCode::from(2)
}

async fn export(global: &Global, store: &Store, args: &ExportArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let positions = store.all_positions().await?;
    let (bytes, default) = match args.format {
        ExportFormat::Csv => (
            metiers_store::export::to_csv(&positions, &r)?,
            "cartographie.csv",
        ),
        ExportFormat::Xlsx => (
            metiers_store::export::to_xlsx(&positions, &r)?,
            "cartographie.xlsx",
        ),
    };
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(default));
    write_atomically(&path, &bytes)?;
    eprintln!(
        "{} poste(s) exporté(s) dans « {} »",
        positions.len(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The occupation named by an id or a title, or an error listing the closest ids.
fn occupation_id(r: &Referentiel, name: &str) -> Result<String> {
    Ok(r.resolve(name)?.id.to_string())
}

async fn position(store: &Store, name: &str) -> Result<metiers_store::Position> {
    store.find_position(name).await?.with_context(|| {
        format!("aucun poste n’a l’identifiant ou le numéro « {name} » (« metiers cartographie list » les affiche)")
    })
}

async fn list(global: &Global, store: &Store, args: &ListArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let status = match &args.statut {
        Some(s) => Some(Status::parse(s).with_context(|| {
            format!("statut « {s} » inconnu : a-revoir, propose, confirme ou corrige")
        })?),
        None => None,
    };
    let occupation = match &args.metier {
        Some(m) => Some(occupation_id(&r, m)?),
        None => None,
    };
    let filter = PositionFilter {
        status,
        occupation_id: occupation,
        text: args.texte.clone(),
        unreviewed: args.a_relire,
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

async fn review(global: &Global, store: &Store, args: &ReviewArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let occupation = occupation_id(&r, &args.occupation)?;
    let p = position(store, &args.position).await?;
    let outcome = store.review(p.id, &occupation, &args.reviewer).await?;
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
            "Intitulé appris n° {} : « {} » servira de titre supplémentaire de {} pour les prochains rapprochements (retrait : metiers cartographie learned --remove {} --reviewer NOM)",
            l.id, l.title, l.occupation_id, l.id
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn history(_global: &Global, store: &Store, args: &HistoryArgs) -> Result<ExitCode> {
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

async fn stats(global: &Global, store: &Store, args: &StatsArgs) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let groups = metiers_web::groups::Groups::embedded(&r);
    let refs: Vec<metiers_store::dashboard::GroupRef<'_>> = groups
        .groups
        .iter()
        .map(|g| metiers_store::dashboard::GroupRef {
            id: &g.id,
            title: &g.title,
            occupations: &g.occupations,
        })
        .collect();
    let counts = store.occupation_counts().await?;
    let statuses = store.status_counts().await?;
    let d = metiers_store::dashboard::build(&r, &counts, &statuses, &refs);
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

async fn learned(_global: &Global, store: &Store, args: &LearnedArgs) -> Result<ExitCode> {
    if let Some(id) = args.remove {
        let by = args.reviewer.as_deref().unwrap_or_default();
        let l = store.remove_learned(id, by).await?;
        eprintln!(
            "Intitulé appris n° {} « {} » ({}) retiré : il ne sert plus aux prochains rapprochements (« metiers cartographie reclassify » rapproche de nouveau les postes non relus)",
            l.id, l.title, l.occupation_id
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

async fn reclassify(global: &Global, store: &Store) -> Result<ExitCode> {
    let r = global.referentiel()?;
    let n = store.reclassify_unreviewed(classifier(&r)?).await?;
    eprintln!("{n} poste(s) non relu(s) rapproché(s) de nouveau avec les intitulés appris");
    Ok(ExitCode::SUCCESS)
}

fn is_postgres(url: &str) -> bool {
    let url = url.trim();
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

async fn backup(store: &Store, url: &str, args: &BackupArgs) -> Result<ExitCode> {
    let started = Instant::now();
    match store.backup(&args.file, args.force).await {
        Ok(s) => {
            eprintln!(
                "Sauvegarde « {} » écrite et vérifiée en {:.1} s : {} poste(s), {} décision(s), {} import(s), {} intitulé(s) appris, {} octets ; dernière écriture {}.",
                args.file.display(),
                started.elapsed().as_secs_f64(),
                s.positions,
                s.reviews,
                s.imports,
                s.learned_titles,
                s.bytes,
                s.last_write.as_deref().unwrap_or("aucune")
            );
            eprintln!(
                "Restauration : metiers cartographie --db {} restore {}",
                redact(url),
                args.file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ StoreError::Backup(_)) => {
            eprintln!(
                "erreur : {e}
Aucun fichier n’a été écrit."
            );
            Ok(ExitCode::from(2))
        }
        Err(e) => {
            Err(anyhow::Error::new(e)
                .context("sauvegarde interrompue : aucun fichier n’a été écrit"))
        }
    }
}

async fn restore(url: &str, args: &RestoreArgs) -> Result<ExitCode> {
    let url = url.trim();
    if is_postgres(url) {
        print_postgres_guidance(url, &args.file, false);
        return Ok(ExitCode::from(2));
    }
    let Some(target) = sqlite_path(url) else {
        eprintln!(
            "erreur : « {} » ne désigne pas un fichier SQLite (sqlite://CHEMIN)",
            redact(url)
        );
        return Ok(ExitCode::from(2));
    };
    match metiers_store::backup::restore(&args.file, &target, args.force).await {
        Ok(r) => {
            if let Some(old) = &r.replaced {
                eprintln!(
                    "Base « {} » remplacée (elle avait {} poste(s), {} décision(s) ; dernière écriture {}).",
                    target.display(),
                    old.positions,
                    old.reviews,
                    old.last_write.as_deref().unwrap_or("aucune")
                );
            }
            let s = &r.restored;
            eprintln!(
                "Sauvegarde « {} » restaurée dans « {} » : {} poste(s), {} décision(s), {} import(s), {} intitulé(s) appris ; dernière écriture {}.",
                args.file.display(),
                target.display(),
                s.positions,
                s.reviews,
                s.imports,
                s.learned_titles,
                s.last_write.as_deref().unwrap_or("aucune")
            );
            if r.was_in_use {
                eprintln!(
                    "attention : la base était ouverte par un autre processus metiers : redémarrez-le maintenant, il écrit encore dans l’ancienne version."
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(
            e @ (StoreError::BadBackup(..)
            | StoreError::InUse(_)
            | StoreError::Newer { .. }
            | StoreError::Backup(_)),
        ) => {
            eprintln!(
                "erreur : {e}
Rien n’a été modifié."
            );
            Ok(ExitCode::from(2))
        }
        Err(e) => {
            Err(anyhow::Error::new(e).context("restauration interrompue : rien n’a été modifié"))
        }
    }
}

/// The file of a SQLite URL (`sqlite://PATH`, `sqlite:PATH` or a bare path).
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty() && !path.contains("://") && path != ":memory:").then(|| PathBuf::from(path))
}

/// PostgreSQL has its own tools: the exact commands, for the database of `url`.
fn print_postgres_guidance(url: &str, file: &std::path::Path, backup: bool) {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let schema = query.split('&').find_map(|kv| {
        kv.strip_prefix("options[search_path]=")
            .or_else(|| kv.strip_prefix("options%5Bsearch_path%5D="))
    });
    let schema_flag = schema.map_or_else(String::new, |s| format!(" --schema={s}"));
    let base = without_password(base);
    let file = file.display();
    eprintln!(
        "La cartographie est sur PostgreSQL : ses outils la sauvegardent et la restaurent, cohérente même serveur en marche. metiers ne les réimplémente pas."
    );
    if backup {
        eprintln!("Sauvegarde (format personnalisé de pg_dump, compressé) :");
        eprintln!("  pg_dump --format=custom --no-owner{schema_flag} --file={file} '{base}'");
    } else {
        eprintln!("Restauration (arrêtez d’abord les serveurs metiers ; tout ou rien) :");
        eprintln!(
            "  pg_restore --clean --if-exists --no-owner --single-transaction{schema_flag} --dbname='{base}' {file}"
        );
    }
    eprintln!(
        "Vérification du fichier : pg_restore --list {file}
Le mot de passe se donne par PGPASSWORD ou ~/.pgpass (il est masqué ci-dessus)."
    );
}

/// `postgres://user:password@host/db` → `postgres://user@host/db` (libpq then reads the
/// password from PGPASSWORD or ~/.pgpass).
fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let user = &url[s + 3..at];
            let user = user.split(':').next().unwrap_or(user);
            format!("{}{user}{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Opens the cartographie's store for `metiers serve` and adds it to the portal's state;
/// prints the administrator token when one is generated (once, at first start).
/// `db` = `aucune` serves without cartographie; `token` replaces the administrator token;
/// `secure` marks the session cookies Secure.
pub async fn attach(
    state: metiers_web::AppState,
    db: Option<&str>,
    token: Option<&str>,
    secure: bool,
) -> Result<metiers_web::AppState> {
    if db.map(str::trim) == Some("aucune") {
        eprintln!("Cartographie désactivée (--db aucune)");
        return Ok(state);
    }
    let url = db.map_or_else(Store::default_url, str::to_owned);
    let (carto, admin) = metiers_web::cartographie::Cartographie::open(&url, token, secure)
        .await
        .with_context(|| {
            format!(
                "ouverture de la cartographie « {} » impossible (chemin accessible ? serveur PostgreSQL démarré ? « --db aucune » sert sans cartographie)",
                redact(&url)
            )
        })?;
    eprintln!(
        "Cartographie : espace de travail {} ({})",
        redact(&url),
        carto.store.kind()
    );
    match carto.store.is_writable().await {
        Ok(true) => {}
        Ok(false) => eprintln!(
            "Attention : cartographie servie en consultation seule. {}",
            metiers_store::Unavailable::ReadOnly.message()
        ),
        Err(e) => eprintln!("Attention : accès en écriture à la cartographie non vérifié : {e}"),
    }
    match admin {
        metiers_store::auth::AdminToken::Generated(t) => eprintln!(
            "Cartographie : jeton d’administration généré, affiché cette seule fois (conservez-le ; METIERS_ADMIN_TOKEN le remplace) :\n  {t}"
        ),
        metiers_store::auth::AdminToken::FromEnvironment => {
            eprintln!(
                "Cartographie : jeton d’administration fixé par la configuration (admin_token, METIERS_ADMIN_TOKEN)"
            )
        }
        metiers_store::auth::AdminToken::Existing => {}
    }
    Ok(state.with_cartographie(carto))
}

/// A database URL without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}
