//! `accord data`: what accord reads from the exports, before any verdict.

use super::inputs::{self, DataArgs};
use super::Exit;
use crate::eval::inspect::inspect;
use crate::report;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(args: &Args) -> Exit {
    let result = args
        .data
        .project()
        .and_then(|project| inspect(&project, args.data.as_of.clone()));
    match result {
        Ok(r) => {
            match args.format {
                Format::Human => print!("{}", report::data::human(&r)),
                Format::Json => {
                    println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default())
                }
            }
            if r.readable {
                Exit::Ok
            } else {
                Exit::Trouble
            }
        }
        Err(e) => inputs::fail(e),
    }
}
