//! The flags `eval`, `explain` and `report` share: where the agreement and
//! the data are, and "now"; how many threads the commands that read data
//! use; and how a run that could not start is told.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::Exit;
use crate::data::Split;
use crate::eval::run::{Evaluation, Options, RunError};
use crate::project::{self, Overrides, Project};
use crate::report::diagnostics;

#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// The agreement (default: `agreement` in accord.toml)
    pub agreement: Option<PathBuf>,
    /// The leads export, CSV or JSON Lines (default: `[leads] path` in accord.toml)
    #[arg(long, value_name = "FILE")]
    pub leads: Option<PathBuf>,
    /// The activities export, CSV or JSON Lines (default: `[activities] path` in accord.toml)
    #[arg(long, value_name = "FILE")]
    pub activities: Option<PathBuf>,
    /// The project file (default: ./accord.toml when present)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// "Now": RFC 3339, or a local time in the agreement's zone (default: `[data] as_of` in accord.toml, else the current time)
    #[arg(long, value_name = "INSTANT")]
    pub as_of: Option<String>,
    /// Make any data issue fatal (exit 2)
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub threads: Threads,
}

/// `--threads N`, of every command that reads data.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Threads {
    /// Threads to read and evaluate on (default: one per core); memory does not grow with them
    #[arg(long, value_name = "N", env = "ACCORD_THREADS",
          value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

impl Threads {
    /// Builds the thread pool every parallel step runs on, once, with this
    /// many threads (files are then read in as many parts, see
    /// [`Split::default`]). A pool built already (a second command in one
    /// process, as in tests) stays as it is.
    pub fn install(self) {
        if let Some(n) = self.threads {
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(usize::from(n))
                .build_global();
        }
    }
}

impl DataArgs {
    pub fn project(&self) -> Result<Project, RunError> {
        Ok(project::resolve(&Overrides {
            agreement: self.agreement.clone(),
            leads: self.leads.clone(),
            activities: self.activities.clone(),
            config: self.config.clone(),
        })?)
    }

    /// Resolves the inputs and evaluates, with a progress line on a
    /// terminal; on failure, tells why on stderr and gives the exit code.
    pub fn evaluate(&self) -> Result<(Project, Evaluation), Exit> {
        self.evaluate_with(false)
    }

    /// [`DataArgs::evaluate`], also listing what is due when `due` is set.
    pub fn evaluate_with(&self, due: bool) -> Result<(Project, Evaluation), Exit> {
        let project = self.project().map_err(fail)?;
        let mut progress = progress();
        let hook = progress.as_mut().map(|p| p as &mut dyn FnMut(u64));
        let options = Options {
            due,
            ..self.options(hook)
        };
        let result = crate::eval::run::evaluate(&project, options);
        end_progress();
        result.map(|e| (project, e)).map_err(fail)
    }

    pub fn options<'a>(&self, progress: Option<&'a mut dyn FnMut(u64)>) -> Options<'a> {
        Options {
            as_of: self.as_of.clone(),
            strict: self.strict,
            progress,
            split: Split::default(),
            max_rejected: None,
            due: false,
        }
    }
}

/// A progress line on stderr, only when stderr is a terminal.
pub fn progress() -> Option<impl FnMut(u64)> {
    std::io::stderr().is_terminal().then_some(|rows: u64| {
        eprint!("\rreading activities: {rows} rows");
    })
}

/// Ends a progress line, if one was drawn.
pub fn end_progress() {
    if std::io::stderr().is_terminal() {
        eprint!("\r\x1b[2K");
    }
}

/// Tells on stderr why the run could not start, with whatever it found.
pub fn fail(error: RunError) -> Exit {
    let colour = super::colour_for(std::io::stderr().is_terminal());
    let handler = diagnostics::handler(colour);
    let mut out = String::new();
    match &error {
        RunError::Agreement { checked, .. } => {
            for problem in &checked.problems {
                diagnostics::render_one(&handler, checked, problem, &mut out);
            }
        }
        RunError::Strict { issues, .. } | RunError::Rejected { issues, .. } => {
            out.push_str("data issues:\n");
            out.push_str(&crate::report::issues::human(issues, "  "));
        }
        _ => {}
    }
    let _ = handler.render_report(&mut out, &error);
    eprint!("{out}");
    Exit::Trouble
}

/// `--format` of the commands that print one document: for a person, or
/// as JSON for tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HumanOrJson {
    Human,
    Json,
}

impl HumanOrJson {
    /// Prints `value` in this format; `human` renders it for a person. A
    /// reader that stops early (`| head`) is no error: `print!` would
    /// panic on the closed pipe.
    pub fn print<T: serde::Serialize>(self, value: &T, human: impl FnOnce(&T) -> String) {
        use std::io::Write as _;
        let text = match self {
            HumanOrJson::Human => human(value),
            HumanOrJson::Json => serde_json::to_string_pretty(value).unwrap_or_default() + "\n",
        };
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
}
