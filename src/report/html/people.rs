//! People: for every `per` group (usually the owner of a lead), that
//! person's own verdicts, charts and the leads they missed — so each rep
//! can read their part without the team's numbers around it.

use maud::{html, Markup};

use super::{person, rule_title, status, view, windows_of, Page, Scope};
use crate::eval::due::Due;
use crate::eval::verdict::{rollup, RuleVerdict, Status};
use crate::report::due::{local, state, time};

/// Items of a person's "due now" table at most: the soonest; the rest are
/// counted (`accord due --owner` lists them all).
const DUE_ROWS: usize = 15;

pub(super) fn section(page: &Page) -> Markup {
    let mut groups: Vec<&str> = page
        .verdict
        .rules
        .iter()
        .flat_map(|r| &r.windows)
        .filter_map(|w| w.group.as_deref())
        .collect();
    groups.sort_unstable();
    groups.dedup();
    html! {
        section #people .team {
            h2 { "People" }
            @if groups.is_empty() {
                p { "No rule is split " code { "per" } " person, so there is nothing to show per person." }
            } @else {
                p.note { "Every rule split " code { "per" } " person, with that person's windows only." }
                nav aria-label="people" {
                    ol {
                        @for (i, g) in groups.iter().enumerate() {
                            li { a href=(format!("#person-{}", i + 1)) { (person(g)) } }
                        }
                    }
                }
            }
            @for (i, g) in groups.iter().enumerate() {
                (one(page, g, i + 1))
            }
        }
    }
}

fn one(page: &Page, who: &str, n: usize) -> Markup {
    let scope = Scope::Person(who);
    let rules: Vec<(&RuleVerdict, Status)> = page
        .verdict
        .rules
        .iter()
        .filter_map(|r| {
            let mine = windows_of(r, scope);
            (!mine.is_empty()).then(|| (r, rollup(mine.iter().map(|w| w.status))))
        })
        .collect();
    let overall = rollup(rules.iter().map(|(_, s)| *s));
    html! {
        h3 id=(format!("person-{n}")) { (person(who)) }
        p.meta { "Overall: " (status(overall)) }
        table.data.person {
            caption { (person(who)) ": rules at a glance" }
            thead { tr { th { "rule" } th { "status" } th.num { "windows missed" } th.num { "leads missed" } } }
            tbody {
                @for (rule, s) in &rules {
                    @let mine = windows_of(rule, scope);
                    tr {
                        td { (rule_title(rule)) }
                        td { (status(*s)) }
                        td.num { (mine.iter().filter(|w| w.status == Status::Missed).count()) }
                        td.num { (mine.iter().map(|w| w.breaches.len()).sum::<usize>()) }
                    }
                }
            }
        }
        (due_now(page.due, who))
        @for (rule, s) in &rules {
            h4 { (rule_title(rule)) " — " (person(who)) }
            p.meta { "owner " (rule.owner) " · line " (rule.line) " · " (status(*s)) }
            (view(page, rule, scope))
        }
    }
}

/// What the person must act on as of the report's instant: due soon
/// first, then open, then overdue, as `accord due` lists them.
fn due_now(due: &[Due], who: &str) -> Markup {
    let mine: Vec<&Due> = due.iter().filter(|d| d.owner == who).collect();
    let shown = mine.get(..DUE_ROWS).unwrap_or(&mine);
    let more = mine.len() - shown.len();
    html! {
        h4 { "Due now — " (person(who)) }
        @if mine.is_empty() {
            p.meta { "Nothing to act on as of the report's instant." }
        } @else {
            table.data.due {
                caption { (person(who)) ": due now" }
                thead { tr { th { "state" } th { "time" } th { "deadline" } th { "rule" } th { "lead" } th { "needs" } } }
                tbody {
                    @for d in shown {
                        tr data-rule=(d.rule) data-lead=(d.lead) {
                            td { span class=(format!("status {}", state(d).replace(' ', "_"))) { (state(d)) } }
                            td { (time(d)) }
                            td { time datetime=(d.deadline) { (local(&d.deadline)) } }
                            td { (d.rule) }
                            td { (d.lead) }
                            td { (d.needs) }
                        }
                    }
                }
            }
            @if more > 0 {
                p.note { (more) " more: " code { "accord due --owner " (who) } " lists them all." }
            }
        }
    }
}
