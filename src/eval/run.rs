//! One evaluation end to end: the agreement checked and compiled, the leads
//! loaded, the activities streamed through the [`Evaluator`], and the
//! verdict document assembled. This is what `eval`, `explain` and `report`
//! call; each step's failure is a [`RunError`] (exit 2).

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

use super::explain::{Explanation, Seen};
use super::model::{compile, Program};
use super::verdict::{rollup, DataSummary, Verdict};
use super::{Evaluator, Spent};
use crate::agreement::{check_file, Checked};
use crate::check::Options as CheckOptions;
use crate::data::{
    load_leads, parse_timestamp, stream_activities, ActivitySource, DataError, DataIssue,
    DurationUnit, Format, Interner, LeadSource, Leads, RowCounts, Split,
};
use crate::project::Project;

/// How to run.
#[derive(Default)]
pub struct Options<'a> {
    /// "Now": RFC 3339, or a local time in the agreement's zone; default:
    /// the clock.
    pub as_of: Option<String>,
    /// Any data issue is fatal.
    pub strict: bool,
    /// Called with the number of activity rows read, every so often, for a
    /// progress indicator.
    pub progress: Option<&'a mut dyn FnMut(u64)>,
    /// How far to split the reading of a large activities file.
    pub split: Split,
}

/// An evaluation that could not run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RunError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Project(Box<crate::project::ProjectError>),

    /// The agreement has errors; its diagnostics are in `checked`.
    #[error("`{path}` has errors, so it cannot be evaluated")]
    #[diagnostic(
        code(accord::E122),
        help("run `accord check {path}` and fix what it reports")
    )]
    Agreement { path: String, checked: Box<Checked> },

    #[error("the as-of instant `{text}`: {reason}")]
    #[diagnostic(
        code(accord::E121),
        help("give an RFC 3339 instant such as `2027-02-15T12:00:00+01:00`, or a local time such as `2027-02-15 12:00`")
    )]
    AsOf { text: String, reason: String },

    #[error(transparent)]
    #[diagnostic(transparent)]
    Data(Box<DataError>),

    #[error("{count} data issue(s) with --strict")]
    #[diagnostic(
        code(accord::E123),
        help("fix the rows listed above, or run without --strict to leave them out")
    )]
    Strict {
        count: usize,
        issues: Vec<DataIssue>,
    },

    #[error("no lead `{id}` in `{file}`")]
    #[diagnostic(code(accord::E124), help("{help}"))]
    UnknownLead {
        id: String,
        file: String,
        help: String,
    },
}

// Boxed: errors are rare and the happy path should not carry their size.
impl From<crate::project::ProjectError> for RunError {
    fn from(e: crate::project::ProjectError) -> Self {
        RunError::Project(Box::new(e))
    }
}

impl From<DataError> for RunError {
    fn from(e: DataError) -> Self {
        RunError::Data(Box::new(e))
    }
}

/// A finished evaluation.
pub struct Evaluation {
    pub verdict: Verdict,
    pub program: Program,
    pub as_of: DateTime<Utc>,
    /// Freed with the evaluation (see [`Spent`]).
    pub states: Spent,
}

/// Evaluates the project's agreement against its data.
pub fn evaluate(project: &Project, options: Options<'_>) -> Result<Evaluation, RunError> {
    let Prepared {
        program,
        interner,
        leads,
        leads_file,
        lead_counts,
        mut issues,
        as_of,
        data,
    } = prepare(project, &options)?;
    let ev = Evaluator::new(&program, &leads, &leads_file, &interner, as_of, None);
    let (parts, activity_counts) = stream_activities(
        &data.source(project, &leads),
        options.split,
        || ev.folds(),
        |folds, a| ev.observe(folds, a),
        &mut issues,
        options.progress,
    )?;
    // Folding looks at no line: the parts' bases are not needed.
    let folds = ev.merged(parts.into_iter().map(|(folds, _)| folds).collect());
    let (rules, more, states) = ev.finish(folds);
    issues.extend(more);
    if options.strict && !issues.is_empty() {
        return Err(RunError::Strict {
            count: issues.len(),
            issues,
        });
    }
    let verdict = Verdict {
        schema: "accord.verdict/1",
        agreement: program.name.clone(),
        version: program.version.clone(),
        as_of: rfc3339(as_of, program.tz),
        status: rollup(rules.iter().map(|r| r.status)),
        data: DataSummary {
            leads: lead_counts.used,
            activities: activity_counts.used,
            issues: issues.len() as u64,
        },
        rules,
        issues,
    };
    Ok(Evaluation {
        verdict,
        program,
        as_of,
        states,
    })
}

/// Every rule's judgement of one lead, step by step.
pub fn explain(project: &Project, options: Options<'_>, id: &str) -> Result<Explanation, RunError> {
    let Prepared {
        program,
        interner,
        leads,
        leads_file,
        mut issues,
        as_of,
        data,
        ..
    } = prepare(project, &options)?;
    let Some(lead) = leads.index_of(id) else {
        let help = match leads.rejected_line(id) {
            Some(line) => {
                format!("its row (line {line}) was rejected; see the data issues of `accord eval`")
            }
            None => "lead ids are compared exactly as written in the `id` column".to_owned(),
        };
        return Err(RunError::UnknownLead {
            id: id.to_owned(),
            file: leads_file,
            help,
        });
    };
    let ev = Evaluator::new(&program, &leads, &leads_file, &interner, as_of, Some(lead));
    // One lead's activities are few: keep them whole, part by part.
    let (parts, _) = stream_activities(
        &data.source(project, &leads),
        options.split,
        || (ev.folds(), Vec::new()),
        |(folds, seen), a| {
            if a.lead == lead {
                seen.push(Seen::of(a));
                ev.observe(folds, a);
            }
        },
        &mut issues,
        None,
    )?;
    let mut folds = Vec::with_capacity(parts.len());
    let mut seen: Vec<Seen> = Vec::new();
    for ((part, part_seen), base) in parts {
        folds.push(part);
        seen.extend(part_seen.into_iter().map(|mut s| {
            s.line += base;
            s
        }));
    }
    let folds = ev.merged(folds);
    seen.sort_by_key(|s| (s.at, s.seq));
    Ok(ev.explain(lead, &seen, &folds))
}

/// What every run needs before the activities stream.
struct Prepared {
    program: Program,
    interner: Interner,
    leads: Leads,
    leads_file: String,
    lead_counts: RowCounts,
    issues: Vec<DataIssue>,
    as_of: DateTime<Utc>,
    data: DataSettings,
}

/// How to read the data files.
struct DataSettings {
    tz: Tz,
    activities_format: Format,
    duration_unit: DurationUnit,
    activity_fields: Vec<crate::data::Wanted>,
}

fn prepare(project: &Project, options: &Options<'_>) -> Result<Prepared, RunError> {
    let checked = check_file(&project.agreement, &CheckOptions { today: None });
    let (Some(agreement), Some(source)) = (checked.clean(), checked.source.as_ref()) else {
        return Err(RunError::Agreement {
            path: project.agreement.display().to_string(),
            checked: Box::new(checked),
        });
    };
    let mut interner = Interner::new();
    let program = compile(agreement, &source.text, &mut interner);
    let config = &project.config;
    let tz = config.data.tz().unwrap_or(program.tz);
    let as_of = match options.as_of.as_ref().or(config.data.as_of.as_ref()) {
        Some(text) => parse_timestamp(text, tz).map_err(|reason| RunError::AsOf {
            text: text.clone(),
            reason,
        })?,
        None => Utc::now(),
    };
    let mut issues = Vec::new();
    let source = LeadSource {
        path: &project.leads,
        format: Format::resolve(&project.leads, config.leads.format),
        columns: &config.leads.columns,
        tz,
        needed: &program.lead_fields.needed(),
    };
    let (leads, lead_counts) = load_leads(&source, options.split, &mut interner, &mut issues)?;
    let data = DataSettings {
        tz,
        activities_format: Format::resolve(&project.activities, config.activities.format),
        duration_unit: config.activities.duration_unit.unwrap_or_default(),
        activity_fields: program.activity_fields.needed(),
    };
    Ok(Prepared {
        program,
        interner,
        leads,
        leads_file: project.leads.display().to_string(),
        lead_counts,
        issues,
        as_of,
        data,
    })
}

impl DataSettings {
    fn source<'a>(&'a self, project: &'a Project, leads: &'a Leads) -> ActivitySource<'a> {
        ActivitySource {
            path: &project.activities,
            format: self.activities_format,
            columns: &project.config.activities.columns,
            duration_unit: self.duration_unit,
            tz: self.tz,
            needed: &self.activity_fields,
            leads,
        }
    }
}

/// An instant as the verdict document writes it: RFC 3339 in the
/// agreement's zone, seconds precision.
pub fn rfc3339(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::AutoSi, true)
}
