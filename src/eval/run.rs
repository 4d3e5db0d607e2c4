//! One evaluation end to end: the agreement checked and compiled, the leads
//! loaded, the activities streamed through the [`Evaluator`], and the
//! verdict document assembled. This is what `eval`, `explain` and `report`
//! call; each step's failure is a [`RunError`] (exit 2).

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

use super::due::{Agenda, Due};
use super::explain::{Explanation, Seen};
use std::collections::HashMap;

use super::model::Spec;
use super::model::{compile, Program};
use super::verdict::{rollup, DataSummary, Verdict};
use super::warnings::{self, Hits};
use super::{Evaluator, Spent};
use crate::agreement::{check_file, Checked};
use crate::check::Options as CheckOptions;
use crate::data::activities::columns_present;
use crate::data::config::Ids;
use crate::data::issue::Missing;
use crate::data::profile::{profile, Asked};
use crate::data::{
    load_leads, parse_timestamp, relabel, stream_activities, Activity, ActivitySource, DataError,
    DataIssue, Interner, LeadSource, Leads, RowCounts, Split, Wanted,
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
    /// Overrides `[data] max_rejected` (a share, 0 to 1): `accord data`
    /// reads on whatever is rejected, to show it.
    pub max_rejected: Option<f64>,
    /// Also list what is due as of the instant ([`Evaluation::due`]), as
    /// `accord report` shows it.
    pub due: bool,
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

    /// So much of one file was rejected that it was misread, not dirty.
    #[error("{rejected} of {read} rows of `{file}` were rejected, more than the {limit} allowed")]
    #[diagnostic(
        code(accord::E125),
        help("the export is read the wrong way; the issues above say which setting likely fixes it (`[data] max_rejected` in accord.toml sets the limit, 10% unless set)")
    )]
    Rejected {
        file: String,
        rejected: u64,
        read: u64,
        /// The limit as written, `10%`.
        limit: String,
        /// The file's issues, to summarise.
        issues: Vec<DataIssue>,
    },

    #[error("no rule `{name}` in the agreement")]
    #[diagnostic(code(accord::E126), help("{help}"))]
    UnknownRule { name: String, help: String },

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

/// A file as named, with what became of its rows.
pub type FileCounts = (String, RowCounts);

/// The activities streamed: each part's state with its lines' base, and
/// each file's rows.
type Streamed<S> = (Vec<(S, u64)>, Vec<FileCounts>);

/// A finished evaluation.
pub struct Evaluation {
    pub verdict: Verdict,
    /// Each file read, with what became of its rows (the leads first).
    pub files: Vec<FileCounts>,
    pub program: Program,
    pub as_of: DateTime<Utc>,
    /// Freed with the evaluation (see [`Spent`]).
    pub states: Spent,
    /// What is due as of the instant, when [`Options::due`] asked for it.
    pub due: Vec<Due>,
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
    let no_hits = Hits::new(&program.activity_fields);
    let folds = ev.folds();
    let (parts, activity_files) = data.stream(
        project,
        &leads,
        options.split,
        || (ev.gathered(), no_hits.clone()),
        |(gathered, hits), a| {
            ev.observe(&folds, gathered, a);
            hits.add(a.values.symbols);
        },
        |(gathered, _)| ev.fold_last(&folds, gathered),
        || ev.reset(&folds),
        &mut issues,
        options.progress,
    )?;
    let judged = ev.judged();
    // Folding looks at no line: the parts' bases are not needed.
    let mut hits = no_hits;
    for ((_, part_hits), _) in parts {
        hits.merge(&part_hits);
    }
    let due = if options.due {
        ev.due(&folds)
    } else {
        Vec::new()
    };
    let (rules, more, states) = ev.finish(folds);
    let mut warnings = warnings::unheld_lead_words(&program, &leads, &interner);
    warnings.extend(warnings::unheld_activity_words(&program, &hits, |field| {
        data.values_of(project, field)
    }));
    warnings.extend(warnings::unjudged_rules(&program, &judged, leads.len()));
    warnings.extend(warnings::unused_values(&project.config, &program));
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
            activities: activity_files.iter().map(|(_, c)| c.used).sum(),
            issues: issues.len() as u64,
        },
        rules,
        issues,
        warnings,
    };
    let mut files = vec![(leads_file, lead_counts)];
    files.extend(activity_files);
    Ok(Evaluation {
        verdict,
        files,
        program,
        as_of,
        states,
        due,
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
    let folds = ev.folds();
    // One lead's activities are few: keep them whole, part by part.
    let (parts, _) = data.stream(
        project,
        &leads,
        options.split,
        || (ev.gathered(), Vec::new()),
        |(gathered, seen), a| {
            if a.lead == lead {
                seen.push(Seen::of(a));
                ev.observe(&folds, gathered, a);
            }
        },
        |(gathered, _)| ev.fold_last(&folds, gathered),
        || ev.reset(&folds),
        &mut issues,
        None,
    )?;
    let mut seen: Vec<Seen> = Vec::new();
    for ((_, part_seen), base) in parts {
        seen.extend(part_seen.into_iter().map(|mut s| {
            s.line += base;
            s
        }));
    }
    seen.sort_by_key(|s| (s.at, s.seq));
    Ok(ev.explain(lead, &seen, folds))
}

/// The obligations open or overdue as of the instant, every one (see
/// [`super::due`]); `accord due` filters them.
pub fn due(project: &Project, options: Options<'_>) -> Result<Agenda, RunError> {
    let mut p = prepare(project, &options)?;
    let ev = Evaluator::new(
        &p.program,
        &p.leads,
        &p.leads_file,
        &p.interner,
        p.as_of,
        None,
    );
    let folds = ev.folds();
    p.data.stream(
        project,
        &p.leads,
        options.split,
        || ev.gathered(),
        |gathered, a| ev.observe(&folds, gathered, a),
        |gathered| ev.fold_last(&folds, gathered),
        || ev.reset(&folds),
        &mut p.issues,
        options.progress,
    )?;
    p.issues.extend(ev.issues.iter().cloned());
    if options.strict && !p.issues.is_empty() {
        return Err(RunError::Strict {
            count: p.issues.len(),
            issues: p.issues,
        });
    }
    Ok(Agenda {
        agreement: p.program.name.clone(),
        as_of: rfc3339(p.as_of, p.program.tz),
        items: ev.due(&folds),
        rules: p.program.rules.iter().map(|r| r.name.clone()).collect(),
    })
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

/// How to read the activities files.
struct DataSettings {
    tz: Tz,
    ids: Ids,
    activity_fields: Vec<Wanted>,
    /// The rule that reads `duration`, if any (`max duration`).
    duration_rule: Option<String>,
    /// The share of a file's rows that may be rejected.
    max_rejected: f64,
}

/// The agreement compiled, with what the loaders are asked for.
pub(crate) struct Compiled {
    pub program: Program,
    pub interner: Interner,
    /// The zone of local times in the data.
    pub tz: Tz,
    pub ids: Ids,
    /// The fields each table is asked for, each with its `[people]` and
    /// `[values]` map.
    pub lead_fields: Vec<Wanted>,
    pub activity_fields: Vec<Wanted>,
    /// The rule that reads `duration`, if any (`max duration`).
    pub duration_rule: Option<String>,
}

/// Checks and compiles the project's agreement.
pub(crate) fn compiled(project: &Project) -> Result<Compiled, RunError> {
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
    let people = people_fields(&program);
    let mut lead_fields = program.lead_fields.needed();
    relabel::attach(config, &mut lead_fields, &people);
    let mut activity_fields = program.activity_fields.needed();
    relabel::attach(config, &mut activity_fields, &people);
    let duration_rule = program.rules.iter().find_map(|r| match &r.spec {
        Spec::Attempts {
            max_duration_s: Some(_),
            ..
        } => Some(r.name.clone()),
        _ => None,
    });
    Ok(Compiled {
        tz: config.data.tz().unwrap_or(program.tz),
        ids: ids_of(config),
        program,
        interner,
        lead_fields,
        activity_fields,
        duration_rule,
    })
}

fn prepare(project: &Project, options: &Options<'_>) -> Result<Prepared, RunError> {
    let Compiled {
        program,
        mut interner,
        tz,
        ids,
        lead_fields,
        activity_fields,
        duration_rule,
    } = compiled(project)?;
    let config = &project.config;
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
        table: &config.leads,
        tz,
        ids,
        needed: &lead_fields,
    };
    let (leads, lead_counts) = load_leads(&source, options.split, &mut interner, &mut issues)?;
    let max_rejected = match options.max_rejected {
        _ if options.strict => 0.0,
        Some(share) => share,
        None => config.data.max_rejected.unwrap_or(DEFAULT_MAX_REJECTED),
    };
    check_rejected(
        &project.leads.display().to_string(),
        lead_counts,
        &issues,
        max_rejected,
    )?;
    let data = DataSettings {
        tz,
        ids,
        activity_fields,
        duration_rule,
        max_rejected,
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
    /// Streams every activities file, one after the other, as one stream:
    /// the parts' states in order, each with its lines' base, and the rows
    /// of all files counted together. Should a part of a file be read and
    /// dropped ([`crate::data::Streamed::read_again`]: the file was cut
    /// inside a quoted cell), what the parts folded into shared state is not
    /// the file's: `reset` empties that state, and every file is read again
    /// in one part. Only a file with line breaks inside quoted cells pays
    /// for it, and only when a cut falls in one.
    #[allow(clippy::too_many_arguments)]
    fn stream<S: Send>(
        &self,
        project: &Project,
        leads: &Leads,
        split: Split,
        init: impl Fn() -> S + Sync,
        visit: impl Fn(&mut S, &Activity<'_>) + Sync,
        done: impl Fn(&mut S) + Sync,
        reset: impl Fn(),
        issues: &mut Vec<DataIssue>,
        mut progress: Option<&mut dyn FnMut(u64)>,
    ) -> Result<Streamed<S>, RunError> {
        let first_issue = issues.len();
        let mut read = |split: Split, issues: &mut Vec<DataIssue>| {
            let progress = progress.as_mut().map(|p| &mut **p as &mut dyn FnMut(u64));
            self.stream_once(
                project,
                leads,
                split,
                (&init, &visit, &done),
                issues,
                progress,
            )
        };
        let (streamed, read_again) = read(split, issues)?;
        if !read_again || split.threads <= 1 {
            return Ok(streamed);
        }
        drop(streamed);
        issues.truncate(first_issue);
        reset();
        let one = Split {
            threads: 1,
            ..split
        };
        Ok(read(one, issues)?.0)
    }

    /// [`DataSettings::stream`], once; and whether a part was read again.
    fn stream_once<S: Send>(
        &self,
        project: &Project,
        leads: &Leads,
        split: Split,
        (init, visit, done): (
            &(impl Fn() -> S + Sync),
            &(impl Fn(&mut S, &Activity<'_>) + Sync),
            &(impl Fn(&mut S) + Sync),
        ),
        issues: &mut Vec<DataIssue>,
        mut progress: Option<&mut dyn FnMut(u64)>,
    ) -> Result<(Streamed<S>, bool), RunError> {
        let mut states = Vec::new();
        let mut counts = Vec::with_capacity(project.activities.len());
        let mut seq_base = 0;
        let mut read_again = false;
        let lacking = self.lacking(project)?;
        for (i, path) in project.activities.iter().enumerate() {
            let source = ActivitySource {
                path,
                table: project.activity_table(i),
                tz: self.tz,
                ids: self.ids,
                duration_rule: self.duration_rule.as_deref(),
                seq_base,
                may_lack: lacking.get(i).map_or(&[][..], Vec::as_slice),
                needed: &self.activity_fields,
                leads,
            };
            let first_issue = issues.len();
            let streamed = stream_activities(
                &source,
                split,
                init,
                visit,
                done,
                issues,
                progress.as_mut().map(|p| &mut **p as &mut dyn FnMut(u64)),
            )?;
            let file = path.display().to_string();
            let own = issues.get(first_issue..).unwrap_or_default();
            check_rejected(&file, streamed.counts, own, self.max_rejected)?;
            read_again |= streamed.read_again;
            states.extend(streamed.parts);
            counts.push((file, streamed.counts));
            // Offsets of the next file come after this one's, so that rows
            // at one instant keep the order of the files.
            seq_base += std::fs::metadata(path).map_or(0, |m| m.len()) + 1;
        }
        Ok(((states, counts), read_again))
    }
}

impl DataSettings {
    /// Per activities file, the fields of the agreement it may lack because
    /// another file has them (HubSpot's e-mails have no call outcome).
    /// One file must have each: a field no file has is E112, naming them
    /// all. With one file, nothing may be lacking (its reader says so).
    fn lacking(&self, project: &Project) -> Result<Vec<Vec<String>>, RunError> {
        if project.activities.len() < 2 {
            return Ok(Vec::new());
        }
        let mut fields: Vec<String> = self
            .activity_fields
            .iter()
            .map(|w| w.field.clone())
            .collect();
        if self.duration_rule.is_some() {
            fields.push("duration".to_owned());
        }
        let mut present = Vec::with_capacity(project.activities.len());
        for (i, path) in project.activities.iter().enumerate() {
            present.push(columns_present(path, project.activity_table(i), &fields)?);
        }
        let nowhere: Vec<Missing> = fields
            .iter()
            .enumerate()
            .filter(|(f, _)| present.iter().all(|p| p.get(*f) == Some(&Some(false))))
            .map(|(_, field)| Missing {
                field: field.clone(),
                column: field.clone(),
                rule: Some(self.rule_of(field)),
            })
            .collect();
        if !nowhere.is_empty() {
            let files: Vec<String> = project
                .activities
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect();
            return Err(DataError::missing_everywhere(&files, nowhere).into());
        }
        Ok(present
            .iter()
            .map(|p| {
                fields
                    .iter()
                    .zip(p)
                    .filter(|(_, has)| **has == Some(false))
                    .map(|(f, _)| f.clone())
                    .collect()
            })
            .collect())
    }

    /// A rule that uses an activity field, for messages.
    fn rule_of(&self, field: &str) -> String {
        if field == "duration" {
            if let Some(rule) = &self.duration_rule {
                return rule.clone();
            }
        }
        self.activity_fields
            .iter()
            .find(|w| w.field == field)
            .map_or_else(String::new, |w| w.rule.clone())
    }

    /// Every value of the activity field `field` and its rows, over all
    /// the activities files, after `[people]` and `[values]`; empty when a
    /// file cannot be read again (it was read once already).
    fn values_of(&self, project: &Project, field: &str) -> Vec<(String, u64)> {
        let relabel = self
            .activity_fields
            .iter()
            .find(|w| w.field == field)
            .and_then(|w| w.relabel.clone());
        let asked = [Asked {
            field: field.to_owned(),
            relabel,
        }];
        let mut all: HashMap<String, u64> = HashMap::new();
        for (i, path) in project.activities.iter().enumerate() {
            let table = project.activity_table(i);
            if let Ok(p) = profile(path, table, "activities", &asked, None) {
                for column in p.columns {
                    for (value, rows) in column.values {
                        *all.entry(value).or_default() += rows;
                    }
                    if column.blank > 0 {
                        *all.entry(String::new()).or_default() += column.blank;
                    }
                }
            }
        }
        all.into_iter().collect()
    }
}

/// What `[data] max_rejected` is when not set: a tenth of a file.
const DEFAULT_MAX_REJECTED: f64 = 0.10;

/// Rows rejected that no limit counts against: a small file's few bad
/// rows are bad rows, not a misread format.
const REJECTED_ALLOWED: u64 = 20;

/// Stops when more than `max` of a file's rows (and more than 20) were
/// rejected: verdicts on a fraction of the data would mislead.
fn check_rejected(
    file: &str,
    counts: RowCounts,
    issues: &[DataIssue],
    max: f64,
) -> Result<(), RunError> {
    let rejected = counts.issues;
    let over = rejected > REJECTED_ALLOWED && rejected as f64 > max * counts.read as f64;
    if !over {
        return Ok(());
    }
    Err(RunError::Rejected {
        file: file.to_owned(),
        rejected,
        read: counts.read,
        limit: format!("{}%", (max * 10_000.0).round() / 100.0),
        issues: issues.iter().filter(|i| i.file == file).cloned().collect(),
    })
}

/// How lead ids compare: as Salesforce ids if any table says so, since
/// they compare across tables.
fn ids_of(config: &crate::data::Config) -> Ids {
    let salesforce = std::iter::once(&config.leads)
        .chain(&config.activities)
        .any(|t| t.ids == Some(Ids::Salesforce));
    if salesforce {
        Ids::Salesforce
    } else {
        Ids::Exact
    }
}

/// The fields that hold people, which `[people]` applies to: every field
/// a rule is held `per`, and the conventional `owner` and `actor`.
fn people_fields(program: &Program) -> Vec<&str> {
    let mut fields = vec!["owner", "actor"];
    for rule in &program.rules {
        if let Some((_, field)) = &rule.per {
            if !fields.contains(&field.as_str()) {
                fields.push(field);
            }
        }
    }
    fields
}

/// An instant as the verdict document writes it: RFC 3339 in the
/// agreement's zone, seconds precision.
pub fn rfc3339(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::AutoSi, true)
}
