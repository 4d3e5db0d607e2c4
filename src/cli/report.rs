//! `accord report --out FILE.html`: the verdict as one self-contained HTML
//! page for both teams.

use std::io::Write;
use std::path::PathBuf;

use super::inputs::DataArgs;
use super::Exit;
use crate::eval::run::Evaluation;
use crate::report::html;
use crate::report::verdict::words;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Where to write the page (`-`: standard output)
    #[arg(long, value_name = "FILE.html")]
    pub out: PathBuf,
}

/// Exit 0 once the page is written, whatever the verdicts: a report of a
/// breach is a report done; `accord eval` is the command that fails a job.
pub fn run(args: &Args) -> Exit {
    // The judged states are freed while the page is rendered.
    let (
        _,
        Evaluation {
            verdict,
            program,
            due,
            ..
        },
    ) = match args.data.evaluate_with(true) {
        Ok(done) => done,
        Err(exit) => return exit,
    };
    let page = html::page(&verdict, &program, &due);
    let status = words(verdict.status);
    if args.out.as_os_str() == "-" {
        let mut stdout = std::io::stdout().lock();
        return match stdout
            .write_all(page.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Ok(()) => Exit::Ok,
            Err(e) => {
                eprintln!("error: cannot write standard output: {e}");
                Exit::Trouble
            }
        };
    }
    match std::fs::write(&args.out, page) {
        Ok(()) => {
            println!("wrote {} ({status})", args.out.display());
            Exit::Ok
        }
        Err(e) => {
            eprintln!("error: cannot write `{}`: {e}", args.out.display());
            Exit::Trouble
        }
    }
}
