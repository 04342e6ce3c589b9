//! The model joins the first thread before it starts the second.
//! expect: never runs two increments at the same time

use crate::sync::{Arc, Mutex, thread};

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
        // One critical section: nobody can run between the read and the write.
        *self.value.lock().unwrap() += 1;
    }

    fn get(&self) -> usize {
        *self.value.lock().unwrap()
    }
}

/// The model: one execution of a small concurrent scenario, run by loom once
/// per possible interleaving. It must panic (an `assert!`) when it sees a
/// lost update, whatever counter `C` is.
pub fn model<C: Counter>() {
    let counter = Arc::new(C::new());
    for _ in 0..2 {
        let counter = Arc::clone(&counter);
        thread::spawn(move || counter.increment()).join().unwrap();
    }
    assert_eq!(counter.get(), 2, "lost update: two increments, but the count is {}", counter.get());
}
