//! Conditions compiled for evaluation: field names become slots in a
//! record, string literals become interned symbols, terms are inlined.
//!
//! A record holds one symbol per field the agreement uses in that context
//! (lead or activity); comparing symbols is comparing strings, because the
//! interner gives equal strings equal symbols. Lead records are interned
//! when the leads load; activity values are only looked up (see
//! [`crate::data::Values`]), so a value no literal names is one symbol that
//! equals none.

use std::collections::HashMap;

use crate::data::{Interner, Record, Wanted};
use crate::syntax::ast::{CompareOp, Condition, ConditionKind, Term};

/// A condition over one record.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    True,
    Is {
        slot: usize,
        sym: u32,
        negated: bool,
    },
    In {
        slot: usize,
        syms: Vec<u32>,
        negated: bool,
    },
    Present {
        slot: usize,
        set: bool,
    },
    Compare {
        slot: usize,
        op: CompareOp,
        value: f64,
    },
    Not(Box<Cond>),
    All(Vec<Cond>),
    Any(Vec<Cond>),
}

impl Cond {
    pub fn holds(&self, record: &impl Record) -> bool {
        let value = |slot: &usize| record.symbol(*slot);
        match self {
            Cond::True => true,
            Cond::Is { slot, sym, negated } => (value(slot) == *sym) != *negated,
            Cond::In {
                slot,
                syms,
                negated,
            } => syms.contains(&value(slot)) != *negated,
            // Symbol 0 is the blank value: missing, empty or white space.
            Cond::Present { slot, set } => (value(slot) != 0) == *set,
            Cond::Compare { slot, op, value: v } => match record.number(*slot) {
                Some(x) => match op {
                    CompareOp::Lt => x < *v,
                    CompareOp::Le => x <= *v,
                    CompareOp::Gt => x > *v,
                    CompareOp::Ge => x >= *v,
                },
                None => false,
            },
            Cond::Not(inner) => !inner.holds(record),
            Cond::All(parts) => parts.iter().all(|c| c.holds(record)),
            Cond::Any(parts) => parts.iter().any(|c| c.holds(record)),
        }
    }
}

/// The fields one context (leads or activities) needs, in slot order, and
/// for each the first rule that uses it (named when the data lacks it).
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub names: Vec<String>,
    pub users: Vec<String>,
    /// Whether a condition compares the field's value (else it is only
    /// tested for presence).
    pub compared: Vec<bool>,
    /// Whether a condition compares it as a number.
    pub numeric: Vec<bool>,
    index: HashMap<String, usize>,
}

impl Fields {
    /// The slot of a field whose value is compared.
    pub fn slot(&mut self, name: &str, user: &str) -> usize {
        let slot = self.presence_slot(name, user);
        if let Some(c) = self.compared.get_mut(slot) {
            *c = true;
        }
        slot
    }

    /// The slot of a field compared as a number.
    pub fn number_slot(&mut self, name: &str, user: &str) -> usize {
        let slot = self.slot(name, user);
        if let Some(n) = self.numeric.get_mut(slot) {
            *n = true;
        }
        slot
    }

    /// The slot of a field only tested for being set.
    pub fn presence_slot(&mut self, name: &str, user: &str) -> usize {
        if let Some(slot) = self.index.get(name) {
            return *slot;
        }
        let slot = self.names.len();
        self.names.push(name.to_owned());
        self.users.push(user.to_owned());
        self.compared.push(false);
        self.numeric.push(false);
        self.index.insert(name.to_owned(), slot);
        slot
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The fields as the data loaders take them.
    pub fn needed(&self) -> Vec<Wanted> {
        self.names
            .iter()
            .zip(&self.users)
            .zip(self.compared.iter().zip(&self.numeric))
            .map(|((field, rule), (compared, numeric))| Wanted {
                field: field.clone(),
                rule: rule.clone(),
                compared: *compared,
                numeric: *numeric,
            })
            .collect()
    }
}

/// Compiles conditions of one context, inlining terms.
pub struct Compiler<'a> {
    pub terms: &'a HashMap<&'a str, &'a Term>,
    pub interner: &'a mut Interner,
}

impl Compiler<'_> {
    pub fn compile(&mut self, c: &Condition, fields: &mut Fields, user: &str) -> Cond {
        match &c.kind {
            ConditionKind::Is {
                field,
                value,
                negated,
            } => Cond::Is {
                slot: fields.slot(field, user),
                sym: self.interner.intern(value),
                negated: *negated,
            },
            ConditionKind::In {
                field,
                values,
                negated,
            } => Cond::In {
                slot: fields.slot(field, user),
                syms: values.iter().map(|v| self.interner.intern(v)).collect(),
                negated: *negated,
            },
            ConditionKind::Presence { field, set } => Cond::Present {
                slot: fields.presence_slot(field, user),
                set: *set,
            },
            ConditionKind::Compare { field, op, value } => Cond::Compare {
                slot: fields.number_slot(field, user),
                op: *op,
                value: value.value,
            },
            // The checker rejected unknown terms and cycles, so this ends.
            ConditionKind::Term(name) => match self.terms.get(name.as_str()) {
                Some(term) => self.compile(&term.condition, fields, user),
                None => Cond::True,
            },
            ConditionKind::Not(inner) => Cond::Not(Box::new(self.compile(inner, fields, user))),
            ConditionKind::Group(inner) => self.compile(inner, fields, user),
            ConditionKind::All(parts) => Cond::All(
                parts
                    .iter()
                    .map(|p| self.compile(p, fields, user))
                    .collect(),
            ),
            ConditionKind::Any(parts) => Cond::Any(
                parts
                    .iter()
                    .map(|p| self.compile(p, fields, user))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;

    #[test]
    fn a_field_is_compared_once_any_use_compares_it() {
        let mut f = Fields::default();
        let email = f.presence_slot("email", "dossier");
        let owner = f.presence_slot("owner", "dossier");
        assert_eq!(f.slot("owner", "speed"), owner);
        let needed = f.needed();
        assert_eq!(
            (needed[email].compared, needed[owner].compared),
            (false, true)
        );
        assert_eq!(needed[owner].rule, "dossier", "the first user is named");
    }
}
