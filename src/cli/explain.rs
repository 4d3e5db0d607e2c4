//! `accord explain --lead ID`: every rule's judgement of one lead.

use super::inputs::{self, DataArgs, HumanOrJson};
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
    #[arg(long, value_enum, default_value_t = HumanOrJson::Human)]
    pub format: HumanOrJson,
}

pub fn run(args: &Args) -> Exit {
    let result = args
        .data
        .project()
        .and_then(|project| explain(&project, args.data.options(None), &args.lead));
    match result {
        Ok(e) => {
            args.format.print(&e, report::explain::human);
            Exit::Ok
        }
        Err(e) => inputs::fail(e),
    }
}
