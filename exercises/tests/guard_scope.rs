//! Tests for exercise `guard-scope`. They are deterministic: `try_lock`
//! and a barrier inside the slow work show whether the queue is locked.

mod common;

use std::sync::{Arc, Barrier, Mutex, TryLockError};
use std::thread;

use common::within;
use exercises::guard_scope::{process_pending, process_until_empty};

#[test]
fn runs_every_pending_job_in_order() {
    let (count, seen, left) = within("process_pending", || {
        let queue = Mutex::new(vec![1, 2, 3]);
        let mut seen = Vec::new();
        let count = process_pending(&queue, |job| seen.push(job));
        (count, seen, queue.into_inner().unwrap())
    });
    assert_eq!(seen, [1, 2, 3], "jobs must run oldest first");
    assert_eq!(count, 3, "process_pending returns how many jobs ran");
    assert!(left.is_empty(), "the jobs that ran must leave the queue, found {left:?}");
}

#[test]
fn the_queue_is_unlocked_while_work_runs() {
    let locked_during_work = within("process_pending with try_lock in work", || {
        let queue = Mutex::new(vec!["a", "b"]);
        let mut locked = Vec::new();
        process_pending(&queue, |job| {
            let held = matches!(queue.try_lock(), Err(TryLockError::WouldBlock));
            locked.push((job, held));
        });
        locked
    });
    for (job, held) in locked_during_work {
        assert!(
            !held,
            "the queue was still locked while work ran on {job:?}: drop the guard before calling work"
        );
    }
}

#[test]
fn another_thread_can_add_a_job_during_work_and_it_is_kept() {
    let left = within("another thread pushing while work runs", || {
        let queue = Arc::new(Mutex::new(vec![1]));
        let in_work = Arc::new(Barrier::new(2));
        let pushed = Arc::new(Barrier::new(2));
        let producer = {
            let (queue, in_work, pushed) = (Arc::clone(&queue), Arc::clone(&in_work), Arc::clone(&pushed));
            thread::spawn(move || {
                in_work.wait(); // `work` has started…
                queue.lock().unwrap().push(2); // …so this must not block…
                pushed.wait(); // …and `work` waits until it is done.
            })
        };
        process_pending(&queue, |_| {
            in_work.wait();
            pushed.wait();
        });
        producer.join().unwrap();
        queue.lock().unwrap().clone()
    });
    assert_eq!(left, [2], "the job added during work must stay in the queue (was it cleared or lost?)");
}

#[test]
fn until_empty_also_runs_jobs_that_work_adds() {
    let (count, seen) = within("process_until_empty with work adding jobs", || {
        let queue = Mutex::new(vec![3]);
        let mut seen = Vec::new();
        // Each job n > 0 adds job n - 1: 3, 2, 1, 0.
        let count = process_until_empty(&queue, |n: u32| {
            seen.push(n);
            if n > 0 {
                queue.lock().unwrap().push(n - 1);
            }
        });
        (count, seen)
    });
    assert_eq!(seen, [3, 2, 1, 0], "every job, including those work added, oldest first");
    assert_eq!(count, 4, "process_until_empty returns how many jobs ran");
}
