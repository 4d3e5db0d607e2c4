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

/// The memory all parts' batches may take together. Each fold sweeps the
/// states of the leads in play (at a million leads, those of the last two
/// weeks: tens of megabytes), so the more activities a sweep folds the
/// better; but every thread holds a batch, so their room is shared out.
const IN_FLIGHT: usize = 64 << 20;

/// Bytes a gathered activity takes: its row and its sorted copy (32 each),
/// the sort's two keys (8 each), a few rules' bytes.
const ROW_BYTES: usize = 96;

/// Activities per batch on `threads` threads: [`IN_FLIGHT`] shared out,
/// between 16,384 (below that a sweep finds few activities per state) and
/// 262,144 (beyond it a sweep gains little).
pub fn batch_rows(threads: usize) -> usize {
    (IN_FLIGHT / ROW_BYTES / threads.max(1)).clamp(1 << 14, 1 << 18)
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
    /// Per rule, whether any row of the batch has a byte for it.
    looked: Vec<bool>,
    /// Bits of the largest lead number, which the sort goes through.
    bits: u32,
    /// Rows a batch holds before it is folded ([`batch_rows`]).
    capacity: usize,
    /// `lead << 32 | row`, sorted; and the sort's second buffer.
    order: Vec<u64>,
    scratch: Vec<u64>,
    /// Where the rows, flags and symbols are put in lead order, to be
    /// swapped with them: each rule's pass then reads them in order.
    sorted: (Vec<Gather>, Vec<u8>, Vec<u32>),
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
            looked: vec![false; rules],
            bits: u32::BITS - largest.leading_zeros(),
            capacity,
            order: Vec::new(),
            scratch: Vec::new(),
            sorted: (Vec::new(), Vec::new(), Vec::new()),
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
        for r in looked.looking {
            if let Some(l) = self.looked.get_mut(*r as usize) {
                *l = true;
            }
        }
        let symbols = activity.values.symbols;
        self.symbols
            .extend((0..self.width).map(|i| symbols.get(i).copied().unwrap_or(0)));
        true
    }

    pub fn is_full(&self) -> bool {
        self.rows.len() >= self.capacity
    }

    /// Whether any row of the batch has a byte for rule `r`.
    pub fn looked(&self, r: usize) -> bool {
        self.looked.get(r).copied().unwrap_or(false)
    }

    /// Sorts the batch by lead, file order kept within a lead; then
    /// [`Gathered::in_lead_order`] goes through it.
    pub fn sort(&mut self) {
        self.order.clear();
        self.order.extend(
            self.rows
                .iter()
                .enumerate()
                .map(|(i, g)| u64::from(g.lead) << 32 | i as u64),
        );
        radix_sort(&mut self.order, &mut self.scratch, 32, self.bits);
        let (rows, flags, symbols) = &mut self.sorted;
        rows.clear();
        flags.clear();
        symbols.clear();
        for key in &self.order {
            let i = (*key & u64::from(u32::MAX)) as usize;
            rows.extend(self.rows.get(i));
            flags.extend_from_slice(
                self.flags
                    .get(i * self.rules..(i + 1) * self.rules)
                    .unwrap_or_default(),
            );
            symbols.extend_from_slice(
                self.symbols
                    .get(i * self.width..(i + 1) * self.width)
                    .unwrap_or_default(),
            );
        }
        std::mem::swap(&mut self.rows, rows);
        std::mem::swap(&mut self.flags, flags);
        std::mem::swap(&mut self.symbols, symbols);
    }

    /// The rows, in lead order after [`Gathered::sort`], each with its
    /// byte for rule `r` (rows without one left out) and its symbols.
    pub fn in_lead_order(&self, r: usize) -> impl Iterator<Item = (&Gather, u8, Values<'_>)> {
        let flags = self.flags.iter().skip(r).step_by(self.rules.max(1));
        self.rows
            .iter()
            .zip(flags)
            .enumerate()
            .filter(|(_, (_, flag))| **flag != 0)
            .map(move |(i, (row, flag))| {
                let symbols = self
                    .symbols
                    .get(i * self.width..(i + 1) * self.width)
                    .unwrap_or_default();
                let values = Values {
                    symbols,
                    numbers: &[],
                };
                (row, *flag, values)
            })
    }

    /// Empties the batch, keeping its room.
    pub fn clear(&mut self) {
        self.rows.clear();
        self.flags.clear();
        self.symbols.clear();
        self.looked.iter_mut().for_each(|l| *l = false);
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
        assert!(batch_rows(8) * ROW_BYTES * 8 <= IN_FLIGHT);
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
