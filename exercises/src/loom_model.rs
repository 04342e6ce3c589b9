//! Exercise `loom-model` (hard): write the model that finds the bug, then fix it.
//!
//! Chapter: Model checking with loom (`src/beyond/loom.md`).
//! Check your work with `cargo xtask exercises loom-model`: it runs your
//! `FixedCounter` and your `model` on real threads, then your `model` under
//! loom: it must run two increments at the same time, pass on your
//! [`FixedCounter`] in every interleaving, and fail on [`RacyCounter`] (the
//! model found the bug).

// `crate::sync` hands out std's `Arc`, `Mutex` and threads, or loom's when
// the checker runs your model under loom (`--cfg loom`).
use crate::sync::{Arc, Mutex, thread};

// ANCHOR: api
/// A counter that many threads may increment.
pub trait Counter: Send + Sync + 'static {
    /// A counter at zero.
    fn new() -> Self;
    /// Adds one.
    fn increment(&self);
    /// The current count.
    fn get(&self) -> usize;
}

/// The provided, buggy counter. Leave it as it is: your model must catch it.
pub struct RacyCounter {
    value: Mutex<usize>,
}

impl Counter for RacyCounter {
    fn new() -> Self {
        RacyCounter { value: Mutex::new(0) }
    }

    fn increment(&self) {
        // Every access is locked, and yet updates get lost: the read and the
        // write are two critical sections, and another thread can run between.
        let current = *self.value.lock().unwrap();
        *self.value.lock().unwrap() = current + 1;
    }

    fn get(&self) -> usize {
        *self.value.lock().unwrap()
    }
}

/// Your fixed counter: the same idea, without the lost update.
pub struct FixedCounter {
    value: Mutex<usize>,
}

impl Counter for FixedCounter {
    fn new() -> Self {
        FixedCounter { value: Mutex::new(0) }
    }

    fn increment(&self) {
        // TODO: read and write in one critical section.
        todo!("fix the lost update of RacyCounter::increment")
    }

    fn get(&self) -> usize {
        *self.value.lock().unwrap()
    }
}

/// The model: one execution of a small concurrent scenario, run by loom once
/// per possible interleaving. It must panic (an `assert!`) when it sees a
/// lost update, whatever counter `C` is.
pub fn model<C: Counter>() {
    // TODO: share a `C::new()` between two threads (`Arc` and `thread::spawn`
    // from `crate::sync`), let each increment it once, join both, and assert
    // that the count is 2.
    todo!("two threads, one increment each, assert the total is 2")
}
// ANCHOR_END: api
