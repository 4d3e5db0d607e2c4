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
use rustc_hash::FxBuildHasher;

/// An open-addressing table of lead numbers keyed by their ids.
#[derive(Debug, Default)]
pub(crate) struct IdIndex {
    /// `tag << 32 | (lead + 1)`; 0 is an empty slot. The tag (high half of
    /// the id's hash) settles most mismatches without reading the id.
    slots: Vec<u64>,
    len: usize,
}

/// Where an id not yet in the index would go (from [`IdIndex::probe`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vacant {
    slot: usize,
    tag: u32,
}

/// The outcome of looking an id up for insertion.
pub(crate) enum Probe {
    Found(u32),
    Vacant(Vacant),
}

/// FxHash, with its bits mixed: its low bits pick the slot and its high
/// bits are the tag, and Fx alone leaves sequential ids (`L0000703`,
/// `L0000704`) too close in both.
fn hash(id: &str) -> u64 {
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
    ids.get(lead as usize).is_some_and(|known| known == id)
}

impl IdIndex {
    /// Ids it holds at most before it grows: three quarters of its slots.
    fn limit(&self) -> usize {
        self.slots.len() / 4 * 3
    }

    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// Room for `more` ids beyond those held, without growing.
    pub fn reserve(&mut self, more: usize, ids: &[CompactString]) {
        let wanted = self.len.saturating_add(more);
        if wanted <= self.limit() && !self.slots.is_empty() {
            return;
        }
        let size = (wanted.saturating_mul(4) / 3 + 1)
            .next_power_of_two()
            .max(16);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        for slot in old.into_iter().filter(|s| *s != 0) {
            let lead = (slot as u32).wrapping_sub(1);
            let id = ids.get(lead as usize).map_or("", |id| id.as_str());
            let mut at = hash(id) as usize & self.mask();
            while let Some(s) = self.slots.get_mut(at) {
                if *s == 0 {
                    *s = slot;
                    break;
                }
                at = (at + 1) & self.mask();
            }
        }
    }

    /// Walks `id`'s probe sequence from its first slot: the lead holding it,
    /// or the empty slot where it would go.
    fn walk(&self, h: u64, id: &str, ids: &[CompactString]) -> Probe {
        let (tag, mask) = (tag_of(h), self.mask());
        let mut at = h as usize & mask;
        // The table is never full (see `limit`), so an empty slot ends the
        // walk; the bound only guards against a table without slots.
        for _ in 0..self.slots.len() {
            let slot = self.slots.get(at).copied().unwrap_or(0);
            if slot == 0 {
                return Probe::Vacant(Vacant { slot: at, tag });
            }
            if let Some(lead) = lead_in(slot, tag).filter(|l| same(ids, *l, id)) {
                return Probe::Found(lead);
            }
            at = (at + 1) & mask;
        }
        Probe::Vacant(Vacant { slot: at, tag })
    }

    /// The lead with this id, or where it would go. Make room first
    /// ([`IdIndex::reserve`]) so that the place is still free to insert at.
    pub fn probe(&self, id: &str, ids: &[CompactString]) -> Probe {
        self.walk(hash(id), id, ids)
    }

    /// Puts `lead` where [`IdIndex::probe`] found its id missing.
    pub fn insert(&mut self, vacant: Vacant, lead: u32, ids: &[CompactString]) {
        if self.len >= self.limit() {
            // Grown: the place found before is no longer the place.
            self.reserve(1, ids);
            let id = ids.get(lead as usize).map_or("", |id| id.as_str());
            if let Probe::Vacant(v) = self.probe(id, ids) {
                return self.put(v, lead);
            }
            return;
        }
        self.put(vacant, lead);
    }

    fn put(&mut self, vacant: Vacant, lead: u32) {
        if let Some(slot) = self.slots.get_mut(vacant.slot) {
            *slot = entry(vacant.tag, lead);
            self.len += 1;
        }
    }

    /// The lead with this id.
    pub fn get(&self, id: &str, ids: &[CompactString]) -> Option<u32> {
        match self.probe(id, ids) {
            Probe::Found(lead) => Some(lead),
            Probe::Vacant(_) => None,
        }
    }

    /// Reads the first slot of every key, so that probing them next finds
    /// them in cache: these loads do not wait on one another, a probe's do.
    pub fn warm<'k>(&self, keys: impl Iterator<Item = &'k str>) {
        let mask = self.mask();
        let slot = |key| self.slots.get(hash(key) as usize & mask).copied();
        let read = keys.fold(0, |acc, key| acc ^ slot(key).unwrap_or(0));
        std::hint::black_box(read);
    }

    /// The lead of every key, in order, into `found`. In three passes over
    /// the keys, each a short loop of loads independent of one another:
    /// first slots, then probes (mostly within the first slot's cache
    /// line), then the candidates' ids.
    pub fn get_all<'k>(
        &self,
        keys: impl Iterator<Item = &'k str> + Clone,
        ids: &[CompactString],
        found: &mut Vec<Option<u32>>,
    ) {
        found.clear();
        let mask = self.mask();
        let hashes: Vec<u64> = keys.clone().map(hash).collect();
        let first: Vec<u64> = hashes
            .iter()
            .map(|h| self.slots.get(*h as usize & mask).copied().unwrap_or(0))
            .collect();
        // A candidate per key: the first lead whose tag matches.
        found.extend(hashes.iter().zip(&first).map(|(h, slot)| {
            let tag = tag_of(*h);
            if *slot == 0 {
                return None;
            }
            if let Some(lead) = lead_in(*slot, tag) {
                return Some(lead);
            }
            let mut at = *h as usize & mask;
            for _ in 0..self.slots.len() {
                at = (at + 1) & mask;
                let slot = self.slots.get(at).copied().unwrap_or(0);
                if slot == 0 {
                    return None;
                }
                if let Some(lead) = lead_in(slot, tag) {
                    return Some(lead);
                }
            }
            None
        }));
        // A candidate whose id differs (a tag collision, one in four
        // billion) walks on the slow way.
        for ((key, h), lead) in keys.zip(&hashes).zip(found.iter_mut()) {
            if let Some(l) = *lead {
                if !same(ids, l, key) {
                    *lead = match self.walk(*h, key, ids) {
                        Probe::Found(l) => Some(l),
                        Probe::Vacant(_) => None,
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index over `ids`, built the way the leads loader builds it.
    fn build(ids: &[CompactString], reserve: usize) -> IdIndex {
        let mut index = IdIndex::default();
        index.reserve(reserve, &[]);
        for (lead, id) in ids.iter().enumerate() {
            match index.probe(id, ids) {
                Probe::Vacant(v) => index.insert(v, lead as u32, ids),
                Probe::Found(_) => panic!("{id} inserted twice"),
            }
        }
        index
    }

    fn ids(n: usize) -> Vec<CompactString> {
        (0..n).map(|i| format!("L{i:07}").into()).collect()
    }

    #[test]
    fn finds_every_id_and_no_other_with_and_without_reserving() {
        let ids = ids(5_000);
        for reserve in [0, 5_000] {
            let index = build(&ids, reserve);
            assert_eq!(index.len, 5_000);
            for (lead, id) in ids.iter().enumerate() {
                assert_eq!(index.get(id, &ids), Some(lead as u32), "{id}");
            }
            for missing in ["L5000000", "", "L000000", "l0000001", "L00000011"] {
                assert_eq!(index.get(missing, &ids), None, "{missing}");
            }
        }
    }

    #[test]
    fn a_batch_finds_what_single_lookups_find() {
        let ids = ids(3_000);
        let index = build(&ids, 0);
        let keys: Vec<String> = (0..6_000)
            .map(|i| format!("L{:07}", i * 7 % 6_000))
            .collect();
        let mut found = Vec::new();
        index.get_all(keys.iter().map(String::as_str), &ids, &mut found);
        let single: Vec<Option<u32>> = keys.iter().map(|k| index.get(k, &ids)).collect();
        assert_eq!(found, single);
        assert_eq!(found.iter().filter(|f| f.is_some()).count(), 3_000);
    }

    #[test]
    fn a_tag_collision_is_settled_by_the_id() {
        // Two ids in one slot with one tag: the batch's candidate is the
        // first, and the id comparison must send the second on.
        let ids: Vec<CompactString> = vec!["a".into(), "b".into()];
        let tag = tag_of(hash("b"));
        let mut index = IdIndex::default();
        index.reserve(2, &ids);
        let mask = index.mask();
        let home = hash("b") as usize & mask;
        index.slots[home] = entry(tag, 0);
        index.slots[(home + 1) & mask] = entry(tag, 1);
        index.len = 2;
        let mut found = Vec::new();
        index.get_all(["b", "a"].into_iter(), &ids, &mut found);
        assert_eq!(found[0], Some(1));
        assert_eq!(index.get("b", &ids), Some(1));
    }

    #[test]
    fn empty_index_finds_nothing() {
        let index = IdIndex::default();
        let mut found = Vec::new();
        index.get_all(["x"].into_iter(), &[], &mut found);
        assert_eq!(found, vec![None]);
        assert_eq!(index.get("x", &[]), None);
    }
}
