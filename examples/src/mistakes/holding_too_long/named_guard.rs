//! A guard named at the top of a function lives to its end.

use std::sync::Mutex;

// ANCHOR: state
/// Reports whether some guard of `m` is alive right now, without waiting:
/// `try_lock` fails with `WouldBlock` while the mutex is locked.
pub fn state<T>(m: &Mutex<T>) -> &'static str {
    if m.try_lock().is_ok() { "free" } else { "LOCKED" }
}
// ANCHOR_END: state

#[expect(clippy::significant_drop_tightening, reason = "the mistake this page is about")]
// ANCHOR: too_long
/// Takes the next job and handles it. The guard `jobs` lives until the
/// closing brace, so the queue stays locked while the job is handled.
pub fn run_next_too_long(queue: &Mutex<Vec<u32>>, handle: impl FnOnce(u32)) {
    let mut jobs = queue.lock().unwrap();
    let Some(job) = jobs.pop() else { return };
    handle(job); // every other worker waits for this
}
// ANCHOR_END: too_long

// ANCHOR: tight
/// The same, with the guard dropped as soon as the job is out of the queue.
pub fn run_next(queue: &Mutex<Vec<u32>>, handle: impl FnOnce(u32)) {
    let job = queue.lock().unwrap().pop(); // the temporary guard dies at `;`
    if let Some(job) = job {
        handle(job); // the queue is free for other workers
    }
}
// ANCHOR_END: tight

// ANCHOR: main
pub fn main() {
    let queue = Mutex::new(vec![1, 2, 3]);
    run_next_too_long(&queue, |job| println!("too long: job {job}, queue {}", state(&queue)));
    run_next(&queue, |job| println!("tight:    job {job}, queue {}", state(&queue)));
}
// ANCHOR_END: main

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::{Barrier, mpsc};
    use std::thread;

    #[test]
    fn state_sees_a_live_guard() {
        let m = Mutex::new(0);
        assert_eq!(state(&m), "free");
        let guard = m.lock().unwrap();
        assert_eq!(state(&m), "LOCKED");
        drop(guard);
        assert_eq!(state(&m), "free");
    }

    #[test]
    fn the_named_guard_is_held_while_handling() {
        let queue = Mutex::new(vec![1, 2, 3]);
        let mut seen = None;
        run_next_too_long(&queue, |job| seen = Some((job, state(&queue))));
        assert_eq!(seen, Some((3, "LOCKED")));
        assert_eq!(*queue.lock().unwrap(), [1, 2]);
    }

    #[test]
    fn the_tight_version_releases_before_handling() {
        let queue = Mutex::new(vec![1, 2, 3]);
        let mut seen = None;
        run_next(&queue, |job| seen = Some((job, state(&queue))));
        assert_eq!(seen, Some((3, "free")));
    }

    /// Another thread can take a job while the first one is still handling
    /// its own: the barrier holds the first handler in place, deterministically.
    #[test]
    fn a_second_worker_is_not_blocked_by_a_handler() {
        let queue = Mutex::new(vec![1, 2]);
        let handling = Barrier::new(2);
        let (done, finished) = mpsc::channel();
        thread::scope(|s| {
            s.spawn(|| {
                run_next(&queue, |_| {
                    handling.wait(); // the first worker is now mid-job
                    handling.wait(); // …until the second worker has taken a job
                });
            });
            handling.wait();
            s.spawn(|| run_next(&queue, |job| done.send(job).unwrap()));
            let job = finished.recv_timeout(std::time::Duration::from_secs(10));
            handling.wait();
            assert_eq!(job, Ok(1), "the second worker should get a job while the first is busy");
        });
    }
}
