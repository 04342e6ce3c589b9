//! The loom twin of the scheduler puzzle `src/puzzles/shared-state-lost-updates-1.toml`:
//! two threads increment a shared `AtomicU64` once each, with a load and a
//! separate store. `cargo xtask puzzles` checks that the lines the puzzle
//! shows are these lines, and that loom and the puzzle's engine agree: both
//! find the schedule that loses an update.

#[cfg(loom)]
use ::loom::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    thread,
};

/// What each thread runs: the split increment of `split.rs`.
pub fn increment(counter: &AtomicU64) {
    let value = counter.load(Ordering::SeqCst); // read
    counter.store(value + 1, Ordering::SeqCst); // modify, write
}

/// The puzzle: threads `a` and `b` increment once each, then main checks
/// the total. Panics with "lost an update" on an unlucky schedule.
pub fn run() {
    let counter = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || increment(&counter))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    assert_eq!(counter.load(Ordering::SeqCst), 2, "lost an update");
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn one_after_the_other_nothing_is_lost() {
        let counter = AtomicU64::new(0);
        increment(&counter);
        increment(&counter);
        assert_eq!(counter.load(Ordering::SeqCst), 2);
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    #[should_panic(expected = "lost an update")]
    fn two_split_increments_can_lose_one() {
        ::loom::model(super::run);
    }
}
