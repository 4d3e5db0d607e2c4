//! A real editor's client: headless Neovim opens a broken agreement with
//! `accord lsp` as its language server, and the diagnostics it received
//! are read back (tests/editors/neovim.lua writes them). Skipped, with a
//! notice, where `nvim` is not installed; CI installs it (.ci/run).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn nvim_installed() -> bool {
    Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn neovim_shows_the_diagnostics_of_a_broken_agreement() {
    if !nvim_installed() {
        eprintln!("skipped: `nvim` is not installed (apt-get install neovim); CI installs it");
        return;
    }
    let dir = common::temp_dir("neovim", "diagnostics");
    // `é` and `😀` before the unknown name: Neovim turns the protocol's
    // UTF-16 columns into byte columns, so a wrong count shows here.
    let text = std::fs::read_to_string(common::root().join("rules/minimal.sla"))
        .unwrap()
        .replace(
            "  response \"Called within a day\" {\n    owner sales\n",
            "  response \"Réponse 😀\" { owner salez\n",
        );
    let file = dir.join("broken.sla");
    std::fs::write(&file, &text).unwrap();
    let out = dir.join("diagnostics.json");
    let script = common::root().join("tests/editors/neovim.lua");
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-n"])
        .arg(&file)
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("ACCORD_BIN", env!("CARGO_BIN_EXE_accord"))
        .env("ACCORD_OUT", &out)
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let written = std::fs::read_to_string(&out).expect("the script wrote the diagnostics");
    let found: Value = serde_json::from_str(&written).unwrap();
    let line = text[..text.find("salez").unwrap()].matches('\n').count();
    let line_start = text[..text.find("salez").unwrap()].rfind('\n').unwrap() + 1;
    let col = text.find("salez").unwrap() - line_start;
    assert_eq!(
        found,
        serde_json::json!([{
            "lnum": line,
            "col": col,
            "end_lnum": line,
            "end_col": col + "salez".len(),
            "severity": 1,
            "message": "unknown team `salez`\nhelp: did you mean `sales`?",
            "source": "accord",
            "code": "accord::E012",
        }]),
        "Neovim's columns are bytes: {col} here"
    );
}
