//! The `accord` binary: the command line over the library.

use std::process::ExitCode;

/// Evaluation and the parser recurse; a generous stack keeps hostile or
/// generated input (deep conditions, long chains) from overflowing it.
const STACK: usize = 256 * 1024 * 1024;

fn main() -> ExitCode {
    let worker = std::thread::Builder::new()
        .name("accord".to_owned())
        .stack_size(STACK)
        .spawn(accord::cli::main);
    match worker.map(|w| w.join()) {
        Ok(Ok(exit)) => exit.into(),
        _ => {
            eprintln!("error: accord stopped unexpectedly; this is a bug, please report it");
            ExitCode::from(2)
        }
    }
}
