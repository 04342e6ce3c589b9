//! Reference solution for exercise `id-allocator`.

use crate::sync::atomic::AtomicU64;
use crate::sync::atomic::Ordering::Relaxed;
use std::ops::Range;

/// Hands out the ids of a range, each exactly once, to any number of
/// threads, and then `None` for ever: it never wraps around to ids it
/// already gave.
pub struct IdAllocator {
    /// The next id to hand out; `end` once they are all gone.
    next: AtomicU64,
    /// One past the last id.
    end: u64,
}

impl IdAllocator {
    /// An allocator for the ids `ids.start`, `ids.start + 1`, … up to, not
    /// including, `ids.end`.
    pub fn new(ids: Range<u64>) -> IdAllocator {
        IdAllocator { next: AtomicU64::new(ids.start), end: ids.end }
    }

    // ANCHOR: solution
    /// The next unused id, or `None` once every id of the range was handed out.
    pub fn next_id(&self) -> Option<u64> {
        // Read, decide, write as one step: `try_update` re-runs the closure
        // whenever another thread changed `next` first, and leaves `next`
        // alone when the closure says `None`. So `next` stops at `end`, and
        // `next + 1` cannot overflow: `next < end <= u64::MAX`.
        // Relaxed: each id only has to be unique, and every thread agrees on
        // the order of changes to this one variable. Nothing else is
        // published through it.
        self.next.try_update(Relaxed, Relaxed, |next| (next < self.end).then(|| next + 1)).ok()
    }
    // ANCHOR_END: solution
}
