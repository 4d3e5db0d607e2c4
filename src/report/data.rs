//! `accord data` for a person: each file, what became of its rows, and
//! each field with its column, blanks, most frequent values and the
//! agreement's words.

use std::fmt::Write as _;

use crate::eval::inspect::{DataReport, FileReport};

/// How many values a field's line lists.
const LISTED: usize = 5;

pub fn human(r: &DataReport) -> String {
    let mut out = String::new();
    for f in &r.files {
        file(&mut out, f);
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(out, "warnings ({}):", r.warnings.len());
        for w in &r.warnings {
            let _ = writeln!(out, "  {} {}", w.code, w.message);
        }
        out.push('\n');
    }
    match &r.problem {
        Some(problem) => {
            let _ = writeln!(out, "cannot evaluate: {problem}");
        }
        None => {
            let _ = writeln!(out, "every file and column the agreement needs can be read");
        }
    }
    out
}

fn file(out: &mut String, f: &FileReport) {
    let dialect = match &f.delimiter {
        Some(d) => format!("CSV, delimiter {}", shown_delimiter(d)),
        None => "JSON Lines".to_owned(),
    };
    let _ = writeln!(out, "{} {} ({dialect}, {})", f.table, f.file, f.encoding);
    let _ = write!(out, "  {} rows", f.rows);
    if let (Some(used), Some(issues)) = (f.used, f.issues) {
        let _ = write!(out, ": {used} used, {issues} with issues");
    }
    out.push('\n');
    for g in &f.issue_groups {
        let _ = writeln!(out, "    {}", crate::report::issues::line(g));
    }
    if let (Some(from), Some(to)) = (&f.from, &f.to) {
        let what = if f.table == "leads" {
            "handed off"
        } else {
            "activities"
        };
        let _ = writeln!(out, "  {what} from {from} to {to}");
    }
    for x in &f.fields {
        let source = match (&x.column, x.constant) {
            (_, true) => "set in accord.toml".to_owned(),
            (Some(c), _) if *c == x.field => "column".to_owned(),
            (Some(c), _) => format!("column `{c}`"),
            (None, _) if x.needed => "MISSING".to_owned(),
            (None, _) => "no column (blank)".to_owned(),
        };
        // A time's or a duration's values say nothing a span does not.
        let listed = if matches!(x.field.as_str(), "handed_off_at" | "at" | "duration") {
            0
        } else {
            LISTED
        };
        let values: Vec<String> = x
            .top
            .iter()
            .take(listed)
            .map(|s| format!("{:?} {}", s.value, s.rows))
            .collect();
        let more = if listed > 0 && (x.top.len() > listed || x.more) {
            ", …"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {:<16} {source}; {:.0}% blank{}{}{more}",
            x.field,
            x.blank_share * 100.0,
            if values.is_empty() { "" } else { "; " },
            values.join(", "),
        );
        // A file of one kind holds one of the kinds; the others are the
        // other files'.
        for w in x.words.iter().filter(|w| !x.constant || w.rows > 0) {
            let mark = if w.rows == 0 { "✗" } else { "✓" };
            let _ = writeln!(
                out,
                "    {mark} {:?} (line {}): {} rows",
                w.word, w.line, w.rows
            );
        }
    }
    out.push('\n');
}

fn shown_delimiter(d: &str) -> String {
    match d {
        "\t" => "tab".to_owned(),
        other => format!("`{other}`"),
    }
}
