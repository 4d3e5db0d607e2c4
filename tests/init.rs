//! `accord init`: the starter project runs at once, and nothing is ever
//! overwritten.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::PathBuf;

mod common;

use common::run_in as accord;

fn fresh(name: &str) -> PathBuf {
    common::temp_dir("init", name)
}

#[test]
fn the_starter_checks_evaluates_and_plans_in_its_folder() {
    let root = fresh("runs");
    let (out, _, code) = accord(&root, &["init", "sla"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("sla/agreement.sla")
            && out.contains("next: cd sla && accord check && accord eval"),
        "{out}"
    );
    let dir = root.join("sla");
    let (out, _, code) = accord(&dir, &["check"]);
    assert_eq!(
        (code, out.trim()),
        (0, "checked 1 file: 0 errors, 0 warnings")
    );
    let (_, _, code) = accord(&dir, &["fmt", "--check", "agreement.sla"]);
    assert_eq!(code, 0, "the starter is in the canonical layout");
    let (out, err, code) = accord(&dir, &["eval", "--format", "json"]);
    assert!(code <= 1, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["data"]["leads"], 150);
    assert_eq!(doc["data"]["issues"], 0);
    assert_eq!(doc["rules"].as_array().unwrap().len(), 5);
    let (out, err, code) = accord(&dir, &["test", "."]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3 expectations: 3 passed, 0 failed"), "{out}");
    let (out, _, code) = accord(&dir, &["plan"]);
    assert_eq!(code, 0);
    assert!(out.contains("= leads (funnel.leads)"), "{out}");
}

#[test]
fn an_existing_file_stops_init_before_it_writes_anything() {
    let dir = fresh("exists");
    std::fs::write(dir.join("agreement.sla"), "mine").unwrap();
    let (_, err, code) = accord(&dir, &["init"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("accord::E130") && err.contains("agreement.sla` already exists"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("agreement.sla")).unwrap(),
        "mine"
    );
    assert!(!dir.join("accord.toml").exists(), "nothing written");
    assert!(!dir.join("data").exists(), "nothing written");
}
