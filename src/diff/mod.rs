//! `accord diff`: two versions of an agreement compared by meaning.
//!
//! Both trees checked clean. Items are matched by name (settings by
//! keyword, rules by kind and name, weights by field), terms removed and
//! added with the same meaning are a rename, and every difference that
//! changes what the agreement asks becomes a [`Change`] judged stricter or
//! looser for the team that has to live with it. Nothing here reads files:
//! [`version`] reads the two versions, [`flips`] compares two verdicts and
//! [`render`] prints the result.

pub mod clause;
mod condition;
pub mod flips;
mod items;
pub mod render;
pub mod version;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::funnel::FunnelNumbers;
use crate::syntax::ast::{Agreement, SettingKind};
use condition::Glossary;

/// For whom a change makes the agreement harder to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Stricter,
    Looser,
    /// Different, not harder or easier as such (a new scope, a new owner).
    Changed,
}

impl Direction {
    /// The other way round: what is stricter for a floor is looser for a cap.
    pub fn reversed(self) -> Direction {
        match self {
            Direction::Stricter => Direction::Looser,
            Direction::Looser => Direction::Stricter,
            Direction::Changed => Direction::Changed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Stricter => "stricter",
            Direction::Looser => "looser",
            Direction::Changed => "changed",
        }
    }
}

/// One difference in meaning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The rule's name, for changes to a rule; `None` for the rest.
    pub rule: Option<String>,
    /// A rule kind (`quota`, ...) or `setting`, `calendar`, `team`, `term`,
    /// `weights`, `funnel`.
    pub kind: &'static str,
    /// What is changed: the rule, calendar, team or term's name, the weights'
    /// field; `None` for settings and the funnel.
    pub name: Option<String>,
    /// The clause, as the language words it (`target`, `window when
    /// persona is "CEO"`); `None` when the whole item was added or removed.
    pub clause: Option<String>,
    /// As written before; `None` when added.
    pub before: Option<String>,
    /// As written after; `None` when removed.
    pub after: Option<String>,
    pub direction: Direction,
    /// The team it is stricter or looser for.
    #[serde(rename = "for")]
    pub team: Option<String>,
    /// A word more: `scope changed`, the rules a term is used by.
    pub note: Option<String>,
    /// A quota's target per window, before and after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<TargetChange>>,
}

/// One window's quota target in each version; `None` where the version has
/// no such window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetChange {
    pub window: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// A term renamed with its meaning kept: reported, but not a change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rename {
    pub kind: &'static str,
    pub before: String,
    pub after: String,
}

/// Everything that differs between two versions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    pub changes: Vec<Change>,
    pub renames: Vec<Rename>,
}

impl Diff {
    /// Whether the two versions mean the same.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// What a change is about; makes [`Change`]s.
#[derive(Debug, Clone)]
pub(crate) struct Subject {
    pub rule: bool,
    pub kind: &'static str,
    pub name: Option<String>,
}

impl Subject {
    pub fn change(
        &self,
        clause: Option<&str>,
        before: Option<String>,
        after: Option<String>,
    ) -> Change {
        Change {
            rule: self.name.clone().filter(|_| self.rule),
            kind: self.kind,
            name: self.name.clone(),
            clause: clause.map(str::to_owned),
            before,
            after,
            direction: Direction::Changed,
            team: None,
            note: None,
            targets: None,
        }
    }
}

impl Change {
    pub(crate) fn judged(mut self, direction: Direction, team: Option<&str>) -> Change {
        self.direction = direction;
        self.team = team.map(str::to_owned);
        self
    }

    pub(crate) fn noted(mut self, note: impl Into<String>) -> Change {
        self.note = Some(note.into());
        self
    }
}

/// One version as the comparison reads it.
pub(crate) struct Side<'a> {
    pub agreement: &'a Agreement,
    pub glossary: Glossary<'a>,
    pub funnel: Option<FunnelNumbers>,
    pub effective: (NaiveDate, NaiveDate),
}

impl<'a> Side<'a> {
    fn new(agreement: &'a Agreement, renames: &'a HashMap<String, String>) -> Self {
        let effective = agreement
            .settings()
            .find_map(|s| match &s.kind {
                SettingKind::Effective { from, to } => Some((from.node, to.node)),
                _ => None,
            })
            .unwrap_or((NaiveDate::MIN, NaiveDate::MIN));
        Side {
            agreement,
            glossary: Glossary::new(agreement.terms(), renames),
            funnel: agreement.funnels().next().and_then(crate::funnel::derive),
            effective,
        }
    }
}

/// The old and the new version.
pub(crate) struct Sides<'a> {
    pub old: Side<'a>,
    pub new: Side<'a>,
}

/// Compares two agreements that checked clean.
pub fn compare(old: &Agreement, new: &Agreement) -> Diff {
    let renames = items::term_renames(old, new);
    let none = HashMap::new();
    let sides = Sides {
        old: Side::new(old, &renames),
        new: Side::new(new, &none),
    };
    let mut changes = Vec::new();
    items::settings(&sides, &mut changes);
    items::calendars(&sides, &mut changes);
    items::teams(&sides, &mut changes);
    items::terms(&sides, &mut changes);
    items::weights(&sides, &mut changes);
    items::funnel(&sides, &mut changes);
    rules(&sides, &mut changes);
    let mut renames: Vec<Rename> = renames
        .into_iter()
        .map(|(before, after)| Rename {
            kind: "term",
            before,
            after,
        })
        .collect();
    renames.sort_by(|a, b| a.before.cmp(&b.before));
    Diff { changes, renames }
}

/// Rules matched by kind and name, in the new order (a rule in both is
/// compared clause by clause, one only in the new is added), then the
/// removed ones in the old order.
fn rules(sides: &Sides<'_>, out: &mut Vec<Change>) {
    let key = |r: &crate::syntax::ast::Rule| (r.kind.node, r.name.node.clone());
    let old: Vec<_> = sides.old.agreement.rules().collect();
    let new: Vec<_> = sides.new.agreement.rules().collect();
    for rule in &new {
        match old.iter().find(|o| key(o) == key(rule)) {
            Some(before) => clause::compare_rule(sides, before, rule, out),
            None => out.push(clause::whole_rule(rule, true)),
        }
    }
    for rule in &old {
        if !new.iter().any(|n| key(n) == key(rule)) {
            out.push(clause::whole_rule(rule, false));
        }
    }
}
