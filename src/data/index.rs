//! The index from lead id to lead number, which every activity row goes
//! through: ten million lookups into a million ids in a large export.
//!
//! Hand-written rather than a `hashbrown` table, for one reason: a batch of
//! lookups is fastest done in stages, every key's slot first, then every
//! candidate's id, so that the processor has dozens of independent memory
//! loads in flight instead of one chain of three per key (control byte,
//! slot, id). hashbrown keeps its control bytes and slots apart and offers
//! no staged lookup. Open addressing with linear probing keeps a key's
//! probe mostly within the cache line of its first slot.
//!
//! The index holds lead numbers only; the ids live in the leads table
//! (`ids`) and are compared there.

use std::hash::BuildHasher;

use compact_str::CompactString;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use super::intern::same_text;

/// Rows whose first slots are read together ahead of their probes.
const WARM: usize = 256;

/// An open-addressing table of lead numbers keyed by their ids.
///
/// The slots may be cut into shards (a power of two of them, by the high
/// bits of a key's first slot), each probed within itself, so that as many
/// threads can fill them at once (see [`IdIndex::insert_rows`]).
#[derive(Debug, Default)]
pub(crate) struct IdIndex {
    /// `tag << 32 | (lead + 1)`; 0 is an empty slot. The tag (high half of
    /// the id's hash) settles most mismatches without reading the id.
    slots: Vec<u64>,
    shards: usize,
}

/// FxHash, with its bits mixed: its low bits pick the slot and its high
/// bits are the tag, and Fx alone leaves sequential ids (`L0000703`,
/// `L0000704`) too close in both.
pub(crate) fn hash(id: &str) -> u64 {
    let h = FxBuildHasher.hash_one(id);
    let h = (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 32)
}

fn tag_of(h: u64) -> u32 {
    (h >> 32) as u32
}

fn entry(tag: u32, lead: u32) -> u64 {
    (u64::from(tag) << 32) | (u64::from(lead) + 1)
}

/// The lead of a full slot, whose tag matches.
fn lead_in(slot: u64, tag: u32) -> Option<u32> {
    (slot != 0 && tag_of(slot) == tag).then(|| (slot as u32).wrapping_sub(1))
}

fn same(ids: &[CompactString], lead: u32, id: &str) -> bool {
    ids.get(lead as usize)
        .is_some_and(|known| same_text(known, id))
}

/// What a slot holds for a row whose id is no lead's (its row was
/// rejected): lookups pass over it, as no lead has that number.
const NO_LEAD: u32 = u32::MAX - 1;

/// The slot after `at`, within the shard of `shard_mask + 1` slots.
fn next(at: usize, shard_mask: usize) -> usize {
    (at & !shard_mask) | ((at + 1) & shard_mask)
}

impl IdIndex {
    /// An empty index for keys with these hashes (one per row with an id,
    /// a repeated id each time), cut into `shards` shards (rounded down to
    /// a power of two, at most 16), or fewer: as many as keep every shard
    /// at most three quarters full, so that a probe always ends at an empty
    /// slot. One shard always does, the table being sized for all keys;
    /// more may not, when the keys crowd into some (a small file, or ids
    /// whose hashes collide).
    pub fn new<I: Iterator<Item = u64>>(hashes: impl Fn() -> I, shards: usize) -> IdIndex {
        let size = (hashes().count().saturating_mul(4) / 3 + 1)
            .next_power_of_two()
            .max(16);
        let mut shards: usize = 1 << shards.clamp(1, 16).ilog2();
        while shards > 1 {
            let shard_size = size / shards;
            let mut counts = vec![0usize; shards];
            for h in hashes() {
                if let Some(count) = counts.get_mut((h as usize & (size - 1)) / shard_size) {
                    *count += 1;
                }
            }
            if counts.iter().all(|count| *count <= shard_size / 4 * 3) {
                break;
            }
            shards /= 2;
        }
        IdIndex {
            slots: vec![0; size],
            shards,
        }
    }

    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    fn shard_mask(&self) -> usize {
        (self.slots.len() / self.shards.max(1)).wrapping_sub(1)
    }

    /// Walks `id`'s probe sequence from its first slot to the lead holding
    /// it, or to an empty slot.
    fn walk(&self, h: u64, id: &str, ids: &[CompactString]) -> Option<u32> {
        let (tag, mask, shard_mask) = (tag_of(h), self.mask(), self.shard_mask());
        let mut at = h as usize & mask;
        // No shard is ever full (see `new`), so an empty slot ends the
        // walk; the bound only guards against a table without slots.
        for _ in 0..self.slots.len() {
            let slot = self.slots.get(at).copied().unwrap_or(0);
            if slot == 0 {
                return None;
            }
            if let Some(lead) = lead_in(slot, tag).filter(|l| same(ids, *l, id)) {
                return Some(lead);
            }
            at = next(at, shard_mask);
        }
        None
    }

    /// The lead with this id.
    pub fn get(&self, id: &str, ids: &[CompactString]) -> Option<u32> {
        self.walk(hash(id), id, ids)
    }

    /// The lead of every key, in order, into `found`; each key comes with
    /// its [`hash`].
    /// In three passes over the keys, each a short loop of loads
    /// independent of one another: first slots, then probes (mostly within
    /// the first slot's cache line), then the candidates' ids.
    pub fn get_all<'k>(
        &self,
        keys: impl Iterator<Item = (&'k str, u64)> + Clone,
        ids: &[CompactString],
        found: &mut Vec<Option<u32>>,
    ) {
        found.clear();
        let (mask, shard_mask) = (self.mask(), self.shard_mask());
        let first: Vec<u64> = keys
            .clone()
            .map(|(_, h)| self.slots.get(h as usize & mask).copied().unwrap_or(0))
            .collect();
        // A candidate per key: the first lead whose tag matches. Its id is
        // asked for at once, to be in cache when the next pass compares it.
        let candidate = |lead: u32| {
            if let Some(id) = ids.get(lead as usize) {
                crate::prefetch::prefetch(id);
            }
            Some(lead)
        };
        found.extend(keys.clone().zip(&first).map(|((_, h), slot)| {
            let tag = tag_of(h);
            if *slot == 0 {
                return None;
            }
            if let Some(lead) = lead_in(*slot, tag) {
                return candidate(lead);
            }
            let mut at = h as usize & mask;
            for _ in 0..self.slots.len() {
                at = next(at, shard_mask);
                let slot = self.slots.get(at).copied().unwrap_or(0);
                if slot == 0 {
                    return None;
                }
                if let Some(lead) = lead_in(slot, tag) {
                    return candidate(lead);
                }
            }
            None
        }));
        // A candidate whose id differs (a tag collision, one in four
        // billion) walks on the slow way.
        for ((key, h), lead) in keys.zip(found.iter_mut()) {
            debug_assert_eq!(h, hash(key));
            if let Some(l) = *lead {
                if !same(ids, l, key) {
                    *lead = self.walk(h, key, ids);
                }
            }
        }
    }

    /// Puts rows in, each shard on a thread of its own: `rows` yields each
    /// row's number and its id's [`hash`] (rows without an id are left
    /// out), in file order; `id_of` gives a row's id. The slots then hold
    /// row numbers, each id's first; [`IdIndex::relabel`] makes them leads.
    /// Returns every later row with an id seen before, with the first row
    /// that had it, by row.
    pub fn insert_rows<'r, R>(
        &mut self,
        rows: impl Fn() -> R + Sync,
        id_of: impl Fn(u32) -> &'r str + Sync,
    ) -> Vec<(u32, u32)>
    where
        R: Iterator<Item = (u32, u64)>,
    {
        let (mask, shard_mask) = (self.mask(), self.shard_mask());
        let size = shard_mask.wrapping_add(1).max(1);
        let fill = |(s, shard): (usize, &mut [u64])| {
            let mut repeats = Vec::new();
            let mine = rows().filter(|(_, h)| (*h as usize & mask) / size == s);
            // Probes land all over the shard: a batch's first slots are
            // read together ahead of them.
            let mut batch = Vec::with_capacity(WARM);
            let mut mine = mine.peekable();
            while mine.peek().is_some() {
                batch.clear();
                batch.extend(mine.by_ref().take(WARM));
                let ahead = batch.iter().map(|(_, h)| {
                    let at = *h as usize & shard_mask;
                    shard.get(at).copied().unwrap_or(0)
                });
                std::hint::black_box(ahead.fold(0, |a, b| a ^ b));
                for &(row, h) in &batch {
                    let tag = tag_of(h);
                    let mut at = h as usize & shard_mask;
                    for _ in 0..shard.len() {
                        let Some(slot) = shard.get_mut(at) else {
                            break;
                        };
                        if *slot == 0 {
                            *slot = entry(tag, row);
                            break;
                        }
                        let first = lead_in(*slot, tag).filter(|r| id_of(*r) == id_of(row));
                        if let Some(first) = first {
                            repeats.push((row, first));
                            break;
                        }
                        at = next(at, shard_mask);
                    }
                }
            }
            repeats
        };
        let filled: Vec<Vec<(u32, u32)>> = self
            .slots
            .par_chunks_mut(size)
            .enumerate()
            .map(fill)
            .collect();
        let mut repeats: Vec<(u32, u32)> = filled.into_iter().flatten().collect();
        repeats.sort_unstable();
        repeats
    }

    /// Turns the row numbers [`IdIndex::insert_rows`] put in into leads:
    /// `lead_of` a row, None for a row that was rejected.
    pub fn relabel(&mut self, lead_of: impl Fn(u32) -> Option<u32> + Sync) {
        self.slots.par_chunks_mut(1 << 16).for_each(|slots| {
            for slot in slots.iter_mut().filter(|s| **s != 0) {
                let row = (*slot as u32).wrapping_sub(1);
                *slot = entry(tag_of(*slot), lead_of(row).unwrap_or(NO_LEAD));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index filled with `ids` as rows, the way the leads loader fills
    /// it, and the repeats it found.
    fn filled(ids: &[CompactString], shards: usize) -> (IdIndex, Vec<(u32, u32)>) {
        let mut index = IdIndex::new(|| ids.iter().map(|id| hash(id)), shards);
        let rows = || {
            ids.iter()
                .enumerate()
                .map(|(row, id)| (row as u32, hash(id)))
        };
        let repeats = index.insert_rows(rows, |row| ids[row as usize].as_str());
        (index, repeats)
    }

    /// The same, with every row its own lead.
    fn build(ids: &[CompactString], shards: usize) -> (IdIndex, Vec<(u32, u32)>) {
        let (mut index, repeats) = filled(ids, shards);
        index.relabel(Some);
        (index, repeats)
    }

    fn ids(n: usize) -> Vec<CompactString> {
        (0..n).map(|i| format!("L{i:07}").into()).collect()
    }

    #[test]
    fn finds_every_id_and_no_other_in_one_shard_or_many() {
        let ids = ids(5_000);
        for shards in [1, 2, 3, 8, 64] {
            let (index, repeats) = build(&ids, shards);
            assert!(repeats.is_empty());
            for (lead, id) in ids.iter().enumerate() {
                assert_eq!(index.get(id, &ids), Some(lead as u32), "{id} in {shards}");
            }
            for missing in ["L5000000", "", "L000000", "l0000001", "L00000011"] {
                assert_eq!(index.get(missing, &ids), None, "{missing}");
            }
        }
    }

    #[test]
    fn a_small_or_crowded_table_has_fewer_shards_and_loses_no_id() {
        // Eleven ids on sixteen slots: in two shards of eight, nine of
        // these would fall into one.
        for n in 1..60 {
            let ids: Vec<CompactString> = (1..=n).map(|i| format!("lead-{i}").into()).collect();
            for shards in [1, 2, 4, 16] {
                let (index, repeats) = build(&ids, shards);
                assert!(repeats.is_empty());
                for (lead, id) in ids.iter().enumerate() {
                    assert_eq!(
                        index.get(id, &ids),
                        Some(lead as u32),
                        "{id} of {n} in {shards}"
                    );
                }
            }
        }
        let same = IdIndex::new(|| std::iter::repeat_n(7u64, 1_000), 16);
        assert_eq!(same.shards, 1, "every key in one shard");
    }

    #[test]
    fn repeated_ids_name_their_first_row_and_rejected_rows_are_passed_over() {
        let ids: Vec<CompactString> = ["a", "b", "a", "c", "b", "a"].map(Into::into).to_vec();
        for shards in [1, 2, 4] {
            let (mut index, repeats) = filled(&ids, shards);
            assert_eq!(repeats, [(2, 0), (4, 1), (5, 0)]);
            // Row 1 ("b") rejected; the leads are rows 0 and 3.
            let leads = ["a", "c"].map(CompactString::from);
            index.relabel(|row| match row {
                0 => Some(0),
                3 => Some(1),
                _ => None,
            });
            assert_eq!(index.get("a", &leads), Some(0));
            assert_eq!(index.get("c", &leads), Some(1));
            assert_eq!(index.get("b", &leads), None);
        }
    }

    #[test]
    fn a_batch_finds_what_single_lookups_find() {
        let ids = ids(3_000);
        for shards in [1, 2] {
            let (index, _) = build(&ids, shards);
            let keys: Vec<String> = (0..6_000)
                .map(|i| format!("L{:07}", i * 7 % 6_000))
                .collect();
            let mut found = Vec::new();
            index.get_all(keys.iter().map(|k| (k.as_str(), hash(k))), &ids, &mut found);
            let single: Vec<Option<u32>> = keys.iter().map(|k| index.get(k, &ids)).collect();
            assert_eq!(found, single);
            assert_eq!(found.iter().filter(|f| f.is_some()).count(), 3_000);
        }
    }

    #[test]
    fn a_tag_collision_is_settled_by_the_id() {
        // Two ids in one slot with one tag: the batch's candidate is the
        // first, and the id comparison must send the second on.
        let ids: Vec<CompactString> = vec!["a".into(), "b".into()];
        let tag = tag_of(hash("b"));
        let mut index = IdIndex::new(|| [0, 0].into_iter(), 1);
        let mask = index.mask();
        let home = hash("b") as usize & mask;
        index.slots[home] = entry(tag, 0);
        index.slots[(home + 1) & mask] = entry(tag, 1);
        let mut found = Vec::new();
        index.get_all(
            ["b", "a"].map(|k| (k, hash(k))).into_iter(),
            &ids,
            &mut found,
        );
        assert_eq!(found[0], Some(1));
        assert_eq!(index.get("b", &ids), Some(1));
    }

    #[test]
    fn a_probe_wraps_within_its_shard() {
        assert_eq!(next(5, 7), 6);
        assert_eq!(next(7, 7), 0);
        assert_eq!(next(15, 7), 8, "the second shard of eight slots");
        assert_eq!(next(15, 15), 0);
    }

    #[test]
    fn empty_index_finds_nothing() {
        let index = IdIndex::default();
        let mut found = Vec::new();
        index.get_all([("x", hash("x"))].into_iter(), &[], &mut found);
        assert_eq!(found, vec![None]);
        assert_eq!(index.get("x", &[]), None);
    }
}
