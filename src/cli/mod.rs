//! The `accord` command line: one file per subcommand, each with its own
//! `Args` and a `run` that returns an [`Exit`].

mod check;
mod data;
mod diff;
mod due;
mod eval;
mod explain;
mod fmt;
mod init;
mod inputs;
mod lsp;
mod plan;
mod post;
mod report;
mod test;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

use crate::report::diagnostics::Colour;

/// SLA-as-code for the agreement between marketing and sales.
#[derive(Debug, Parser)]
#[command(name = "accord", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and validate agreements (files, or folders searched for `*.sla`)
    Check(check::Args),
    /// Rewrite agreements in the canonical layout, comments kept
    Fmt(fmt::Args),
    /// The funnel derivation and every quota's target per window, prorated by days
    Plan(plan::Args),
    /// Evaluate against data: verdicts per rule, window and group
    Eval(eval::Args),
    /// Every rule's judgement of one lead, step by step
    Explain(explain::Args),
    /// Who must act now: open obligations soonest first, then overdue ones; or a chat message
    Due(due::Args),
    /// What accord reads from the exports: per file and per field, before any verdict
    Data(data::Args),
    /// Write a starter agreement, accord.toml and sample data that run at once
    Init(init::Args),
    /// Run agreement tests: `*.test.toml` files of leads, activities and expected verdicts
    Test(test::Args),
    /// Write one self-contained HTML page of the verdicts, for both teams
    Report(report::Args),
    /// Compare two versions of an agreement by meaning: stricter or looser, and for whom
    Diff(diff::Args),
    /// Serve the Language Server Protocol on standard input and output, for editors
    Lsp(lsp::Args),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

impl Command {
    /// `--threads` of a command that reads data.
    fn threads(&self) -> Option<inputs::Threads> {
        match self {
            Command::Eval(args) => Some(args.data.threads),
            Command::Explain(args) => Some(args.data.threads),
            Command::Data(args) => Some(args.data.threads),
            Command::Report(args) => Some(args.data.threads),
            Command::Due(args) => Some(args.data.threads),
            Command::Test(args) => Some(args.threads),
            Command::Diff(args) => Some(args.threads),
            // Listed, not `_`: a new command that reads data must say so.
            Command::Check(_)
            | Command::Fmt(_)
            | Command::Plan(_)
            | Command::Init(_)
            | Command::Lsp(_)
            | Command::Completions { .. } => None,
        }
    }
}

/// What an exit code means; ordered so that the worst of several wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything held.
    Ok = 0,
    /// The command ran and found a problem: errors, a breach, files to reformat.
    Failed = 1,
    /// The command could not run: unreadable input, bad flags, a broken agreement for `eval`.
    Trouble = 2,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}

/// Parses the command line and runs the command.
pub fn main() -> Exit {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Trouble
            } else {
                Exit::Ok
            };
        }
    };
    if let Some(threads) = cli.command.threads() {
        threads.install();
    }
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Due(args) => due::run(&args),
        Command::Data(args) => data::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "accord", &mut std::io::stdout());
            Exit::Ok
        }
    }
}

/// Colour only on a terminal, and never with `NO_COLOR` set.
pub(crate) fn colour() -> Colour {
    colour_for(std::io::stdout().is_terminal())
}

/// Colour for a stream that is (or is not) a terminal.
pub(crate) fn colour_for(terminal: bool) -> Colour {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if !no_color && terminal {
        Colour::Always
    } else {
        Colour::Never
    }
}

/// The agreements a command works on when none are named: `accord.toml`'s
/// agreement if there is one, else the `rules` folder.
pub(crate) fn default_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Exit> {
    if !paths.is_empty() {
        return Ok(paths.to_vec());
    }
    // A broken accord.toml is reported, not passed over for `./rules`: a
    // typo in it would otherwise quietly check the wrong files.
    match crate::project::agreement_path(&crate::project::Overrides::default()) {
        Ok(agreement) => Ok(vec![agreement]),
        Err(crate::project::ProjectError::Missing { .. }) => Ok(vec![PathBuf::from("rules")]),
        Err(e) => Err(inputs::fail(e.into())),
    }
}
