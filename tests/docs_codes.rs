//! Every diagnostic code the code base defines is documented: each
//! `accord::E010`-style code written anywhere in `src/` must have a section
//! headed `## E010: ...` in `docs/errors.md`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, subfolders included.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The codes in `text`: `accord::` followed by one capital letter and three
/// digits, not followed by a further letter or digit.
fn codes(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    text.match_indices("accord::")
        .filter_map(|(at, prefix)| {
            let start = at + prefix.len();
            let code = bytes.get(start..start + 4)?;
            let after = bytes.get(start + 4);
            let is_code = code.first().is_some_and(u8::is_ascii_uppercase)
                && code.iter().skip(1).all(u8::is_ascii_digit)
                && !after.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
            is_code.then(|| String::from_utf8_lossy(code).into_owned())
        })
        .collect()
}

#[test]
fn every_code_in_src_has_a_section_in_errors_md() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();

    // Each code, with the first file that mentions it.
    let mut defined: BTreeMap<String, PathBuf> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for code in codes(&text) {
            defined.entry(code).or_insert_with(|| file.clone());
        }
    }
    assert!(
        defined.contains_key("E001") && defined.contains_key("W001"),
        "found no codes in src/: {defined:?}"
    );

    let errors = std::fs::read_to_string(root.join("docs/errors.md")).unwrap();
    let documented: Vec<&str> = errors
        .lines()
        .filter_map(|line| line.strip_prefix("## "))
        .filter_map(|heading| heading.split(':').next())
        .map(str::trim)
        .collect();

    let missing: Vec<String> = defined
        .iter()
        .filter(|(code, _)| !documented.contains(&code.as_str()))
        .map(|(code, file)| {
            let file = file.strip_prefix(root).unwrap_or(file);
            format!("{code} (defined in {})", file.display())
        })
        .collect();
    assert!(
        missing.is_empty(),
        "docs/errors.md has no `## CODE: ...` section for:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn codes_are_found_as_written() {
    assert_eq!(
        codes("#[diagnostic(code(accord::E010), help(\"...\"))]"),
        ["E010"]
    );
    assert_eq!(codes("code(accord::W007)"), ["W007"]);
    assert_eq!(codes("accord::E1234 accord::e010 accord::check"), [""; 0]);
    assert_eq!(codes("\"accord::E090\", accord::E091"), ["E090", "E091"]);
}
