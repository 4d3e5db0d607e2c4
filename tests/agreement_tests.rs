//! `accord test`: passing and failing expectations, every output format,
//! and test files that cannot run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::PathBuf;

mod common;

use common::run as accord;

/// A test file next to the bundled agreement's path, in a fresh folder.
fn test_file(name: &str, body: &str) -> PathBuf {
    let dir = common::temp_dir("tests", name);
    let path = dir.join(format!("{name}.test.toml"));
    let agreement = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/b2b-inbound.sla");
    std::fs::write(
        &path,
        format!(
            "agreement = {:?}\nas_of = \"2027-02-01T00:00:00+01:00\"\n{body}",
            agreement.display().to_string()
        ),
    )
    .unwrap();
    path
}

const LEAD: &str = r#"
[[lead]]
id = "L1"
handed_off_at = "2027-01-04T09:00:00+01:00"
source = "marketing"
email = "a@example.com"
persona = "Manager"
owner = "ann@northwind.example"

[[activity]]
lead = "L1"
at = "2027-01-04T11:00:00+01:00"
kind = "email"
"#;

#[test]
fn the_bundled_examples_pass() {
    let (out, err, code) = accord(&["test"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("rules/b2b-inbound.test.toml: 8 passed, 0 failed"),
        "{out}"
    );
}

#[test]
fn a_failing_expectation_shows_expected_actual_and_the_explanation() {
    let path = test_file(
        "failing",
        &format!("{LEAD}\n[[expect]]\nrule = \"Speed to lead\"\nlead = \"L1\"\noutcome = \"met\"\n\n[[expect]]\nrule = \"Speed to lead\"\nwindow = \"2027-01\"\ngroup = \"ann@northwind.example\"\nstatus = \"missed\"\nobserved = 0.0\n"),
    );
    let (out, _, code) = accord(&["test", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("1 passed, 1 failed"), "{out}");
    assert!(out.contains("expected: met"), "{out}");
    assert!(
        out.contains("actual:   missed (first touch after 2h, window 1h on office)"),
        "{out}"
    );
    assert!(
        out.contains("- deadline: 2027-01-04T10:00:00+01:00"),
        "the explanation follows: {out}"
    );

    let (json, _, code) = accord(&["test", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        (doc["passed"].as_u64(), doc["failed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        doc["files"][0]["results"][0]["actual"],
        "missed (first touch after 2h, window 1h on office)"
    );
    assert_eq!(doc["files"][0]["results"][1]["passed"], true);

    let (xml, _, _) = accord(&["test", path.to_str().unwrap(), "--format", "junit"]);
    assert!(
        xml.contains("tests=\"2\" failures=\"1\"")
            && xml.contains("<failure message=\"expected met, got missed"),
        "{xml}"
    );
}

#[test]
fn a_missing_window_says_which_windows_exist() {
    let path = test_file(
        "window",
        &format!("{LEAD}\n[[expect]]\nrule = \"Speed to lead\"\nwindow = \"2027-01\"\nstatus = \"met\"\n"),
    );
    let (out, _, code) = accord(&["test", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        out.contains("no such window; the rule has: 2027-01 ann@northwind.example"),
        "{out}"
    );
}

#[test]
fn invalid_test_files_point_into_the_toml() {
    let cases = [
        (
            "unknown-rule",
            "[[expect]]\nrule = \"Speed to led\"\nlead = \"L1\"\noutcome = \"met\"\n",
            "accord::E152",
            "did you mean \"Speed to lead\"?",
        ),
        (
            "bad-outcome",
            "[[expect]]\nrule = \"Speed to lead\"\nlead = \"L1\"\noutcome = \"done\"\n",
            "accord::E151",
            "`done` is not an outcome",
        ),
        (
            "unknown-key",
            "colour = \"red\"\n",
            "accord::E151",
            "unknown field `colour`",
        ),
        (
            "half",
            "[[expect]]\nrule = \"Speed to lead\"\nlead = \"L1\"\nstatus = \"met\"\n",
            "accord::E151",
            "either `lead` and `outcome`",
        ),
        ("syntax", "[[expect]\n", "accord::E151", "half.test.toml"),
    ];
    for (name, body, code_text, message) in cases {
        let path = test_file(name, body);
        let (_, err, code) = accord(&["test", path.to_str().unwrap()]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(code_text), "{name}: {err}");
        if name != "syntax" {
            assert!(err.contains(message), "{name}: {err}");
        }
        assert!(
            err.contains(&format!("{name}.test.toml:")),
            "{name} points into the file: {err}"
        );
    }
}
