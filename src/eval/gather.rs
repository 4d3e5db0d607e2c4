//! Activities gathered by one part of a file, to be folded lead by lead.
//!
//! Exports list activities by time, or in no order at all: folding each as
//! it came touched the per-lead states at random, a cache miss per activity
//! once the leads in play outgrow the caches (at a million leads, half of
//! all cycles). A part gathers what the rules look at, a batch at a time,
//! and sorts it by lead before folding it, so that every rule's states are
//! swept in order, whatever the file's order. The sort is stable: a lead's
//! activities are still folded in file order.

use chrono::{DateTime, Utc};

use super::looks::Looks;
use crate::data::{Activity, Values};
use crate::prefetch::prefetch;

/// How many rows ahead of the one folded its row, and then its lead's
/// states, are asked for (see [`crate::prefetch`]): enough for a fetch from
/// memory to finish meanwhile.
pub const AHEAD: usize = 8;

/// The memory all parts' batches may take together. Each fold sweeps the
/// states of the leads in play (at a million leads, those of the last two
/// weeks: tens of megabytes), so the more activities a sweep folds the
/// better; but every thread holds a batch, so their room is shared out.
const IN_FLIGHT: usize = 64 << 20;

/// Bytes a gathered activity takes: its row (32), the sort's two keys (8
/// each), a few rules' bytes.
const ROW_BYTES: usize = 64;

/// Activities per batch on `threads` threads: [`IN_FLIGHT`] shared out
/// (a batch may run a quarter over while another part folds, see
/// [`Gathered::is_overfull`]), between 16,384 (below that a sweep finds few
/// activities per state) and 262,144 (beyond it a sweep gains little).
pub fn batch_rows(threads: usize) -> usize {
    (IN_FLIGHT / ROW_BYTES / threads.max(1) / 5 * 4).clamp(1 << 14, 1 << 18)
}

/// Bits of a lead number one pass of the sort takes.
const DIGIT: u32 = 11;

/// What folding needs of an activity. Its values are the rules' bytes
/// ([`Gathered::flags`]) and, for a duty handed over `by` an activity, its
/// symbols.
#[derive(Debug, Clone, Copy)]
pub struct Gather {
    pub lead: u32,
    pub at: DateTime<Utc>,
    pub duration_ms: i64,
    /// The activity's place in the file (see [`Activity::seq`]): the
    /// tie-break between a lead's activities at one instant, as parts fold
    /// into the same states in any order.
    pub seq: u64,
}

/// One part's batch of activities, and which rules look at which values.
pub struct Gathered {
    looks: Looks,
    rows: Vec<Gather>,
    /// A byte per rule and row (see [`super::looks`]).
    flags: Vec<u8>,
    rules: usize,
    /// The activity's symbols, `width` per row; none when no rule reads
    /// them while folding.
    symbols: Vec<u32>,
    width: usize,
    /// Bits of the largest lead number, which the sort goes through.
    bits: u32,
    /// Rows a batch holds before it is folded ([`batch_rows`]).
    capacity: usize,
    /// `lead << 32 | row`, sorted; and the sort's second buffer.
    order: Vec<u64>,
    scratch: Vec<u64>,
}

impl Gathered {
    /// A batch for `rules` rules, over `leads` leads, keeping `width`
    /// symbols per row, of `capacity` rows.
    pub fn new(
        looks: Looks,
        rules: usize,
        width: usize,
        leads: usize,
        capacity: usize,
    ) -> Gathered {
        let largest = u32::try_from(leads.saturating_sub(1)).unwrap_or(u32::MAX);
        Gathered {
            looks,
            rows: Vec::new(),
            flags: Vec::new(),
            rules,
            symbols: Vec::new(),
            width,
            bits: u32::BITS - largest.leading_zeros(),
            capacity,
            order: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Keeps `activity` with each rule's byte for it (which `decide`
    /// fills in, unless its values' answer is remembered); false, and
    /// nothing kept, when no rule looks at it.
    pub fn take(
        &mut self,
        activity: &Activity<'_>,
        decide: impl Fn(&Values<'_>, &mut [u8]),
    ) -> bool {
        let looked = self.looks.flags(&activity.values, decide);
        if looked.looking.is_empty() {
            return false;
        }
        self.rows.push(Gather {
            lead: activity.lead,
            at: activity.at,
            duration_ms: activity.duration_ms,
            seq: activity.seq,
        });
        self.flags.extend_from_slice(looked.flags);
        let symbols = activity.values.symbols;
        self.symbols
            .extend((0..self.width).map(|i| symbols.get(i).copied().unwrap_or(0)));
        true
    }

    pub fn is_full(&self) -> bool {
        self.rows.len() >= self.capacity
    }

    /// Full by a quarter more than a batch: it is folded now, waiting for
    /// the states if need be (see [`super::Evaluator::observe`]).
    pub fn is_overfull(&self) -> bool {
        self.rows.len() >= self.capacity + self.capacity / 4
    }

    /// Sorts the batch by lead, file order kept within a lead; then
    /// [`Gathered::in_lead_order`] goes through it. Only the keys move:
    /// the rows are read where they lie, once, as the fold goes (a sorted
    /// copy of them was a second pass over the batch).
    pub fn sort(&mut self) {
        self.order.clear();
        self.order.extend(
            self.rows
                .iter()
                .enumerate()
                .map(|(i, g)| u64::from(g.lead) << 32 | i as u64),
        );
        radix_sort(&mut self.order, &mut self.scratch, 32, self.bits);
    }

    /// The rows, in lead order after [`Gathered::sort`], each with its
    /// byte per rule and its symbols. Rows lie where they were gathered:
    /// the one [`AHEAD`] places on is asked for ahead of its turn.
    pub fn in_lead_order(&self) -> impl Iterator<Item = (&Gather, &[u8], Values<'_>)> {
        let (rules, width) = (self.rules, self.width);
        let row_of = |key: u64| (key & u64::from(u32::MAX)) as usize;
        self.order.iter().enumerate().filter_map(move |(k, key)| {
            if let Some(ahead) = self.order.get(k + AHEAD).map(|key| row_of(*key)) {
                if let Some(row) = self.rows.get(ahead) {
                    prefetch(row);
                }
                if let Some(flags) = self.flags.get(ahead * rules) {
                    prefetch(flags);
                }
            }
            let i = row_of(*key);
            let row = self.rows.get(i)?;
            let flags = self.flags.get(i * rules..(i + 1) * rules)?;
            let symbols = self
                .symbols
                .get(i * width..(i + 1) * width)
                .unwrap_or_default();
            let values = Values {
                symbols,
                numbers: &[],
            };
            Some((row, flags, values))
        })
    }

    /// The lead of the `k`th row in lead order, after [`Gathered::sort`].
    pub fn lead_at(&self, k: usize) -> Option<u32> {
        self.order.get(k).map(|key| (key >> 32) as u32)
    }

    /// Empties the batch, keeping its room.
    pub fn clear(&mut self) {
        self.rows.clear();
        self.flags.clear();
        self.symbols.clear();
        self.order.clear();
    }
}

/// Sorts `keys` by their `bits` bits from `from` up, stably: least
/// significant digit first, [`DIGIT`] bits a pass, through `scratch`.
/// A comparison sort of a batch cost ten times as much.
fn radix_sort(keys: &mut Vec<u64>, scratch: &mut Vec<u64>, from: u32, bits: u32) {
    const BUCKETS: usize = 1 << DIGIT;
    let mask = (BUCKETS - 1) as u64;
    let mut shift = from;
    while shift < from + bits {
        let digit = |key: u64| ((key >> shift) & mask) as usize;
        let mut starts = [0usize; BUCKETS];
        for key in keys.iter() {
            if let Some(count) = starts.get_mut(digit(*key)) {
                *count += 1;
            }
        }
        let mut total = 0;
        for start in starts.iter_mut() {
            let count = *start;
            *start = total;
            total += count;
        }
        scratch.clear();
        scratch.resize(keys.len(), 0);
        for key in keys.iter() {
            if let Some(start) = starts.get_mut(digit(*key)) {
                if let Some(slot) = scratch.get_mut(*start) {
                    *slot = *key;
                }
                *start += 1;
            }
        }
        std::mem::swap(keys, scratch);
        shift += DIGIT;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The radix sort orders as a stable sort by the key's bits does,
        /// whatever the number of passes.
        #[test]
        fn radix_sort_is_a_stable_sort_by_lead(
            leads in proptest::collection::vec(0u32..5000, 0..600),
        ) {
            let bits = u32::BITS - 4999u32.leading_zeros();
            let mut keys: Vec<u64> = leads
                .iter()
                .enumerate()
                .map(|(i, l)| u64::from(*l) << 32 | i as u64)
                .collect();
            let mut expected = keys.clone();
            expected.sort_by_key(|k| k >> 32);
            radix_sort(&mut keys, &mut Vec::new(), 32, bits);
            proptest::prop_assert_eq!(keys, expected);
        }
    }

    #[test]
    fn batches_share_a_fixed_room_between_bounds() {
        assert_eq!(batch_rows(1), 1 << 18);
        assert_eq!(batch_rows(2), 1 << 18);
        assert!(batch_rows(8) * 5 / 4 * ROW_BYTES * 8 <= IN_FLIGHT);
        assert_eq!(batch_rows(1000), 1 << 14);
        assert_eq!(batch_rows(0), batch_rows(1));
    }

    #[test]
    fn one_lead_needs_no_pass() {
        let mut keys = vec![2, 1, 0];
        radix_sort(&mut keys, &mut Vec::new(), 32, 0);
        assert_eq!(keys, vec![2, 1, 0]);
    }
}
