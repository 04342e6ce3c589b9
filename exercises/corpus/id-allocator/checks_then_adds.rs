//! Checks that an id is left, then takes one with `fetch_add`: two steps, so
//! two threads can both see the last id and both take one.
//! expect: past the end
//! expect: two steps
//! never: wrapped around

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

    /// The next unused id, or `None` once every id of the range was handed out.
    pub fn next_id(&self) -> Option<u64> {
        if self.next.load(Relaxed) < self.end { Some(self.next.fetch_add(1, Relaxed)) } else { None }
    }
}
