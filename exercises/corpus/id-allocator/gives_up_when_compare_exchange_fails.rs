//! One `compare_exchange`, and `None` when it fails: a lost race is taken for
//! "no ids left".
//! expect: None` while ids were left
//! expect: try again

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
        let next = self.next.load(Relaxed);
        if next >= self.end {
            return None;
        }
        self.next.compare_exchange(next, next + 1, Relaxed, Relaxed).ok()
    }
}
