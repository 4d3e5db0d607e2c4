//! The verdict document in every output format but JSON (which is the
//! document itself): a table per rule for people, annotations for GitHub,
//! JUnit XML for CI test reports, and a Markdown summary for pull requests.

use std::fmt::Write;

use super::table;
use crate::eval::verdict::{Counts, RuleVerdict, State, Stats, Status, Verdict, WindowVerdict};

/// How many breaches per window human output shows before a count.
const FIRST_BREACHES: usize = 3;

/// A number as people read it: whole numbers bare, others to two places.
pub fn number(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round())
    } else {
        format!("{x:.2}")
    }
}

/// A fraction 0–1 as a percentage: `95%`, `93.3%`.
pub fn percent(x: f64) -> String {
    let p = x * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{}%", p.round())
    } else {
        format!("{p:.1}%")
    }
}

/// Seconds as `1h12m`.
fn seconds(s: Option<f64>) -> String {
    s.map_or_else(
        || "—".to_owned(),
        |s| crate::eval::clock::human(s.round() as i64),
    )
}

pub fn mark(status: Status) -> &'static str {
    match status {
        Status::Met | Status::OnTrack => "✓",
        Status::AtRisk => "!",
        Status::Missed | Status::Breached => "✗",
        Status::NoData => "·",
    }
}

pub fn words(status: Status) -> &'static str {
    match status {
        Status::NoData => "no data",
        Status::Met => "met",
        Status::OnTrack => "on track",
        Status::AtRisk => "at risk",
        Status::Missed => "missed",
        Status::Breached => "breached",
    }
}

/// For a person at a terminal.
pub fn human(v: &Verdict) -> String {
    let mut out = String::new();
    let version = v
        .version
        .as_deref()
        .map(|x| format!(" {x}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{version}, as of {}: {}",
        v.agreement,
        v.as_of,
        words(v.status)
    );
    let _ = writeln!(
        out,
        "data: {} leads, {} activities, {} issues",
        v.data.leads, v.data.activities, v.data.issues
    );
    for rule in &v.rules {
        let _ = writeln!(
            out,
            "\n{} {} \"{}\" (owner {}, line {}): {}",
            mark(rule.status),
            rule.kind,
            rule.name,
            rule.owner,
            rule.line,
            words(rule.status)
        );
        out.push_str(&rule_table(rule));
        for w in &rule.windows {
            if w.breaches.is_empty() {
                continue;
            }
            let group = w
                .group
                .as_deref()
                .map(|g| format!(" {g}"))
                .unwrap_or_default();
            let _ = writeln!(out, "  breaches in {}{group}:", w.window);
            for b in w.breaches.iter().take(FIRST_BREACHES) {
                let _ = writeln!(out, "    {}  {}", b.lead, b.reason);
            }
            if w.breaches.len() > FIRST_BREACHES {
                let _ = writeln!(out, "    … and {} more", w.breaches.len() - FIRST_BREACHES);
            }
        }
    }
    if !v.warnings.is_empty() {
        let _ = writeln!(out, "\nwarnings ({}):", v.warnings.len());
        for w in &v.warnings {
            let _ = writeln!(out, "  {} {}", w.code, w.message);
        }
    }
    if !v.issues.is_empty() {
        let _ = writeln!(out, "\ndata issues ({}):", v.issues.len());
        out.push_str(&super::issues::human(&v.issues, "  "));
    }
    out
}

fn rule_table(rule: &RuleVerdict) -> String {
    let grouped = rule.windows.iter().any(|w| w.group.is_some());
    let mut rows = Vec::new();
    let (header, right): (&[&str], &[usize]) = match rule.kind {
        "quota" => (
            &[
                "window", "status", "target", "observed", "expected", "leads",
            ],
            &[2, 3, 4, 5],
        ),
        "aging" => (
            &["window", "status", "uncontacted", "breaching", "buckets"],
            &[2, 3],
        ),
        "response" => (
            &[
                "window", "status", "target", "observed", "met", "missed", "open", "excl",
                "median", "p90",
            ],
            &[2, 3, 4, 5, 6, 7, 8, 9],
        ),
        "attempts" => (
            &[
                "window", "status", "target", "observed", "met", "missed", "open", "excl", "mean",
            ],
            &[2, 3, 4, 5, 6, 7, 8],
        ),
        _ => (
            &[
                "window", "status", "target", "observed", "met", "missed", "open", "excl",
            ],
            &[2, 3, 4, 5, 6, 7],
        ),
    };
    let shift = usize::from(grouped);
    let mut head: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    if grouped {
        head.insert(1, "group".to_owned());
    }
    rows.push(head);
    for w in &rule.windows {
        let mut row = vec![window_label(w), words(w.status).to_owned()];
        if grouped {
            row.insert(1, w.group.clone().unwrap_or_default());
        }
        match (&w.counts, rule.kind) {
            (Counts::Quota { leads }, _) => row.extend([
                w.target.map(number).unwrap_or_default(),
                w.observed.map(number).unwrap_or_default(),
                w.expected_to_date
                    .map(number)
                    .unwrap_or_else(|| "—".to_owned()),
                leads.to_string(),
            ]),
            (
                Counts::Aging {
                    uncontacted,
                    breaching,
                    ..
                },
                _,
            ) => row.extend([
                uncontacted.to_string(),
                breaching.to_string(),
                w.buckets
                    .iter()
                    .flatten()
                    .map(|b| format!("{} {}", b.label, b.count))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]),
            (
                Counts::Leads {
                    met,
                    missed,
                    open,
                    excluded,
                    ..
                },
                kind,
            ) => {
                row.extend([
                    w.target.map(percent).unwrap_or_default(),
                    w.observed.map_or_else(|| "—".to_owned(), percent),
                    met.to_string(),
                    missed.to_string(),
                    open.to_string(),
                    excluded.to_string(),
                ]);
                match (&w.stats, kind) {
                    (
                        Some(Stats::Response {
                            median_s, p90_s, ..
                        }),
                        _,
                    ) => {
                        row.extend([seconds(*median_s), seconds(*p90_s)]);
                    }
                    (Some(Stats::Attempts { mean_count, .. }), _) => {
                        row.push(mean_count.map_or_else(|| "—".to_owned(), number));
                    }
                    _ => {}
                }
            }
        }
        rows.push(row);
    }
    let right: Vec<usize> = right.iter().map(|c| c + shift).collect();
    table::render(&rows, 2, &right)
}

fn window_label(w: &WindowVerdict) -> String {
    match w.state {
        State::Open => format!("{} (open)", w.window),
        State::Closed => w.window.clone(),
    }
}

/// What a window says in one line, for annotations and test reports.
fn summary(w: &WindowVerdict) -> String {
    let group = w
        .group
        .as_deref()
        .map(|g| format!(" for {g}"))
        .unwrap_or_default();
    let figures = match (&w.counts, w.target, w.observed) {
        (Counts::Quota { .. }, Some(t), Some(o)) => {
            format!("observed {} against target {}", number(o), number(t))
        }
        (Counts::Leads { missed, .. }, Some(t), o) => format!(
            "{} against target {} ({missed} missed)",
            o.map_or_else(|| "nothing decided".to_owned(), percent),
            percent(t)
        ),
        (
            Counts::Aging {
                uncontacted,
                breaching,
                ..
            },
            _,
            _,
        ) => {
            format!("{breaching} of {uncontacted} uncontacted leads past the breach age")
        }
        _ => String::new(),
    };
    format!(
        "window {}{group}: {} — {figures}",
        w.window,
        words(w.status)
    )
}

/// GitHub Actions annotations: an error at the rule's line for each missed
/// window, a warning for each window at risk, a warning per data issue.
pub fn github(v: &Verdict, agreement: &str) -> String {
    let mut out = String::new();
    for rule in &v.rules {
        for w in &rule.windows {
            let level = match w.status {
                Status::Missed | Status::Breached => "error",
                Status::AtRisk => "warning",
                _ => continue,
            };
            let first = w
                .breaches
                .first()
                .map(|b| format!("; first: {} {}", b.lead, b.reason))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "::{level} file={},line={},title={}::{}{}",
                escape_property(agreement),
                rule.line,
                escape_property(&format!("{} \"{}\"", rule.kind, rule.name)),
                escape_data(&summary(w)),
                escape_data(&first)
            );
        }
    }
    for w in &v.warnings {
        let line = w.line.map(|l| format!(",line={l}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "::warning file={}{line},title={}::{}",
            escape_property(agreement),
            w.code,
            escape_data(&w.message)
        );
    }
    for i in &v.issues {
        let _ = writeln!(
            out,
            "::warning file={},line={},title=data issue::{}",
            escape_property(&i.file),
            i.line,
            escape_data(&i.message)
        );
    }
    let _ = writeln!(out, "{}: {}", v.agreement, words(v.status));
    out
}

/// Workflow-command escaping, as GitHub's toolkit does it.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// JUnit XML: one test case per rule × window × group; a missed window is a
/// failure listing its breaches.
pub fn junit(v: &Verdict) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = |r: &RuleVerdict| {
        r.windows
            .iter()
            .filter(|w| w.status == Status::Missed)
            .count()
    };
    let tests: usize = v.rules.iter().map(|r| r.windows.len()).sum();
    let total: usize = v.rules.iter().map(failures).sum();
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{total}\">",
        xml(&v.agreement)
    );
    for rule in &v.rules {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">",
            xml(&format!("{} \"{}\"", rule.kind, rule.name)),
            rule.windows.len(),
            failures(rule)
        );
        for w in &rule.windows {
            let name = match &w.group {
                Some(g) => format!("{} {g}", w.window),
                None => w.window.clone(),
            };
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml(&rule.name),
                xml(&name)
            );
            match w.status {
                Status::Missed | Status::Breached => {
                    let _ = writeln!(out, ">");
                    let _ = writeln!(out, "      <failure message=\"{}\">", xml(&summary(w)));
                    for b in &w.breaches {
                        let _ = writeln!(out, "{}: {}", xml(&b.lead), xml(&b.reason));
                    }
                    let _ = writeln!(out, "      </failure>\n    </testcase>");
                }
                Status::NoData => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"no data\"/>\n    </testcase>"
                    );
                }
                _ => {
                    let _ = writeln!(
                        out,
                        ">\n      <system-out>{}</system-out>\n    </testcase>",
                        xml(&summary(w))
                    );
                }
            }
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    if !v.warnings.is_empty() {
        let _ = writeln!(
            out,
            "  <testsuite name=\"warnings\" tests=\"0\" failures=\"0\">\n    <system-err>"
        );
        for w in &v.warnings {
            let _ = writeln!(out, "{} {}", w.code, xml(&w.message));
        }
        let _ = writeln!(out, "    </system-err>\n  </testsuite>");
    }
    let _ = writeln!(out, "</testsuites>");
    out
}

/// Text escaped for XML attributes and content; five replacements, so no
/// XML crate for it.
pub(crate) fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// A Markdown summary for pull-request comments and job summaries.
pub fn markdown(v: &Verdict) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### {}: {}\n", md(&v.agreement), words(v.status));
    let _ = writeln!(
        out,
        "As of {}; {} leads, {} activities, {} data issues.\n",
        v.as_of, v.data.leads, v.data.activities, v.data.issues
    );
    let _ = writeln!(
        out,
        "| rule | kind | owner | status | met | missed | at risk | on track | breaches |"
    );
    let _ = writeln!(
        out,
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"
    );
    for rule in &v.rules {
        let count = |s: Status| rule.windows.iter().filter(|w| w.status == s).count();
        let breaches: usize = rule.windows.iter().map(|w| w.breaches.len()).sum();
        let _ = writeln!(
            out,
            "| {} {} | {} | {} | {} | {} | {} | {} | {} | {breaches} |",
            mark(rule.status),
            md(&rule.name),
            rule.kind,
            md(&rule.owner),
            words(rule.status),
            count(Status::Met),
            count(Status::Missed),
            count(Status::AtRisk),
            count(Status::OnTrack),
        );
    }
    if !v.warnings.is_empty() {
        let _ = writeln!(out, "\n#### Warnings\n");
        for w in &v.warnings {
            let _ = writeln!(out, "- **{}** {}", w.code, md(&w.message));
        }
    }
    if !v.issues.is_empty() {
        let _ = writeln!(out, "\n#### Data issues\n");
        let _ = writeln!(
            out,
            "| file | column | problem | rows | first lines | likely fix |"
        );
        let _ = writeln!(out, "| --- | --- | --- | ---: | --- | --- |");
        for g in super::issues::group(&v.issues) {
            let mut problem = g.reason.clone();
            if !g.values.is_empty() {
                problem = format!("{problem}: {}", g.values.join(", "));
            }
            let lines: Vec<String> = g.lines.iter().map(u64::to_string).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                md(&g.file),
                md(g.column.as_deref().unwrap_or("")),
                md(&problem),
                g.count,
                lines.join(", "),
                md(g.fix.as_deref().unwrap_or("")),
            );
        }
    }
    out
}

/// Text for a Markdown table cell.
pub(crate) fn md(s: &str) -> String {
    s.replace('|', "\\|")
}
