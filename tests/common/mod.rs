//! What the integration tests share: the real binary, run without colour,
//! fresh temporary folders, and verdict documents from the library.
// Each test crate uses a part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root, where `accord.toml` names the bundled sample.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `accord` binary, without colour, in the repository root.
pub fn accord() -> Command {
    let mut cmd = Command::cargo_bin("accord").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(root());
    cmd
}

/// Runs `accord ARGS` in `dir`: standard output, standard error, exit code.
pub fn run_in(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let out = accord().current_dir(dir).args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

/// Runs `accord ARGS` in the repository root.
pub fn run(args: &[&str]) -> (String, String, i32) {
    run_in(root(), args)
}

/// An empty folder of its own for one test: `kind` names the test file,
/// `name` the test, the process id keeps parallel runs apart.
pub fn temp_dir(kind: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("accord-{kind}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The verdict document of an evaluation as of `as_of`, read in parts as
/// `split` says, as `accord eval --format json` prints it.
pub fn verdict_document(
    project: &accord::project::Project,
    as_of: &str,
    split: accord::data::Split,
) -> String {
    let options = accord::eval::run::Options {
        as_of: Some(as_of.to_owned()),
        split,
        ..accord::eval::run::Options::default()
    };
    let evaluation = accord::eval::run::evaluate(project, options).unwrap();
    serde_json::to_string_pretty(&evaluation.verdict).unwrap() + "\n"
}

/// The codes of the diagnostics `accord check` gives `text`, as `accord::E001`.
pub fn codes(name: &str, text: &str) -> Vec<String> {
    use miette::Diagnostic;
    let checked = accord::agreement::check_source(
        accord::source::Source::new(name, text),
        &accord::check::Options::default(),
    );
    checked
        .problems
        .iter()
        .filter_map(|p| p.code().map(|c| c.to_string()))
        .collect()
}
