//! Exercise `queue` (hard): a bounded blocking queue with `Mutex` + `Condvar`.
//!
//! Chapter: `Condvar` (`src/beyond/condvar.md`).
//! Check your work with `cargo xtask exercises queue`.

use crate::sync::{Condvar, Mutex};
use std::collections::VecDeque;

// ANCHOR: api
/// A first-in, first-out queue holding at most `capacity` items. `push` waits
/// while it is full; `pop` waits while it is empty. Share it with `&` (for
/// example from `thread::scope`) or in an `Arc`.
pub struct BoundedQueue<T> {
    items: Mutex<VecDeque<T>>,
    not_empty: Condvar,
    not_full: Condvar,
    capacity: usize,
}

impl<T> BoundedQueue<T> {
    /// An empty queue for up to `capacity` items (at least one).
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "a queue must hold at least one item");
        BoundedQueue {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity,
        }
    }

    /// Adds `item` at the back, first waiting while the queue is full.
    pub fn push(&self, item: T) {
        // TODO: lock `items`, then wait on `not_full` *while* the queue is
        // full (`Condvar::wait_while` re-checks after every wake-up, spurious
        // or not), push, and wake a thread waiting in `pop`.
        todo!("wait while full, push, notify not_empty")
    }

    /// Removes the item at the front, first waiting while the queue is empty.
    pub fn pop(&self) -> T {
        // TODO: the mirror image of `push`.
        todo!("wait while empty, pop, notify not_full")
    }

    /// How many items are waiting right now.
    pub fn len(&self) -> usize {
        self.items.lock().unwrap().len()
    }

    /// Whether no item is waiting right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
// ANCHOR_END: api
