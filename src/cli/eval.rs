//! `accord eval`: verdicts per rule, window and group.

use std::io::{BufWriter, ErrorKind, Write};

use super::inputs::DataArgs;
use super::Exit;
use crate::eval::verdict::Status;
use crate::report::{json, verdict};

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
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = match args.format {
        // Written as it is serialised: at a million leads the document runs
        // to tens of megabytes.
        Format::Json => json::write(v, &mut out),
        Format::Human => out.write_all(verdict::human(v).as_bytes()),
        Format::Github => {
            let file = project.agreement.display().to_string();
            out.write_all(verdict::github(v, &file).as_bytes())
        }
        Format::Junit => out.write_all(verdict::junit(v).as_bytes()),
        Format::Markdown => out.write_all(verdict::markdown(v).as_bytes()),
    };
    let exit = exit_for(v.status, args.fail_on);
    // The process ends here: freeing a million leads' verdict strings one
    // by one would only delay the exit.
    std::mem::forget(evaluation);
    match written.and_then(|()| out.flush()) {
        // A reader that stopped early (`| head`) wanted no more.
        Err(e) if e.kind() != ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the verdicts: {e}");
            Exit::Trouble
        }
        _ => exit,
    }
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
