//! One module per group of subcommands.

pub mod cartographie;
pub mod editions;
pub mod referentiel;
pub mod search;
pub mod serve;
