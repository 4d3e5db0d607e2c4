//! `accord init [DIR]`: write a starter project.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::Exit;
use crate::report::diagnostics;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write into (created if needed; default: the current one)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

pub fn run(args: &Args) -> Exit {
    match crate::init::init(&args.dir) {
        Ok(files) => {
            for file in &files {
                println!("wrote {}", file.display());
            }
            let cd = if args.dir.as_os_str() == "." {
                String::new()
            } else {
                format!("cd {} && ", args.dir.display())
            };
            println!("next: {cd}accord check && accord eval");
            Exit::Ok
        }
        Err(e) => {
            let handler = diagnostics::handler(super::colour_for(std::io::stderr().is_terminal()));
            let mut out = String::new();
            let _ = handler.render_report(&mut out, &e);
            eprint!("{out}");
            Exit::Trouble
        }
    }
}
