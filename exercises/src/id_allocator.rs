//! Exercise `id-allocator` (medium): unique ids from one atomic, never
//! wrapping around.
//!
//! Chapter: Atomics (`src/beyond/atomics.md`).
//! Check your work with `cargo xtask exercises id-allocator`.

use crate::sync::atomic::AtomicU64;
use crate::sync::atomic::Ordering::Relaxed;
use std::ops::Range;

// ANCHOR: api
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
        // TODO: hand out `next` and move it on by one, as one indivisible
        // step, but only while `next < end`: once the ids are gone, leave
        // `next` where it is and return `None` (every time, from every
        // thread).
        todo!("take the next id if one is left, in one atomic step")
    }
}
// ANCHOR_END: api
