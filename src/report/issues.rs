//! Data issues summarised for people: a thousand rows rejected for one
//! reason are one line, not a thousand. Issues are grouped by file, column
//! and reason (the message up to the value it quotes), each group with its
//! count, its first three values and lines, and the `accord.toml` setting
//! that likely fixes it. The JSON document keeps every issue.

use std::fmt::Write as _;

use serde::Serialize;

use crate::data::DataIssue;

/// How many values and lines a group shows.
const SHOWN: usize = 3;

/// Issues of one file, column and reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// Named by the file's own entry where groups are listed per file.
    #[serde(skip)]
    pub file: String,
    pub column: Option<String>,
    /// The reason without the value (`invalid time`).
    pub reason: String,
    #[serde(rename = "rows")]
    pub count: usize,
    /// The first few values quoted in the messages, as quoted there.
    pub values: Vec<String>,
    /// The first few lines.
    pub lines: Vec<u64>,
    /// The setting that likely fixes it.
    pub fix: Option<String>,
}

/// The groups, in the order of each group's first issue.
pub fn group(issues: &[DataIssue]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: std::collections::HashMap<(String, Option<String>, String), usize> =
        std::collections::HashMap::new();
    for issue in issues {
        let (reason, value) = split_message(&issue.message);
        let key = (issue.file.clone(), issue.column.clone(), reason.clone());
        let at = *index.entry(key).or_insert_with(|| {
            groups.push(Group {
                file: issue.file.clone(),
                column: issue.column.clone(),
                reason: reason.clone(),
                count: 0,
                values: Vec::new(),
                lines: Vec::new(),
                fix: None,
            });
            groups.len() - 1
        });
        if let Some(g) = groups.get_mut(at) {
            g.count += 1;
            if g.lines.len() < SHOWN {
                g.lines.push(issue.line);
            }
            if let Some(value) = value {
                if g.values.len() < SHOWN && !g.values.iter().any(|v| v == value) {
                    g.values.push(value.to_owned());
                }
            }
        }
    }
    for g in &mut groups {
        g.fix = fix(g);
    }
    groups
}

/// The message's reason (up to the first quoted value) and that value.
fn split_message(message: &str) -> (String, Option<&str>) {
    let Some(open) = message.find('"') else {
        return (message.to_owned(), None);
    };
    let reason = message.get(..open).unwrap_or(message).trim_end();
    let rest = message.get(open + 1..).unwrap_or_default();
    // The value is escaped as a Rust string: the closing quote is the
    // first one not escaped.
    let mut escaped = false;
    let close = rest.char_indices().find_map(|(i, c)| {
        let found = c == '"' && !escaped;
        escaped = c == '\\' && !escaped;
        found.then_some(i)
    });
    let value = close.and_then(|c| message.get(open..open + c + 2));
    // A time in a daylight-saving gap is read right and is still no time:
    // a reason of its own, which no setting fixes.
    let reason = if message.ends_with("(daylight-saving gap)") {
        format!("{reason} (daylight-saving gap)")
    } else {
        reason.to_owned()
    };
    (reason, value)
}

/// The `accord.toml` setting a group's reason points at.
fn fix(g: &Group) -> Option<String> {
    let reason = g.reason.as_str();
    let values = || g.values.iter().map(|v| v.trim_matches('"'));
    if reason.starts_with("invalid time") && !reason.ends_with("gap)") {
        return Some(
            "set `time_format` to the export's pattern, such as \"%d-%m-%Y %H:%M\" or \
             \"%m/%d/%Y, %I:%M %p\""
                .to_owned(),
        );
    }
    if reason.starts_with("invalid duration") {
        return Some(
            "set `duration_unit` (\"s\", \"ms\", \"min\") or `duration_format` \
             (\"h:mm:ss\", \"h:mm\", \"mm:ss\")"
                .to_owned(),
        );
    }
    if reason.contains("not valid UTF-8 text") {
        return Some(
            "set `encoding = \"windows-1252\"` (a file saved by Excel on Windows)".to_owned(),
        );
    }
    if reason.contains("not valid") && reason.contains(" text") {
        return Some("check the file's `encoding`".to_owned());
    }
    if reason.starts_with("activity of unknown lead") {
        if let Some(sep) =
            values().find_map(|v| [';', ',', '|'].into_iter().find(|c| v.contains(*c)))
        {
            return Some(format!(
                "set `split = {{ lead = \"{sep}\" }}`: a cell lists several leads"
            ));
        }
        if values().any(|v| v.len() == 18 && v.bytes().all(|b| b.is_ascii_alphanumeric())) {
            return Some(
                "if the leads export writes 15-character ids, set `ids = \"salesforce\"`: \
                 15 and 18-character ids name one lead"
                    .to_owned(),
            );
        }
        return Some("check that the leads export holds every lead the activities name".to_owned());
    }
    if reason.starts_with("the row has 1 cell,") {
        return Some(
            "a line of one cell: a report's footer or title (Salesforce writes \
             \"Grand Totals\" and a copyright line below the data), or another `delimiter`"
                .to_owned(),
        );
    }
    if reason.starts_with("the row has") {
        return Some("check `delimiter` and the file's quoting".to_owned());
    }
    None
}

/// One line per group, as the human output and the error of E125 show
/// them: `745 × invalid time in `Create Date`: "4-3-2027 6:50", … (lines
/// 2, 3, 4, …) — set `time_format` …`, under a line per file.
pub fn human(issues: &[DataIssue], indent: &str) -> String {
    let mut out = String::new();
    let mut file: Option<&str> = None;
    let groups = group(issues);
    for g in &groups {
        if file != Some(g.file.as_str()) {
            let _ = writeln!(out, "{indent}{}", g.file);
            file = Some(&g.file);
        }
        let _ = writeln!(out, "{indent}  {}", line(g));
    }
    out
}

/// A group in one line.
pub fn line(g: &Group) -> String {
    let mut text = format!("{} × {}", g.count, g.reason);
    if let Some(column) = &g.column {
        let _ = write!(text, " in `{column}`");
    }
    if !g.values.is_empty() {
        let _ = write!(text, ": {}", g.values.join(", "));
        if g.count > g.values.len() {
            text.push_str(", …");
        }
    }
    let lines: Vec<String> = g.lines.iter().map(u64::to_string).collect();
    let more = if g.count > g.lines.len() { ", …" } else { "" };
    let _ = write!(
        text,
        " ({} {}{more})",
        if g.count == 1 { "line" } else { "lines" },
        lines.join(", ")
    );
    if let Some(fix) = &g.fix {
        let _ = write!(text, " — {fix}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(file: &str, line: u64, column: Option<&str>, message: &str) -> DataIssue {
        DataIssue {
            file: file.to_owned(),
            line,
            column: column.map(str::to_owned),
            message: message.to_owned(),
        }
    }

    #[test]
    fn issues_group_by_file_column_and_reason() {
        let mut issues: Vec<DataIssue> = (2..=746)
            .map(|line| {
                issue(
                    "contacts.csv",
                    line,
                    Some("Create Date"),
                    &format!(
                        "invalid time \"{}-3-2027 6:50\": expected a date such as 2027-01-04",
                        line % 28 + 1
                    ),
                )
            })
            .collect();
        issues.push(issue(
            "contacts.csv",
            9,
            None,
            "duplicate lead id \"7\", first on line 3",
        ));
        issues.push(issue(
            "calls.csv",
            4,
            None,
            "activity of unknown lead \"51017170;51017271\"",
        ));
        let groups = group(&issues);
        assert_eq!(groups.len(), 3);
        let times = &groups[0];
        assert_eq!((times.count, times.reason.as_str()), (745, "invalid time"));
        assert_eq!(
            times.values,
            [
                "\"3-3-2027 6:50\"",
                "\"4-3-2027 6:50\"",
                "\"5-3-2027 6:50\""
            ]
        );
        assert_eq!(times.lines, [2, 3, 4]);
        assert_eq!(
            line(times),
            "745 × invalid time in `Create Date`: \"3-3-2027 6:50\", \"4-3-2027 6:50\", \
             \"5-3-2027 6:50\", … (lines 2, 3, 4, …) — set `time_format` to the export's \
             pattern, such as \"%d-%m-%Y %H:%M\" or \"%m/%d/%Y, %I:%M %p\""
        );
        assert_eq!(groups[1].fix, None);
        assert_eq!(line(&groups[1]), "1 × duplicate lead id: \"7\" (line 9)");
        assert_eq!(
            groups[2].fix.as_deref(),
            Some("set `split = { lead = \";\" }`: a cell lists several leads")
        );
        let text = human(&issues, "  ");
        assert!(
            text.starts_with("  contacts.csv\n    745 × invalid time"),
            "{text}"
        );
        assert!(
            text.contains("\n  calls.csv\n    1 × activity of unknown lead"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 5);
    }

    #[test]
    fn fixes_follow_the_reason_and_the_values() {
        let fix_of = |message: &str| group(&[issue("f", 2, None, message)])[0].fix.clone();
        assert!(fix_of("not valid UTF-8 text")
            .unwrap()
            .contains("windows-1252"));
        assert!(fix_of("invalid duration \"00:30\": expected")
            .unwrap()
            .contains("duration_format"));
        assert!(fix_of("activity of unknown lead \"00Q5g00000AbCdEUAZ\"")
            .unwrap()
            .contains("ids = \"salesforce\""));
        assert!(fix_of("activity of unknown lead \"L9\"")
            .unwrap()
            .contains("leads export"));
        assert!(fix_of("the row has 1 cell, the header has 4")
            .unwrap()
            .contains("footer"));
        assert!(fix_of("the row has 3 cells, the header has 4")
            .unwrap()
            .contains("delimiter"));
    }

    #[test]
    fn a_quoted_value_may_hold_escaped_quotes() {
        assert_eq!(
            split_message(r#"invalid time "a \"b\" c": x"#),
            ("invalid time".to_owned(), Some(r#""a \"b\" c""#))
        );
        assert_eq!(
            split_message("missing lead id"),
            ("missing lead id".to_owned(), None)
        );
        let gap = r#"invalid time "2027-03-28 02:30": 2027-03-28 02:30 does not exist in Europe/Amsterdam (daylight-saving gap)"#;
        let groups = group(&[DataIssue {
            file: "a.csv".to_owned(),
            line: 2,
            column: Some("at".to_owned()),
            message: gap.to_owned(),
        }]);
        assert_eq!(groups[0].reason, "invalid time (daylight-saving gap)");
        assert_eq!(groups[0].fix, None);
    }
}
