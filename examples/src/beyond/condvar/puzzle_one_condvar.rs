//! The loom twin of the scheduler puzzle `src/puzzles/beyond-condvar-3.toml`:
//! a queue with room for one job, where the producer and the consumers
//! sleep on the same `Condvar` and every change wakes just one of them with
//! `notify_one`. The wrong sleeper can get the only wake-up, and then
//! everyone sleeps forever. loom and the puzzle's engine both find that
//! schedule (`cargo xtask puzzles` checks they agree).

use std::collections::VecDeque;
// `std::sync::Arc` even under loom: a deadlock found by loom unwinds every
// thread, and loom's own `Arc` panics when dropped during that unwinding.
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

/// A queue with room for one job, and one condition variable for both sides.
#[derive(Default)]
pub struct Slot {
    pub items: Mutex<VecDeque<u32>>,
    pub changed: Condvar,
}

/// Pushes two jobs, waiting while the queue is full.
pub fn produce(slot: &Slot) {
    for job in 1..=2 {
        let mut items = slot.items.lock().unwrap();
        while items.len() == 1 {
            items = slot.changed.wait(items).unwrap(); // full: wait for a consumer
        }
        items.push_back(job);
        drop(items);
        slot.changed.notify_one();
    }
}

/// Takes one job, waiting while the queue is empty.
pub fn consume(slot: &Slot) -> u32 {
    let mut items = slot.items.lock().unwrap();
    while items.is_empty() {
        items = slot.changed.wait(items).unwrap(); // empty: wait for the producer
    }
    let job = items.pop_front().unwrap();
    drop(items);
    slot.changed.notify_one();
    job
}

/// The puzzle: producer `p` hands a job each to consumers `a` and `b`.
pub fn run() {
    let slot = Arc::new(Slot::default());
    let consumers: Vec<_> = (0..2)
        .map(|_| {
            let slot = Arc::clone(&slot);
            thread::spawn(move || consume(&slot))
        })
        .collect();
    let producer = {
        let slot = Arc::clone(&slot);
        thread::spawn(move || produce(&slot))
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
    fn one_after_the_other_every_job_is_taken() {
        let slot = Slot::default();
        // The producer would wait for room after the first job: push it by hand.
        slot.items.lock().unwrap().push_back(1);
        assert_eq!(consume(&slot), 1);
        assert!(slot.items.lock().unwrap().is_empty());
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    #[should_panic(expected = "deadlock")]
    fn notify_one_can_wake_the_wrong_sleeper() {
        ::loom::model(super::run);
    }
}
