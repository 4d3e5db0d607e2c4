//! Names: what the agreement defines, what it refers to, and term cycles.

use std::collections::{HashMap, HashSet};

use super::suggest::unknown_help;
use super::{CheckError, Checker};
use crate::syntax::ast::{Condition, ConditionKind, Ident, Item, Span};

/// The nodes all the rules' conditions may compile to: far beyond any
/// agreement people write (a hundred rules of fifty comparisons is 5,000),
/// and small enough that the evaluator's copies stay in memory.
pub(super) const EXPANSION_LIMIT: usize = 2_000_000;

impl<'a> Checker<'a> {
    /// Records every definition, reporting second definitions of a name.
    pub(super) fn define_names(&mut self) {
        let mut rules: HashMap<&str, Span> = HashMap::new();
        let mut weights: HashMap<&str, Span> = HashMap::new();
        let mut funnel: Option<Span> = None;
        for item in &self.agreement.items {
            let (what, name, span, first) = match item {
                Item::Term(t) => (
                    "term",
                    t.name.as_str(),
                    t.name.span,
                    self.terms.entry(&t.name).or_insert(t).name.span,
                ),
                Item::Calendar(c) => (
                    "calendar",
                    c.name.as_str(),
                    c.name.span,
                    self.calendars.entry(&c.name).or_insert(c).name.span,
                ),
                Item::Team(t) => (
                    "team",
                    t.name.as_str(),
                    t.name.span,
                    self.teams.entry(&t.name).or_insert(t).name.span,
                ),
                Item::Rule(r) => (
                    "rule",
                    r.name.as_str(),
                    r.name.span,
                    *rules.entry(&r.name).or_insert(r.name.span),
                ),
                Item::Weights(w) => (
                    "weights table for",
                    w.field.as_str(),
                    w.field.span,
                    *weights.entry(&w.field).or_insert(w.field.span),
                ),
                Item::Funnel(f) => {
                    let head = Span::new(f.span.start(), f.span.start() + "funnel".len());
                    match funnel {
                        None => {
                            funnel = Some(head);
                            self.funnel = Some(f);
                            continue;
                        }
                        Some(first) => ("block", "funnel", head, first),
                    }
                }
                Item::Setting(_) => continue,
            };
            if first.start() != span.start() {
                self.out.push(CheckError::Duplicate {
                    what,
                    name: name.to_owned(),
                    span: span.into(),
                    first: first.into(),
                });
            }
        }
    }

    pub(super) fn term_conditions(&mut self) {
        for term in self.agreement.terms() {
            self.condition(&term.condition);
        }
    }

    /// Reports every term used in `condition` that is not defined.
    pub(super) fn condition(&mut self, condition: &Condition) {
        match &condition.kind {
            ConditionKind::Term(name) if !self.terms.contains_key(name.as_str()) => {
                let help = unknown_help(
                    name,
                    self.terms.keys().copied(),
                    &format!("define it: `term {} means ...`", name.node),
                );
                self.out.push(CheckError::UnknownTerm {
                    name: name.node.to_string(),
                    span: name.span.into(),
                    help,
                });
            }
            ConditionKind::Not(inner) | ConditionKind::Group(inner) => self.condition(inner),
            ConditionKind::All(all) | ConditionKind::Any(all) => {
                for c in all {
                    self.condition(c);
                }
            }
            _ => {}
        }
    }

    pub(super) fn team_ref(&mut self, name: &Ident) {
        if !self.teams.contains_key(name.as_str()) {
            let help = unknown_help(
                name,
                self.teams.keys().copied(),
                &format!("define it: `team {} {{ lead \"...\" }}`", name.node),
            );
            self.out.push(CheckError::UnknownTeam {
                name: name.node.to_string(),
                span: name.span.into(),
                help,
            });
        }
    }

    pub(super) fn calendar_ref(&mut self, name: &Ident) {
        if !self.calendars.contains_key(name.as_str()) {
            let help = unknown_help(
                name,
                self.calendars.keys().copied(),
                &format!(
                    "define it: `calendar {} {{ hours mon-fri 09:00-17:30 }}`",
                    name.node
                ),
            );
            self.out.push(CheckError::UnknownCalendar {
                name: name.node.to_string(),
                span: name.span.into(),
                help,
            });
        }
    }

    /// A rule's condition: its terms' names checked, and its size counted
    /// as the evaluator compiles it (see [`Checker::expansion`]).
    pub(super) fn rule_condition(&mut self, condition: &Condition) {
        self.condition(condition);
        self.expansion(condition);
    }

    /// Counts the nodes `condition` compiles to: its own, and those of each
    /// term it reaches, once per term (the evaluator shares a term's nodes
    /// within one condition, not across conditions). Past
    /// [`EXPANSION_LIMIT`] over the whole agreement (thousands of rules
    /// each reaching a chain of thousands of terms) it is E036, at once:
    /// the count never runs past the limit, so checking stays linear.
    fn expansion<'c>(&mut self, condition: &'c Condition)
    where
        'a: 'c,
    {
        if self.expanded > EXPANSION_LIMIT {
            return;
        }
        let mut seen: HashSet<&'c str> = HashSet::new();
        let mut stack: Vec<&'c Condition> = vec![condition];
        while let Some(c) = stack.pop() {
            self.expanded += 1;
            if self.expanded > EXPANSION_LIMIT {
                self.out.push(CheckError::ExpandsTooFar {
                    limit: EXPANSION_LIMIT,
                    span: condition.span.into(),
                });
                return;
            }
            match &c.kind {
                ConditionKind::Term(name) if seen.insert(name.as_str()) => {
                    if let Some(term) = self.terms.get(name.as_str()) {
                        stack.push(&term.condition);
                    }
                }
                ConditionKind::Not(inner) | ConditionKind::Group(inner) => stack.push(inner),
                ConditionKind::All(all) | ConditionKind::Any(all) => stack.extend(all),
                _ => {}
            }
        }
    }

    /// Finds terms defined through themselves. Iterative, because a
    /// generated agreement may chain thousands of terms.
    pub(super) fn term_cycles(&mut self) {
        let refs: HashMap<&str, Vec<&str>> = self
            .terms
            .iter()
            .map(|(name, term)| {
                let mut used = Vec::new();
                term_refs(&term.condition, &mut used);
                used.retain(|u| self.terms.contains_key(u));
                (*name, used)
            })
            .collect();
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            Visiting,
            Done,
        }
        let mut state: HashMap<&str, State> = HashMap::new();
        let mut cycles = Vec::new();
        for root in self.agreement.terms() {
            let root = root.name.as_str();
            if state.contains_key(root) {
                continue;
            }
            // (term, index of its next reference to follow)
            let mut path: Vec<(&str, usize)> = vec![(root, 0)];
            state.insert(root, State::Visiting);
            while let Some((name, next)) = path.last_mut() {
                let name = *name;
                let Some(child) = refs.get(name).and_then(|r| r.get(*next)).copied() else {
                    state.insert(name, State::Done);
                    path.pop();
                    continue;
                };
                *next += 1;
                match state.get(child) {
                    None => {
                        state.insert(child, State::Visiting);
                        path.push((child, 0));
                    }
                    Some(State::Visiting) => {
                        let from = path.iter().position(|(n, _)| *n == child).unwrap_or(0);
                        let mut cycle: Vec<&str> =
                            path.iter().skip(from).map(|(n, _)| *n).collect();
                        cycle.push(child);
                        cycles.push(cycle);
                    }
                    Some(State::Done) => {}
                }
            }
        }
        for cycle in cycles {
            let Some(term) = cycle.first().and_then(|n| self.terms.get(n)) else {
                continue;
            };
            self.out.push(CheckError::TermCycle {
                name: term.name.node.to_string(),
                cycle: cycle.join(" → "),
                span: term.name.span.into(),
            });
        }
    }
}

fn term_refs<'c>(condition: &'c Condition, out: &mut Vec<&'c str>) {
    match &condition.kind {
        ConditionKind::Term(name) => out.push(name),
        ConditionKind::Not(inner) | ConditionKind::Group(inner) => term_refs(inner, out),
        ConditionKind::All(all) | ConditionKind::Any(all) => {
            for c in all {
                term_refs(c, out);
            }
        }
        _ => {}
    }
}
