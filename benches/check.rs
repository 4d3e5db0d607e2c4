//! `accord check` on a generated agreement of many rules.
//!
//! Run with `cargo bench --bench check` (optionally `-- RULES RUNS`). It
//! writes the generated agreement to the target folder, then times, over
//! several runs each, the library's parse, check and format, and the real
//! binary's `accord check` end to end next to `accord --version` (process
//! start-up, the baseline measured in the same run). Figures are medians;
//! the machines are noisy, so compare ratios rather than absolute times.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fmt::Write;
use std::process::Command;
use std::time::{Duration, Instant};

/// An agreement with `rules` rules cycling through all five kinds, over a
/// realistic set of definitions.
fn generate(rules: usize) -> String {
    let mut s = String::from(
        "# Generated for benchmarking.\nagreement \"Benchmark\" {\n  effective 2027-01-01 to 2027-12-31\n  timezone  \"Europe/Amsterdam\"\n  currency  EUR\n\n",
    );
    s.push_str("  calendar office {\n    hours  mon-fri 09:00-12:30, 13:00-17:30\n    closed 2027-04-27, 2027-05-05\n  }\n");
    s.push_str("  team marketing { lead \"m@x.example\" }\n  team sales {\n    lead    \"s@x.example\"\n    members \"a@x.example\", \"b@x.example\"\n  }\n");
    let terms = (rules / 10).max(5);
    for t in 0..terms {
        let _ = writeln!(s, "  term t{t} means source is \"s{t}\" and (persona in (\"CEO\", \"Director\") or score >= {t})");
    }
    s.push_str("  weights persona {\n    \"CEO\"      100\n    \"Director\"  50\n    otherwise   10\n  }\n");
    s.push_str("  funnel {\n    revenue          EUR 1_200_000 per quarter\n    marketing share  60%\n    deal size        EUR 12_000\n    lead to customer 4%\n  }\n");
    for r in 0..rules {
        let t = r % terms;
        let rule = match r % 5 {
            0 => format!("  quota \"r{r}\" {{\n    owner marketing\n    leads t{t}\n    count >= funnel.leads each month\n  }}\n"),
            1 => format!("  response \"r{r}\" {{\n    owner sales\n    leads t{t}\n    first kind in (\"call\", \"email\")\n    within 5m           when persona is \"CEO\"\n    within 1h on office otherwise\n    target 95% each month per owner\n  }}\n"),
            2 => format!("  attempts \"r{r}\" {{\n    owner sales\n    leads t{t}\n    count kind is \"call\"\n    between 6 and 9 within 14d when t{t}\n    between 3 and 6 within 14d otherwise\n    until outcome is \"connected\"\n    max duration 2h\n    target 90% each month per owner\n  }}\n"),
            3 => format!("  duty \"r{r}\" {{\n    from sales to marketing\n    leads t{t}\n    within 7d after first kind is \"call\"\n    provide status by kind is \"feedback\"\n  }}\n"),
            _ => format!("  aging \"r{r}\" {{\n    owner sales\n    leads t{t}\n    contact kind is \"call\"\n    buckets 1w, 2w, 4w\n    breach after 2w\n    per owner\n  }}\n"),
        };
        s.push_str(&rule);
    }
    s.push_str("}\n");
    s
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm-up
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let rules = args.first().copied().unwrap_or(10_000);
    let runs = args.get(1).copied().unwrap_or(11);
    let text = generate(rules);
    let path = std::env::temp_dir().join(format!("accord-bench-{rules}.sla"));
    std::fs::write(&path, &text).unwrap();
    println!(
        "agreement: {rules} rules, {} lines, {} KiB at {}",
        text.lines().count(),
        text.len() / 1024,
        path.display()
    );

    let parsed = accord::syntax::parse(&text).unwrap();
    let options = accord::check::Options::default();
    assert!(
        accord::check::check(&parsed, &options)
            .iter()
            .all(|d| d.is_warning()),
        "generated agreement does not check"
    );

    let read = time(runs, || {
        std::hint::black_box(accord::syntax::comments(&text));
    });
    let parse = time(runs, || {
        std::hint::black_box(accord::syntax::parse(&text).unwrap());
    });
    let check = time(runs, || {
        std::hint::black_box(accord::check::check(&parsed, &options));
    });
    let format = time(runs, || {
        std::hint::black_box(accord::format::format(&text).unwrap());
    });
    println!("library, median of {runs}:");
    println!("  lexical scan (baseline) {:>10}", ms(read));
    println!(
        "  parse                   {:>10}  ({:.1}x baseline)",
        ms(parse),
        parse.as_secs_f64() / read.as_secs_f64()
    );
    println!("  check                   {:>10}", ms(check));
    println!("  format                  {:>10}", ms(format));

    let bin = env!("CARGO_BIN_EXE_accord");
    let startup = time(runs, || {
        let status = Command::new(bin).arg("--version").output().unwrap().status;
        assert!(status.success());
    });
    let end_to_end = time(runs, || {
        let out = Command::new(bin)
            .arg("check")
            .arg(&path)
            .arg("--today")
            .arg("2027-01-06")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
    });
    println!("binary, median of {runs}:");
    println!("  accord --version (baseline) {:>10}", ms(startup));
    println!(
        "  accord check                {:>10}  ({:.1}x baseline)",
        ms(end_to_end),
        end_to_end.as_secs_f64() / startup.as_secs_f64()
    );
}
