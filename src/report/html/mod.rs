//! `accord report`: the verdict as one HTML page both teams can read and
//! print. Self-contained on purpose — inline CSS and SVG, no scripts, fonts
//! or images — so it can be mailed, archived as a CI artefact and opened
//! offline years later and still say the same.
//!
//! This module holds the page, its summary and what the sections share;
//! the sections are `marketing` (funnel, quotas), `sales` (response,
//! attempts, aging), `duties`, and `people` (each `per` group's own
//! verdicts, and what they must act on now). `charts` holds the chart builders more than one section uses.
//!
//! Every table row of a window carries `data-rule`, `data-window` and
//! `data-group`, and every number cell a `data-field` naming its place in
//! the verdict document, so that tools (and our tests) can read the page
//! back without guessing from the layout.

mod charts;
mod duties;
mod marketing;
mod people;
mod sales;

use std::cell::Cell;

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::verdict::{mark, number, percent, words};
use crate::eval::due::Due;
use crate::eval::model::{Program, RuleProgram, Spec};
use crate::eval::plan::{plan, Plan};
use crate::eval::verdict::{Counts, RuleVerdict, State, Stats, Status, Verdict, WindowVerdict};
use charts::TimeUnit;

const STYLE: &str = include_str!("style.css");

/// The whole page.
pub fn page(verdict: &Verdict, program: &Program, due: &[Due]) -> String {
    let page = Page {
        verdict,
        program,
        due,
        plan: plan(program),
        charts: Cell::new(0),
    };
    let v = verdict;
    let version = v
        .version
        .as_deref()
        .map(|x| format!("version {x} · "))
        .unwrap_or_default();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(concat!("accord ", env!("CARGO_PKG_VERSION")));
                title { (v.agreement) " — service level report" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (v.agreement) }
                    p.meta {
                        (version) "as of " time datetime=(v.as_of) { (v.as_of) }
                        " · effective " (program.effective.0) " to " (program.effective.1)
                        " · " (v.data.leads) " leads and " (v.data.activities) " activities used"
                    }
                    nav aria-label="contents" {
                        ol {
                            li { a href="#summary" { "Summary" } }
                            li { a href="#marketing" { "Marketing" } }
                            li { a href="#sales" { "Sales" } }
                            li { a href="#duties" { "Duties" } }
                            li { a href="#people" { "People" } }
                        }
                    }
                }
                main {
                    (summary(&page))
                    (marketing::section(&page))
                    (sales::section(&page))
                    (duties::section(&page))
                    (people::section(&page))
                }
                footer {
                    p.note {
                        "Written by accord " (env!("CARGO_PKG_VERSION")) " from the same verdicts as "
                        code { "accord eval --format json" } ". Every number drawn in a chart is in the table under it."
                    }
                }
            }
        }
    }
    .into_string()
}

/// What every section needs: the verdict, the agreement it came from, its
/// plan, and a counter that keeps chart ids unique in the page.
struct Page<'a> {
    verdict: &'a Verdict,
    program: &'a Program,
    /// What is due as of the instant, in `accord due`'s order.
    due: &'a [Due],
    plan: Plan,
    charts: Cell<usize>,
}

impl Page<'_> {
    fn chart_id(&self) -> String {
        let n = self.charts.get() + 1;
        self.charts.set(n);
        format!("chart-{n}")
    }

    /// The compiled rule a verdict came from: the clauses charts draw
    /// (deadlines, bands, buckets) are not in the verdict document.
    fn rule_program(&self, rule: &RuleVerdict) -> Option<&RuleProgram> {
        self.program
            .rules
            .iter()
            .find(|r| r.name == rule.name && r.line == rule.line)
    }

    /// The anchor of a rule's section.
    fn anchor(&self, rule: &RuleVerdict) -> String {
        let index = self
            .verdict
            .rules
            .iter()
            .position(|r| std::ptr::eq(r, rule))
            .unwrap_or(0);
        format!("rule-{}", index + 1)
    }

    /// Rules of some kinds, in file order.
    fn rules<'a>(&'a self, kinds: &'a [&str]) -> impl Iterator<Item = &'a RuleVerdict> + 'a {
        self.verdict
            .rules
            .iter()
            .filter(move |r| kinds.contains(&r.kind))
    }
}

/// Whose windows a rule's view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope<'a> {
    /// The team's section: every window and group.
    Team,
    /// One person's section: their group's windows only.
    Person(&'a str),
}

impl Scope<'_> {
    /// A chart title's ending.
    fn suffix(self) -> String {
        match self {
            Scope::Team => String::new(),
            Scope::Person(who) => format!(" — {}", person(who)),
        }
    }
}

/// A `per` value as a heading: blank values get a name.
fn person(group: &str) -> &str {
    if group.is_empty() {
        "(blank)"
    } else {
        group
    }
}

fn status(s: Status) -> Markup {
    html! { span class=(format!("status {}", s.as_str())) { (mark(s)) " " (words(s)) } }
}

/// A window's label as tables and axes show it.
fn window_label(w: &WindowVerdict) -> String {
    match w.state {
        State::Open => format!("{} (open)", w.window),
        State::Closed => w.window.clone(),
    }
}

fn rule_title(rule: &RuleVerdict) -> String {
    format!("{} \"{}\"", rule.kind, rule.name)
}

/// What the agreement says of a rule, clause by clause, as written.
fn clauses(page: &Page, rule: &RuleVerdict) -> Vec<String> {
    let Some(program) = page.rule_program(rule) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if !program.leads_text.is_empty() {
        out.push(format!("leads {}", program.leads_text));
    }
    let per = program
        .per
        .as_ref()
        .map(|(_, field)| format!(" per {field}"))
        .unwrap_or_default();
    let target = |t: f64| format!("target {} each {}{per}", percent(t), program.each.name());
    match &program.spec {
        Spec::Quota { .. } => {
            if let Some(q) = page.plan.quotas.iter().find(|q| q.name == rule.name) {
                let amount = match (q.measure, page.program.currency.as_deref()) {
                    ("value", Some(c)) => format!("{c} {}", number(q.amount)),
                    _ => number(q.amount),
                };
                out.push(format!(
                    "{} {} {amount} per {}, each {}{per}",
                    q.measure, q.bound, q.per, q.each
                ));
            }
        }
        Spec::Response {
            alts, target: t, ..
        } => {
            out.extend(alts.iter().map(|a| a.text.clone()));
            out.push(target(*t));
        }
        Spec::Attempts {
            alts,
            max_duration_s,
            target: t,
            ..
        } => {
            out.extend(alts.iter().map(|a| a.text.clone()));
            if let Some(s) = max_duration_s {
                out.push(format!("max duration {}", crate::eval::clock::human(*s)));
            }
            out.push(target(*t));
        }
        Spec::DutyAtHandoff { fields, target: t } => {
            out.push(format!("provide {} at handoff", names(fields)));
            out.push(target(*t));
        }
        Spec::DutyWithin {
            window_text,
            anchor_text,
            fields,
            target: t,
            ..
        } => {
            out.push(format!("within {window_text} after {anchor_text}"));
            out.push(format!("provide {}", names(fields)));
            out.push(target(*t));
        }
        Spec::Aging {
            buckets, breach, ..
        } => {
            let list: Vec<&str> = buckets.iter().map(|b| b.2.as_str()).collect();
            out.push(format!("buckets {}", list.join(", ")));
            out.push(format!("breach after {}{per}", breach.2));
        }
    }
    out
}

fn names(fields: &[(usize, String)]) -> String {
    fields
        .iter()
        .map(|(_, n)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A rule's heading, what it says and its status.
fn rule_heading(page: &Page, rule: &RuleVerdict) -> Markup {
    html! {
        h3 id=(page.anchor(rule)) { (rule_title(rule)) }
        p.meta { "owner " (rule.owner) " · line " (rule.line) " · " (status(rule.status)) }
        ul.clauses {
            @for c in clauses(page, rule) { li { code { (c) } } }
        }
    }
}

/// The windows a scope sees of a rule.
fn windows_of<'a>(rule: &'a RuleVerdict, scope: Scope) -> Vec<&'a WindowVerdict> {
    rule.windows
        .iter()
        .filter(|w| match scope {
            Scope::Team => true,
            Scope::Person(who) => w.group.as_deref() == Some(who),
        })
        .collect()
}

/// A rule's chart(s) and table over the windows a scope sees.
fn view(page: &Page, rule: &RuleVerdict, scope: Scope) -> Markup {
    let windows = windows_of(rule, scope);
    match rule.kind {
        "quota" => marketing::quota(page, rule, &windows, scope),
        "response" => sales::response(page, rule, &windows, scope),
        "attempts" => sales::attempts(page, rule, &windows, scope),
        "aging" => sales::aging(page, rule, &windows, scope),
        _ => duties::duty(page, rule, &windows, scope),
    }
}

/// Whether a rule's windows are split by a `per` group.
fn grouped(windows: &[&WindowVerdict]) -> bool {
    windows.iter().any(|w| w.group.is_some())
}

/// The table of a percentage or aging rule's windows: every number the
/// verdict document has for them but the attempts distribution and the
/// fields missing at handoff, which have tables of their own. Durations
/// (response times, time spent) in `unit`.
fn window_table(
    rule: &RuleVerdict,
    windows: &[&WindowVerdict],
    unit: Option<TimeUnit>,
    caption: &str,
) -> Markup {
    let grouped = grouped(windows);
    let buckets: Vec<String> = windows
        .iter()
        .flat_map(|w| w.buckets.iter().flatten())
        .map(|b| b.label.clone())
        .fold(Vec::new(), |mut acc, l| {
            if !acc.contains(&l) {
                acc.push(l);
            }
            acc
        });
    let first = windows.first();
    let counts = first.map(|w| &w.counts);
    let stats = first.and_then(|w| w.stats.as_ref());
    let time = |s: Option<f64>| match (s, unit) {
        (Some(s), Some(u)) => u.format(s),
        _ => "—".to_owned(),
    };
    html! {
        table.data {
            caption { (caption) }
            thead {
                tr {
                    th { "window" }
                    @if grouped { th { "group" } }
                    th { "status" }
                    @match counts {
                        Some(Counts::Aging { .. }) => {
                            th.num { "uncontacted" } th.num { "breaching" }
                            @for b in &buckets { th.num { "age " (b) } }
                        }
                        Some(Counts::Quota { .. }) => { th.num { "target" } th.num { "observed" } th.num { "leads" } }
                        _ => {
                            th.num { "target" } th.num { "observed" }
                            th.num { "met" } th.num { "missed" } th.num { "open" } th.num { "excluded" }
                            @match stats {
                                Some(Stats::Response { .. }) => { th.num { "mean" } th.num { "median" } th.num { "p90" } }
                                Some(Stats::Attempts { .. }) => {
                                    th.num { "mean attempts" } th.num { "mean time spent" } th.num { "median time spent" }
                                }
                                None => {}
                            }
                        }
                    }
                    th.num { "breaches" }
                }
            }
            tbody {
                @for w in windows {
                    tr data-rule=(rule.name) data-window=(w.window) data-group=[w.group.as_deref()] {
                        td { (window_label(w)) }
                        @if grouped { td { (w.group.as_deref().map(person).unwrap_or("")) } }
                        td { (status(w.status)) }
                        @match &w.counts {
                            Counts::Aging { uncontacted, breaching, .. } => {
                                td.num data-field="counts.uncontacted" { (uncontacted) }
                                td.num data-field="counts.breaching" { (breaching) }
                                @for label in &buckets {
                                    @let count = w.buckets.iter().flatten().find(|b| &b.label == label).map(|b| b.count);
                                    td.num data-field=(format!("buckets.{label}")) {
                                        (count.map_or_else(|| "—".to_owned(), |c| c.to_string()))
                                    }
                                }
                            }
                            Counts::Quota { leads } => {
                                td.num data-field="target" { (w.target.map(number).unwrap_or_default()) }
                                td.num data-field="observed" { (w.observed.map_or_else(|| "—".to_owned(), number)) }
                                td.num data-field="counts.leads" { (leads) }
                            }
                            Counts::Leads { met, missed, open, excluded, .. } => {
                                td.num data-field="target" { (w.target.map(percent).unwrap_or_default()) }
                                td.num data-field="observed" { (w.observed.map_or_else(|| "—".to_owned(), percent)) }
                                td.num data-field="counts.met" { (met) }
                                td.num data-field="counts.missed" { (missed) }
                                td.num data-field="counts.open" { (open) }
                                td.num data-field="counts.excluded" { (excluded) }
                                @match &w.stats {
                                    Some(Stats::Response { mean_s, median_s, p90_s }) => {
                                        td.num data-field="stats.mean_s" { (time(*mean_s)) }
                                        td.num data-field="stats.median_s" { (time(*median_s)) }
                                        td.num data-field="stats.p90_s" { (time(*p90_s)) }
                                    }
                                    Some(Stats::Attempts { mean_count, mean_spent_s, median_spent_s, .. }) => {
                                        td.num data-field="stats.mean_count" { (mean_count.map_or_else(|| "—".to_owned(), number)) }
                                        td.num data-field="stats.mean_spent_s" { (time(*mean_spent_s)) }
                                        td.num data-field="stats.median_spent_s" { (time(*median_spent_s)) }
                                    }
                                    None => {}
                                }
                            }
                        }
                        td.num { (w.breaches.len()) }
                    }
                }
            }
        }
    }
}

/// Where the team's section of a rule split per person leaves something
/// to each person's section.
fn under_people(what: &str) -> Markup {
    html! { p.note { (what) " per person under " a href="#people" { "People" } "." } }
}

/// Every breach of some windows: which lead, and why.
fn breaches_table(rule: &RuleVerdict, windows: &[&WindowVerdict]) -> Markup {
    let grouped = grouped(windows);
    let total: usize = windows.iter().map(|w| w.breaches.len()).sum();
    html! {
        @if total == 0 {
            p.note { "No breaches." }
        } @else {
            table.data.breaches {
                caption { (rule.name) ": the " (total) " lead" @if total != 1 { "s" } " missed" }
                thead { tr { th { "window" } @if grouped { th { "group" } } th { "lead" } th { "reason" } } }
                tbody {
                    @for w in windows {
                        @for b in &w.breaches {
                            tr {
                                td { (w.window) }
                                @if grouped { td { (w.group.as_deref().map(person).unwrap_or("")) } }
                                td { code { (b.lead) } }
                                td { (b.reason) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How many rows left out the page lists one by one: past that, the
/// groups above them say more than the rows.
const LISTED_ISSUES: usize = 200;

/// The status counts, every rule at a glance, and the data issues.
fn summary(page: &Page) -> Markup {
    let v = page.verdict;
    let rules = |s: Status| v.rules.iter().filter(|r| r.status == s).count();
    let all_windows: Vec<&WindowVerdict> = v.rules.iter().flat_map(|r| &r.windows).collect();
    let windows = |s: Status| all_windows.iter().filter(|w| w.status == s).count();
    html! {
        section #summary {
            h2 { "Summary" }
            p.overall { "Overall: " (status(v.status)) }
            table.data.counts {
                caption { "Rules and windows by status" }
                thead {
                    tr {
                        th {}
                        th.num { "met" } th.num { "on track" } th.num { "at risk" }
                        th.num { "breached / missed" } th.num { "no data" } th.num { "total" }
                    }
                }
                tbody {
                    tr {
                        th { "rules" }
                        td.num data-field="rules.met" { (rules(Status::Met)) }
                        td.num { "—" }
                        td.num data-field="rules.at_risk" { (rules(Status::AtRisk)) }
                        td.num data-field="rules.breached" { (rules(Status::Breached)) }
                        td.num data-field="rules.no_data" { (rules(Status::NoData)) }
                        td.num data-field="rules.total" { (v.rules.len()) }
                    }
                    tr {
                        th { "windows" }
                        td.num data-field="windows.met" { (windows(Status::Met)) }
                        td.num data-field="windows.on_track" { (windows(Status::OnTrack)) }
                        td.num data-field="windows.at_risk" { (windows(Status::AtRisk)) }
                        td.num data-field="windows.missed" { (windows(Status::Missed)) }
                        td.num data-field="windows.no_data" { (windows(Status::NoData)) }
                        td.num data-field="windows.total" { (all_windows.len()) }
                    }
                }
            }
            p.note {
                "A rule is breached when a closed window missed its target (aging: when a lead is past the breach age), "
                "at risk when a window still running is behind, and met otherwise; "
                "\"on track\" is said of windows still running, so no rule is counted there."
            }
            table.data.rules {
                caption { "Every rule" }
                thead {
                    tr {
                        th { "rule" } th { "owner" } th { "status" }
                        th.num { "met" } th.num { "on track" } th.num { "at risk" } th.num { "missed" }
                        th.num { "no data" } th.num { "breaches" }
                    }
                }
                tbody {
                    @for rule in &v.rules {
                        @let count = |s: Status| rule.windows.iter().filter(|w| w.status == s).count();
                        tr data-rule=(rule.name) {
                            td { a href=(format!("#{}", page.anchor(rule))) { (rule_title(rule)) } }
                            td { (rule.owner) }
                            td { (status(rule.status)) }
                            td.num { (count(Status::Met)) }
                            td.num { (count(Status::OnTrack)) }
                            td.num { (count(Status::AtRisk)) }
                            td.num { (count(Status::Missed)) }
                            td.num { (count(Status::NoData)) }
                            td.num { (rule.windows.iter().map(|w| w.breaches.len()).sum::<usize>()) }
                        }
                    }
                }
            }
            @if !v.warnings.is_empty() {
                h3 #warnings { "Warnings (" (v.warnings.len()) ")" }
                ul.warnings {
                    @for w in &v.warnings {
                        li { strong { (w.code) } " " (w.message) }
                    }
                }
            }
            h3 #issues { "Data issues (" span data-field="data.issues" { (v.issues.len()) } ")" }
            @if v.issues.is_empty() {
                p { "None: every row of the exports was used." }
            } @else {
                p.note { "Rows that could not be used were left out of every verdict." }
                table.data.issue-groups {
                    caption { "By file, column and problem" }
                    thead { tr { th { "file" } th { "column" } th { "problem" } th.num { "rows" } th { "first lines" } th { "likely fix" } } }
                    tbody {
                        @for g in crate::report::issues::group(&v.issues) {
                            tr {
                                td { code { (g.file) } }
                                td { (g.column.as_deref().unwrap_or("")) }
                                td { (g.reason) @if !g.values.is_empty() { ": " (g.values.join(", ")) } }
                                td.num { (g.count) }
                                td { (g.lines.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")) }
                                td { (g.fix.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
                @if v.issues.len() > LISTED_ISSUES {
                    p.note { "The first " (LISTED_ISSUES) " rows left out; the JSON verdict document lists all " (v.issues.len()) "." }
                }
                table.data.issues {
                    caption { "Rows left out" }
                    thead { tr { th { "file" } th.num { "line" } th { "column" } th { "problem" } } }
                    tbody {
                        @for i in v.issues.iter().take(LISTED_ISSUES) {
                            tr {
                                td { code { (i.file) } }
                                td.num { (i.line) }
                                td { (i.column.as_deref().unwrap_or("")) }
                                td { (i.message) }
                            }
                        }
                    }
                }
            }
        }
    }
}
