//! The loom twin of the scheduler puzzle `src/puzzles/beyond-condvar-2.toml`:
//! the same consumers, waiting in a `while` loop: a wake-up is a hint, and
//! the queue is checked again under the lock. loom and the puzzle's engine
//! both find no schedule that takes from an empty queue and no lost
//! wake-up (`cargo xtask puzzles` checks they agree).

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

/// Takes the next job, waiting while the queue is empty.
pub fn consume(jobs: &Jobs) -> u32 {
    let mut items = jobs.items.lock().unwrap();
    while items.is_empty() {
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

    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn both_consumers_get_a_job() {
        // Safe on every schedule; a hang would be a lost wake-up, reported as one.
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for _ in 0..100 {
                run();
            }
            tx.send(()).unwrap();
        });
        rx.recv_timeout(Duration::from_secs(20)).expect("did not finish in 20 s: a consumer sleeps forever");
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    fn waiting_in_a_loop_never_takes_from_an_empty_queue() {
        ::loom::model(super::run);
    }
}
