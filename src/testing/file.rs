//! The `*.test.toml` format and its diagnostics: an agreement, an as-of
//! instant, inline leads and activities (or paths to exports), and the
//! expectations. Problems point into the TOML file (spans from the toml
//! crate) with a stable code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

/// Outcomes a lead expectation may name (`explain`'s words).
pub const OUTCOMES: [&str; 6] = ["met", "missed", "open", "excluded", "counted", "not judged"];
/// Statuses a window expectation may name (the verdict document's).
pub const STATUSES: [&str; 5] = ["met", "missed", "on_track", "at_risk", "no_data"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    agreement: Spanned<String>,
    as_of: Spanned<String>,
    #[serde(default)]
    leads: Option<Spanned<String>>,
    #[serde(default)]
    activities: Option<Spanned<String>>,
    #[serde(default)]
    lead: Vec<BTreeMap<String, toml::Value>>,
    #[serde(default)]
    activity: Vec<BTreeMap<String, toml::Value>>,
    #[serde(default)]
    expect: Vec<Spanned<RawExpect>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    rule: Spanned<String>,
    lead: Option<String>,
    outcome: Option<Spanned<String>>,
    reason: Option<String>,
    window: Option<String>,
    group: Option<String>,
    status: Option<Spanned<String>>,
    observed: Option<f64>,
}

/// Where the data comes from: rows written in the file, or exports.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Inline {
        leads: Vec<BTreeMap<String, String>>,
        activities: Vec<BTreeMap<String, String>>,
    },
    Files {
        leads: PathBuf,
        activities: PathBuf,
    },
}

/// One expectation, with the span of its table for diagnostics and reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub rule: String,
    pub rule_span: SourceSpan,
    pub line: usize,
    pub what: Expected,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// One lead's outcome under the rule; `reason` must occur in its reason.
    Lead {
        lead: String,
        outcome: String,
        reason: Option<String>,
    },
    /// A window's status (of one group, if given), optionally its observed value.
    Window {
        window: String,
        group: Option<String>,
        status: String,
        observed: Option<f64>,
    },
}

/// A test file, read and checked for shape.
#[derive(Debug, Clone)]
pub struct TestFile {
    pub path: PathBuf,
    pub source: NamedSource<String>,
    pub agreement: PathBuf,
    pub as_of: String,
    pub data: Data,
    pub expects: Vec<Expect>,
}

/// A test file that cannot be run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum TestFileError {
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(
        code(accord::E150),
        help("name `*.test.toml` files, or folders that hold them")
    )]
    Unreadable { path: String, reason: String },

    #[error("{message}")]
    #[diagnostic(code(accord::E151))]
    Invalid {
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: Option<SourceSpan>,
        #[help]
        help: Option<String>,
    },

    #[error("no rule \"{name}\" in `{agreement}`")]
    #[diagnostic(code(accord::E152))]
    UnknownRule {
        name: String,
        agreement: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("not a rule of the agreement")]
        span: SourceSpan,
        #[help]
        help: String,
    },
}

impl TestFileError {
    fn invalid(
        src: &NamedSource<String>,
        message: String,
        span: Option<SourceSpan>,
        help: Option<String>,
    ) -> Self {
        TestFileError::Invalid {
            message,
            src: src.clone(),
            span,
            help,
        }
    }
}

/// A TOML value as the text a data cell would hold.
fn cell(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn rows(tables: Vec<BTreeMap<String, toml::Value>>) -> Vec<BTreeMap<String, String>> {
    tables
        .into_iter()
        .map(|t| t.into_iter().map(|(k, v)| (k, cell(&v))).collect())
        .collect()
}

fn span_of<T>(s: &Spanned<T>) -> SourceSpan {
    let r = s.span();
    (r.start, r.end - r.start).into()
}

/// Reads and shape-checks a test file. Paths in it are relative to it.
// The error carries the file's text for miette to show; it is rare.
#[allow(clippy::result_large_err)]
pub fn load(path: &Path) -> Result<TestFile, TestFileError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| TestFileError::Unreadable {
        path: name.clone(),
        reason: e.to_string().to_lowercase(),
    })?;
    let src = NamedSource::new(name, text.clone());
    let raw: Raw = toml::from_str(&text).map_err(|e| {
        let span = e.span().map(|r| SourceSpan::from((r.start, r.end.saturating_sub(r.start))));
        let message = e.message().trim().to_owned();
        let help = message
            .contains("unknown field")
            .then(|| "a test file has `agreement`, `as_of`, `leads`, `activities`, `[[lead]]`, `[[activity]]` and `[[expect]]`; an expectation has `rule` and either `lead` + `outcome` (+ `reason`) or `window` (+ `group`) + `status` (+ `observed`)".to_owned());
        TestFileError::invalid(&src, message, span, help)
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let data = match (raw.leads, raw.activities) {
        (Some(leads), Some(activities)) if raw.lead.is_empty() && raw.activity.is_empty() => Data::Files {
            leads: dir.join(leads.into_inner()),
            activities: dir.join(activities.into_inner()),
        },
        (None, None) => Data::Inline {
            leads: rows(raw.lead),
            activities: rows(raw.activity),
        },
        (Some(s), _) | (None, Some(s)) => {
            return Err(TestFileError::invalid(
                &src,
                "give both `leads` and `activities` paths, and no inline rows, or neither".to_owned(),
                Some(span_of(&s)),
                Some("inline `[[lead]]` and `[[activity]]` tables suit small examples; paths suit a shared fixture".to_owned()),
            ))
        }
    };
    let line_of = |offset: usize| text.get(..offset).map_or(1, |t| t.lines().count().max(1));
    let mut expects = Vec::with_capacity(raw.expect.len());
    for e in raw.expect {
        let span = span_of(&e);
        let line = line_of(e.span().start + 1);
        let e = e.into_inner();
        let bad = |message: &str, at: SourceSpan| {
            TestFileError::invalid(&src, message.to_owned(), Some(at), None)
        };
        let check = |value: &Spanned<String>, allowed: &[&str], what: &str| {
            if allowed.contains(&value.get_ref().as_str()) {
                Ok(value.get_ref().clone())
            } else {
                Err(TestFileError::invalid(
                    &src,
                    format!("`{}` is not {what}", value.get_ref()),
                    Some(span_of(value)),
                    Some(format!("one of: {}", allowed.join(", "))),
                ))
            }
        };
        let what =
            match (e.lead, e.outcome, e.window, e.status) {
                (Some(lead), Some(outcome), None, None) => Expected::Lead {
                    lead,
                    outcome: check(&outcome, &OUTCOMES, "an outcome")?,
                    reason: e.reason,
                },
                (None, None, Some(window), Some(status)) => Expected::Window {
                    window,
                    group: e.group,
                    status: check(&status, &STATUSES, "a window status")?,
                    observed: e.observed,
                },
                _ => return Err(bad(
                    "an expectation names either `lead` and `outcome`, or `window` and `status`",
                    span,
                )),
            };
        expects.push(Expect {
            rule_span: span_of(&e.rule),
            rule: e.rule.into_inner(),
            line,
            what,
        });
    }
    Ok(TestFile {
        path: path.to_path_buf(),
        agreement: dir.join(raw.agreement.get_ref()),
        as_of: raw.as_of.into_inner(),
        data,
        expects,
        source: src,
    })
}
