//! `accord due` output: a table for a terminal, Markdown, CSV, and the
//! words each item is shown with (also in chat messages, see
//! [`super::notify`]).

use std::fmt::Write;

use crate::eval::clock::Human;
use crate::eval::due::{Agenda, Due};
use crate::report::table;
use crate::report::verdict::md;

/// Time left or overdue as a person reads it: `12m left`, `50m office
/// left`, `2h office overdue`, `due now` at the deadline itself. Whole
/// minutes once there is a minute (`left_s` in the JSON is exact); open
/// time in hours, as a day of it is not 24 of them.
pub fn time(d: &Due) -> String {
    let clock = d
        .calendar
        .as_ref()
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    let amount = |secs: i64| {
        let secs = if secs >= 60 { secs - secs % 60 } else { secs };
        match d.calendar {
            Some(_) if secs >= 86_400 => format!("{}h{}", secs / 3600, minutes(secs)),
            _ => Human(secs).to_string(),
        }
    };
    match d.left_s {
        0 if !d.overdue => "due now".to_owned(),
        s if d.overdue => format!("{}{clock} overdue", amount(-s)),
        s => format!("{}{clock} left", amount(s)),
    }
}

/// `5m` of an amount of hours, or nothing on the hour.
fn minutes(secs: i64) -> String {
    match secs / 60 % 60 {
        0 => String::new(),
        m => format!("{m}m"),
    }
}

/// An RFC 3339 deadline as local wall-clock time: `2027-04-15 12:12`,
/// with seconds only when there are some.
pub fn local(deadline: &str) -> String {
    let Some((date, rest)) = deadline.split_once('T') else {
        return deadline.to_owned();
    };
    let clock = rest.get(..8).unwrap_or(rest);
    let clock = clock.strip_suffix(":00").unwrap_or(clock);
    format!("{date} {clock}")
}

/// `due soon`, `open` or `overdue`.
pub fn state(d: &Due) -> &'static str {
    if d.overdue {
        "overdue"
    } else if d.due_soon {
        "due soon"
    } else {
        "open"
    }
}

/// `3 open (1 due soon), 2 overdue`.
pub fn summary(items: &[Due]) -> String {
    let overdue = items.iter().filter(|d| d.overdue).count();
    let soon = items.iter().filter(|d| d.due_soon).count();
    let open = items.len() - overdue;
    let soon = if soon > 0 {
        format!(" ({soon} due soon)")
    } else {
        String::new()
    };
    format!("{open} open{soon}, {overdue} overdue")
}

fn row(d: &Due) -> Vec<String> {
    vec![
        state(d).to_owned(),
        time(d),
        local(&d.deadline),
        d.rule.clone(),
        d.lead.clone(),
        d.owner.clone(),
        d.needs.clone(),
    ]
}

const HEADER: [&str; 7] = [
    "state", "time", "deadline", "rule", "lead", "owner", "needs",
];

/// For a terminal: the summary, then one line per item.
pub fn human(agenda: &Agenda) -> String {
    let mut out = format!(
        "{}: due as of {}\n{}\n",
        agenda.agreement,
        local(&agenda.as_of),
        summary(&agenda.items)
    );
    if agenda.items.is_empty() {
        out.push_str("nothing to act on\n");
        return out;
    }
    out.push('\n');
    let mut rows = vec![HEADER.iter().map(|h| (*h).to_owned()).collect()];
    rows.extend(agenda.items.iter().map(row));
    out.push_str(&table::render(&rows, 0, &[]));
    out
}

/// A Markdown table, for a job summary or a pull-request comment.
pub fn markdown(agenda: &Agenda) -> String {
    let mut out = format!(
        "### {}: due as of {}\n\n{}.\n",
        md(&agenda.agreement),
        local(&agenda.as_of),
        summary(&agenda.items)
    );
    if agenda.items.is_empty() {
        return out;
    }
    let _ = writeln!(out, "\n| {} |", HEADER.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(HEADER.len()));
    for d in &agenda.items {
        let cells: Vec<String> = row(d).iter().map(|c| md(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

/// CSV with a header: the JSON's fields, one row per item.
pub fn csv(agenda: &Agenda) -> String {
    let mut out = String::from("rule,kind,lead,owner,deadline,left_s,overdue,due_soon,needs\n");
    for d in &agenda.items {
        let cells = [
            field(&d.rule),
            d.kind.to_owned(),
            field(&d.lead),
            field(&d.owner),
            d.deadline.clone(),
            d.left_s.to_string(),
            d.overdue.to_string(),
            d.due_soon.to_string(),
            field(&d.needs),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn item(left_s: i64, overdue: bool, calendar: Option<&str>) -> Due {
        Due {
            rule: "Speed to lead".to_owned(),
            kind: "response",
            lead: "L1".to_owned(),
            owner: "ann@x.example".to_owned(),
            deadline: "2027-04-15T12:12:00+02:00".to_owned(),
            left_s,
            overdue,
            due_soon: false,
            needs: "first touch".to_owned(),
            calendar: calendar.map(str::to_owned),
            at: Utc.with_ymd_and_hms(2027, 4, 15, 10, 12, 0).unwrap(),
            rule_index: 0,
        }
    }

    #[test]
    fn time_is_worded_in_the_rules_clock() {
        assert_eq!(time(&item(720, false, None)), "12m left");
        assert_eq!(time(&item(85_002, false, None)), "23h36m left");
        assert_eq!(time(&item(45, false, None)), "45s left");
        assert_eq!(
            time(&item(-(100 * 3600 + 5 * 60 + 7), true, Some("office"))),
            "100h5m office overdue"
        );
        assert_eq!(time(&item(3000, false, Some("office"))), "50m office left");
        assert_eq!(
            time(&item(-7200, true, Some("office"))),
            "2h office overdue"
        );
        assert_eq!(time(&item(0, false, None)), "due now");
        // Overdue by a second of wall time outside office hours: no office
        // time has passed, but it is overdue all the same.
        assert_eq!(time(&item(0, true, Some("office"))), "0s office overdue");
    }

    #[test]
    fn deadlines_read_as_local_times() {
        assert_eq!(local("2027-04-15T12:12:00+02:00"), "2027-04-15 12:12");
        assert_eq!(local("2027-04-15T12:12:30+02:00"), "2027-04-15 12:12:30");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut d = item(60, false, None);
        d.rule = "Speed, \"fast\"".to_owned();
        let text = csv(&Agenda {
            agreement: "A".to_owned(),
            as_of: String::new(),
            items: vec![d],
            rules: Vec::new(),
        });
        let second = text.lines().nth(1).unwrap();
        assert!(
            second.starts_with("\"Speed, \"\"fast\"\"\",response,L1,"),
            "{second}"
        );
    }
}
