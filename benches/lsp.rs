//! `accord lsp`: how long after a change an editor has its diagnostics, on
//! an agreement of 2,000 rules (the aim: under 200 ms).
//!
//! Run with `cargo bench --bench lsp` (optionally `-- RULES CHANGES`). It
//! starts the real binary as a language server, opens the agreement and
//! sends CHANGES full-text changes (every fourth one breaks a rule, the
//! next fixes it), timing each from sending `didChange` to receiving its
//! `publishDiagnostics`. Figures: median, 90th percentile and slowest.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;

use std::time::{Duration, Instant};

use lsp_client::Client;

/// A rule's opening line: `  quota "MQL volume" {`.
fn is_rule_head(line: &str) -> bool {
    line.starts_with("  ") && !line.starts_with("   ") && line.ends_with("\" {")
}

/// The example agreement with its rules repeated until there are at
/// least `rules`, each copy's rules renamed apart (`"MQL volume #3"`);
/// the text and its number of rules.
fn agreement(rules: usize) -> (String, usize) {
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/b2b-inbound.sla"
    ))
    .unwrap();
    let first_rule = example.find("  quota \"MQL volume\"").unwrap();
    let end = example.rfind('}').unwrap();
    let (head, body) = (&example[..first_rule], &example[first_rule..end]);
    let per_copy = body.lines().filter(|l| is_rule_head(l)).count();
    let copies = rules.div_ceil(per_copy);
    let mut out = head.to_owned();
    for copy in 0..copies {
        for line in body.lines() {
            if is_rule_head(line) {
                out.push_str(&format!("{} #{copy}\" {{\n", &line[..line.len() - 3]));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out.push_str("}\n");
    (out, copies * per_copy)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let rules = args.first().copied().unwrap_or(2_000);
    let changes = args.get(1).copied().unwrap_or(40);
    let (text, rules) = agreement(rules);
    let uri = "file:///bench/agreement.sla";
    let mut client = Client::start();
    let opened = Instant::now();
    let problems = client.open(uri, &text);
    let open_time = opened.elapsed();
    assert!(problems.is_empty(), "{problems:?}");

    let broken = text.replacen("owner sales", "owner salse", 1);
    let mut times: Vec<Duration> = Vec::with_capacity(changes);
    for n in 0..changes {
        // A one-character edit somewhere in the middle, or the broken version.
        let next = if n % 4 == 3 {
            broken.clone()
        } else {
            text.replacen("target 95%", &format!("target {}%", 90 + n % 5), 1)
        };
        let version = i32::try_from(n).unwrap() + 2;
        let sent = Instant::now();
        let diagnostics = client.change(uri, version, &next);
        times.push(sent.elapsed());
        assert_eq!(diagnostics.len(), usize::from(n % 4 == 3), "change {n}");
    }
    assert_eq!(client.shutdown(), 0);
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "accord lsp, {rules} rules ({} KB): open {:.1} ms; change to diagnostics over {changes} changes: median {:.1} ms, p90 {:.1} ms, slowest {:.1} ms",
        text.len() / 1024,
        ms(open_time),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(at(1.0)),
    );
}
