//! `accord test`: a team's executable examples of what its agreement means.
//! A `*.test.toml` file names an agreement, an as-of instant, a few leads
//! and activities, and what must come out; each expectation passes or fails
//! with what was expected and what came out.
//!
//! Inline rows are written to a temporary folder as JSON Lines and read by
//! the same loaders as a CRM export, so a test exercises exactly the path
//! real data takes (timestamps, blanks, data issues included).

pub mod file;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::agreement::check_file;
use crate::check::{did_you_mean, Options as CheckOptions};
use crate::data::Config;
use crate::eval::explain::Explanation;
use crate::eval::run::{evaluate, explain, Options, RunError};
use crate::eval::verdict::Verdict;
use crate::project::Project;
use file::{Data, Expect, Expected, TestFileError};

/// What one expectation came to.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExpectResult {
    /// The line of its `[[expect]]` table.
    pub line: usize,
    pub rule: String,
    /// What is expected, in words: `lead L1 met`, `2027-01 ann@x: met`.
    pub name: String,
    pub passed: bool,
    pub expected: String,
    pub actual: String,
    /// For a lead whose outcome differs: how the rule judged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}

/// A test file's results.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileResult {
    pub file: String,
    pub results: Vec<ExpectResult>,
}

impl FileResult {
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| !r.passed).count()
    }
}

/// A test file that could not be run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum TestError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    File(Box<TestFileError>),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Run(Box<RunError>),
}

// Boxed: errors are rare and carry source text.
impl From<TestFileError> for TestError {
    fn from(e: TestFileError) -> Self {
        TestError::File(Box::new(e))
    }
}

impl From<RunError> for TestError {
    fn from(e: RunError) -> Self {
        TestError::Run(Box::new(e))
    }
}

/// Runs one test file.
pub fn run_file(path: &Path) -> Result<FileResult, TestError> {
    let test = file::load(path)?;
    let checked = check_file(&test.agreement, &CheckOptions { today: None });
    let Some(agreement) = checked.clean() else {
        return Err(RunError::Agreement {
            path: test.agreement.display().to_string(),
            checked: Box::new(checked),
        }
        .into());
    };
    let names: Vec<&str> = agreement.rules().map(|r| r.name.as_str()).collect();
    // Inline rows name only the fields an example needs; the others are
    // blank rather than missing columns, which real exports must have.
    let source = checked.source.as_ref().map_or("", |s| &s.text);
    let program = crate::eval::model::compile(agreement, source, &mut crate::data::Interner::new());
    if let Some(e) = test
        .expects
        .iter()
        .find(|e| !names.contains(&e.rule.as_str()))
    {
        let help = match did_you_mean(&e.rule, names.iter().copied()) {
            Some(name) => format!("did you mean \"{name}\"?"),
            None => format!(
                "the rules are: {}",
                names
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Err(TestFileError::UnknownRule {
            name: e.rule.clone(),
            agreement: test.agreement.display().to_string(),
            src: test.source.clone(),
            span: e.rule_span,
            help,
        }
        .into());
    }
    // Kept alive until the run ends: dropping it removes the folder.
    let mut _scratch = None;
    let (leads, activities) = match &test.data {
        Data::Files { leads, activities } => (leads.clone(), activities.clone()),
        Data::Inline { leads, activities } => {
            let leads = with_blanks(leads, &program.lead_fields.names());
            // `duration` too: an inline activity without one took none,
            // and an agreement with `max duration` needs the column.
            let mut activity_fields = program.activity_fields.names();
            activity_fields.push("duration".to_owned());
            let activities = with_blanks(activities, &activity_fields);
            let scratch = Scratch::write(&leads, &activities).map_err(|reason| {
                TestFileError::Unreadable {
                    path: "a temporary folder".to_owned(),
                    reason,
                }
            })?;
            let paths = (scratch.leads(), scratch.activities());
            _scratch = Some(scratch);
            paths
        }
    };
    let project = Project {
        config: Config::default(),
        agreement: test.agreement.clone(),
        leads,
        activities: vec![activities],
    };
    let options = || Options {
        as_of: Some(test.as_of.clone()),
        ..Options::default()
    };
    let verdict = evaluate(&project, options())?.verdict;
    let mut explained: HashMap<String, Option<Explanation>> = HashMap::new();
    let results = test
        .expects
        .iter()
        .map(|e| {
            let explanation = match &e.what {
                Expected::Lead { lead, .. } => explained
                    .entry(lead.clone())
                    .or_insert_with(|| explain(&project, options(), lead).ok())
                    .clone(),
                Expected::Window { .. } => None,
            };
            judge(e, &verdict, explanation)
        })
        .collect();
    Ok(FileResult {
        file: test.path.display().to_string(),
        results,
    })
}

fn with_blanks(
    rows: &[BTreeMap<String, String>],
    fields: &[String],
) -> Vec<BTreeMap<String, String>> {
    rows.iter()
        .map(|row| {
            let mut row = row.clone();
            for f in fields {
                row.entry(f.clone()).or_default();
            }
            row
        })
        .collect()
}

fn judge(e: &Expect, verdict: &Verdict, explanation: Option<Explanation>) -> ExpectResult {
    let mut result = ExpectResult {
        line: e.line,
        rule: e.rule.clone(),
        name: String::new(),
        passed: false,
        expected: String::new(),
        actual: String::new(),
        explanation: None,
    };
    match &e.what {
        Expected::Lead {
            lead,
            outcome,
            reason,
        } => {
            result.name = format!("lead {lead}");
            result.expected = match reason {
                Some(r) => format!("{outcome} ({r})"),
                None => outcome.clone(),
            };
            let judged = explanation
                .as_ref()
                .and_then(|x| x.rules.iter().find(|r| r.rule == e.rule));
            match judged {
                Some(j) => {
                    result.actual = format!("{} ({})", j.outcome, j.reason);
                    result.passed = j.outcome == *outcome
                        && reason
                            .as_ref()
                            .is_none_or(|r| j.reason.contains(r.as_str()));
                }
                None => result.actual = format!("no lead {lead} in the data"),
            }
            if !result.passed {
                result.explanation = explanation;
            }
        }
        Expected::Window {
            window,
            group,
            status,
            observed,
        } => {
            result.name = match group {
                Some(g) => format!("{window} {g}"),
                None => window.clone(),
            };
            result.expected = match observed {
                Some(o) => format!("{status}, observed {o}"),
                None => status.clone(),
            };
            let rule = verdict.rules.iter().find(|r| r.name == e.rule);
            let found = rule.and_then(|r| {
                r.windows
                    .iter()
                    .find(|w| w.window == *window && w.group.as_ref() == group.as_ref())
            });
            match found {
                Some(w) => {
                    let value = w.observed.map_or_else(
                        || "none".to_owned(),
                        |o| format!("{}", (o * 1e6).round() / 1e6),
                    );
                    result.actual = format!("{}, observed {value}", w.status.as_str());
                    result.passed = w.status.as_str() == status
                        && observed
                            .is_none_or(|o| w.observed.is_some_and(|x| (x - o).abs() < 1e-6));
                }
                None => {
                    let labels: Vec<String> = rule
                        .map(|r| {
                            r.windows
                                .iter()
                                .map(|w| match &w.group {
                                    Some(g) => format!("{} {g}", w.window),
                                    None => w.window.clone(),
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    result.actual = format!("no such window; the rule has: {}", labels.join(", "));
                }
            }
        }
    }
    result
}

/// A temporary folder holding inline rows as JSON Lines, removed on drop.
struct Scratch {
    dir: PathBuf,
}

static NEXT: AtomicU64 = AtomicU64::new(0);

impl Scratch {
    fn write(
        leads: &[BTreeMap<String, String>],
        activities: &[BTreeMap<String, String>],
    ) -> Result<Scratch, String> {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("accord-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let scratch = Scratch { dir };
        for (name, rows) in [("leads.jsonl", leads), ("activities.jsonl", activities)] {
            let mut f = std::fs::File::create(scratch.dir.join(name)).map_err(|e| e.to_string())?;
            for row in rows {
                let line = serde_json::to_string(row).map_err(|e| e.to_string())?;
                writeln!(f, "{line}").map_err(|e| e.to_string())?;
            }
        }
        Ok(scratch)
    }

    fn leads(&self) -> PathBuf {
        self.dir.join("leads.jsonl")
    }

    fn activities(&self) -> PathBuf {
        self.dir.join("activities.jsonl")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
