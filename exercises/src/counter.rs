//! Exercise `counter` (easy): many threads, one shared counter.
//!
//! Chapter: The shared counter (`src/shared-state/counter.md`).
//! Check your work with `cargo xtask exercises counter`.

use crate::sync::thread;
use crate::sync::{Arc, Mutex};

// ANCHOR: api
/// Starts `threads` threads; each adds one to a shared counter `per_thread`
/// times. Returns the counter once every thread has finished.
pub fn count(threads: usize, per_thread: usize) -> usize {
    // TODO: put the counter inside a `Mutex` (in an `Arc`, or borrow it from
    // `thread::scope`), start `threads` threads that each lock it and add one,
    // `per_thread` times, join them all, then return the final value.
    todo!("share a Mutex<usize> between the threads and return the total")
}
// ANCHOR_END: api
