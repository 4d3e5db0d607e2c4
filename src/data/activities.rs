//! The activities table, streamed: each usable row is handed to a visitor
//! and forgotten, so memory stays flat however many activities there are.
//! The visitor keeps what its rules need (first touch per lead, counts, time
//! spent) and nothing else.
//!
//! A row is used when its lead is a loaded lead and its `at` time and
//! `duration` are readable. A blank `kind` is kept (it is just a value a
//! condition may test); a blank or absent `duration` is 0.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::duration::{parse_duration, DurationUnit};
use super::intern::{is_blank, Interner};
use super::issue::{quoted, DataError, DataIssue, RowProblems};
use super::leads::Leads;
use super::table::{FieldSpec, Table};
use super::timestamp::parse_timestamp;
use super::{Format, RowCounts, Wanted};

/// One usable activity row, valid only during the visit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Activity<'a> {
    /// The lead it belongs to (an index into [`Leads`]).
    pub lead: u32,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Its `kind`, interned.
    pub kind: u32,
    /// How long it took, in milliseconds (0 when not given).
    pub duration_ms: i64,
    /// Its position in the file among all data rows, counting from 0: the
    /// tie-break between activities of one lead at the same instant.
    pub seq: u64,
    /// The physical line where its record starts.
    pub line: u64,
    /// One interned value per entry of `needed`, in that order.
    pub values: &'a [u32],
}

/// Stream the activities table through `visit`. `needed` pairs each activity
/// field the agreement uses with a rule that uses it; `values` in each
/// [`Activity`] follow it entry for entry. Rows that cannot be used are
/// appended to `issues`.
///
/// For JSON Lines a needed column that no line has is only known at the end,
/// so the error comes after the rows were visited: on `Err`, throw away what
/// the visitor gathered.
#[allow(clippy::too_many_arguments)] // The signature the CLI's data step calls; every input is distinct.
pub fn stream_activities(
    path: &Path,
    format: Format,
    columns: &BTreeMap<String, String>,
    duration_unit: DurationUnit,
    tz: Tz,
    needed: &[Wanted],
    leads: &Leads,
    interner: &mut Interner,
    issues: &mut Vec<DataIssue>,
    mut visit: impl FnMut(&Activity, &Interner),
) -> Result<RowCounts, DataError> {
    let mut specs = vec![
        FieldSpec::required("lead"),
        FieldSpec::required("at"),
        FieldSpec::required("kind"),
        FieldSpec::optional("duration"),
    ];
    specs.extend(needed.iter().map(FieldSpec::used));
    let mut table = Table::open(path, format, "activities", columns, &specs)?;
    let file = table.file().to_owned();
    let names = table.column_names();
    let column = |slot: usize| names.get(slot).map(String::as_str);
    let slots = Slots {
        lead: table.slot("lead"),
        at: table.slot("at"),
        kind: table.slot("kind"),
        duration: table.slot("duration"),
        needed: needed.iter().map(|w| table.slot(&w.field)).collect(),
    };

    let mut counts = RowCounts::default();
    let mut problems = RowProblems::default();
    let mut values: Vec<u32> = Vec::with_capacity(needed.len());
    while let Some(row) = table.next_row()? {
        let seq = counts.read;
        counts.read += 1;
        if let Some(reason) = row.broken() {
            problems.add(None, reason.to_owned());
        }
        let cell = |slot: Option<usize>| slot.map_or(Ok(""), |s| row.get(s));

        let mut lead = None;
        match cell(slots.lead) {
            Err(reason) => problems.add(slots.lead.and_then(column), reason.to_owned()),
            Ok(text) if is_blank(text) => {
                if row.broken().is_none() {
                    problems.add(slots.lead.and_then(column), "missing lead id".to_owned());
                }
            }
            Ok(text) => match (leads.index_of(text), leads.rejected_line(text)) {
                (Some(i), _) => lead = Some(i),
                (None, Some(line)) => problems.add(
                    None,
                    format!(
                        "activity of lead {}, whose own row (line {line}) was rejected",
                        quoted(text)
                    ),
                ),
                (None, None) => {
                    problems.add(None, format!("activity of unknown lead {}", quoted(text)))
                }
            },
        }

        let mut at = None;
        match cell(slots.at) {
            Err(reason) => problems.add(slots.at.and_then(column), reason.to_owned()),
            Ok(text) if is_blank(text) => {
                if row.broken().is_none() {
                    problems.add(slots.at.and_then(column), "missing time".to_owned());
                }
            }
            Ok(text) => match parse_timestamp(text, tz) {
                Ok(t) => at = Some(t),
                Err(reason) => problems.add(
                    slots.at.and_then(column),
                    format!("invalid time {}: {reason}", quoted(text)),
                ),
            },
        }

        let mut duration_ms = 0;
        match cell(slots.duration) {
            Err(reason) => problems.add(slots.duration.and_then(column), reason.to_owned()),
            Ok(text) => match parse_duration(text, duration_unit) {
                Ok(ms) => duration_ms = ms,
                Err(reason) => problems.add(
                    slots.duration.and_then(column),
                    format!("invalid duration {}: {reason}", quoted(text)),
                ),
            },
        }

        for slot in [slots.kind].iter().chain(&slots.needed).flatten() {
            if let Err(reason) = row.get(*slot) {
                problems.add(column(*slot), reason.to_owned());
            }
        }

        if let Some(issue) = problems.take_issue(&file, row.line) {
            issues.push(issue);
            counts.issues += 1;
            continue;
        }
        let (Some(lead), Some(at)) = (lead, at) else {
            // Unreachable: a row without a lead or a time always has a problem.
            continue;
        };
        values.clear();
        for (slot, wanted) in slots.needed.iter().zip(needed) {
            values.push(wanted.symbol(cell(*slot).unwrap_or(""), interner));
        }
        let kind = interner.intern(cell(slots.kind).unwrap_or(""));
        visit(
            &Activity {
                lead,
                at,
                kind,
                duration_ms,
                seq,
                line: row.line,
                values: &values,
            },
            interner,
        );
        counts.used += 1;
    }
    table.finish()?;
    Ok(counts)
}

/// Where each field sits in the table's rows.
struct Slots {
    lead: Option<usize>,
    at: Option<usize>,
    kind: Option<usize>,
    duration: Option<usize>,
    needed: Vec<Option<usize>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::leads::load_leads;
    use crate::data::testutil::write;
    use chrono_tz::Europe::Amsterdam;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    /// An activity as owned data, to compare after the visit.
    #[derive(Debug, PartialEq)]
    struct Seen {
        lead: String,
        at: DateTime<Utc>,
        kind: String,
        duration_ms: i64,
        seq: u64,
        line: u64,
        values: Vec<String>,
    }

    struct Run {
        seen: Vec<Seen>,
        counts: RowCounts,
        issues: Vec<DataIssue>,
    }

    const LEADS: &str = "id,handed_off_at\n\
                         L1,2027-01-04 09:00\n\
                         L2,2027-01-04 09:00\n\
                         L3,not a time\n";

    fn run_with(
        path: &Path,
        columns: &[(&str, &str)],
        unit: DurationUnit,
        needed: &[(&str, &str)],
    ) -> Result<Run, DataError> {
        let mut interner = Interner::new();
        let mut issues = Vec::new();
        let leads_path = write("leads.csv", LEADS);
        let (leads, _) = load_leads(
            &leads_path,
            Format::Csv,
            &BTreeMap::new(),
            Amsterdam,
            &[],
            &mut interner,
            &mut issues,
        )
        .unwrap();
        issues.clear();
        let columns: BTreeMap<String, String> = columns
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        let needed = crate::data::testutil::wanted(needed);
        let mut raw = Vec::new();
        let counts = stream_activities(
            path,
            Format::detect(path),
            &columns,
            unit,
            Amsterdam,
            &needed,
            &leads,
            &mut interner,
            &mut issues,
            |a, _| {
                raw.push((
                    a.lead,
                    a.at,
                    a.kind,
                    a.duration_ms,
                    a.seq,
                    a.line,
                    a.values.to_vec(),
                ))
            },
        )?;
        assert_eq!(counts.read, counts.used + counts.issues);
        assert_eq!(counts.issues, issues.len() as u64);
        assert_eq!(counts.used, raw.len() as u64);
        let seen = raw
            .into_iter()
            .map(|(lead, at, kind, duration_ms, seq, line, values)| Seen {
                lead: leads.id(lead).to_owned(),
                at,
                kind: interner.resolve(kind).to_owned(),
                duration_ms,
                seq,
                line,
                values: values
                    .iter()
                    .map(|&v| interner.resolve(v).to_owned())
                    .collect(),
            })
            .collect();
        Ok(Run {
            seen,
            counts,
            issues,
        })
    }

    fn run(name: &str, text: &str, needed: &[(&str, &str)]) -> (Run, std::path::PathBuf) {
        let path = write(name, text);
        (
            run_with(&path, &[], DurationUnit::Seconds, needed).unwrap(),
            path,
        )
    }

    fn issue(file: &Path, line: u64, column: Option<&str>, message: &str) -> DataIssue {
        DataIssue {
            file: file.display().to_string(),
            line,
            column: column.map(str::to_owned),
            message: message.to_owned(),
        }
    }

    #[test]
    fn good_rows_are_visited_in_file_order() {
        let (r, _) = run(
            "activities.csv",
            "lead,at,kind,duration,actor\n\
             L2,2027-01-05T10:00:00+01:00,call,90,ann\n\
             L1,2027-01-04 09:30,email,,\n\
             L1,2027-01-04 09:30,meeting,0:30:00,bob\n",
            &[("actor", "Speed to lead")],
        );
        assert_eq!(
            r.counts,
            RowCounts {
                read: 3,
                used: 3,
                issues: 0
            }
        );
        assert_eq!(
            r.seen,
            vec![
                Seen {
                    lead: "L2".into(),
                    at: utc("2027-01-05T09:00:00Z"),
                    kind: "call".into(),
                    duration_ms: 90_000,
                    seq: 0,
                    line: 2,
                    values: vec!["ann".into()],
                },
                Seen {
                    lead: "L1".into(),
                    at: utc("2027-01-04T08:30:00Z"),
                    kind: "email".into(),
                    duration_ms: 0,
                    seq: 1,
                    line: 3,
                    values: vec!["".into()],
                },
                Seen {
                    lead: "L1".into(),
                    at: utc("2027-01-04T08:30:00Z"),
                    kind: "meeting".into(),
                    duration_ms: 1_800_000,
                    seq: 2,
                    line: 4,
                    values: vec!["bob".into()],
                },
            ]
        );
    }

    #[test]
    fn unusable_rows_are_issues() {
        let (r, path) = run(
            "activities.csv",
            "lead,at,kind,duration\n\
             L9,2027-01-04 09:30,call,\n\
             L3,2027-01-04 09:30,call,\n\
             ,2027-01-04 09:30,call,\n\
             L1,,call,\n\
             L1,2027-03-28 02:30,call,\n\
             L1,2027-01-04 09:30,call,-5\n\
             L1,2027-01-04 09:30,call,5:30\n\
             L9,2027-01-04,call,abc\n\
             L1,2027-01-04 09:30,,\n\
             L1,2027-01-04 09:30\n",
            &[],
        );
        assert_eq!(
            r.counts,
            RowCounts {
                read: 10,
                used: 1,
                issues: 9
            }
        );
        assert_eq!(r.seen[0].line, 10, "a blank kind is kept");
        assert_eq!(
            r.issues,
            vec![
                issue(&path, 2, None, "activity of unknown lead \"L9\""),
                issue(
                    &path,
                    3,
                    None,
                    "activity of lead \"L3\", whose own row (line 4) was rejected"
                ),
                issue(&path, 4, Some("lead"), "missing lead id"),
                issue(&path, 5, Some("at"), "missing time"),
                issue(
                    &path,
                    6,
                    Some("at"),
                    "invalid time \"2027-03-28 02:30\": 2027-03-28 02:30 does not exist \
                     in Europe/Amsterdam (daylight-saving gap)"
                ),
                issue(
                    &path,
                    7,
                    Some("duration"),
                    "invalid duration \"-5\": a duration cannot be negative"
                ),
                issue(
                    &path,
                    8,
                    Some("duration"),
                    "invalid duration \"5:30\": expected hours, minutes and seconds such as 0:05:30"
                ),
                issue(
                    &path,
                    9,
                    None,
                    "activity of unknown lead \"L9\"; \
                     `at`: invalid time \"2027-01-04\": a date without a time; \
                     `duration`: invalid duration \"abc\": expected whole seconds or H:MM:SS"
                ),
                issue(&path, 11, None, "the row has 2 cells, the header has 4"),
            ]
        );
    }

    #[test]
    fn mapped_columns_and_milliseconds() {
        let path = write(
            "hubspot.csv",
            "Associated Contact ID,Activity date,Activity type,Call duration (ms),Outcome\n\
             L1,2027-01-04 09:30,CALL,90500,Connected\n\
             L1,2027-01-04 09:31,CALL,x,Connected\n",
        );
        let r = run_with(
            &path,
            &[
                ("lead", "Associated Contact ID"),
                ("at", "Activity date"),
                ("kind", "Activity type"),
                ("duration", "Call duration (ms)"),
                ("outcome", "Outcome"),
            ],
            DurationUnit::Millis,
            &[("outcome", "Connected calls")],
        )
        .unwrap();
        assert_eq!(r.seen.len(), 1);
        assert_eq!(r.seen[0].duration_ms, 90_500);
        assert_eq!(r.seen[0].kind, "CALL");
        assert_eq!(r.seen[0].values, ["Connected"]);
        assert_eq!(
            r.issues,
            vec![issue(
                &path,
                3,
                Some("Call duration (ms)"),
                "invalid duration \"x\": expected whole milliseconds or H:MM:SS"
            )]
        );
    }

    #[test]
    fn embedded_newlines_crlf_and_bom() {
        let (r, path) = run(
            "activities.csv",
            "\u{feff}lead,at,kind,note\r\n\
             L1,2027-01-04 09:30,call,\"left a\r\nvoicemail\"\r\n\
             L1,2027-01-04 09:31,email,\"a \"\"quoted\"\"\nword\"\r\n\
             L9,2027-01-04 09:32,call,x\r\n",
            &[("note", "Notes")],
        );
        assert_eq!(r.seen[0].line, 2);
        assert_eq!(r.seen[0].values, ["left a\r\nvoicemail"]);
        assert_eq!(r.seen[1].line, 4);
        assert_eq!(r.seen[1].values, ["a \"quoted\"\nword"]);
        assert_eq!(
            r.issues,
            vec![issue(&path, 6, None, "activity of unknown lead \"L9\"")]
        );
    }

    #[test]
    fn missing_columns_are_fatal() {
        let path = write("activities.csv", "lead,when,kind\n");
        let err = run_with(&path, &[], DurationUnit::Seconds, &[])
            .err()
            .unwrap();
        assert!(
            matches!(&err, DataError::MissingColumn { field, .. } if field == "at"),
            "{err:?}"
        );
        let DataError::MissingColumn { help, .. } = &err else {
            unreachable!()
        };
        assert!(help.contains("[activities] columns = { at = "), "{help}");

        let path = write("activities.csv", "lead,at,kind\n");
        let err = run_with(
            &path,
            &[],
            DurationUnit::Seconds,
            &[("actor", "Speed to lead")],
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "rule `Speed to lead` uses `actor`, but `{}` has no column `actor`",
                path.display()
            )
        );
        // A needed `duration` must be there; an unneeded one may be absent.
        let err = run_with(
            &path,
            &[],
            DurationUnit::Seconds,
            &[("duration", "Time spent")],
        )
        .err()
        .unwrap();
        assert!(matches!(err, DataError::MissingField { .. }), "{err:?}");
    }

    #[test]
    fn json_lines_activities() {
        let (r, path) = run(
            "activities.jsonl",
            "{\"lead\": \"L1\", \"at\": \"2027-01-04T09:30:00+01:00\", \"kind\": \"call\", \"duration\": 60, \"connected\": true}\n\
             {\"lead\": \"L1\", \"at\": \"2027-01-04T09:31:00+01:00\", \"kind\": \"call\", \"duration\": null}\n\
             {\"lead\": \"L2\", \"at\": \"2027-01-04T09:32:00+01:00\", \"kind\": null, \"duration\": \"0:01:00\", \"connected\": false}\n\
             {\"lead\": \"L1\", \"kind\": \"call\"}\n\
             not json\n",
            &[("connected", "Connects")],
        );
        assert_eq!(
            r.counts,
            RowCounts {
                read: 5,
                used: 3,
                issues: 2
            }
        );
        assert_eq!(r.seen[0].values, ["true"]);
        assert_eq!(r.seen[0].duration_ms, 60_000);
        assert_eq!(r.seen[1].values, [""]);
        assert_eq!(r.seen[1].duration_ms, 0);
        assert_eq!(r.seen[2].kind, "");
        assert_eq!(r.seen[2].values, ["false"]);
        assert_eq!(r.seen[2].duration_ms, 60_000);
        assert_eq!(
            r.issues,
            vec![
                issue(&path, 4, Some("at"), "missing time"),
                issue(
                    &path,
                    5,
                    None,
                    "not valid JSON (expected ident at column 2)"
                ),
            ]
        );
    }

    #[test]
    fn json_lines_field_absent_everywhere_is_fatal_after_the_rows() {
        let path = write(
            "activities.jsonl",
            "{\"lead\": \"L1\", \"at\": \"2027-01-04T09:30:00+01:00\", \"kind\": \"call\"}\n",
        );
        let mut visited = 0;
        let mut interner = Interner::new();
        let err = stream_activities(
            &path,
            Format::Jsonl,
            &BTreeMap::new(),
            DurationUnit::Seconds,
            Amsterdam,
            &crate::data::testutil::wanted(&[("actor", "Speed to lead")]),
            &Leads::default(),
            &mut interner,
            &mut Vec::new(),
            |_, _| visited += 1,
        )
        .err()
        .unwrap();
        assert!(matches!(err, DataError::MissingField { .. }), "{err:?}");
        assert_eq!(visited, 0, "L1 is unknown to an empty lead table");
    }
}
