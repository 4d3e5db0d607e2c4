//! `accord diff` output: text for a terminal, Markdown for a pull-request
//! comment, and the `accord.diff/1` JSON document.

use std::fmt::Write;

use serde::Serialize;

use super::flips::Flip;
use super::{Change, Direction, Rename, TargetChange};
use crate::report::table;
use crate::report::verdict::{md, number};

/// Everything one run found; the JSON document as it is printed.
#[derive(Debug, Serialize)]
pub struct Document<'a> {
    pub schema: &'static str,
    pub old: &'a str,
    pub new: &'a str,
    pub changes: &'a [Change],
    pub renames: &'a [Rename],
    /// The instant both versions were evaluated at; `None` without data.
    pub as_of: Option<&'a str>,
    /// `None` when no data was given.
    pub flips: Option<&'a [Flip]>,
}

pub const SCHEMA: &str = "accord.diff/1";

pub fn json(doc: &Document<'_>) -> String {
    serde_json::to_string_pretty(doc)
        .map(|s| s + "\n")
        .unwrap_or_default()
}

/// The heading of a change's group: `response "Speed to lead"`, `calendar office`.
fn heading(c: &Change) -> String {
    match (&c.rule, &c.name, c.kind) {
        (Some(rule), _, kind) => format!("{kind} \"{rule}\""),
        (None, Some(name), kind) => format!("{kind} {name}"),
        (None, None, "setting") => "settings".to_owned(),
        (None, None, kind) => kind.to_owned(),
    }
}

/// Who it matters to, in words: `stricter for sales`, `scope changed`.
fn effect(c: &Change) -> String {
    let judged = match (c.direction, &c.team) {
        (Direction::Changed, _) => None,
        (d, Some(team)) => Some(format!("{} for {team}", d.as_str())),
        (d, None) => Some(d.as_str().to_owned()),
    };
    match (judged, &c.note) {
        (Some(j), Some(note)) => format!("{j}; {note}"),
        (Some(j), None) => j,
        (None, Some(note)) => note.clone(),
        (None, None) => "changed".to_owned(),
    }
}

/// What changed, in words: `target: 95% → 90%`, `until added: ...`.
fn what(c: &Change) -> String {
    let whole_rule = c.rule.is_some() && c.clause.is_none();
    match (&c.clause, &c.before, &c.after) {
        (_, None, _) if whole_rule => "added".to_owned(),
        (_, _, None) if whole_rule => "removed".to_owned(),
        (Some(clause), Some(b), Some(a)) => format!("{clause}: {b} → {a}"),
        (Some(clause), None, Some(a)) => format!("{clause} added: {a}"),
        (Some(clause), Some(b), None) => format!("{clause} removed: {b}"),
        (None, Some(b), Some(a)) => format!("{b} → {a}"),
        (None, None, Some(a)) => format!("added: {a}"),
        (None, Some(b), None) => format!("removed: {b}"),
        (_, None, None) => "changed".to_owned(),
    }
}

fn cell(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), number)
}

fn target_rows(targets: &[TargetChange]) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "window".to_owned(),
        "before".to_owned(),
        "after".to_owned(),
    ]];
    rows.extend(
        targets
            .iter()
            .map(|t| vec![t.window.clone(), cell(t.before), cell(t.after)]),
    );
    rows
}

fn status(s: crate::eval::verdict::Status) -> String {
    s.as_str().replace('_', " ")
}

/// `5 changes: 3 stricter, 1 looser, 1 changed`, or that nothing changed.
fn summary(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no change in meaning".to_owned();
    }
    let count = |d: Direction| changes.iter().filter(|c| c.direction == d).count();
    let n = changes.len();
    format!(
        "{n} change{}: {} stricter, {} looser, {} other",
        if n == 1 { "" } else { "s" },
        count(Direction::Stricter),
        count(Direction::Looser),
        count(Direction::Changed)
    )
}

fn flip_rows(flips: &[Flip]) -> Vec<Vec<String>> {
    let mut rows = vec![["rule", "window", "group", "before", "after"]
        .map(str::to_owned)
        .to_vec()];
    rows.extend(flips.iter().map(|f| {
        vec![
            f.rule.clone(),
            f.window.clone(),
            f.group.clone().unwrap_or_default(),
            status(f.before),
            status(f.after),
        ]
    }));
    rows
}

/// For a person at a terminal: changes grouped by what they change.
pub fn human(doc: &Document<'_>) -> String {
    let mut out = String::new();
    let mut last = None;
    for c in doc.changes {
        let head = heading(c);
        if last.as_ref() != Some(&head) {
            if last.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{head}");
            last = Some(head);
        }
        let _ = writeln!(out, "  {} — {}", what(c), effect(c));
        if let Some(targets) = &c.targets {
            out.push_str(&table::render(&target_rows(targets), 4, &[1, 2]));
        }
    }
    if !doc.changes.is_empty() {
        out.push('\n');
    }
    for r in doc.renames {
        let _ = writeln!(
            out,
            "{} {} renamed to {} (same meaning)",
            r.kind, r.before, r.after
        );
    }
    let _ = writeln!(out, "{}", summary(doc.changes));
    if let Some(flips) = doc.flips {
        let as_of = doc.as_of.unwrap_or_default();
        if flips.is_empty() {
            let _ = writeln!(out, "\nno verdict changes on the data as of {as_of}");
        } else {
            let _ = writeln!(out, "\nverdicts that change on the data as of {as_of}:");
            out.push_str(&table::render(&flip_rows(flips), 2, &[]));
        }
    }
    out
}

fn md_table(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|c| md(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
        if i == 0 {
            let _ = writeln!(out, "|{}", " --- |".repeat(row.len()));
        }
    }
    out
}

/// A pull-request comment: a table of changes, each quota's targets, and
/// the verdicts that change.
pub fn markdown(doc: &Document<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### accord diff: `{}` → `{}`\n\n{}.\n",
        doc.old,
        doc.new,
        summary(doc.changes)
    );
    if !doc.changes.is_empty() {
        let mut rows = vec![["item", "change", "effect"].map(str::to_owned).to_vec()];
        rows.extend(
            doc.changes
                .iter()
                .map(|c| vec![heading(c), what(c), effect(c)]),
        );
        out.push_str(&md_table(&rows));
        out.push('\n');
    }
    for c in doc.changes {
        if let Some(targets) = &c.targets {
            let _ = writeln!(out, "Targets per window, {}:\n", md(&heading(c)));
            out.push_str(&md_table(&target_rows(targets)));
            out.push('\n');
        }
    }
    for r in doc.renames {
        let _ = writeln!(
            out,
            "Renamed {} `{}` to `{}` (same meaning).\n",
            r.kind, r.before, r.after
        );
    }
    if let Some(flips) = doc.flips {
        let as_of = doc.as_of.unwrap_or_default();
        if flips.is_empty() {
            let _ = writeln!(out, "No verdict changes on the data as of {as_of}.");
        } else {
            let _ = writeln!(out, "Verdicts that change on the data as of {as_of}:\n");
            out.push_str(&md_table(&flip_rows(flips)));
        }
    }
    out
}
