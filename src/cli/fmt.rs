//! `accord fmt`: rewrite agreements in the canonical layout.

use std::io::Read;
use std::path::PathBuf;

use super::Exit;
use crate::agreement::{Checked, Problem};
use crate::report::diagnostics;
use crate::source::{self, Source};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Agreement files or folders; `-` reads standard input and writes standard output
    pub paths: Vec<PathBuf>,
    /// Change nothing; list the files that would change and exit 1 if any would
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: &Args) -> Exit {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        return stdin();
    }
    let mut exit = Exit::Ok;
    let paths = match super::default_paths(&args.paths) {
        Ok(paths) => paths,
        Err(exit) => return exit,
    };
    for found in source::agreement_files(&paths) {
        let result = found.and_then(|path| source::read(&path).map(|s| (path, s)));
        let outcome = match result {
            Ok((path, source)) => one(&path, source, args.check),
            Err(e) => {
                let warning = e.is_warning();
                report(None, Problem::Load(e));
                if warning {
                    Exit::Ok
                } else {
                    Exit::Trouble
                }
            }
        };
        exit = exit.max(outcome);
    }
    exit
}

fn one(path: &std::path::Path, source: Source, check: bool) -> Exit {
    let formatted = match crate::format::format(&source.text) {
        Ok(f) => f,
        Err(errors) => {
            for e in errors {
                report(Some(source.clone()), Problem::Parse(e));
            }
            return Exit::Failed;
        }
    };
    if formatted == *source.text {
        return Exit::Ok;
    }
    if check {
        println!("would reformat {}", path.display());
        return Exit::Failed;
    }
    match std::fs::write(path, formatted) {
        Ok(()) => {
            println!("reformatted {}", path.display());
            Exit::Ok
        }
        Err(e) => {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            Exit::Trouble
        }
    }
}

fn stdin() -> Exit {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        eprintln!("error: cannot read standard input: {e}");
        return Exit::Trouble;
    }
    let source = match source::from_bytes("<stdin>".to_owned(), bytes) {
        Ok(s) => s,
        Err(e) => {
            report(None, Problem::Load(e));
            return Exit::Trouble;
        }
    };
    match crate::format::format(&source.text) {
        Ok(formatted) => {
            print!("{formatted}");
            Exit::Ok
        }
        Err(errors) => {
            for e in errors {
                report(Some(source.clone()), Problem::Parse(e));
            }
            Exit::Failed
        }
    }
}

/// A problem on stderr, so that formatted text on stdout stays clean.
fn report(source: Option<Source>, problem: Problem) {
    let file = Checked {
        source,
        agreement: None,
        problems: Vec::new(),
    };
    eprint!("{}", diagnostics::plain(&file, &problem));
}
