//! `accord data`: what accord reads from the exports, before any verdict.

use super::inputs::{self, DataArgs, HumanOrJson};
use super::Exit;
use crate::eval::inspect::inspect;
use crate::report;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = HumanOrJson::Human)]
    pub format: HumanOrJson,
}

pub fn run(args: &Args) -> Exit {
    let result = args
        .data
        .project()
        .and_then(|project| inspect(&project, args.data.as_of.clone()));
    match result {
        Ok(r) => {
            args.format.print(&r, report::data::human);
            if r.readable {
                Exit::Ok
            } else {
                Exit::Trouble
            }
        }
        Err(e) => inputs::fail(e),
    }
}
