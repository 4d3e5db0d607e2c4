//! Conditions compared by meaning: two conditions are the same when their
//! normal forms are equal. The normal form forgets what only the writing
//! decides (parentheses, the order of `and`/`or` operands, `in` against a
//! chain of `or`, where a `not` stands) and maps old term names to their
//! new ones; [`Meaning`] also inlines every term, so a rule that
//! spells out what a term means is the same rule.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use crate::syntax::ast::{Condition, ConditionKind, Term};

/// A condition without spans or layout.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Norm {
    Is {
        field: String,
        value: String,
        negated: bool,
    },
    Presence {
        field: String,
        set: bool,
    },
    Compare {
        field: String,
        op: &'static str,
        /// The value's bits: exact comparison of numbers as parsed.
        value: u64,
    },
    Term(String),
    Not(Box<Norm>),
    All(Vec<Norm>),
    Any(Vec<Norm>),
}

/// Inlining doubles a condition's size per level of terms that use another
/// term twice; past this many nodes the comparison keeps term names.
const INLINE_BUDGET: usize = 100_000;

/// Nodes inlined over all comparisons of one side: past them, every
/// comparison keeps term names, so a long chain of terms that all changed
/// costs no more than this.
const TOTAL_BUDGET: usize = 10_000_000;

/// Terms inlined one in another: inlining recurses, and a chain of terms
/// may be as long as the agreement; past this, names are compared.
const INLINE_DEPTH: usize = 32;

/// One side's glossary and how to read its term references.
pub struct Glossary<'a> {
    pub terms: HashMap<&'a str, &'a Term>,
    /// Old term name → new name, for the old side; empty for the new side.
    pub renames: &'a HashMap<String, String>,
    /// What is left of [`TOTAL_BUDGET`].
    left: Cell<usize>,
    /// Terms being inlined, one in another, now.
    depth: Cell<usize>,
}

impl<'a> Glossary<'a> {
    pub fn new(
        terms: impl Iterator<Item = &'a Term>,
        renames: &'a HashMap<String, String>,
    ) -> Self {
        Glossary {
            terms: terms.map(|t| (t.name.as_str(), t)).collect(),
            renames,
            left: Cell::new(TOTAL_BUDGET),
            depth: Cell::new(0),
        }
    }

    /// The normal form, term references kept (renamed).
    pub fn named(&self, c: &Condition) -> Norm {
        let mut budget = usize::MAX;
        self.norm(c, false, &mut budget)
            .unwrap_or(Norm::All(Vec::new()))
    }

    /// The normal form with every term inlined; `None` past the budget.
    pub fn meaning(&self, c: &Condition) -> Option<Norm> {
        let left = self.left.get();
        let mut budget = INLINE_BUDGET.min(left);
        let norm = self.norm(c, true, &mut budget);
        self.left.set(left - (INLINE_BUDGET.min(left) - budget));
        norm
    }

    fn norm(&self, c: &Condition, inline: bool, budget: &mut usize) -> Option<Norm> {
        *budget = budget.checked_sub(1)?;
        Some(match &c.kind {
            ConditionKind::Is {
                field,
                value,
                negated,
            } => Norm::Is {
                field: field.node.to_string(),
                value: value.node.to_string(),
                negated: *negated,
            },
            // `f in (a, b)` is `f is a or f is b`; `not in`, `f is not a and ...`.
            ConditionKind::In {
                field,
                values,
                negated,
            } => {
                let tests = values
                    .iter()
                    .map(|v| Norm::Is {
                        field: field.node.to_string(),
                        value: v.node.to_string(),
                        negated: *negated,
                    })
                    .collect();
                junction(tests, *negated, budget)?
            }
            ConditionKind::Presence { field, set } => Norm::Presence {
                field: field.node.to_string(),
                set: *set,
            },
            ConditionKind::Compare { field, op, value } => Norm::Compare {
                field: field.node.to_string(),
                op: op.symbol(),
                // Adding zero turns -0 into 0, which compare alike.
                value: (value.value + 0.0).to_bits(),
            },
            ConditionKind::Term(name) => {
                let renamed = self
                    .renames
                    .get(name.as_str())
                    .map_or(name.as_str(), String::as_str);
                match self.terms.get(name.as_str()) {
                    Some(term) if inline => {
                        let depth = self.depth.get();
                        if depth >= INLINE_DEPTH {
                            return None;
                        }
                        self.depth.set(depth + 1);
                        let norm = self.norm(&term.condition, inline, budget);
                        self.depth.set(depth);
                        norm?
                    }
                    _ => Norm::Term(renamed.to_owned()),
                }
            }
            ConditionKind::Not(inner) => negate(self.norm(inner, inline, budget)?, budget)?,
            ConditionKind::All(parts) => {
                junction(self.parts(parts, inline, budget)?, true, budget)?
            }
            ConditionKind::Any(parts) => {
                junction(self.parts(parts, inline, budget)?, false, budget)?
            }
            ConditionKind::Group(inner) => self.norm(inner, inline, budget)?,
        })
    }

    fn parts(&self, parts: &[Condition], inline: bool, budget: &mut usize) -> Option<Vec<Norm>> {
        parts.iter().map(|p| self.norm(p, inline, budget)).collect()
    }
}

/// `not` pushed down to the tests (De Morgan), folded into those that
/// have a negated form. A numeric comparison keeps its `not`: on a value
/// that is not a number both `x < 5` and `x >= 5` are false, so neither is
/// the other's negation. Each node rebuilt is paid from `budget`.
fn negate(n: Norm, budget: &mut usize) -> Option<Norm> {
    *budget = budget.checked_sub(1)?;
    Some(match n {
        Norm::Is {
            field,
            value,
            negated,
        } => Norm::Is {
            field,
            value,
            negated: !negated,
        },
        Norm::Presence { field, set } => Norm::Presence { field, set: !set },
        Norm::Not(inner) => *inner,
        Norm::All(parts) => junction(negate_all(parts, budget)?, false, budget)?,
        Norm::Any(parts) => junction(negate_all(parts, budget)?, true, budget)?,
        other => Norm::Not(Box::new(other)),
    })
}

fn negate_all(parts: Vec<Norm>, budget: &mut usize) -> Option<Vec<Norm>> {
    parts.into_iter().map(|p| negate(p, budget)).collect()
}

/// `and` (`all`) or `or` of parts: nested ones of the same kind flattened,
/// operands sorted and deduplicated, a single operand standing alone. The
/// operands flattened in are paid from `budget`: a chain of terms each
/// adding one operand would otherwise sort the whole chain at every link.
fn junction(parts: Vec<Norm>, all: bool, budget: &mut usize) -> Option<Norm> {
    let mut flat = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            Norm::All(inner) if all => flat.extend(inner),
            Norm::Any(inner) if !all => flat.extend(inner),
            other => flat.push(other),
        }
    }
    *budget = budget.checked_sub(flat.len())?;
    flat.sort();
    flat.dedup();
    if flat.len() == 1 {
        if let Some(one) = flat.pop() {
            return Some(one);
        }
    }
    Some(if all {
        Norm::All(flat)
    } else {
        Norm::Any(flat)
    })
}

/// Whether `old` (read with the old glossary) means what `new` does.
pub fn same(
    old_side: &Glossary<'_>,
    old: &Condition,
    new_side: &Glossary<'_>,
    new: &Condition,
) -> bool {
    if old_side.named(old) == new_side.named(new) {
        return true;
    }
    match (old_side.meaning(old), new_side.meaning(new)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The terms the conditions use, directly or through other terms.
/// Iterative over terms, because a generated agreement may chain thousands.
pub fn terms_used<'a>(
    conditions: impl IntoIterator<Item = &'a Condition>,
    terms: &HashMap<&'a str, &'a Term>,
) -> HashSet<&'a str> {
    let mut todo: Vec<&'a Condition> = conditions.into_iter().collect();
    let mut used = HashSet::new();
    let mut refs = Vec::new();
    while let Some(c) = todo.pop() {
        term_refs(c, &mut refs);
        for name in refs.drain(..) {
            if used.insert(name) {
                todo.extend(terms.get(name).map(|t| &t.condition));
            }
        }
    }
    used
}

/// The terms a condition names itself (its nesting is bounded, see E006).
fn term_refs<'a>(c: &'a Condition, out: &mut Vec<&'a str>) {
    match &c.kind {
        ConditionKind::Term(name) => out.push(name.as_str()),
        ConditionKind::Not(inner) | ConditionKind::Group(inner) => term_refs(inner, out),
        ConditionKind::All(parts) | ConditionKind::Any(parts) => {
            for p in parts {
                term_refs(p, out);
            }
        }
        ConditionKind::Is { .. }
        | ConditionKind::In { .. }
        | ConditionKind::Presence { .. }
        | ConditionKind::Compare { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::{ClauseKind, Item};
    use crate::syntax::parse;

    /// The `leads` condition of the first rule of an agreement whose terms are given.
    fn glossary_and_leads(terms: &str, leads: &str) -> (crate::syntax::ast::Agreement, Condition) {
        let text = format!(
            "agreement \"t\" {{ effective 2027-01-01 to 2027-12-31 timezone \"UTC\" team s {{ lead \"a\" }} {terms} quota \"q\" {{ owner s leads {leads} count >= 1 per month }} }}"
        );
        let a = parse(&text).unwrap();
        let leads = a
            .items
            .iter()
            .find_map(|i| match i {
                Item::Rule(r) => r.clauses.iter().find_map(|c| match &c.kind {
                    ClauseKind::Leads(c) => Some(c.clone()),
                    _ => None,
                }),
                _ => None,
            })
            .unwrap();
        (a, leads)
    }

    fn same_leads(old: (&str, &str), new: (&str, &str)) -> bool {
        let none = HashMap::new();
        let (a, ca) = glossary_and_leads(old.0, old.1);
        let (b, cb) = glossary_and_leads(new.0, new.1);
        same(
            &Glossary::new(a.terms(), &none),
            &ca,
            &Glossary::new(b.terms(), &none),
            &cb,
        )
    }

    #[test]
    fn layout_order_and_parentheses_do_not_matter() {
        assert!(same_leads(
            ("", "a is \"1\" and (b is \"2\" and c in (\"y\", \"x\"))"),
            (
                "",
                "c in (\"x\", \"y\", \"x\") and a is \"1\" and b is \"2\""
            )
        ));
        assert!(same_leads(("", "not a is \"1\""), ("", "a is not \"1\"")));
        assert!(same_leads(("", "not a is set"), ("", "a is empty")));
        assert!(same_leads(("", "a in (\"1\")"), ("", "a is \"1\"")));
        assert!(same_leads(
            ("", "a in (\"1\", \"2\")"),
            ("", "a is \"2\" or a is \"1\"")
        ));
        assert!(same_leads(
            ("", "not (a in (\"1\", \"2\") or b is set)"),
            ("", "a not in (\"1\", \"2\") and b is empty")
        ));
        assert!(!same_leads(
            ("", "a is \"1\" or b is \"2\""),
            ("", "a is \"1\" and b is \"2\"")
        ));
        assert!(!same_leads(("", "not n < 5"), ("", "n >= 5")));
        assert!(same_leads(("", "n >= 5.0"), ("", "n >= 5")));
    }

    #[test]
    fn a_term_and_what_it_means_are_the_same() {
        assert!(same_leads(
            ("term mql means source is \"m\"", "mql"),
            ("term mql means source is \"m\"", "source is \"m\"")
        ));
        assert!(!same_leads(
            ("term mql means source is \"m\"", "mql"),
            ("term mql means source is \"m\"", "source is \"x\"")
        ));
    }
}
