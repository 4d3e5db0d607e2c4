//! Which leads a rule's `leads` condition holds for, a bit per lead.
//!
//! Rules mostly share one condition (`leads mql` in every rule of an
//! agreement), and scoping asks it of every lead twice (counting, then
//! writing: see `in_stretches`). Worked out once per distinct condition,
//! on every core, it is a bit test for every rule after that.

use std::ops::Range;

use rayon::prelude::*;

use super::condition::Cond;
use crate::data::Record;

/// A bit per lead of a range: whether the condition holds for it.
#[derive(Debug, Default)]
pub struct Held {
    first: u32,
    bits: Vec<u64>,
}

/// Leads per task: 64 words of bits.
const CHUNK_WORDS: usize = 64;

impl Held {
    /// Evaluates `cond` for every lead of `leads`, whose record is
    /// `record(lead)`.
    pub fn new<R: Record>(
        cond: &Cond,
        leads: Range<u32>,
        record: impl Fn(u32) -> R + Sync,
    ) -> Held {
        let len = leads.len();
        let mut bits = vec![0u64; len.div_ceil(64)];
        bits.par_chunks_mut(CHUNK_WORDS)
            .enumerate()
            .for_each(|(c, words)| {
                let first_word = c * CHUNK_WORDS;
                for (w, word) in words.iter_mut().enumerate() {
                    let from = (first_word + w) * 64;
                    for bit in 0..64.min(len.saturating_sub(from)) {
                        let lead = leads.start.saturating_add((from + bit) as u32);
                        *word |= u64::from(cond.holds(&record(lead))) << bit;
                    }
                }
            });
        Held {
            first: leads.start,
            bits,
        }
    }

    /// Whether the condition holds for `lead`; false outside the range.
    pub fn contains(&self, lead: u32) -> bool {
        let Some(at) = lead.checked_sub(self.first) else {
            return false;
        };
        let at = at as usize;
        self.bits
            .get(at / 64)
            .is_some_and(|word| word >> (at % 64) & 1 == 1)
    }
}

/// Each distinct key of `keys` made into a `T` once: for each key, in
/// order, the index of its `T` in the second list.
pub fn once_each<K: PartialEq, T>(
    keys: impl Iterator<Item = K>,
    make: impl Fn(&K) -> T,
) -> (Vec<usize>, Vec<T>) {
    let mut seen: Vec<K> = Vec::new();
    let which = keys
        .map(|key| match seen.iter().position(|k| *k == key) {
            Some(at) => at,
            None => {
                seen.push(key);
                seen.len() - 1
            }
        })
        .collect();
    (which, seen.iter().map(make).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Interned, Interner};
    use crate::eval::model::compile;
    use crate::syntax::parse;

    #[test]
    fn each_distinct_condition_is_held_once_and_answers_as_holds() {
        let text = "agreement \"t\" { effective 2027-01-01 to 2027-12-31 timezone \"UTC\" \
             team m { lead \"a\" } \
             quota \"a\" { owner m leads source is \"m\" count >= 1 per month } \
             quota \"b\" { owner m leads source is \"x\" count >= 1 per month } \
             quota \"c\" { owner m leads source is \"m\" count >= 1 per month } }";
        let agreement = parse(text).unwrap();
        let mut interner = Interner::new();
        let program = compile(&agreement, text, &mut interner);
        let (m, x, o) = (
            interner.intern("m"),
            interner.intern("x"),
            interner.intern("o"),
        );
        let sources: Vec<u32> = (0..300)
            .map(|i| match i {
                _ if i % 3 == 0 => m,
                _ if i % 5 == 0 => x,
                _ => o,
            })
            .collect();
        let record = |lead: u32| Interned {
            symbols: &sources[lead as usize..lead as usize + 1],
            interner: &interner,
        };
        // A range that starts inside a word and ends inside another.
        let leads = 7..203;
        let conds = program.rules.iter().map(|rule| &rule.leads);
        let (which, held) = once_each(conds, |cond| Held::new(cond, leads.clone(), record));
        assert_eq!(which, [0, 1, 0]);
        assert_eq!(held.len(), 2);
        for (rule, at) in program.rules.iter().zip(which) {
            for lead in 0..300 {
                let expected = leads.contains(&lead) && rule.leads.holds(&record(lead));
                assert_eq!(held[at].contains(lead), expected, "{} {lead}", rule.name);
            }
        }
        assert!(held[0].contains(9) && !held[0].contains(6) && held[1].contains(10));
    }
}
