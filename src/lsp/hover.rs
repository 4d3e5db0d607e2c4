//! Hover: what the thing under the cursor means. A name shows its
//! definition (a team its members); a duration what it counts; anywhere
//! else in a rule, the sentence of what the rule requires.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::documents::Document;
use super::names::{self, NameKind, Occurrence};
use super::words;
use crate::syntax::ast::*;

pub fn hover(document: &Document, offset: usize) -> Option<Hover> {
    let agreement = document.agreement()?;
    let text = document.text();
    let found = names::occurrences(agreement);
    let (markdown, span) = match names::at(&found, offset) {
        Some(name) => (name_text(agreement, text, name)?, name.span),
        None => {
            let rule = agreement
                .rules()
                .find(|r| r.span.start() <= offset && offset <= r.span.end())?;
            match durations(rule)
                .into_iter()
                .find(|(d, _)| d.span.start() <= offset && offset <= d.span.end())
            {
                Some((d, calendar)) => (duration_text(agreement, text, d, calendar), d.span),
                None => (
                    format!(
                        "**{} `{}`**\n\n{}",
                        rule.kind.node.keyword(),
                        rule.name.node,
                        words::rule(rule)
                    ),
                    rule.span,
                ),
            }
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(document.lines.range(text, span)),
    })
}

/// A fenced block of the agreement's own text.
fn code(text: &str, span: Span) -> String {
    format!(
        "```accord\n{}\n```",
        text.get(span.start()..span.end()).unwrap_or("")
    )
}

fn name_text(agreement: &Agreement, text: &str, name: &Occurrence<'_>) -> Option<String> {
    match name.kind {
        NameKind::Term => {
            let term = agreement.terms().find(|t| t.name.node == name.name)?;
            Some(code(text, term.span))
        }
        NameKind::Calendar => {
            let calendar = agreement.calendars().find(|c| c.name.node == name.name)?;
            Some(code(text, calendar.span))
        }
        NameKind::Team => {
            let team = agreement.teams().find(|t| t.name.node == name.name)?;
            Some(team_text(team))
        }
        NameKind::Field => {
            let weights = agreement.weights().find(|w| w.field.node == name.name)?;
            Some(format!(
                "field `{}`, weighted for a lead's value:\n\n{}",
                name.name,
                code(text, weights.span)
            ))
        }
    }
}

fn team_text(team: &Team) -> String {
    let mut lines = vec![format!("team `{}`", team.name.node)];
    for clause in &team.clauses {
        match clause {
            TeamClause::Lead { person, .. } => lines.push(format!("- lead: {}", person.node)),
            TeamClause::Members { people, .. } => {
                let people: Vec<&str> = people.iter().map(|p| p.node.as_str()).collect();
                lines.push(format!("- members: {}", people.join(", ")));
            }
        }
    }
    if !team
        .clauses
        .iter()
        .any(|c| matches!(c, TeamClause::Members { .. }))
    {
        lines.push("- no members listed".to_owned());
    }
    lines.join("\n")
}

/// Every duration of a rule, with the calendar it is counted on.
fn durations(rule: &Rule) -> Vec<(&Duration, Option<&Ident>)> {
    let mut out = Vec::new();
    for clause in &rule.clauses {
        match &clause.kind {
            ClauseKind::Within { window, .. }
            | ClauseKind::Band { window, .. }
            | ClauseKind::After { window, .. } => {
                out.push((&window.duration, window.calendar.as_ref()));
            }
            ClauseKind::MaxDuration(d) | ClauseKind::BreachAfter(d) => out.push((d, None)),
            ClauseKind::Buckets(all) => out.extend(all.iter().map(|d| (d, None))),
            _ => {}
        }
    }
    out
}

fn duration_text(
    agreement: &Agreement,
    text: &str,
    d: &Duration,
    calendar: Option<&Ident>,
) -> String {
    let written = text.get(d.span.start()..d.span.end()).unwrap_or("");
    let amount = words::duration(d);
    let Some(name) = calendar else {
        return format!(
            "`{written}`: {amount} of wall-clock time; nights, weekends and holidays count"
        );
    };
    let Some(calendar) = agreement.calendars().find(|c| c.name.node == name.node) else {
        return format!(
            "`{written}`: {amount} of open time on calendar `{}`",
            name.node
        );
    };
    let mut hours = Vec::new();
    let mut closed = Vec::new();
    for clause in &calendar.clauses {
        let (list, span) = match clause {
            CalendarClause::Hours { span, .. } => (&mut hours, span),
            CalendarClause::Closed { span, .. } => (&mut closed, span),
        };
        let written = text.get(span.start()..span.end()).unwrap_or("");
        list.push(format!("`{written}`"));
    }
    let mut meaning = format!(
        "`{written}` on `{}`: {amount} of open time. The clock runs only in the calendar's hours ({})",
        name.node,
        hours.join(", ")
    );
    if !closed.is_empty() {
        meaning.push_str(&format!(
            " and stops on its closed days ({})",
            closed.join(", ")
        ));
    }
    meaning.push_str("; a lead handed off while it is closed starts at the next opening");
    meaning
}
