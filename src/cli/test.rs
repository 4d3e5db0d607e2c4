//! `accord test [PATH...]`: run agreement tests (`*.test.toml`).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::Exit;
use crate::report::{diagnostics, testing};
use crate::testing::{run_file, FileResult};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Test files or folders (default: `*.test.toml` under `tests/` and `rules/`)
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub threads: super::inputs::Threads,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
}

const SUFFIX: &str = ".test.toml";

pub fn run(args: &Args) -> Exit {
    let handler = diagnostics::handler(super::colour_for(std::io::stderr().is_terminal()));
    let mut trouble = String::new();
    let mut files = Vec::new();
    let explicit = !args.paths.is_empty();
    let roots = if explicit {
        args.paths.clone()
    } else {
        vec![PathBuf::from("tests"), PathBuf::from("rules")]
    };
    for root in roots {
        let found = if root.is_dir() {
            crate::source::search(&root, SUFFIX)
        } else if explicit || root.exists() {
            Ok(crate::source::Found {
                files: vec![root.clone()],
                skipped: Vec::new(),
            })
        } else {
            Ok(crate::source::Found::default())
        };
        match found {
            Ok(found) => {
                files.extend(found.files);
                // A warning: printed, but not trouble that changes the exit code.
                for skipped in &found.skipped {
                    let mut warning = String::new();
                    let _ = handler.render_report(&mut warning, skipped);
                    eprint!("{warning}");
                }
            }
            Err(e) => {
                let _ = handler.render_report(&mut trouble, &e);
            }
        }
    }
    if files.is_empty() && trouble.is_empty() {
        eprintln!(
            "no `{SUFFIX}` files found{}",
            if explicit {
                ""
            } else {
                " under tests/ or rules/"
            }
        );
        return Exit::Trouble;
    }
    let mut results: Vec<FileResult> = Vec::new();
    for path in &files {
        match run_file(Path::new(path)) {
            Ok(r) => results.push(r),
            Err(e) => {
                if let crate::testing::TestError::Run(run) = &e {
                    if let crate::eval::run::RunError::Agreement { checked, .. } = run.as_ref() {
                        for problem in &checked.problems {
                            diagnostics::render_one(&handler, checked, problem, &mut trouble);
                        }
                    }
                }
                let _ = handler.render_report(&mut trouble, &e);
            }
        }
    }
    let output = match args.format {
        Format::Human if results.is_empty() => String::new(),
        Format::Human => testing::human(&results),
        Format::Json => testing::json(&results),
        Format::Junit => testing::junit(&results),
    };
    print!("{output}");
    eprint!("{trouble}");
    if !trouble.is_empty() {
        Exit::Trouble
    } else if results.iter().any(|r| r.failed() > 0) {
        Exit::Failed
    } else {
        Exit::Ok
    }
}
