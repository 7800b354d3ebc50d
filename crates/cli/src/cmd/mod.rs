//! One module per group of subcommands.

pub mod referentiel;
pub mod search;
pub mod serve;
