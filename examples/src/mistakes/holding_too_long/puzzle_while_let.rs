//! The loom twin of the scheduler puzzle `src/puzzles/mistakes-holding-too-long-1.toml`:
//! a worker whose `while let` scrutinee keeps the queue locked through the
//! body, and a producer. When the worker gets a job with a follow-up, it
//! locks the queue it already holds. loom and the puzzle's engine both find
//! that deadlock (`cargo xtask puzzles` checks they agree).

// `std::sync::Arc` even under loom: a deadlock found by loom unwinds every
// thread, and loom's own `Arc` panics when dropped during that unwinding.
use std::sync::Arc;

#[cfg(loom)]
use ::loom::{sync::Mutex, thread};
#[cfg(not(loom))]
use std::{sync::Mutex, thread};

/// Takes jobs until the queue is empty; job `n > 1` has the follow-up `n - 1`.
#[expect(
    clippy::significant_drop_in_scrutinee,
    reason = "the guard held through the body is the puzzle's bug"
)]
pub fn work(queue: &Mutex<Vec<u32>>) {
    while let Some(job) = queue.lock().unwrap().pop() {
        if job > 1 {
            queue.lock().unwrap().push(job - 1); // waits for ourselves, forever
        }
    }
}

/// Hands the worker a job that has a follow-up.
pub fn produce(queue: &Mutex<Vec<u32>>) {
    queue.lock().unwrap().push(2);
}

/// The puzzle: a worker and a producer share a queue.
pub fn run() {
    let queue = Arc::new(Mutex::new(Vec::new()));
    let worker = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || work(&queue))
    };
    let producer = {
        let queue = Arc::clone(&queue);
        thread::spawn(move || produce(&queue))
    };
    worker.join().unwrap();
    producer.join().unwrap();
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_worker_on_an_empty_queue_just_stops() {
        let queue = Mutex::new(Vec::new());
        work(&queue);
        produce(&queue);
        assert_eq!(*queue.lock().unwrap(), [2], "the job waits for the next worker");
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    #[should_panic(expected = "deadlock")]
    fn a_follow_up_job_relocks_the_queue() {
        ::loom::model(super::run);
    }
}
