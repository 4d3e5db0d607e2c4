//! Duties: what one team hands the other, per window — the share of leads
//! handed over complete (at handoff) or on time (within a window after an
//! event), against the target.

use maud::{html, Markup};

use super::charts::compliance;
use super::{breaches_table, grouped, rule_heading, window_table, Page, Scope};
use crate::eval::verdict::{RuleVerdict, WindowVerdict};

pub(super) fn section(page: &Page) -> Markup {
    let rules: Vec<&RuleVerdict> = page.rules(&["duty"]).collect();
    html! {
        section #duties .team {
            h2 { "Duties" }
            @if rules.is_empty() {
                p { "The agreement sets no duties." }
            }
            @for rule in rules {
                (rule_heading(page, rule))
                (super::view(page, rule, Scope::Team))
            }
        }
    }
}

pub(super) fn duty(
    page: &Page,
    rule: &RuleVerdict,
    windows: &[&WindowVerdict],
    scope: Scope,
) -> Markup {
    let caption = format!("{}{}: every window's verdict", rule.name, scope.suffix());
    html! {
        figure {
            (compliance(page, rule, windows, scope))
            p.note {
                "A lead meets a duty when every field it names was provided"
                @if scope == Scope::Team { " (the reasons below name the fields missing)" }
                "; the share is over the leads decided so far."
            }
            (window_table(rule, windows, None, &caption))
        }
        @if scope == Scope::Team && grouped(windows) {
            p.note { "The leads missed are listed per person under " a href="#people" { "People" } "." }
        } @else {
            (breaches_table(rule, windows))
        }
    }
}
