//! `accord plan`: the funnel derivation and every quota's prorated targets.

use std::path::PathBuf;

use super::inputs::{self, HumanOrJson};
use super::Exit;
use crate::agreement::check_file;
use crate::check::Options;
use crate::data::Interner;
use crate::eval::model::compile;
use crate::eval::plan::plan;
use crate::eval::run::RunError;
use crate::project::{self, Overrides};
use crate::report;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The agreement (default: `agreement` in accord.toml)
    pub agreement: Option<PathBuf>,
    /// The project file (default: ./accord.toml when present)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = HumanOrJson::Human)]
    pub format: HumanOrJson,
}

pub fn run(args: &Args) -> Exit {
    let path = match &args.agreement {
        Some(p) => p.clone(),
        None => match project::agreement_path(&Overrides {
            config: args.config.clone(),
            ..Overrides::default()
        }) {
            Ok(p) => p,
            Err(e) => return inputs::fail(e.into()),
        },
    };
    let checked = check_file(&path, &Options { today: None });
    let (Some(agreement), Some(source)) = (checked.clean(), checked.source.as_ref()) else {
        return inputs::fail(RunError::Agreement {
            path: path.display().to_string(),
            checked: Box::new(checked),
        });
    };
    let program = compile(agreement, &source.text, &mut Interner::new());
    let p = plan(&program);
    args.format
        .print(&p, |p| report::plan::human(p, program.currency.as_deref()));
    Exit::Ok
}
