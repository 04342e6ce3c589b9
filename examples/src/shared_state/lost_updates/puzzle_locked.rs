//! The loom twin of the scheduler puzzle `src/puzzles/shared-state-lost-updates-2.toml`:
//! the increment is one statement under a `Mutex`. Expanded, it is four
//! steps (lock, read, write, unlock), but no other locker can get between
//! them: loom and the puzzle's engine both find no schedule that loses an
//! update (`cargo xtask puzzles` checks they agree).

#[cfg(loom)]
use ::loom::{
    sync::{Arc, Mutex},
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::{Arc, Mutex},
    thread,
};

/// What each thread runs: read, add and write while holding the guard.
pub fn increment(counter: &Mutex<u64>) {
    *counter.lock().unwrap() += 1;
}

/// The puzzle: threads `a` and `b` increment once each, then main checks
/// the total.
pub fn run() {
    let counter = Arc::new(Mutex::new(0));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || increment(&counter))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    assert_eq!(*counter.lock().unwrap(), 2, "lost an update");
}

#[cfg(all(test, not(loom)))]
mod tests {
    #[test]
    fn both_increments_count() {
        // Safe on every schedule, so any run must pass.
        for _ in 0..100 {
            super::run();
        }
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    fn an_increment_under_one_guard_loses_nothing() {
        ::loom::model(super::run);
    }
}
