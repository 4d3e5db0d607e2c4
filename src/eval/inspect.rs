//! What accord reads from the exports, before any verdict (`accord data`):
//! per file its format, delimiter and encoding, its rows and what became of
//! them, its issues grouped; per field the agreement uses, the column it
//! comes from, its blank share, its most frequent values and how many rows
//! hold each of the agreement's words; the span of handoff and activity
//! times; and the warnings of an evaluation. The command a new user runs
//! until the export is understood.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::run::{compiled, evaluate, rfc3339, Compiled, Options, RunError};
use super::warnings::{SeenValue, Warning};
use crate::data::profile::{profile, Asked, FileProfile};
use crate::data::timestamp::TimeForm;
use crate::data::{DataIssue, Format, TableConfig, Wanted};
use crate::project::Project;
use crate::report::issues;

/// How many of a field's values are shown.
const TOP: usize = 10;

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataReport {
    pub files: Vec<FileReport>,
    /// Whether every file and every needed column could be read; when not,
    /// `accord data` exits 2 and `problem` says why.
    pub readable: bool,
    pub problem: Option<String>,
    pub warnings: Vec<Warning>,
}

/// One file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    /// `leads` or `activities`.
    pub table: &'static str,
    pub file: String,
    pub format: &'static str,
    /// The CSV delimiter (`","`, `";"`, `"\t"`); none for JSON Lines.
    pub delimiter: Option<String>,
    pub encoding: &'static str,
    pub rows: u64,
    /// Rows used and data issues, when the data could be evaluated.
    pub used: Option<u64>,
    pub issues: Option<u64>,
    pub issue_groups: Vec<issues::Group>,
    /// The first and last handoff (leads) or activity time.
    pub from: Option<String>,
    pub to: Option<String>,
    pub fields: Vec<FieldReport>,
}

/// One field of one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldReport {
    pub field: String,
    /// The export's column; None when missing.
    pub column: Option<String>,
    /// Set by `kind` in accord.toml, not read from a column.
    pub constant: bool,
    /// Whether the file must have it (an id, a time, a field a rule uses).
    pub needed: bool,
    pub blank_share: f64,
    pub top: Vec<SeenValue>,
    /// More distinct values than are counted.
    pub more: bool,
    /// The agreement's words for this field and the rows holding each.
    pub words: Vec<WordRows>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WordRows {
    pub word: String,
    pub line: usize,
    pub rows: u64,
}

/// Reads the project's exports as `accord.toml` says and reports on them.
/// An agreement that does not check, or a file that cannot be read at
/// all, is an error; a missing column is reported, not an error.
pub fn inspect(project: &Project, as_of: Option<String>) -> Result<DataReport, RunError> {
    let c = compiled(project)?;
    let config = &project.config;
    let mut files = Vec::new();
    let mut lead_asked = vec![plain("id", true), plain("handed_off_at", true)];
    add(&mut lead_asked, &c.lead_fields);
    let times = TimeForm::with_formats(
        c.tz,
        config.leads.time_format.as_deref().unwrap_or_default(),
    );
    let p = profile(
        &project.leads,
        &config.leads,
        "leads",
        &strip(&lead_asked),
        Some(("handed_off_at", &times)),
    )?;
    files.push(report(
        &c,
        "leads",
        &p,
        &lead_asked,
        &config.leads,
        &project.leads,
    ));
    for (i, path) in project.activities.iter().enumerate() {
        let table = project.activity_table(i);
        let mut wanted = vec![
            plain("lead", true),
            plain("at", true),
            plain("kind", true),
            plain("duration", c.duration_rule.is_some()),
        ];
        add(&mut wanted, &c.activity_fields);
        let times = TimeForm::with_formats(c.tz, table.time_format.as_deref().unwrap_or_default());
        let p = profile(
            path,
            table,
            "activities",
            &strip(&wanted),
            Some(("at", &times)),
        )?;
        files.push(report(&c, "activities", &p, &wanted, table, path));
    }
    // One activities file with an agreement's field is enough (see
    // `run`): the others need not have it.
    let per_file = ["lead", "at", "kind"];
    let somewhere: Vec<String> = files
        .iter()
        .filter(|f| f.table == "activities")
        .flat_map(|f| f.fields.iter())
        .filter(|x| x.column.is_some() || x.constant)
        .map(|x| x.field.clone())
        .collect();
    for f in files.iter_mut().filter(|f| f.table == "activities") {
        for x in &mut f.fields {
            if !per_file.contains(&x.field.as_str()) && somewhere.contains(&x.field) {
                x.needed = false;
            }
        }
    }
    let missing: Vec<String> = files
        .iter()
        .flat_map(|f| {
            f.fields
                .iter()
                .filter(|x| x.needed && x.column.is_none() && !x.constant)
                .map(move |x| format!("`{}` has no column for `{}`", f.file, x.field))
        })
        .collect();
    let mut out = DataReport {
        readable: missing.is_empty(),
        problem: (!missing.is_empty()).then(|| missing.join("; ")),
        warnings: Vec::new(),
        files,
    };
    if !out.readable {
        return Ok(out);
    }
    let options = Options {
        as_of,
        max_rejected: Some(1.0),
        ..Options::default()
    };
    match evaluate(project, options) {
        Ok(evaluation) => {
            let v = evaluation.verdict;
            for (f, (_, counts)) in out.files.iter_mut().zip(&evaluation.files) {
                let own: Vec<DataIssue> = v
                    .issues
                    .iter()
                    .filter(|i| i.file == f.file)
                    .cloned()
                    .collect();
                // As the evaluation counted them: each lead of a split
                // cell is a row, and a row is used or one issue.
                f.rows = counts.read;
                f.used = Some(counts.used);
                f.issues = Some(counts.issues);
                f.issue_groups = issues::group(&own);
            }
            out.warnings = v.warnings;
        }
        Err(RunError::Data(e)) => {
            out.readable = false;
            out.problem = Some(e.to_string());
        }
        Err(e) => return Err(e),
    }
    Ok(out)
}

/// A field asked for, whether the file must have it, and its map.
struct Field {
    asked: Asked,
    needed: bool,
}

fn plain(field: &str, needed: bool) -> Field {
    Field {
        asked: Asked {
            field: field.to_owned(),
            relabel: None,
        },
        needed,
    }
}

/// Adds the agreement's fields to those every file of its kind has, once
/// each (`kind` may be both).
fn add(fields: &mut Vec<Field>, wanted: &[Wanted]) {
    for w in wanted {
        match fields.iter_mut().find(|f| f.asked.field == w.field) {
            Some(f) => {
                f.needed = true;
                f.asked.relabel = w.relabel.clone();
            }
            None => fields.push(Field {
                asked: Asked {
                    field: w.field.clone(),
                    relabel: w.relabel.clone(),
                },
                needed: true,
            }),
        }
    }
}

fn strip(fields: &[Field]) -> Vec<Asked> {
    fields.iter().map(|f| f.asked.clone()).collect()
}

fn report(
    c: &Compiled,
    table: &'static str,
    p: &FileProfile,
    fields: &[Field],
    config: &TableConfig,
    path: &Path,
) -> FileReport {
    let words = if table == "leads" {
        &c.program.lead_fields
    } else {
        &c.program.activity_fields
    };
    let when = |t: DateTime<Utc>| rfc3339(t, c.tz);
    FileReport {
        table,
        file: p.file.clone(),
        format: match Format::resolve(path, config.format) {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        },
        delimiter: p.delimiter.map(|d| (d as char).to_string()),
        encoding: p.encoding,
        rows: p.rows,
        used: None,
        issues: None,
        issue_groups: Vec::new(),
        from: p.span.map(|(lo, _)| when(lo)),
        to: p.span.map(|(_, hi)| when(hi)),
        fields: p
            .columns
            .iter()
            .zip(fields)
            .map(|(col, f)| {
                let rows_of = |word: &str| {
                    col.values
                        .iter()
                        .find(|(v, _)| v == word)
                        .map_or(0, |(_, n)| *n)
                };
                FieldReport {
                    field: col.field.clone(),
                    column: col.column.clone(),
                    constant: col.constant,
                    // A constant kind stands for the column.
                    needed: f.needed && !col.constant,
                    blank_share: if p.rows == 0 {
                        0.0
                    } else {
                        col.blank as f64 / p.rows as f64
                    },
                    top: col
                        .values
                        .iter()
                        .take(TOP)
                        .map(|(value, rows)| SeenValue {
                            value: value.clone(),
                            rows: *rows,
                        })
                        .collect(),
                    more: col.more,
                    words: words
                        .words
                        .iter()
                        .filter(|w| {
                            words
                                .wanted
                                .get(w.slot)
                                .is_some_and(|x| x.field == col.field)
                        })
                        .map(|w| WordRows {
                            word: w.text.clone(),
                            line: w.line,
                            rows: rows_of(&w.text),
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}
