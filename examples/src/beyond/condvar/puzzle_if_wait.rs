//! The loom twin of the scheduler puzzle `src/puzzles/beyond-condvar-1.toml`:
//! consumers that wait under `if` instead of `while`. A woken consumer
//! takes it for granted that the queue has a job, but another consumer may
//! have taken it first. loom and the puzzle's engine both find that
//! schedule (`cargo xtask puzzles` checks they agree).

use std::collections::VecDeque;
// `std::sync::Arc` even under loom: loom's own `Arc` panics when it is
// dropped while loom unwinds the threads of a failed execution.
use std::sync::Arc;

#[cfg(loom)]
use ::loom::{
    sync::{Condvar, Mutex},
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::{Condvar, Mutex},
    thread,
};

/// A queue of jobs and the condition variable its consumers sleep on.
#[derive(Default)]
pub struct Jobs {
    pub items: Mutex<VecDeque<u32>>,
    pub ready: Condvar,
}

/// Takes the next job. The bug: after `wait`, the queue is not checked again.
pub fn consume(jobs: &Jobs) -> u32 {
    let mut items = jobs.items.lock().unwrap();
    if items.is_empty() {
        items = jobs.ready.wait(items).unwrap();
    }
    items.pop_front().expect("woken, but the queue is empty")
}

/// Pushes two jobs, waking one consumer after each.
pub fn produce(jobs: &Jobs) {
    for job in 1..=2 {
        jobs.items.lock().unwrap().push_back(job);
        jobs.ready.notify_one();
    }
}

/// The puzzle: consumers `a` and `b` take a job each from producer `p`.
pub fn run() {
    let jobs = Arc::new(Jobs::default());
    let consumers: Vec<_> = (0..2)
        .map(|_| {
            let jobs = Arc::clone(&jobs);
            thread::spawn(move || consume(&jobs))
        })
        .collect();
    let producer = {
        let jobs = Arc::clone(&jobs);
        thread::spawn(move || produce(&jobs))
    };
    producer.join().unwrap();
    let mut taken: Vec<u32> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
    taken.sort_unstable();
    assert_eq!(taken, [1, 2]);
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_consumer_takes_a_job_that_is_there() {
        let jobs = Jobs::default();
        jobs.items.lock().unwrap().push_back(7);
        assert_eq!(consume(&jobs), 7);
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    #[should_panic(expected = "woken, but the queue is empty")]
    fn a_consumer_can_wake_to_an_empty_queue() {
        ::loom::model(super::run);
    }
}
