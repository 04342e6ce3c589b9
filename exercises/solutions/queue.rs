//! Reference solution for exercise `queue`.

use crate::sync::{Condvar, Mutex};
use std::collections::VecDeque;

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

    // ANCHOR: solution
    /// Adds `item` at the back, first waiting while the queue is full.
    pub fn push(&self, item: T) {
        let items = self.items.lock().unwrap();
        // `wait_while` unlocks while it sleeps and re-checks the condition
        // under the lock after every wake-up, spurious or not.
        let mut items = self.not_full.wait_while(items, |items| items.len() >= self.capacity).unwrap();
        items.push_back(item);
        drop(items);
        // The state changed under the lock, so no waiter can miss this.
        self.not_empty.notify_one();
    }

    /// Removes the item at the front, first waiting while the queue is empty.
    pub fn pop(&self) -> T {
        let items = self.items.lock().unwrap();
        let mut items = self.not_empty.wait_while(items, |items| items.is_empty()).unwrap();
        let item = items.pop_front().expect("wait_while returned: not empty");
        drop(items);
        self.not_full.notify_one();
        item
    }
    // ANCHOR_END: solution

    /// How many items are waiting right now.
    pub fn len(&self) -> usize {
        self.items.lock().unwrap().len()
    }

    /// Whether no item is waiting right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
