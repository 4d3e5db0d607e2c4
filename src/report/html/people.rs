//! People: for every `per` group (usually the owner of a lead), that
//! person's own verdicts, charts and the leads they missed — so each rep
//! can read their part without the team's numbers around it.

use maud::{html, Markup};

use super::{person, rule_title, status, view, windows_of, Page, Scope};
use crate::eval::verdict::{rollup, RuleVerdict, Status};

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
        @for (rule, s) in &rules {
            h4 { (rule_title(rule)) " — " (person(who)) }
            p.meta { "owner " (rule.owner) " · line " (rule.line) " · " (status(*s)) }
            (view(page, rule, scope))
        }
    }
}
