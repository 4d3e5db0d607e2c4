//! `accord check`: parse and validate agreements.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::Exit;
use crate::agreement::{check_file, Checked, Problem};
use crate::check::Options;
use crate::report::diagnostics;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Agreement files or folders (default: `accord.toml`'s agreement, else `./rules`)
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The day to judge expiry and review dates against (default: today)
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

pub fn run(args: &Args) -> Exit {
    let options = Options {
        today: Some(
            args.today
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
        ),
    };
    let mut files: Vec<Checked> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let paths = match super::default_paths(&args.paths) {
        Ok(paths) => paths,
        Err(exit) => return exit,
    };
    for found in crate::source::agreement_files(&paths) {
        match found {
            Ok(path) => {
                names.push(path.display().to_string());
                files.push(check_file(&path, &options));
            }
            Err(e) => {
                names.push(String::new());
                files.push(Checked {
                    source: None,
                    agreement: None,
                    problems: vec![Problem::Load(e)],
                });
            }
        }
    }
    let output = match args.format {
        Format::Human => diagnostics::human(&files, super::colour()),
        Format::Json => diagnostics::json(&files, &names),
        Format::Github => diagnostics::github(&files, &names),
    };
    print!("{output}");
    files
        .iter()
        .map(|f| exit_of(f, args.deny_warnings))
        .max()
        .unwrap_or(Exit::Ok)
}

fn exit_of(file: &Checked, deny_warnings: bool) -> Exit {
    if file
        .problems
        .iter()
        .any(|p| matches!(p, Problem::Load(l) if !l.is_warning()))
    {
        Exit::Trouble
    } else if file.errors() > 0 || (deny_warnings && file.warnings() > 0) {
        Exit::Failed
    } else {
        Exit::Ok
    }
}
