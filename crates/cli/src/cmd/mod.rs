//! One module per group of subcommands.

pub mod cartographie;
pub mod editions;
pub mod gaps;
pub mod job_description;
pub mod knowledge;
pub mod referentiel;
pub mod search;
pub mod serve;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// Texte lisible dans un terminal.
    Text,
    /// JSON.
    Json,
    /// Markdown.
    Markdown,
}
