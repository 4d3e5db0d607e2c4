//! Asking the processor to fetch memory into its cache ahead of use.
//!
//! Folding and judging go through per-lead states in lead order, and the
//! id index is read at random: the loads of one item do not depend on the
//! last one's, but the processor only overlaps so many of them. Asking for
//! an item some places ahead has it in cache when its turn comes. Not in
//! any crate of the standard set (`core::intrinsics::prefetch_read_data` is
//! unstable), hence the few lines here.

/// Asks for the cache line holding the start of `item`, without waiting
/// for it; nothing happens where there is no such instruction.
#[inline(always)]
pub(crate) fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "sse")]
        fn fetch(at: *const u8) {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>(at.cast());
        }
        // SAFETY: SSE is part of x86-64 itself, so every processor that
        // runs this build has it; a prefetch reads nothing and cannot
        // fault.
        unsafe { fetch((item as *const T).cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}
