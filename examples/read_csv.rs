//! The floor for the end-to-end benchmark (benches/e2e.py): read both CSV
//! exports with the `csv` crate and touch every field, doing nothing else.
//! `cargo run --release --example read_csv -- LEADS ACTIVITIES`

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut totals = (0u64, 0u64);
    for path in std::env::args().skip(1) {
        let mut reader = match csv::Reader::from_path(&path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(2);
            }
        };
        let mut record = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {
                    totals.0 += 1;
                    totals.1 += record.iter().map(|f| f.len() as u64).sum::<u64>();
                }
                Ok(false) => break,
                Err(e) => {
                    eprintln!("{path}: {e}");
                    return ExitCode::from(2);
                }
            }
        }
    }
    println!("{} rows, {} field bytes", totals.0, totals.1);
    ExitCode::SUCCESS
}
