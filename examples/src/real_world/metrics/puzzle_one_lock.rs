//! The loom twin of the scheduler puzzle `src/puzzles/real-world-metrics-2.toml`:
//! the same pair of numbers under one `Mutex`, updated in one critical
//! section and read in another. loom and the puzzle's engine both find no
//! schedule where the reader sees more errors than requests (`cargo xtask
//! puzzles` checks they agree).

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

/// Request statistics that change together.
#[derive(Default)]
pub struct Stats {
    requests: u64,
    errors: u64,
}

/// A failed request: both numbers change in one critical section.
pub fn record_error(stats: &Mutex<Stats>) {
    let mut stats = stats.lock().unwrap();
    stats.requests += 1;
    stats.errors += 1;
} // the guard drops: unlocked

/// Copies the pair under the lock, then checks that it makes sense.
pub fn check_snapshot(stats: &Mutex<Stats>) {
    let guard = stats.lock().unwrap();
    let (requests, errors) = (guard.requests, guard.errors);
    drop(guard);
    assert!(errors <= requests, "more errors than requests");
}

/// The puzzle: a writer records one failed request while a reader checks.
pub fn run() {
    let stats = Arc::new(Mutex::new(Stats::default()));
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
    #[test]
    fn the_reader_always_sees_a_consistent_pair() {
        // Safe on every schedule, so any run must pass.
        for _ in 0..100 {
            super::run();
        }
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    fn one_lock_makes_one_snapshot() {
        ::loom::model(super::run);
    }
}
