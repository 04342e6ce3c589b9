//! The loom twin of the scheduler puzzle `src/puzzles/real-world-metrics-1.toml`:
//! the page's two atomics, read one after the other — with `SeqCst` this
//! time, to show that the strongest ordering does not make two values one
//! snapshot. loom and the puzzle's engine both find the torn read
//! (`cargo xtask puzzles` checks they agree).

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

/// Request statistics as two independent atomics.
pub struct Stats {
    requests: AtomicU64,
    errors: AtomicU64,
}

impl Stats {
    pub fn new() -> Stats {
        Stats { requests: AtomicU64::new(0), errors: AtomicU64::new(0) }
    }
}

impl Default for Stats {
    fn default() -> Self {
        Self::new()
    }
}

/// A failed request: two updates, each atomic on its own.
pub fn record_error(stats: &Stats) {
    stats.requests.fetch_add(1, Ordering::SeqCst);
    stats.errors.fetch_add(1, Ordering::SeqCst);
}

/// Reads the pair one value after the other, and checks that it makes sense.
pub fn check_snapshot(stats: &Stats) {
    let requests = stats.requests.load(Ordering::SeqCst);
    let errors = stats.errors.load(Ordering::SeqCst);
    assert!(errors <= requests, "more errors than requests");
}

/// The puzzle: a writer records one failed request while a reader checks.
pub fn run() {
    let stats = Arc::new(Stats::new());
    let writer = {
        let stats = Arc::clone(&stats);
        thread::spawn(move || record_error(&stats))
    };
    let reader = {
        let stats = Arc::clone(&stats);
        thread::spawn(move || check_snapshot(&stats))
    };
    writer.join().unwrap();
    reader.join().unwrap();
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn before_and_after_the_update_the_pair_makes_sense() {
        let stats = Stats::new();
        check_snapshot(&stats);
        record_error(&stats);
        check_snapshot(&stats);
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    #[should_panic(expected = "more errors than requests")]
    fn reading_two_atomics_can_tear() {
        ::loom::model(super::run);
    }
}
