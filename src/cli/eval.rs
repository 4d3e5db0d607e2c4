//! `accord eval`: verdicts per rule, window and group.

use super::inputs::DataArgs;
use super::Exit;
use crate::eval::verdict::Status;
use crate::report::verdict;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Which status fails the run (exit 1)
    #[arg(long, value_enum, default_value_t = FailOn::Breached)]
    pub fail_on: FailOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    Junit,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A missed window (the default)
    Breached,
    /// A missed window or one at risk
    AtRisk,
    /// Never: always exit 0 when the run completes
    Never,
}

pub fn run(args: &Args) -> Exit {
    let (project, evaluation) = match args.data.evaluate() {
        Ok(done) => done,
        Err(exit) => return exit,
    };
    let v = &evaluation.verdict;
    let output = match args.format {
        Format::Human => verdict::human(v),
        Format::Json => serde_json::to_string_pretty(v)
            .map(|s| s + "\n")
            .unwrap_or_default(),
        Format::Github => verdict::github(v, &project.agreement.display().to_string()),
        Format::Junit => verdict::junit(v),
        Format::Markdown => verdict::markdown(v),
    };
    print!("{output}");
    exit_for(v.status, args.fail_on)
}

/// The exit code a document status earns under `--fail-on`.
pub fn exit_for(status: Status, fail_on: FailOn) -> Exit {
    let failing = match fail_on {
        FailOn::Breached => status == Status::Breached,
        FailOn::AtRisk => matches!(status, Status::Breached | Status::AtRisk),
        FailOn::Never => false,
    };
    if failing {
        Exit::Failed
    } else {
        Exit::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::{exit_for, Exit, FailOn, Status};

    #[test]
    fn fail_on_decides_which_statuses_fail() {
        assert_eq!(exit_for(Status::Breached, FailOn::Breached), Exit::Failed);
        assert_eq!(exit_for(Status::AtRisk, FailOn::Breached), Exit::Ok);
        assert_eq!(exit_for(Status::AtRisk, FailOn::AtRisk), Exit::Failed);
        assert_eq!(exit_for(Status::Breached, FailOn::Never), Exit::Ok);
        assert_eq!(exit_for(Status::NoData, FailOn::AtRisk), Exit::Ok);
    }
}
