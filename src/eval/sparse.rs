//! A state per scoped lead, in stretches made when first written.
//!
//! A rule's states are made 4,096 at a time, when first written: a stretch
//! of leads no activity touches (leads no clause fits, or only some of the
//! rule's leads ever touched) costs no memory, and a fresh page is first
//! touched by the thread that folds into it. Stretches never written stay
//! unmade and read as the default.

/// States per stretch: small enough that leads never touched cost little,
/// large enough that the stretches' own list stays in cache.
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

    /// Asks for the state at `pos` to be fetched into cache (see
    /// [`crate::prefetch`]), when it was made.
    pub fn prefetch(&self, pos: usize) {
        if let Some(state) = self.get(pos) {
            crate::prefetch::prefetch(state);
        }
    }

    /// Every state in order, the default ones included (copies: for small
    /// states).
    pub fn values(&self) -> impl Iterator<Item = T> + '_
    where
        T: Copy,
    {
        (0..self.len).map(|pos| self.get(pos).copied().unwrap_or_default())
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
}
