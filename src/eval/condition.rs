//! Conditions compiled for evaluation: field names become slots in a
//! record, string literals become interned symbols, and each term becomes
//! one node that every use of it shares.
//!
//! A record holds one symbol per field the agreement uses in that context
//! (lead or activity); comparing symbols is comparing strings, because the
//! interner gives equal strings equal symbols. Lead records are interned
//! when the leads load; activity values are only looked up (see
//! [`crate::data::Values`]), so a value no literal names is one symbol that
//! equals none.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rustc_hash::FxHashSet;

use crate::data::intern::is_blank_symbol;
use crate::data::{Interner, Record, Wanted};
use crate::syntax::ast::{CompareOp, Condition, ConditionKind, Term};

/// One test or junction of a compiled condition. Parts are referred to by
/// index, so a term is compiled once however often it is used.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    True,
    Is {
        slot: usize,
        sym: u32,
        negated: bool,
    },
    /// `list` indexes the condition's value lists.
    In {
        slot: usize,
        list: usize,
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
    Not(u32),
    /// `len` parts from `start` of the condition's part list.
    All {
        start: u32,
        len: u32,
    },
    Any {
        start: u32,
        len: u32,
    },
}

impl Node {
    fn is_leaf(&self) -> bool {
        !matches!(self, Node::Not(_) | Node::All { .. } | Node::Any { .. })
    }
}

/// The values of an `in` list: in the order written, to name them, and as
/// a set when a scan of them would be slow.
#[derive(Debug, Clone, PartialEq)]
pub struct Syms {
    pub written: Vec<u32>,
    set: Option<FxHashSet<u32>>,
}

/// Up to this many values a scan beats hashing.
const SCAN: usize = 16;

impl Syms {
    fn new(written: Vec<u32>) -> Syms {
        let set = (written.len() > SCAN).then(|| written.iter().copied().collect());
        Syms { written, set }
    }

    fn contains(&self, sym: u32) -> bool {
        match &self.set {
            Some(set) => set.contains(&sym),
            None => self.written.contains(&sym),
        }
    }
}

/// A condition over one record: the nodes it reaches, each once, parts
/// before the whole (the last node is the condition), so one pass in order
/// evaluates it without recursion however long a chain of terms it uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    nodes: Box<[Node]>,
    parts: Box<[u32]>,
    lists: Box<[Arc<Syms>]>,
}

/// A test that keeps a condition from holding (see [`Cond::failing`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Leaf<'a> {
    Is {
        slot: usize,
        sym: u32,
        negated: bool,
    },
    In {
        slot: usize,
        syms: &'a [u32],
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
    /// A `not` of one of the others, reading `slot`.
    Not {
        slot: Option<usize>,
    },
}

impl Leaf<'_> {
    /// The field slot the test reads.
    pub fn slot(&self) -> Option<usize> {
        match self {
            Leaf::Is { slot, .. }
            | Leaf::In { slot, .. }
            | Leaf::Present { slot, .. }
            | Leaf::Compare { slot, .. } => Some(*slot),
            Leaf::Not { slot } => *slot,
        }
    }
}

/// Nodes evaluated in a buffer on the stack; larger conditions take one
/// from the heap, in proportion to the work of evaluating them.
const SMALL: usize = 32;

impl Cond {
    /// The condition that always holds.
    pub fn always() -> Cond {
        Cond {
            nodes: Box::new([Node::True]),
            parts: Box::new([]),
            lists: Box::new([]),
        }
    }

    /// How many nodes the condition has, each term counted once.
    pub fn nodes(&self) -> usize {
        self.nodes.len()
    }

    pub fn holds(&self, record: &impl Record) -> bool {
        let n = self.nodes.len();
        if n <= SMALL {
            let mut values = [false; SMALL];
            self.run(record, &mut values)
        } else {
            self.run(record, &mut vec![false; n])
        }
    }

    /// Evaluates every node into `values`, returning the last.
    fn run(&self, record: &impl Record, values: &mut [bool]) -> bool {
        let mut last = true;
        for (i, node) in self.nodes.iter().enumerate() {
            last = self.node(node, record, values);
            if let Some(v) = values.get_mut(i) {
                *v = last;
            }
        }
        last
    }

    fn kids(&self, start: u32, len: u32) -> &[u32] {
        let start = start as usize;
        self.parts
            .get(start..start + len as usize)
            .unwrap_or_default()
    }

    #[inline]
    fn node(&self, node: &Node, record: &impl Record, values: &[bool]) -> bool {
        let value = |k: &u32| values.get(*k as usize).copied().unwrap_or(false);
        match node {
            Node::True => true,
            Node::Is { slot, sym, negated } => (record.symbol(*slot) == *sym) != *negated,
            Node::In {
                slot,
                list,
                negated,
            } => {
                let sym = record.symbol(*slot);
                self.lists.get(*list).is_some_and(|l| l.contains(sym)) != *negated
            }
            Node::Present { slot, set } => is_blank_symbol(record.symbol(*slot)) != *set,
            Node::Compare { slot, op, value: v } => match record.number(*slot) {
                Some(x) => match op {
                    CompareOp::Lt => x < *v,
                    CompareOp::Le => x <= *v,
                    CompareOp::Gt => x > *v,
                    CompareOp::Ge => x >= *v,
                },
                None => false,
            },
            Node::Not(inner) => !value(inner),
            Node::All { start, len } => self.kids(*start, *len).iter().all(value),
            Node::Any { start, len } => self.kids(*start, *len).iter().any(value),
        }
    }

    /// The first comparison that keeps the condition from holding for
    /// `record`, to say why a lead is not one of a rule's: the leaf of an
    /// `and` that fails, of an `or` every part of which fails the first.
    /// None when the condition holds (or only a `not` of a whole group
    /// fails, which has no one comparison to name).
    pub fn failing(&self, record: &impl Record) -> Option<Leaf<'_>> {
        let mut values = vec![false; self.nodes.len()];
        self.run(record, &mut values);
        // Per node, the index of its failing leaf, parts before wholes.
        let mut failing: Vec<Option<u32>> = Vec::with_capacity(self.nodes.len());
        for (i, node) in self.nodes.iter().enumerate() {
            let at = |k: &u32| failing.get(*k as usize).copied().flatten();
            let found = if values.get(i).copied().unwrap_or(true) {
                None
            } else {
                match node {
                    Node::All { start, len } => self.kids(*start, *len).iter().find_map(at),
                    Node::Any { start, len } => self.kids(*start, *len).first().and_then(at),
                    Node::Not(inner)
                        if self.nodes.get(*inner as usize).is_some_and(Node::is_leaf) =>
                    {
                        u32::try_from(i).ok()
                    }
                    Node::Not(_) | Node::True => None,
                    _ => u32::try_from(i).ok(),
                }
            };
            failing.push(found);
        }
        let leaf = failing.last().copied().flatten()?;
        self.leaf(leaf)
    }

    fn leaf(&self, at: u32) -> Option<Leaf<'_>> {
        Some(match self.nodes.get(at as usize)? {
            Node::Is { slot, sym, negated } => Leaf::Is {
                slot: *slot,
                sym: *sym,
                negated: *negated,
            },
            Node::In {
                slot,
                list,
                negated,
            } => Leaf::In {
                slot: *slot,
                syms: &self.lists.get(*list)?.written,
                negated: *negated,
            },
            Node::Present { slot, set } => Leaf::Present {
                slot: *slot,
                set: *set,
            },
            Node::Compare { slot, op, value } => Leaf::Compare {
                slot: *slot,
                op: *op,
                value: *value,
            },
            Node::Not(inner) => Leaf::Not {
                slot: self.leaf(*inner).and_then(|l| l.slot()),
            },
            Node::True | Node::All { .. } | Node::Any { .. } => return None,
        })
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
    /// `(slot, text)` of the literals in `wanted` and of `words`, so an
    /// `in` list of a million values is not searched a million times.
    known_literals: HashSet<(usize, String)>,
    known_words: HashSet<(usize, String)>,
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
            if self.known_literals.insert((slot, text.to_owned())) {
                w.literals.push((text.to_owned(), sym));
                self.weighed(slot, text, sym, offset);
            }
        }
    }

    /// Notes a weights table's row for `text`: a word of the agreement
    /// too, though no condition compares it.
    pub fn weighed(&mut self, slot: usize, text: &str, sym: u32, offset: usize) {
        if self.known_words.insert((slot, text.to_owned())) {
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

/// One context's conditions as a graph: each term it uses is compiled
/// once, and every use refers to that node.
#[derive(Debug, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    parts: Vec<u32>,
    lists: Vec<Arc<Syms>>,
    /// Term name → its node.
    terms: HashMap<String, u32>,
}

impl Graph {
    fn push(&mut self, node: Node) -> u32 {
        self.nodes.push(node);
        u32::try_from(self.nodes.len() - 1).unwrap_or(u32::MAX)
    }

    /// The condition of node `root`: the nodes it reaches, in the order
    /// they were built (parts before wholes), numbered afresh.
    fn cond(&self, root: u32) -> Cond {
        let mut reached: HashSet<u32> = HashSet::new();
        let mut todo = vec![root];
        while let Some(at) = todo.pop() {
            if !reached.insert(at) {
                continue;
            }
            match self.nodes.get(at as usize) {
                Some(Node::Not(inner)) => todo.push(*inner),
                Some(Node::All { start, len } | Node::Any { start, len }) => {
                    todo.extend(self.kids(*start, *len));
                }
                _ => {}
            }
        }
        let mut order: Vec<u32> = reached.into_iter().collect();
        order.sort_unstable();
        let local: HashMap<u32, u32> = (0u32..).zip(&order).map(|(i, at)| (*at, i)).collect();
        let to = |k: &u32| local.get(k).copied().unwrap_or(0);
        let (mut nodes, mut parts, mut lists) =
            (Vec::with_capacity(order.len()), Vec::new(), Vec::new());
        for at in &order {
            let Some(node) = self.nodes.get(*at as usize) else {
                continue;
            };
            nodes.push(match node {
                Node::Not(inner) => Node::Not(to(inner)),
                Node::All { start, len } | Node::Any { start, len } => {
                    let from = u32::try_from(parts.len()).unwrap_or(u32::MAX);
                    parts.extend(self.kids(*start, *len).iter().map(to));
                    if matches!(node, Node::All { .. }) {
                        Node::All {
                            start: from,
                            len: *len,
                        }
                    } else {
                        Node::Any {
                            start: from,
                            len: *len,
                        }
                    }
                }
                Node::In {
                    slot,
                    list,
                    negated,
                } => {
                    lists.extend(self.lists.get(*list).cloned());
                    Node::In {
                        slot: *slot,
                        list: lists.len().saturating_sub(1),
                        negated: *negated,
                    }
                }
                leaf => leaf.clone(),
            });
        }
        Cond {
            nodes: nodes.into(),
            parts: parts.into(),
            lists: lists.into(),
        }
    }

    fn kids(&self, start: u32, len: u32) -> &[u32] {
        let start = start as usize;
        self.parts
            .get(start..start + len as usize)
            .unwrap_or_default()
    }
}

/// Compiles conditions of one context, each term once.
pub struct Compiler<'a> {
    pub terms: &'a HashMap<&'a str, &'a Term>,
    pub interner: &'a mut Interner,
}

/// A step of compiling: a condition to enter, or a node to build from the
/// last ones built.
enum Step<'c> {
    Enter(&'c Condition),
    Not,
    Junction {
        all: bool,
        len: usize,
    },
    /// The node just built is this term's.
    Term(&'c str),
}

impl<'a> Compiler<'a> {
    /// Compiles `c` into `graph`, reusing the terms compiled before. With
    /// an explicit stack rather than recursion: a chain of terms may be as
    /// long as the agreement. Fields are met, and given their slots, in
    /// the order of the condition as if its terms were written out.
    pub fn compile<'c>(
        &mut self,
        c: &'c Condition,
        fields: &mut Fields,
        graph: &mut Graph,
        user: &str,
    ) -> Cond
    where
        'a: 'c,
    {
        let mut steps = vec![Step::Enter(c)];
        let mut built: Vec<u32> = Vec::new();
        let mut open: HashSet<&str> = HashSet::new();
        while let Some(step) = steps.pop() {
            let node = match step {
                Step::Enter(c) => match &c.kind {
                    ConditionKind::Is {
                        field,
                        value,
                        negated,
                    } => {
                        let slot = fields.slot(field, user);
                        let sym = self.interner.intern(value);
                        fields.literal(slot, value, sym, c.span.start());
                        Node::Is {
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
                            fields.literal(slot, value, sym, c.span.start());
                            syms.push(sym);
                        }
                        graph.lists.push(Arc::new(Syms::new(syms)));
                        Node::In {
                            slot,
                            list: graph.lists.len() - 1,
                            negated: *negated,
                        }
                    }
                    ConditionKind::Presence { field, set } => Node::Present {
                        slot: fields.presence_slot(field, user),
                        set: *set,
                    },
                    ConditionKind::Compare { field, op, value } => Node::Compare {
                        slot: fields.number_slot(field, user),
                        op: *op,
                        value: value.value,
                    },
                    ConditionKind::Term(name) => {
                        if let Some(at) = graph.terms.get(name.as_str()) {
                            built.push(*at);
                            continue;
                        }
                        // The checker rejected unknown terms and cycles;
                        // were one left, it would hold rather than loop.
                        match self.terms.get(name.as_str()) {
                            Some(term) if open.insert(name.as_str()) => {
                                steps.push(Step::Term(name.as_str()));
                                steps.push(Step::Enter(&term.condition));
                                continue;
                            }
                            _ => Node::True,
                        }
                    }
                    ConditionKind::Not(inner) => {
                        steps.push(Step::Not);
                        steps.push(Step::Enter(inner));
                        continue;
                    }
                    ConditionKind::Group(inner) => {
                        steps.push(Step::Enter(inner));
                        continue;
                    }
                    ConditionKind::All(parts) | ConditionKind::Any(parts) => {
                        let all = matches!(c.kind, ConditionKind::All(_));
                        steps.push(Step::Junction {
                            all,
                            len: parts.len(),
                        });
                        steps.extend(parts.iter().rev().map(Step::Enter));
                        continue;
                    }
                },
                Step::Not => Node::Not(built.pop().unwrap_or_default()),
                Step::Junction { all, len } => {
                    let from = built.len().saturating_sub(len);
                    let start = u32::try_from(graph.parts.len()).unwrap_or(u32::MAX);
                    graph.parts.extend(built.drain(from..));
                    let len = u32::try_from(len).unwrap_or(u32::MAX);
                    if all {
                        Node::All { start, len }
                    } else {
                        Node::Any { start, len }
                    }
                }
                Step::Term(name) => {
                    if let Some(at) = built.last() {
                        graph.terms.insert(name.to_owned(), *at);
                    }
                    open.remove(name);
                    continue;
                }
            };
            built.push(graph.push(node));
        }
        match built.pop() {
            Some(root) => graph.cond(root),
            None => Cond::always(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Fields, Syms};
    use crate::data::{Interned, Interner};
    use crate::eval::model::{compile, Program};
    use crate::syntax::parse;
    use proptest::prelude::*;

    /// The program of an agreement with `terms` whose one rule's leads are `leads`.
    fn program(terms: &str, leads: &str) -> (Program, Interner) {
        let text = format!(
            "agreement \"t\" {{ effective 2027-01-01 to 2027-12-31 timezone \"UTC\" \
             team m {{ lead \"a\" }} {terms} quota \"q\" {{ owner m leads {leads} count >= 1 per month }} }}"
        );
        let agreement = parse(&text).unwrap();
        assert!(crate::check::check(&agreement, &Default::default()).is_empty());
        let mut interner = Interner::new();
        (compile(&agreement, &text, &mut interner), interner)
    }

    #[test]
    fn a_long_chain_of_terms_evaluates_on_a_small_stack() {
        // Inlined, each term was one more level of recursion: 2,000 terms
        // of 64 `not`s each overflowed any stack.
        let mut terms = String::from("term t0 means source is \"m\"\n");
        for i in 1..2000 {
            terms.push_str(&format!(
                "term t{i} means {}t{}\n",
                "not ".repeat(64),
                i - 1
            ));
        }
        let (program, mut interner) = program(&terms, "t1999");
        let m = interner.intern("m");
        let small = std::thread::Builder::new().stack_size(2 << 20);
        let held = small
            .spawn(move || {
                let leads = &program.rules[0].leads;
                let (set, blank) = ([m], [0]);
                let record = |symbols| Interned {
                    symbols,
                    interner: &interner,
                };
                (
                    leads.nodes(),
                    leads.holds(&record(&set)),
                    leads.holds(&record(&blank)),
                    leads.failing(&record(&blank)).is_some(),
                )
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(held, (1 + 1999 * 64, true, false, false));
    }

    #[test]
    fn a_term_used_twice_is_compiled_once() {
        // Inlined, the 26th term was 2^26 comparisons (3 GB).
        let mut terms = String::from("term t0 means source is \"m\"\n");
        for i in 1..=26 {
            terms.push_str(&format!("term t{i} means t{} and t{}\n", i - 1, i - 1));
        }
        let (program, mut interner) = program(&terms, "t26 and t3");
        let leads = &program.rules[0].leads;
        assert_eq!(leads.nodes(), 28);
        let m = interner.intern("m");
        let record = Interned {
            symbols: &[m],
            interner: &interner,
        };
        assert!(leads.holds(&record));
    }

    #[test]
    fn an_in_list_of_many_values_is_read_once_each() {
        // Each value was searched for among those before it: 100,000
        // values took 13 s.
        let values: Vec<String> = (0..100_000).map(|i| format!("\"v{i}\"")).collect();
        let leads = format!("persona in ({}, \"v7\")", values.join(", "));
        let (program, mut interner) = program("", &leads);
        assert_eq!(program.lead_fields.wanted[0].literals.len(), 100_000);
        assert_eq!(program.lead_fields.words.len(), 100_000);
        let (v99, other) = (interner.intern("v99999"), interner.intern("w"));
        let (v99, other) = ([v99], [other]);
        let record = |symbols| Interned {
            symbols,
            interner: &interner,
        };
        let leads = &program.rules[0].leads;
        assert!(leads.holds(&record(&v99)) && !leads.holds(&record(&other)));
    }

    proptest! {
        #[test]
        fn a_set_of_values_holds_what_a_scan_does(
            written in proptest::collection::vec(0u32..64, 0..40),
            sym in 0u32..64,
        ) {
            let syms = Syms::new(written.clone());
            prop_assert_eq!(syms.contains(sym), written.contains(&sym));
        }
    }

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
