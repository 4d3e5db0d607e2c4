//! `accord explain --lead ID`: every rule's judgement of one lead.

use super::inputs::{self, DataArgs};
use super::Exit;
use crate::eval::run::explain;
use crate::report;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// The lead's id, as in the leads file
    #[arg(long, value_name = "ID")]
    pub lead: String,
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
        .and_then(|project| explain(&project, args.data.options(None), &args.lead));
    match result {
        Ok(e) => {
            match args.format {
                Format::Human => print!("{}", report::explain::human(&e)),
                Format::Json => {
                    println!("{}", serde_json::to_string_pretty(&e).unwrap_or_default())
                }
            }
            Exit::Ok
        }
        Err(e) => inputs::fail(e),
    }
}
