//! The real `accord` binary: exit codes and output of `check` and `fmt`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use predicates::prelude::*;

mod common;

use common::accord;

fn temp_dir(name: &str) -> std::path::PathBuf {
    common::temp_dir("cli", name)
}

#[test]
fn the_bundled_agreements_check_clean() {
    accord()
        .args(["check", "rules", "--deny-warnings", "--today", "2027-01-06"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 errors, 0 warnings"));
}

#[test]
fn errors_exit_1_with_the_diagnostic() {
    accord()
        .args(["check", "tests/ui/E010-unknown-term.sla"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("accord::E010"))
        .stdout(predicate::str::contains("did you mean `mql`?"))
        .stdout(predicate::str::contains("E010-unknown-term.sla:12:11"));
}

#[test]
fn warnings_pass_unless_denied() {
    let file = "tests/ui/W001-no-otherwise.sla";
    accord().args(["check", file]).assert().code(0);
    accord()
        .args(["check", file, "--deny-warnings"])
        .assert()
        .code(1);
}

#[test]
fn today_drives_expiry_and_review_warnings() {
    let file = "tests/ui/W003-expired.sla";
    accord()
        .args(["check", file, "--today", "2027-06-30", "--deny-warnings"])
        .assert()
        .code(0);
    accord()
        .args(["check", file, "--today", "2027-07-01", "--format", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"code\": \"accord::W003\""));
}

#[test]
fn unreadable_files_exit_2_and_several_files_report_the_worst() {
    accord()
        .args(["check", "no/such/file.sla"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("cannot read `no/such/file.sla`"));
    accord()
        .args(["check", "rules", "tests/ui/E012-unknown-team.sla"])
        .assert()
        .code(1);
    accord()
        .args([
            "check",
            "tests/ui/E012-unknown-team.sla",
            "no/such/file.sla",
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("accord::E012"));
}

#[test]
fn a_file_that_is_not_utf8_is_named() {
    let dir = temp_dir("utf8");
    let path = dir.join("latin1.sla");
    std::fs::write(&path, b"agreement \"caf\xe9\" {}\n").unwrap();
    accord()
        .args(["check", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("latin1.sla` is not UTF-8 text"))
        .stdout(predicate::str::contains("line 1, column 15"));
    // Tools get the same point as people.
    let json = accord()
        .args(["check", path.to_str().unwrap(), "--format", "json"])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let d = &doc["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "accord::E091");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(15))
    );
    accord()
        .args(["check", path.to_str().unwrap(), "--format", "github"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(",line=1,col=15,"));
}

#[test]
fn an_agreement_with_carriage_return_line_endings_checks_and_names_its_lines() {
    let dir = temp_dir("cr");
    let text = std::fs::read_to_string("rules/minimal.sla").unwrap();
    let clean = dir.join("clean.sla");
    std::fs::write(&clean, text.replace('\n', "\r")).unwrap();
    accord()
        .args(["check", clean.to_str().unwrap(), "--today", "2027-01-06"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 errors"));
    // CR, CR, then CRLF: `bogus` is on line 5, as an editor shows it.
    let broken = dir.join("broken.sla");
    std::fs::write(&broken, "# one\r# two\r\r\nagreement \"x\" {\r  bogus\r}\r").unwrap();
    accord()
        .args(["check", broken.to_str().unwrap(), "--format", "github"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(",line=5,col=3,"));
}

#[test]
fn a_byte_order_mark_before_an_agreement_is_no_part_of_it() {
    let dir = temp_dir("bom");
    let path = dir.join("bom.sla");
    let text = std::fs::read("rules/minimal.sla").unwrap();
    std::fs::write(&path, [b"\xEF\xBB\xBF".as_slice(), &text].concat()).unwrap();
    accord()
        .args(["check", path.to_str().unwrap(), "--today", "2027-01-06"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 errors"));
}

#[test]
fn a_folder_without_agreements_is_an_error() {
    let dir = temp_dir("empty");
    accord()
        .args(["check", dir.to_str().unwrap()])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("accord::E092"));
}

#[test]
fn default_path_is_accord_toml_agreement_else_rules() {
    let dir = temp_dir("default");
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::copy("tests/ui/E012-unknown-team.sla", dir.join("rules/bad.sla")).unwrap();
    accord().current_dir(&dir).arg("check").assert().code(1);
    std::fs::copy("rules/minimal.sla", dir.join("good.sla")).unwrap();
    std::fs::write(dir.join("accord.toml"), "agreement = \"good.sla\"\n").unwrap();
    accord()
        .current_dir(&dir)
        .arg("check")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("checked 1 file"));
}

#[test]
fn a_broken_accord_toml_is_reported_not_passed_over() {
    let dir = temp_dir("broken-toml");
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::copy("rules/minimal.sla", dir.join("rules/good.sla")).unwrap();
    std::fs::write(dir.join("accord.toml"), "agrement = \"good.sla\"\n").unwrap();
    for command in [&["check"][..], &["fmt", "--check"][..]] {
        accord()
            .current_dir(&dir)
            .args(command)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("accord::E100"))
            .stderr(predicate::str::contains("did you mean `agreement`?"));
    }
}

#[test]
fn json_lists_diagnostics_with_positions() {
    let out = accord()
        .args([
            "check",
            "tests/ui/E013-duplicate-name.sla",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["schema"], "accord.check/1");
    assert_eq!(doc["errors"], 1);
    let d = &doc["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "accord::E013");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 8);
    assert_eq!(d["column"], 8);
    assert_eq!(d["labels"].as_array().unwrap().len(), 2);
}

#[test]
fn github_annotations_point_at_the_line() {
    accord()
        .args([
            "check",
            "tests/ui/W001-no-otherwise.sla",
            "--format",
            "github",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "::warning file=tests/ui/W001-no-otherwise.sla,line=8,col=3,",
        ))
        .stdout(predicate::str::contains(
            "title=accord%3A%3AW001::rule `Speed`",
        ));
}

#[test]
fn bad_flags_exit_2() {
    accord().args(["check", "--format", "xml"]).assert().code(2);
    accord()
        .args(["check", "--today", "tomorrow"])
        .assert()
        .code(2);
}

#[test]
fn fmt_check_lists_files_that_would_change_and_changes_nothing() {
    let dir = temp_dir("fmt");
    let messy = "agreement \"x\" { timezone \"UTC\" effective 2027-01-01 to 2027-12-31 }\n";
    let path = dir.join("messy.sla");
    std::fs::write(&path, messy).unwrap();
    std::fs::copy("rules/minimal.sla", dir.join("tidy.sla")).unwrap();
    accord()
        .args(["fmt", "--check", dir.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("messy.sla"))
        .stdout(predicate::str::contains("tidy.sla").not());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), messy);
    accord()
        .args(["fmt", dir.to_str().unwrap()])
        .assert()
        .code(0);
    accord()
        .args(["fmt", "--check", dir.to_str().unwrap()])
        .assert()
        .code(0);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("\n  timezone  \"UTC\"\n"));
}

#[test]
fn fmt_reads_stdin_and_writes_stdout() {
    accord()
        .args(["fmt", "-"])
        .write_stdin("agreement \"x\" { version \"1\" }")
        .assert()
        .code(0)
        .stdout("agreement \"x\" {\n  version \"1\"\n}\n");
    accord()
        .args(["fmt", "-"])
        .write_stdin("agreement \"x\" { version }")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("accord::E001"));
}

#[test]
fn completions_and_version() {
    accord()
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("accord"));
    accord()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("accord "));
}

/// A pipe (`--activities <(gunzip -c export.csv.gz)`) cannot be read twice
/// or in parts: it is read in one pass, with the verdicts of the file.
#[cfg(unix)]
#[test]
fn activities_from_a_pipe() {
    let dir = temp_dir("pipe");
    let fifo = dir.join("activities.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let sample = common::root().join("rules/data/activities.csv");
    let text = std::fs::read(&sample).unwrap();
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, text).unwrap())
    };
    let from_pipe = accord()
        .args(["eval", "--format", "json", "--activities"])
        .arg(&fifo)
        .output()
        .unwrap();
    writer.join().unwrap();
    let from_file = accord()
        .args(["eval", "--format", "json", "--activities"])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(from_pipe.status.code(), Some(1), "the sample breaches");
    let verdicts = |out: &std::process::Output| {
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            doc["status"].clone(),
            doc["data"].clone(),
            doc["rules"].clone(),
        )
    };
    assert_eq!(verdicts(&from_pipe), verdicts(&from_file));
}

/// Runs accord on the sample with its standard output closed before
/// anything is written: the exit code and what it said on stderr.
fn with_stdout_closed(args: &[&str]) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("accord"))
        .args(args)
        .current_dir(common::root())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Closed before the document is written: writing it meets a broken pipe.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A reader that stops early (`| head`) is not an error: no crash, and the
/// exit code is the verdicts'.
#[test]
fn a_reader_that_stops_early_leaves_the_exit_code_alone() {
    let (code, stderr) = with_stdout_closed(&["eval", "--format", "json"]);
    assert_eq!(code, Some(1), "the sample breaches; {stderr}");
    assert!(!stderr.contains("unexpectedly"), "{stderr}");
}

/// The same for the commands that print one document (`plan`, `explain`,
/// `data`, `due`), in both formats: they panicked on the closed pipe.
#[test]
fn every_document_command_leaves_a_closed_pipe_alone() {
    for args in [
        &["plan"][..],
        &["explain", "--lead", "L0000074"],
        &["data"],
        &["due"],
    ] {
        for format in ["human", "json"] {
            let args = [args, &["--format", format]].concat();
            let (code, stderr) = with_stdout_closed(&args);
            assert_eq!(code, Some(0), "{args:?}: {stderr}");
            assert!(!stderr.contains("unexpectedly"), "{args:?}: {stderr}");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_a_folder_is_skipped_with_a_warning() {
    let dir = temp_dir("pipe");
    std::fs::write(
        dir.join("ok.sla"),
        std::fs::read_to_string("rules/minimal.sla").unwrap(),
    )
    .unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("x.sla"))
        .status()
        .unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink(".", dir.join("self")).unwrap();
    // Before W008 this blocked on the pipe for ever, and `self` read `ok.sla` again.
    accord()
        .args(["check", dir.to_str().unwrap(), "--today", "2027-01-06"])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("accord::W008"))
        .stdout(predicate::str::contains(
            "checked 2 files: 0 errors, 1 warning",
        ));
}
