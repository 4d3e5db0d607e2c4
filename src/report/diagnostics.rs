//! Diagnostics of `accord check` (and of any command that reads an
//! agreement) as text for people, JSON for tools, or GitHub annotations.

use std::fmt::Write;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, Severity};
use serde::Serialize;

use crate::agreement::{Checked, Problem};
use crate::syntax::line_col;

/// Whether human output may use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Always,
    Never,
}

pub fn handler(colour: Colour) -> GraphicalReportHandler {
    let theme = match colour {
        Colour::Always => GraphicalTheme::unicode(),
        Colour::Never => GraphicalTheme::unicode_nocolor(),
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
}

/// Every problem of every file as miette renders it, then a summary line.
pub fn human(files: &[Checked], colour: Colour) -> String {
    let handler = handler(colour);
    let mut out = String::new();
    for file in files {
        for problem in &file.problems {
            render_one(&handler, file, problem, &mut out);
        }
    }
    let (errors, warnings) = totals(files);
    let _ = writeln!(
        out,
        "checked {}: {}, {}",
        plural(files.len(), "file"),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    out
}

/// One problem rendered with its source snippet.
pub fn render_one(
    handler: &GraphicalReportHandler,
    file: &Checked,
    problem: &Problem,
    out: &mut String,
) {
    let report = match &file.source {
        Some(source) => miette::Report::new(problem.clone()).with_source_code(source.named()),
        None => miette::Report::new(problem.clone()),
    };
    let _ = handler.render_report(out, report.as_ref());
    out.push('\n');
}

/// A problem rendered for a person, without colour: what tests and logs keep.
pub fn plain(file: &Checked, problem: &Problem) -> String {
    let mut out = String::new();
    render_one(&handler(Colour::Never), file, problem, &mut out);
    out
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn totals(files: &[Checked]) -> (usize, usize) {
    files
        .iter()
        .fold((0, 0), |(e, w), f| (e + f.errors(), w + f.warnings()))
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    schema: &'static str,
    errors: usize,
    warnings: usize,
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic>,
}

#[derive(Serialize)]
struct JsonDiagnostic {
    code: String,
    severity: &'static str,
    message: String,
    help: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    labels: Vec<JsonLabel>,
}

#[derive(Serialize)]
struct JsonLabel {
    message: Option<String>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

/// The `accord.check/1` document: per file, every diagnostic with its
/// code, severity, message, help and positions (1-based lines and columns).
pub fn json(files: &[Checked], names: &[String]) -> String {
    let (errors, warnings) = totals(files);
    let doc = JsonDocument {
        schema: "accord.check/1",
        errors,
        warnings,
        files: files
            .iter()
            .zip(names)
            .map(|(file, name)| JsonFile {
                file: name,
                errors: file.errors(),
                warnings: file.warnings(),
                diagnostics: file
                    .problems
                    .iter()
                    .map(|p| json_diagnostic(file, p))
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn json_diagnostic(file: &Checked, problem: &Problem) -> JsonDiagnostic {
    let text = file.source.as_ref().map_or("", |s| &s.text);
    let labels: Vec<JsonLabel> = problem
        .labels()
        .into_iter()
        .flatten()
        .map(|l| {
            let (line, column) = line_col(text, l.offset());
            let (end_line, end_column) = line_col(text, l.offset() + l.len());
            JsonLabel {
                message: l.label().map(str::to_owned),
                line,
                column,
                end_line,
                end_column,
            }
        })
        .collect();
    let at = span(text, problem);
    JsonDiagnostic {
        code: code(problem),
        severity: severity(problem),
        message: problem.to_string(),
        help: problem.help().map(|h| h.to_string()),
        line: at.map(|a| a.0),
        column: at.map(|a| a.1),
        end_line: at.map(|a| a.2),
        end_column: at.map(|a| a.3),
        labels,
    }
}

/// Where a problem starts and ends (line, column, end line, end column):
/// its first label's span, or the one point a problem found before there
/// was text to label has.
fn span(text: &str, problem: &Problem) -> Option<(usize, usize, usize, usize)> {
    match problem.labels().into_iter().flatten().next() {
        Some(label) => {
            let (line, column) = line_col(text, label.offset());
            let (end_line, end_column) = line_col(text, label.offset() + label.len());
            Some((line, column, end_line, end_column))
        }
        None => problem
            .position()
            .map(|(line, column)| (line, column, line, column)),
    }
}

fn code(problem: &Problem) -> String {
    problem.code().map(|c| c.to_string()).unwrap_or_default()
}

fn severity(problem: &Problem) -> &'static str {
    match problem.severity() {
        Some(Severity::Warning) => "warning",
        Some(Severity::Advice) => "notice",
        _ => "error",
    }
}

/// GitHub Actions workflow commands: one annotation per problem.
pub fn github(files: &[Checked], names: &[String]) -> String {
    let mut out = String::new();
    for (file, name) in files.iter().zip(names) {
        let text = file.source.as_ref().map_or("", |s| &s.text);
        for problem in &file.problems {
            let mut props = format!("file={}", escape_property(name));
            if let Some((line, col, end_line, end_col)) = span(text, problem) {
                let _ = write!(
                    props,
                    ",line={line},col={col},endLine={end_line},endColumn={end_col}"
                );
            }
            let _ = write!(props, ",title={}", escape_property(&code(problem)));
            let mut message = problem.to_string();
            if let Some(help) = problem.help() {
                let _ = write!(message, "\nhelp: {help}");
            }
            let level = if problem.is_warning() {
                "warning"
            } else {
                "error"
            };
            let _ = writeln!(out, "::{level} {props}::{}", escape_data(&message));
        }
    }
    out
}

/// Escaping of a workflow command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
