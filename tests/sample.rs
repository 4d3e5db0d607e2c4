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

/// The sample's data rows in a fixed pseudo-random order. Rows data issues
/// name stay on their lines (an issue cites its line, and of two rows with
/// one lead id the first wins), and so does the header.
fn shuffled(text: &str, fixed: &[u64], seed: u64) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let movable: Vec<usize> = (1..lines.len())
        .filter(|i| !fixed.contains(&(*i as u64 + 1)))
        .collect();
    let mut order = movable.clone();
    // Fisher-Yates over a linear congruential generator: no dependency, and
    // the same order on every run.
    let mut state = seed;
    for i in (1..order.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        order.swap(i, (state >> 33) as usize % (i + 1));
    }
    let mut out = lines.clone();
    for (slot, from) in movable.iter().zip(&order) {
        out[*slot] = lines[*from];
    }
    out.join("\n") + "\n"
}

#[test]
fn the_same_rows_in_another_order_give_the_same_verdicts_in_every_format() {
    let root = common::root();
    let (json, _) = accord(&["eval", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    // The sample's breaches come in row order, or this test proves nothing.
    let leads: Vec<&str> = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["windows"].as_array().unwrap())
        .flat_map(|w| w["breaches"].as_array().unwrap())
        .map(|b| b["lead"].as_str().unwrap())
        .collect();
    assert!(leads.len() > 20, "{}", leads.len());
    let fixed = |file: &str| -> Vec<u64> {
        let mut lines = Vec::new();
        for issue in doc["issues"].as_array().unwrap() {
            if issue["file"].as_str().unwrap().ends_with(file) {
                lines.push(issue["line"].as_u64().unwrap());
                // "first on line N": the row that won keeps winning.
                let message = issue["message"].as_str().unwrap();
                if let Some(n) = message.split("first on line ").nth(1) {
                    lines.push(n.trim().parse().unwrap());
                }
            }
        }
        lines
    };
    let dir = common::temp_dir("sample", "shuffled");
    for (name, seed) in [
        ("as-exported", None),
        ("shuffled-1", Some(1)),
        ("shuffled-7", Some(7)),
    ] {
        let into = dir.join(name);
        std::fs::create_dir_all(&into).unwrap();
        for file in ["leads.csv", "activities.csv"] {
            let text = std::fs::read_to_string(root.join("rules/data").join(file)).unwrap();
            let text = match seed {
                None => text,
                Some(seed) => shuffled(&text, &fixed(file), seed),
            };
            std::fs::write(into.join(file), text).unwrap();
        }
    }
    let agreement = root.join("rules/b2b-inbound.sla");
    let agreement = agreement.to_str().unwrap();
    let common = [
        agreement,
        "--leads",
        "leads.csv",
        "--activities",
        "activities.csv",
        "--as-of",
        "2027-04-15T12:00:00+02:00",
    ];
    let outputs = |name: &str| -> Vec<String> {
        let mut out = Vec::new();
        for format in ["human", "json", "markdown", "junit", "github"] {
            let mut args = vec!["eval", "--format", format];
            args.extend(common);
            out.push(common::run_in(&dir.join(name), &args).0);
        }
        let mut args = vec!["report", "--out", "-"];
        args.extend(common);
        out.push(common::run_in(&dir.join(name), &args).0);
        out
    };
    let exported = outputs("as-exported");
    assert!(exported[1].contains("\"breaches\""));
    for name in ["shuffled-1", "shuffled-7"] {
        let reordered = outputs(name);
        for (a, b) in exported.iter().zip(&reordered) {
            assert!(a == b, "{name}: the output differs");
        }
    }
}
