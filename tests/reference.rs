//! The evaluator against the previous implementation. The verdict documents
//! in `tests/data/reference/*.json` were written by accord before files were
//! read in parts, before activity values were looked up instead of interned,
//! and before per-lead state was compacted (commit 680ba79). They cover
//! generated data: 1,000 leads and about 10,000 activities from
//! `examples/generate.rs`, bad rows included. Today's evaluator must write
//! them byte for byte, in one pass and in many parts. See
//! `tests/data/reference/README.md` for how they were made.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;

use accord::data::{Config, Split};
use accord::project::Project;

const AS_OF: &str = "2027-04-15T12:00:00+02:00";

/// The document as `accord eval --format json` prints it.
fn document(agreement: &str, split: Split) -> String {
    let project = Project {
        config: Config::default(),
        agreement: PathBuf::from(agreement),
        // Relative, as the reference was run: issues name the file so.
        leads: PathBuf::from("tests/data/reference/leads.csv"),
        activities: vec![PathBuf::from("tests/data/reference/activities.csv")],
    };
    common::verdict_document(&project, AS_OF, split)
}

fn assert_matches_reference(agreement: &str, reference: &str) {
    let path = PathBuf::from("tests/data/reference").join(reference);
    let expected = std::fs::read_to_string(&path).unwrap();
    for threads in [1, 2, 5] {
        let split = Split {
            threads,
            min_bytes: 1,
        };
        let actual = document(agreement, split);
        if actual != expected {
            let line = actual
                .lines()
                .zip(expected.lines())
                .position(|(a, e)| a != e)
                .map_or(0, |i| i + 1);
            panic!(
                "{agreement} in {threads} part(s) differs from {} from line {line}",
                path.display()
            );
        }
    }
}

#[test]
fn the_sample_agreement_as_the_previous_implementation_judged_it() {
    assert_matches_reference("rules/b2b-inbound.sla", "b2b-inbound.json");
}

#[test]
fn the_benchmark_agreement_as_the_previous_implementation_judged_it() {
    assert_matches_reference("benches/e2e.sla", "e2e.json");
}
