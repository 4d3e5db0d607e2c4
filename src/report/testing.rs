//! `accord test` results for people, tools and CI.

use std::fmt::Write;

use super::verdict::xml;
use crate::testing::FileResult;

pub fn human(files: &[FileResult]) -> String {
    let mut out = String::new();
    for f in files {
        let _ = writeln!(
            out,
            "{}: {} passed, {} failed",
            f.file,
            f.results.len() - f.failed(),
            f.failed()
        );
        for r in &f.results {
            let mark = if r.passed { "✓" } else { "✗" };
            let _ = writeln!(out, "  {mark} line {}: \"{}\" {}", r.line, r.rule, r.name);
            if !r.passed {
                let _ = writeln!(out, "      expected: {}", r.expected);
                let _ = writeln!(out, "      actual:   {}", r.actual);
                if let Some(rule) = r
                    .explanation
                    .as_ref()
                    .and_then(|x| x.rules.iter().find(|j| j.rule == r.rule))
                {
                    for step in &rule.steps {
                        let _ = writeln!(out, "        - {step}");
                    }
                }
            }
        }
    }
    let total: usize = files.iter().map(|f| f.results.len()).sum();
    let failed: usize = files.iter().map(FileResult::failed).sum();
    let _ = writeln!(
        out,
        "{} test file{}, {total} expectations: {} passed, {failed} failed",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        total - failed
    );
    out
}

pub fn json(files: &[FileResult]) -> String {
    let failed: usize = files.iter().map(FileResult::failed).sum();
    let total: usize = files.iter().map(|f| f.results.len()).sum();
    let doc = serde_json::json!({
        "schema": "accord.test/1",
        "passed": total - failed,
        "failed": failed,
        "files": files,
    });
    serde_json::to_string_pretty(&doc)
        .map(|s| s + "\n")
        .unwrap_or_default()
}

pub fn junit(files: &[FileResult]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"accord test\">\n",
    );
    for f in files {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">",
            xml(&f.file),
            f.results.len(),
            f.failed()
        );
        for r in &f.results {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml(&r.rule),
                xml(&format!("line {}: {}", r.line, r.name))
            );
            if r.passed {
                let _ = writeln!(out, "/>");
            } else {
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{}\"/>\n    </testcase>",
                    xml(&format!("expected {}, got {}", r.expected, r.actual))
                );
            }
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}
