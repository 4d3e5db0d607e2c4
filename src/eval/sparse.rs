//! A state per scoped lead, in stretches made when first written.
//!
//! Each part of a file read on its own core folds into states of its own,
//! one per lead a rule judges. Exports list a lead's activities close
//! together, so a part mostly meets the leads of its own stretch of the
//! file: with every state made up front, each part wrote states for a
//! million leads (tens of megabytes of fresh pages, a page fault each four
//! kilobytes) to touch half of them. Stretches never written stay unmade,
//! read as the default, and are taken over whole when parts are merged.

use rayon::prelude::*;

/// States per stretch: small enough that a part's stragglers (a lead of
/// another part's stretch) cost little, large enough that the stretches'
/// own list stays in cache.
const STRETCH: usize = 4096;

/// `len` states, each `T::default()` until written.
#[derive(Debug, Clone)]
pub struct Sparse<T> {
    stretches: Vec<Option<Box<[T]>>>,
    len: usize,
}

impl<T: Default + Clone + Send> Sparse<T> {
    pub fn new(len: usize) -> Sparse<T> {
        Sparse {
            stretches: vec![None; len.div_ceil(STRETCH)],
            len,
        }
    }

    /// The state at `pos`, made (with its stretch) if it was not; none
    /// beyond the end.
    pub fn get_mut(&mut self, pos: usize) -> Option<&mut T> {
        let len = self.len;
        let stretch = self.stretches.get_mut(pos / STRETCH)?;
        let states = stretch.get_or_insert_with(|| {
            let start = pos / STRETCH * STRETCH;
            vec![T::default(); STRETCH.min(len - start)].into_boxed_slice()
        });
        states.get_mut(pos % STRETCH)
    }

    /// The state at `pos` if it was ever made; none for a default one (or
    /// beyond the end).
    pub fn get(&self, pos: usize) -> Option<&T> {
        let stretch = self.stretches.get(pos / STRETCH)?.as_ref()?;
        stretch.get(pos % STRETCH)
    }

    /// Every state in order, the default ones included (copies: for small
    /// states).
    pub fn values(&self) -> impl Iterator<Item = T> + '_
    where
        T: Copy,
    {
        (0..self.len).map(|pos| self.get(pos).copied().unwrap_or_default())
    }

    /// Takes `later`'s states into these, on every core: `merge` combines
    /// two made states at a position; a stretch only one side made is taken
    /// as it is, so merging into a default state must give the other.
    pub fn merge(&mut self, later: Sparse<T>, merge: impl Fn(usize, &mut T, T) + Sync)
    where
        T: Sync,
    {
        let pairs = self.stretches.par_iter_mut().zip(later.stretches);
        pairs
            .enumerate()
            .for_each(|(n, (mine, theirs))| match (mine.as_mut(), theirs) {
                (_, None) => {}
                (None, theirs) => *mine = theirs,
                (Some(mine), Some(theirs)) => {
                    let states = mine.iter_mut().zip(theirs.into_vec());
                    for (i, (state, other)) in states.enumerate() {
                        merge(n * STRETCH + i, state, other);
                    }
                }
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwritten_states_read_as_default_and_are_not_made() {
        let mut s: Sparse<u32> = Sparse::new(3 * STRETCH + 5);
        assert_eq!(s.get(0), None);
        *s.get_mut(STRETCH + 1).unwrap() = 7;
        assert_eq!(s.get(STRETCH + 1), Some(&7));
        assert_eq!(s.get(STRETCH), Some(&0));
        assert_eq!(s.get(0), None);
        let made = s.stretches.iter().filter(|x| x.is_some()).count();
        assert_eq!(made, 1);
        // The last stretch is short, and nothing lies beyond it.
        *s.get_mut(3 * STRETCH + 4).unwrap() = 9;
        assert_eq!(s.stretches[3].as_ref().unwrap().len(), 5);
        assert!(s.get_mut(3 * STRETCH + 5).is_none());
        let all: Vec<u32> = s.values().collect();
        assert_eq!(all.len(), s.len);
        assert_eq!(all.iter().sum::<u32>(), 16);
        assert_eq!(all[STRETCH + 1], 7);
    }

    #[test]
    fn merge_combines_made_states_and_takes_the_others_whole() {
        let len = 2 * STRETCH + 10;
        let (mut a, mut b): (Sparse<u32>, Sparse<u32>) = (Sparse::new(len), Sparse::new(len));
        *a.get_mut(3).unwrap() = 1;
        *b.get_mut(3).unwrap() = 10;
        *b.get_mut(4).unwrap() = 20;
        *b.get_mut(STRETCH + 2).unwrap() = 30;
        *a.get_mut(2 * STRETCH + 1).unwrap() = 40;
        a.merge(b, |pos, x, y| *x += y + u32::from(pos == 3) * 100);
        let all: Vec<u32> = a.values().collect();
        // Only positions both made are merged, and with their own position.
        assert_eq!(all[3], 111);
        assert_eq!(all[4], 20);
        assert_eq!(all[STRETCH + 2], 30);
        assert_eq!(all[2 * STRETCH + 1], 40);
        assert_eq!(all.iter().sum::<u32>(), 201);
    }
}
