//! Conditions compared by meaning: two conditions are the same when their
//! normal forms are equal. The normal form forgets what only the writing
//! decides (parentheses, the order of `and`/`or` operands, `in` against a
//! chain of `or`, where a `not` stands) and maps old term names to their
//! new ones; [`Meaning`] also inlines every term, so a rule that
//! spells out what a term means is the same rule.

use std::collections::HashMap;

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

/// One side's glossary and how to read its term references.
pub struct Glossary<'a> {
    pub terms: HashMap<&'a str, &'a Term>,
    /// Old term name → new name, for the old side; empty for the new side.
    pub renames: &'a HashMap<String, String>,
}

impl<'a> Glossary<'a> {
    pub fn new(
        terms: impl Iterator<Item = &'a Term>,
        renames: &'a HashMap<String, String>,
    ) -> Self {
        Glossary {
            terms: terms.map(|t| (t.name.as_str(), t)).collect(),
            renames,
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
        let mut budget = INLINE_BUDGET;
        self.norm(c, true, &mut budget)
    }

    fn norm(&self, c: &Condition, inline: bool, budget: &mut usize) -> Option<Norm> {
        *budget = budget.checked_sub(1)?;
        Some(match &c.kind {
            ConditionKind::Is {
                field,
                value,
                negated,
            } => Norm::Is {
                field: field.node.clone(),
                value: value.node.clone(),
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
                        field: field.node.clone(),
                        value: v.node.clone(),
                        negated: *negated,
                    })
                    .collect();
                junction(tests, *negated)
            }
            ConditionKind::Presence { field, set } => Norm::Presence {
                field: field.node.clone(),
                set: *set,
            },
            ConditionKind::Compare { field, op, value } => Norm::Compare {
                field: field.node.clone(),
                op: op.symbol(),
                // Adding zero turns -0 into 0, which compare alike.
                value: (value.value + 0.0).to_bits(),
            },
            ConditionKind::Term(name) => {
                let renamed = self.renames.get(name.as_str()).unwrap_or(&name.node);
                match self.terms.get(name.as_str()) {
                    Some(term) if inline => self.norm(&term.condition, inline, budget)?,
                    _ => Norm::Term(renamed.clone()),
                }
            }
            ConditionKind::Not(inner) => negate(self.norm(inner, inline, budget)?),
            ConditionKind::All(parts) => junction(self.parts(parts, inline, budget)?, true),
            ConditionKind::Any(parts) => junction(self.parts(parts, inline, budget)?, false),
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
/// the other's negation.
fn negate(n: Norm) -> Norm {
    match n {
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
        Norm::All(parts) => junction(parts.into_iter().map(negate).collect(), false),
        Norm::Any(parts) => junction(parts.into_iter().map(negate).collect(), true),
        other => Norm::Not(Box::new(other)),
    }
}

/// `and` (`all`) or `or` of parts: nested ones of the same kind flattened,
/// operands sorted and deduplicated, a single operand standing alone.
fn junction(parts: Vec<Norm>, all: bool) -> Norm {
    let mut flat = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            Norm::All(inner) if all => flat.extend(inner),
            Norm::Any(inner) if !all => flat.extend(inner),
            other => flat.push(other),
        }
    }
    flat.sort();
    flat.dedup();
    if flat.len() == 1 {
        if let Some(one) = flat.pop() {
            return one;
        }
    }
    if all {
        Norm::All(flat)
    } else {
        Norm::Any(flat)
    }
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

/// The terms a condition uses, directly or through other terms.
pub fn terms_used<'a>(
    c: &'a Condition,
    terms: &HashMap<&'a str, &'a Term>,
    out: &mut Vec<&'a str>,
) {
    match &c.kind {
        ConditionKind::Term(name) => {
            if !out.contains(&name.as_str()) {
                out.push(name.as_str());
                if let Some(term) = terms.get(name.as_str()) {
                    terms_used(&term.condition, terms, out);
                }
            }
        }
        ConditionKind::Not(inner) | ConditionKind::Group(inner) => terms_used(inner, terms, out),
        ConditionKind::All(parts) | ConditionKind::Any(parts) => {
            for p in parts {
                terms_used(p, terms, out);
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
