//! Which rules look at an activity, and how: a function of its values
//! alone, which an export repeats endlessly (a handful of kinds times a
//! handful of outcomes), so it is remembered rather than worked out from
//! the conditions for every activity and rule. Folding ten million
//! activities asked the same few questions thirty million times.
//!
//! The answer is one byte per rule ([`LOOK`], [`ALSO`]; what they mean is
//! the rule kind's, see [`super::Evaluator::looks_at`]). It is remembered by
//! the activity's symbols when those are all it depends on: no condition
//! compares a number, and few enough fields to make a key.

use crate::data::Values;

/// The rule looks at the activity (first touch, counted attempt, contact,
/// the duty's `by`).
pub const LOOK: u8 = 1;
/// The rule's second condition holds too (the attempt ends the count, the
/// activity is the duty's anchor).
pub const ALSO: u8 = 2;

/// Symbols in a key: fields beyond this many are not remembered.
const KEY: usize = 4;
/// Remembered answers, direct-mapped by a hash of their key.
const SLOTS: usize = 64;

/// Answers remembered by one part's reader.
#[derive(Debug, Clone)]
pub struct Looks {
    rules: usize,
    /// Whether values are remembered at all (see the module's comment).
    keyed: bool,
    keys: Vec<Option<[u32; KEY]>>,
    /// `rules` bytes per slot; for values not remembered, the first slot's.
    flags: Vec<u8>,
    /// Per slot, the rules whose byte is not 0, in order (`rules` places,
    /// the first `counts[slot]` of them used): none, and the activity is
    /// not kept at all.
    looking: Vec<u32>,
    /// How many of each slot's `looking` places are used.
    counts: Vec<usize>,
}

/// The answer for one activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Looked<'a> {
    /// One byte per rule.
    pub flags: &'a [u8],
    /// The rules whose byte is not 0, in order.
    pub looking: &'a [u32],
}

impl Looks {
    /// For `rules` rules over activities whose values have `width` fields,
    /// any of them compared as a number (`numeric`).
    pub fn new(rules: usize, width: usize, numeric: bool) -> Looks {
        let keyed = width <= KEY && !numeric;
        let slots = if keyed { SLOTS } else { 1 };
        Looks {
            rules,
            keyed,
            keys: vec![None; slots],
            flags: vec![0; slots * rules],
            looking: vec![0; slots * rules],
            counts: vec![0; slots],
        }
    }

    /// Each rule's byte for `values`, from `decide` (which fills them in)
    /// unless remembered.
    #[inline]
    pub fn flags(
        &mut self,
        values: &Values<'_>,
        decide: impl Fn(&Values<'_>, &mut [u8]),
    ) -> Looked<'_> {
        let slot = if self.keyed {
            // Element by element: a copy of the (variable) width would be
            // a call to `memcpy`.
            let key: [u32; KEY] =
                std::array::from_fn(|i| values.symbols.get(i).copied().unwrap_or(0));
            let slot = slot_of(&key);
            if self.keys.get(slot).copied().flatten() == Some(key) {
                return self.looked(slot);
            }
            if let Some(k) = self.keys.get_mut(slot) {
                *k = Some(key);
            }
            slot
        } else {
            0
        };
        let range = slot * self.rules..(slot + 1) * self.rules;
        if let (Some(flags), Some(looking), Some(count)) = (
            self.flags.get_mut(range.clone()),
            self.looking.get_mut(range),
            self.counts.get_mut(slot),
        ) {
            decide(values, flags);
            *count = 0;
            for (rule, _) in flags.iter().enumerate().filter(|(_, f)| **f != 0) {
                if let Some(place) = looking.get_mut(*count) {
                    *place = u32::try_from(rule).unwrap_or(u32::MAX);
                    *count += 1;
                }
            }
        }
        self.looked(slot)
    }

    fn looked(&self, slot: usize) -> Looked<'_> {
        let range = slot * self.rules..(slot + 1) * self.rules;
        let count = self.counts.get(slot).copied().unwrap_or(0);
        Looked {
            flags: self.flags.get(range.clone()).unwrap_or_default(),
            looking: self
                .looking
                .get(range.start..range.start + count)
                .unwrap_or_default(),
        }
    }
}

/// A slot for a key: the top bits of a multiplicative hash of it.
fn slot_of(key: &[u32; KEY]) -> usize {
    const MIX: u64 = 0x9e37_79b9_7f4a_7c15;
    let [a, b, c, d] = key.map(u64::from);
    let h = ((a | b << 32).wrapping_mul(MIX) ^ (c | d << 32)).wrapping_mul(MIX);
    (h >> (64 - SLOTS.trailing_zeros())) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Rule 0 looks at symbol 7 in the first field; rule 1 at anything
    /// with a second field of 9, and then also.
    fn decide(values: &Values<'_>, flags: &mut [u8]) {
        flags[0] = u8::from(values.symbols[0] == 7) * LOOK;
        flags[1] = if values.symbols.get(1) == Some(&9) {
            LOOK | ALSO
        } else {
            0
        };
    }

    #[test]
    fn remembered_answers_are_the_answers() {
        let mut looks = Looks::new(2, 2, false);
        let calls = Cell::new(0);
        let counting = |v: &Values<'_>, f: &mut [u8]| {
            calls.set(calls.get() + 1);
            decide(v, f);
        };
        // Many more distinct values than slots, each seen several times,
        // interleaved: collisions must be told apart.
        for round in 0..3 {
            for a in 0..40u32 {
                for b in 5..12u32 {
                    let symbols = [a, b];
                    let values = Values {
                        symbols: &symbols,
                        numbers: &[None, None],
                    };
                    let mut expected = [0; 2];
                    decide(&values, &mut expected);
                    let looked = looks.flags(&values, counting);
                    assert_eq!(looked.flags, expected, "round {round}: {a}, {b}");
                    let looking: Vec<u32> = (0..2)
                        .filter(|r| expected[*r] != 0)
                        .map(|r| r as u32)
                        .collect();
                    assert_eq!(looked.looking, looking, "round {round}: {a}, {b}");
                }
            }
        }
        // A few distinct values are decided once each.
        calls.set(0);
        for _ in 0..100 {
            for symbols in [[7, 9], [1, 2], [7, 2]] {
                let values = Values {
                    symbols: &symbols,
                    numbers: &[None, None],
                };
                looks.flags(&values, counting);
            }
        }
        assert!(calls.get() <= 3, "{} decisions", calls.get());
    }

    #[test]
    fn numbers_and_wide_values_are_decided_every_time() {
        for (width, numeric) in [(2, true), (KEY + 1, false)] {
            let mut looks = Looks::new(2, width, numeric);
            let calls = Cell::new(0);
            let symbols = vec![7; width];
            let numbers = vec![None; width];
            for _ in 0..5 {
                let values = Values {
                    symbols: &symbols,
                    numbers: &numbers,
                };
                let looked = looks.flags(&values, |v: &Values<'_>, f: &mut [u8]| {
                    calls.set(calls.get() + 1);
                    decide(v, f);
                });
                assert_eq!(looked.flags, [LOOK, 0]);
                assert_eq!(looked.looking, [0]);
            }
            assert_eq!(calls.get(), 5);
        }
    }
}
