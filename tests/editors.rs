//! The editor files in `editors/` against the language: the VS Code
//! extension's highlighting names every keyword of grammar/accord.pest,
//! and its manifest points at files that exist. (The highlighting is also
//! run through VS Code's own tokenizer by `npm test` in editors/vscode,
//! which .ci/run runs.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use serde_json::Value;

fn json(path: &str) -> Value {
    let text = std::fs::read_to_string(common::root().join(path)).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The words of a `\b(?:a|b|c)\b` pattern.
fn words_of(pattern: &str) -> Vec<String> {
    let inner = pattern
        .strip_prefix("\\b(?:")
        .and_then(|p| p.strip_suffix(")\\b"))
        .unwrap_or_else(|| panic!("not a list of words: {pattern}"));
    inner.split('|').map(str::to_owned).collect()
}

#[test]
fn the_textmate_grammar_scopes_every_keyword_of_the_grammar() {
    let grammar = json("editors/vscode/syntaxes/accord.tmLanguage.json");
    let repository = &grammar["repository"];
    let mut scoped: Vec<String> = Vec::new();
    for rule in ["declaration", "logical", "keyword"] {
        let name = repository[rule]["name"].as_str().unwrap();
        assert!(name.starts_with("keyword."), "{rule}: {name}");
        scoped.extend(words_of(repository[rule]["match"].as_str().unwrap()));
    }
    let missing: Vec<String> = accord::syntax::keywords::all()
        .into_iter()
        .filter(|k| !scoped.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "keywords of grammar/accord.pest without a scope in accord.tmLanguage.json: {missing:?}"
    );
}

#[test]
fn the_extension_manifest_names_files_that_exist() {
    let manifest = json("editors/vscode/package.json");
    let dir = common::root().join("editors/vscode");
    let language = &manifest["contributes"]["languages"][0];
    assert_eq!(language["id"], "accord");
    assert_eq!(language["extensions"][0], ".sla");
    let config = language["configuration"].as_str().unwrap();
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(config)).unwrap()).unwrap();
    assert_eq!(config["comments"]["lineComment"], "#");
    let grammar = &manifest["contributes"]["grammars"][0];
    assert!(dir.join(grammar["path"].as_str().unwrap()).is_file());
    assert!(dir.join(manifest["main"].as_str().unwrap()).is_file());
    assert!(dir.join("package-lock.json").is_file());
}
