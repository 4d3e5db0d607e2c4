//! `accord lsp`: the language server, for editors (docs/editors.md).

use super::Exit;
use crate::lsp::{serve, Ended};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accepted for editors that pass it; standard input and output are the only transport
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_: &Args) -> Exit {
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    match serve(stdin, stdout) {
        Ok(Ended::Cleanly) => Exit::Ok,
        Ok(Ended::Abruptly) => Exit::Failed,
        Err(e) => {
            eprintln!("error: the editor's connection failed: {e}");
            Exit::Trouble
        }
    }
}
