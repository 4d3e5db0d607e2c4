//! Every example in `docs/` is executed, so the docs cannot go stale.
//!
//! - ```` ```sla ```` blocks: a block that starts with `agreement` (after
//!   comments) must check without errors; a fragment is placed inside an
//!   agreement and must parse.
//! - ```` ```sla E010 ```` (a code after the language): the block must
//!   produce that diagnostic code.
//! - ```` ```console ```` blocks: each `$ accord ...` line is run from the
//!   repository root and its standard output must equal the lines below it,
//!   up to the next `$` line; a last line `[exit N]` gives the exit code
//!   (default 0).
//! - ```` ```toml ```` blocks: a whole `accord.toml`, which must load with
//!   `accord::data::load_config`. ```` ```toml E100 ```` (a code after the
//!   language): loading must fail with that code. ```` ```toml test-file ````:
//!   a whole `*.test.toml`, which must load with `accord::testing::file::load`.
//!   ```` ```toml fragment ````: a part of a file, not checked.
//! - Every preset's text (`accord::data::presets::text`) is shown verbatim
//!   in a ```` ```toml ```` block of `docs/data.md`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use accord::agreement::check_source;
use accord::check::Options;
use accord::source::Source;
use miette::Diagnostic;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Block {
    file: String,
    line: usize,
    info: String,
    text: String,
}

fn blocks() -> Vec<Block> {
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir("docs")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut current: Option<Block> = None;
        for (i, line) in text.lines().enumerate() {
            match (&mut current, line.trim_start().strip_prefix("```")) {
                (None, Some(info)) => {
                    current = Some(Block {
                        file: path.display().to_string(),
                        line: i + 1,
                        info: info.trim().to_owned(),
                        text: String::new(),
                    })
                }
                (Some(_), Some(_)) => out.push(current.take().unwrap()),
                (Some(block), None) => {
                    block.text.push_str(line);
                    block.text.push('\n');
                }
                (None, None) => {}
            }
        }
    }
    out
}

fn options() -> Options {
    Options {
        today: chrono::NaiveDate::from_ymd_opt(2027, 1, 6),
    }
}

fn is_whole(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l.starts_with("agreement"))
}

#[test]
fn sla_examples_check_as_documented() {
    let mut count = 0;
    for block in blocks() {
        let mut words = block.info.split_whitespace();
        if words.next() != Some("sla") {
            continue;
        }
        count += 1;
        let expected_code = words.next();
        let whole = is_whole(&block.text);
        let text = if whole {
            block.text.clone()
        } else {
            format!("agreement \"doc\" {{\n  effective 2027-01-01 to 2027-12-31\n  timezone \"Europe/Amsterdam\"\n{}}}\n", block.text)
        };
        let checked = check_source(
            Source::new(format!("{}:{}", block.file, block.line), text),
            &options(),
        );
        let codes: Vec<String> = checked
            .problems
            .iter()
            .filter_map(|p| p.code().map(|c| c.to_string()))
            .collect();
        let at = format!("{}:{}", block.file, block.line);
        match expected_code {
            Some(code) => assert!(
                codes.contains(&format!("accord::{code}")),
                "{at}: expected {code}, got {codes:?}"
            ),
            None if whole => assert_eq!(checked.errors(), 0, "{at}: {:?}", checked.problems),
            None => assert!(
                checked.agreement.is_some(),
                "{at}: does not parse: {:?}",
                checked.problems
            ),
        }
    }
    assert!(count > 0, "no sla examples found in docs/");
}

#[test]
fn console_examples_print_what_the_docs_say() {
    for block in blocks().into_iter().filter(|b| b.info == "console") {
        let mut lines = block.text.lines().peekable();
        while let Some(line) = lines.next() {
            let Some(command) = line.strip_prefix("$ accord ") else {
                continue;
            };
            let mut expected = Vec::new();
            while let Some(next) = lines.next_if(|l| !l.starts_with("$ ")) {
                expected.push(next);
            }
            let code = match expected.last().and_then(|l| l.strip_prefix("[exit ")) {
                Some(n) => {
                    let n: i32 = n.trim_end_matches(']').parse().unwrap();
                    expected.pop();
                    n
                }
                None => 0,
            };
            let args = shell_words(command);
            let output = assert_cmd::Command::cargo_bin("accord")
                .unwrap()
                .env("NO_COLOR", "1")
                .args(&args)
                .output()
                .unwrap();
            let at = format!("{}:{} `accord {command}`", block.file, block.line);
            let stdout = String::from_utf8_lossy(&output.stdout);
            let actual: Vec<&str> = stdout.lines().collect();
            let trim = |v: &[&str]| {
                v.iter()
                    .map(|l| l.trim_end().to_owned())
                    .collect::<Vec<_>>()
            };
            assert_eq!(trim(&actual), trim(&expected), "{at}: output differs");
            assert_eq!(output.status.code(), Some(code), "{at}: exit code");
        }
    }
}

/// Splits a command line on spaces, keeping double-quoted words together.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// `text` written to `name` in a fresh folder of its own (paths in it are
/// resolved against that folder, never opened by the loaders checked here).
fn temp_file(name: &str, text: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("accord-docs-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn code_of(err: &dyn Diagnostic) -> String {
    err.code().map(|c| c.to_string()).unwrap_or_default()
}

#[test]
fn toml_examples_load_as_documented() {
    let mut count = 0;
    for block in blocks() {
        let mut words = block.info.split_whitespace();
        if words.next() != Some("toml") {
            continue;
        }
        let at = format!("{}:{}", block.file, block.line);
        match words.next() {
            Some("fragment") => continue,
            Some("test-file") => {
                let path = temp_file("example.test.toml", &block.text);
                if let Err(e) = accord::testing::file::load(&path) {
                    panic!("{at}: the test file does not load: {e} ({})", code_of(&e));
                }
            }
            None => {
                let path = temp_file("accord.toml", &block.text);
                if let Err(e) = accord::data::load_config(&path) {
                    panic!("{at}: accord.toml does not load: {e} ({})", code_of(&e));
                }
            }
            Some(code) => {
                let path = temp_file("accord.toml", &block.text);
                match accord::data::load_config(&path) {
                    Ok(_) => panic!("{at}: expected {code}, but accord.toml loads"),
                    Err(e) => assert_eq!(code_of(&e), format!("accord::{code}"), "{at}: {e}"),
                }
            }
        }
        count += 1;
    }
    assert!(count > 0, "no toml examples found in docs/");
}

#[test]
fn every_preset_is_shown_verbatim_in_data_md() {
    let shown: Vec<String> = blocks()
        .into_iter()
        .filter(|b| b.file.ends_with("data.md"))
        .filter(|b| b.info.split_whitespace().next() == Some("toml"))
        .map(|b| b.text)
        .collect();
    for name in accord::data::presets::NAMES {
        let text = accord::data::presets::text(name).unwrap();
        assert!(
            shown.iter().any(|block| block.contains(text)),
            "docs/data.md shows no ```toml block with the preset `{name}` verbatim:\n{text}"
        );
    }
}
