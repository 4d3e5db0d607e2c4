//! `accord diff OLD NEW`: two versions of an agreement compared by meaning,
//! and with data, the verdicts that would change.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::{SecondsFormat, Utc};

use super::inputs;
use super::Exit;
use crate::agreement::{check_source, Checked};
use crate::check::Options as CheckOptions;
use crate::diff::flips::{flips, Flip};
use crate::diff::render::{self, Document};
use crate::diff::version::{Version, VersionError};
use crate::diff::{compare, Diff};
use crate::eval::run::{evaluate, Options};
use crate::project::{self, Overrides, Project};
use crate::report::diagnostics;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old version: a file, or REV:PATH read from git (`HEAD~1:rules/acme.sla`)
    pub old: String,
    /// The new version: a file, or REV:PATH read from git
    pub new: String,
    /// Also evaluate both versions on this leads export (the rest from accord.toml)
    #[arg(long, value_name = "FILE")]
    pub leads: Option<PathBuf>,
    /// Also evaluate both versions on this activities export (the rest from accord.toml)
    #[arg(long, value_name = "FILE")]
    pub activities: Option<PathBuf>,
    /// Also evaluate both versions on the data this project file names
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// "Now" for the evaluation: RFC 3339, or a local time in the agreement's zone
    #[arg(long, value_name = "INSTANT")]
    pub as_of: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub threads: super::inputs::Threads,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Markdown,
    Json,
}

impl Args {
    /// Data flags ask for an evaluation; without them the diff reads no data,
    /// even in a folder with an accord.toml.
    fn evaluates(&self) -> bool {
        self.leads.is_some() || self.activities.is_some() || self.config.is_some()
    }
}

pub fn run(args: &Args) -> Exit {
    let (old, new) = match (Version::read(&args.old), Version::read(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            let errors = [old.err(), new.err()];
            return fail(&[], errors.iter().flatten());
        }
    };
    let options = CheckOptions { today: None };
    let checked = [&old, &new].map(|v| check_source(v.source.clone(), &options));
    let [Some(before), Some(after)] = checked.each_ref().map(Checked::clean) else {
        let invalid: Vec<&Checked> = checked.iter().filter(|c| c.errors() > 0).collect();
        let errors: Vec<VersionError> = invalid
            .iter()
            .filter_map(|c| c.source.as_ref())
            .map(|s| VersionError::Invalid {
                arg: s.name.clone(),
            })
            .collect();
        return fail(&invalid, errors.iter());
    };
    let diff = compare(before, after);
    let evaluated = if args.evaluates() {
        match verdict_flips(args, &old, &new) {
            Ok(found) => Some(found),
            Err(exit) => return exit,
        }
    } else {
        None
    };
    print!("{}", output(args, &diff, evaluated.as_ref()));
    let flipped = evaluated.as_ref().is_some_and(|(_, f)| !f.is_empty());
    if diff.is_empty() && !flipped {
        Exit::Ok
    } else {
        Exit::Failed
    }
}

fn output(args: &Args, diff: &Diff, evaluated: Option<&(String, Vec<Flip>)>) -> String {
    let doc = Document {
        schema: render::SCHEMA,
        old: &args.old,
        new: &args.new,
        changes: &diff.changes,
        renames: &diff.renames,
        as_of: evaluated.map(|(as_of, _)| as_of.as_str()),
        flips: evaluated.map(|(_, f)| f.as_slice()),
    };
    match args.format {
        Format::Human => render::human(&doc),
        Format::Markdown => render::markdown(&doc),
        Format::Json => render::json(&doc),
    }
}

/// Both versions evaluated on the same data at the same instant: the
/// instant as the verdict writes it, and the windows whose status differs.
fn verdict_flips(args: &Args, old: &Version, new: &Version) -> Result<(String, Vec<Flip>), Exit> {
    let copy = |v: &Version| v.on_disk().map_err(|e| fail(&[], [e].iter()));
    let (old_file, new_file) = (copy(old)?, copy(new)?);
    let base = project::resolve(&Overrides {
        agreement: Some(new_file.path.clone()),
        leads: args.leads.clone(),
        activities: args.activities.clone(),
        config: args.config.clone(),
    })
    .map_err(|e| inputs::fail(e.into()))?;
    // One instant for both, even when it is the clock's.
    let as_of = args
        .as_of
        .clone()
        .or_else(|| base.config.data.as_of.clone())
        .unwrap_or_else(|| Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true));
    let run = |agreement: &PathBuf| {
        let project = Project {
            agreement: agreement.clone(),
            ..base.clone()
        };
        let options = Options {
            as_of: Some(as_of.clone()),
            ..Options::default()
        };
        evaluate(&project, options).map_err(inputs::fail)
    };
    // Only the verdicts are kept: each evaluation's judged states are freed
    // at once, not held while the other runs.
    let before = run(&old_file.path)?.verdict;
    let after = run(&new_file.path)?.verdict;
    Ok((after.as_of.clone(), flips(&before, &after)))
}

/// Tells on stderr why the diff could not run: the diagnostics of the
/// versions that do not check, then each error.
fn fail<'e>(invalid: &[&Checked], errors: impl Iterator<Item = &'e VersionError>) -> Exit {
    let colour = super::colour_for(std::io::stderr().is_terminal());
    let handler = diagnostics::handler(colour);
    let mut out = String::new();
    for checked in invalid {
        for problem in &checked.problems {
            diagnostics::render_one(&handler, checked, problem, &mut out);
        }
    }
    for error in errors {
        let _ = handler.render_report(&mut out, error);
        out.push('\n');
    }
    eprint!("{out}");
    Exit::Trouble
}
