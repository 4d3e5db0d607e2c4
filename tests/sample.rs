//! The README's first command: `accord eval` in the repository root runs on
//! the bundled sample (accord.toml → rules/b2b-inbound.sla and rules/data/)
//! and its output is pinned, in every format.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

fn accord(args: &[&str]) -> (String, i32) {
    let (stdout, _, code) = common::run(args);
    (stdout, code)
}

#[test]
fn the_sample_evaluates_to_the_pinned_verdicts() {
    let (human, code) = accord(&["eval"]);
    assert_eq!(code, 1, "the sample has breaches, so eval exits 1");
    insta::assert_snapshot!("sample_human", human);
    for format in ["json", "markdown", "junit", "github"] {
        let (out, code) = accord(&["eval", "--format", format]);
        assert_eq!(code, 1, "{format}");
        insta::assert_snapshot!(format!("sample_{format}"), out);
    }
    let (_, code) = accord(&["eval", "--fail-on", "never"]);
    assert_eq!(code, 0);
}

#[test]
fn every_sample_row_is_used_or_an_issue() {
    let (out, _) = accord(&["eval", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let root = common::root();
    let rows = |file: &str| -> u64 {
        let mut reader = csv::Reader::from_path(root.join(file)).unwrap();
        reader.byte_records().count() as u64
    };
    let issues_in = |file: &str| {
        doc["issues"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["file"].as_str().unwrap().ends_with(file))
            .count() as u64
    };
    let leads = doc["data"]["leads"].as_u64().unwrap();
    let activities = doc["data"]["activities"].as_u64().unwrap();
    assert!(leads > 200, "a few hundred leads");
    assert_eq!(rows("rules/data/leads.csv"), leads + issues_in("leads.csv"));
    assert_eq!(
        rows("rules/data/activities.csv"),
        activities + issues_in("activities.csv")
    );
    assert_eq!(
        doc["data"]["issues"],
        doc["issues"].as_array().unwrap().len()
    );
}

#[test]
fn the_sample_holds_every_status_a_reader_should_see() {
    let (out, _) = accord(&["eval", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let statuses: std::collections::BTreeSet<&str> = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["windows"].as_array().unwrap())
        .map(|w| w["status"].as_str().unwrap())
        .collect();
    for status in ["met", "missed", "on_track"] {
        assert!(
            statuses.contains(status),
            "no {status} window in {statuses:?}"
        );
    }
}
