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

use crate::data::intern::is_blank_symbol;
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
    /// The first comparison that keeps the condition from holding for
    /// `record`, to say why a lead is not one of a rule's: the leaf of an
    /// `and` that fails, of an `or` every part of which fails the first.
    /// None when the condition holds (or only a `not` of a whole group
    /// fails, which has no one comparison to name).
    pub fn failing(&self, record: &impl Record) -> Option<&Cond> {
        if self.holds(record) {
            return None;
        }
        match self {
            Cond::All(parts) => parts.iter().find_map(|p| p.failing(record)),
            Cond::Any(parts) => parts.first().and_then(|p| p.failing(record)),
            Cond::Not(inner) if inner.is_leaf() => Some(self),
            Cond::Not(_) | Cond::True => None,
            _ => Some(self),
        }
    }

    fn is_leaf(&self) -> bool {
        !matches!(self, Cond::Not(_) | Cond::All(_) | Cond::Any(_))
    }

    /// The field slot a comparison reads.
    pub fn slot(&self) -> Option<usize> {
        match self {
            Cond::Is { slot, .. }
            | Cond::In { slot, .. }
            | Cond::Present { slot, .. }
            | Cond::Compare { slot, .. } => Some(*slot),
            Cond::Not(inner) => inner.slot(),
            _ => None,
        }
    }

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
            Cond::Present { slot, set } => is_blank_symbol(value(slot)) != *set,
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

/// The fields one context (leads or activities) needs, in slot order, each
/// with the first rule that uses it (named when the data lacks it), how it
/// is compared, and the literals it is compared with.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub wanted: Vec<Wanted>,
    index: HashMap<String, usize>,
    /// Every literal a condition or weights table compares a field with,
    /// once, where it is first written: for the warning that no row holds
    /// it (W301).
    pub words: Vec<Word>,
}

/// A literal the agreement compares a field with.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub slot: usize,
    pub text: String,
    pub sym: u32,
    /// Where it is first written: a byte offset into the agreement until
    /// the program is built, then its line.
    pub line: usize,
}

impl Fields {
    /// The slot of a field whose value is compared.
    pub fn slot(&mut self, name: &str, user: &str) -> usize {
        let slot = self.presence_slot(name, user);
        if let Some(w) = self.wanted.get_mut(slot) {
            w.compared = true;
        }
        slot
    }

    /// The slot of a field compared as a number.
    pub fn number_slot(&mut self, name: &str, user: &str) -> usize {
        let slot = self.slot(name, user);
        if let Some(w) = self.wanted.get_mut(slot) {
            w.numeric = true;
        }
        slot
    }

    /// The slot of a field only tested for being set.
    pub fn presence_slot(&mut self, name: &str, user: &str) -> usize {
        if let Some(slot) = self.index.get(name) {
            return *slot;
        }
        let slot = self.wanted.len();
        self.wanted.push(Wanted {
            field: name.to_owned(),
            rule: user.to_owned(),
            compared: false,
            numeric: false,
            literals: Vec::new(),
            relabel: None,
        });
        self.index.insert(name.to_owned(), slot);
        slot
    }

    /// Notes that the field in `slot` is compared with `text`, interned as
    /// `sym`, at byte `offset` of the agreement.
    fn literal(&mut self, slot: usize, text: &str, sym: u32, offset: usize) {
        if let Some(w) = self.wanted.get_mut(slot) {
            if !w.literals.iter().any(|(t, _)| t == text) {
                w.literals.push((text.to_owned(), sym));
                if self.words.iter().any(|w| w.slot == slot && w.text == text) {
                    return;
                }
                self.words.push(Word {
                    slot,
                    text: text.to_owned(),
                    sym,
                    line: offset,
                });
            }
        }
    }

    /// Notes a weights table's row for `text`: a word of the agreement
    /// too, though no condition compares it.
    pub fn weighed(&mut self, slot: usize, text: &str, sym: u32, offset: usize) {
        let known = self.words.iter().any(|w| w.slot == slot && w.text == text);
        if !known {
            self.words.push(Word {
                slot,
                text: text.to_owned(),
                sym,
                line: offset,
            });
        }
    }

    pub fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The field names, in slot order.
    pub fn names(&self) -> Vec<String> {
        self.wanted.iter().map(|w| w.field.clone()).collect()
    }

    /// The fields as the data loaders take them.
    pub fn needed(&self) -> Vec<Wanted> {
        self.wanted.clone()
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
            } => {
                let slot = fields.slot(field, user);
                let sym = self.interner.intern(value);
                fields.literal(slot, value, sym, c.span.start);
                Cond::Is {
                    slot,
                    sym,
                    negated: *negated,
                }
            }
            ConditionKind::In {
                field,
                values,
                negated,
            } => {
                let slot = fields.slot(field, user);
                let mut syms = Vec::with_capacity(values.len());
                for value in values {
                    let sym = self.interner.intern(value);
                    fields.literal(slot, value, sym, c.span.start);
                    syms.push(sym);
                }
                Cond::In {
                    slot,
                    syms,
                    negated: *negated,
                }
            }
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
