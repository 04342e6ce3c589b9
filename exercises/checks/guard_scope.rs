//! The checks of exercise `guard-scope`. The scenarios are deterministic:
//! `try_lock` and barriers inside the slow work show whether the queue is
//! locked, with no sleeps. The models run your functions while another
//! thread pushes a job, in every interleaving.

use crate::exercise::{process_pending, process_until_empty};
use crate::harness::{fail, models, scenarios};
use crate::sync::Mutex;
#[cfg(not(loom))]
use crate::sync::TryLockError;

/// Runs `process` with a `work` that records each job and whether the queue
/// was locked while it ran.
#[cfg(not(loom))]
fn record<F>(queue: &Mutex<Vec<u32>>, process: F, mut extra: impl FnMut(u32)) -> (usize, Vec<u32>)
where
    F: FnOnce(&Mutex<Vec<u32>>, &mut dyn FnMut(u32)) -> usize,
{
    let mut seen = Vec::new();
    let mut work = |job: u32| {
        if matches!(queue.try_lock(), Err(TryLockError::WouldBlock)) {
            fail(format!(
                "The queue was still locked while `work` ran on job {job}.\n\n\
                 The guard from `queue.lock()` lives until the end of its scope, so while `work` runs no \
                 other thread can add a job. Take the jobs out in a short critical section \
                 (`std::mem::take`), let the guard go, then run `work`."
            ));
        }
        seen.push(job);
        extra(job);
    };
    let count = process(queue, &mut work);
    (count, seen)
}

#[cfg(not(loom))]
#[track_caller]
fn expect_order(what: &str, seen: &[u32], expected: &[u32]) {
    if seen != expected {
        let hint = if seen.iter().rev().eq(expected.iter()) || seen.first() == expected.last() {
            " That is newest first: `Vec::pop` takes the last job. Run them in the order they were added \
             (drain from the front, or iterate the taken `Vec`)."
        } else {
            ""
        };
        fail(format!("{what}: `work` saw jobs {seen:?}; it should see {expected:?}, oldest first.{hint}"));
    }
}

#[track_caller]
fn expect_count(what: &str, count: usize, ran: usize) {
    if count != ran {
        fail(format!("{what} returned {count}, but `work` ran {ran} times: return how many jobs ran."));
    }
}

scenarios! {
    /// `process_pending` on `[1, 2, 3]`.
    Single fn runs_every_pending_job_in_order() {
        let queue = Mutex::new(vec![1, 2, 3]);
        let (count, seen) = record(&queue, |q, w| process_pending(q, w), |_| {});
        expect_order("process_pending on [1, 2, 3]", &seen, &[1, 2, 3]);
        expect_count("process_pending", count, seen.len());
        let left = queue.lock().expect("the queue's lock").clone();
        if !left.is_empty() {
            fail(format!("After process_pending the queue still holds {left:?}: the jobs that ran must leave it."));
        }
    }

    /// Another thread pushes a job while `work` runs (two barriers order it).
    Threads fn another_thread_can_add_a_job_during_work_and_it_is_kept() {
        use std::sync::{Arc, Barrier};
        let queue = Arc::new(Mutex::new(vec![1]));
        let in_work = Arc::new(Barrier::new(2));
        let pushed = Arc::new(Barrier::new(2));
        let producer = {
            let (queue, in_work, pushed) = (Arc::clone(&queue), Arc::clone(&in_work), Arc::clone(&pushed));
            std::thread::spawn(move || {
                in_work.wait(); // `work` has started…
                queue.lock().expect("the queue's lock").push(2); // …so this must not block…
                pushed.wait(); // …and `work` waits until it is done.
            })
        };
        let mut first = true;
        process_pending(&queue, |_| {
            // Only the first job waits for the push; a second one must not run at all.
            if std::mem::take(&mut first) {
                in_work.wait();
                pushed.wait();
            }
        });
        producer.join().expect("the producer panicked");
        let left = queue.lock().expect("the queue's lock").clone();
        if left != [2] {
            fail(format!(
                "Another thread added job 2 while `work` ran; afterwards the queue holds {left:?}, not [2].\n\n\
                 A job added during `work` belongs to the next round: only the jobs you took out may leave \
                 the queue. Clearing the queue after `work` throws away jobs added meanwhile."
            ));
        }
    }

    /// `process_until_empty` on `[3]`, where job n adds job n - 1.
    Single fn until_empty_also_runs_jobs_that_work_adds() {
        let queue = Mutex::new(vec![3]);
        let (count, seen) = record(&queue, |q, w| process_until_empty(q, w), |n| {
            if n > 0 {
                queue.lock().expect("the queue's lock").push(n - 1);
            }
        });
        expect_order("process_until_empty on [3] (job n adds n - 1)", &seen, &[3, 2, 1, 0]);
        expect_count("process_until_empty", count, seen.len());
    }

    /// `process_until_empty` on `[1, 2, 3]`, where each job n ≤ 3 adds n + 10.
    Single fn until_empty_runs_the_oldest_job_first() {
        let queue = Mutex::new(vec![1, 2, 3]);
        let (count, seen) = record(&queue, |q, w| process_until_empty(q, w), |n| {
            if n <= 3 {
                queue.lock().expect("the queue's lock").push(n + 10);
            }
        });
        expect_order("process_until_empty on [1, 2, 3] (job n adds n + 10)", &seen, &[1, 2, 3, 11, 12, 13]);
        expect_count("process_until_empty", count, seen.len());
    }
}

models! {
    /// `process_pending` on `[1]` while another thread pushes job 2.
    Interleavings fn process_pending_while_a_job_is_pushed() {
        use crate::sync::{Arc, thread};
        let queue = Arc::new(Mutex::new(vec![1]));
        let other = Arc::clone(&queue);
        let producer = thread::spawn(move || other.lock().expect("the queue's lock").push(2));
        let mut seen = Vec::new();
        let count = process_pending(&queue, |job| seen.push(job));
        producer.join().expect("the producer panicked");
        expect_count("process_pending", count, seen.len());
        expect_each_job_once(&seen, &queue.lock().expect("the queue's lock"));
    }

    /// `process_until_empty` on `[1]` while another thread pushes job 2.
    Interleavings fn process_until_empty_while_a_job_is_pushed() {
        use crate::sync::{Arc, thread};
        let queue = Arc::new(Mutex::new(vec![1]));
        let other = Arc::clone(&queue);
        let producer = thread::spawn(move || other.lock().expect("the queue's lock").push(2));
        let mut seen = Vec::new();
        let count = process_until_empty(&queue, |job| seen.push(job));
        producer.join().expect("the producer panicked");
        expect_count("process_until_empty", count, seen.len());
        expect_each_job_once(&seen, &queue.lock().expect("the queue's lock"));
    }
}

/// Job 1 was queued and job 2 pushed meanwhile: each must have run or still
/// be queued, exactly once.
#[cfg(loom)]
#[track_caller]
fn expect_each_job_once(ran: &[u32], left: &[u32]) {
    let mut all: Vec<u32> = ran.iter().chain(left).copied().collect();
    all.sort_unstable();
    if all != [1, 2] {
        fail(format!(
            "Job 1 was queued and another thread pushed job 2 while your function ran. Afterwards `work` had \
             run {ran:?} and the queue held {left:?}: every job must either have run or still be queued, \
             exactly once.\n\n\
             Your function takes the jobs out of the queue in more than one critical section (for example, \
             copy them under one lock and clear the queue under another), and the push landed in between. \
             Take them out in one step: `std::mem::take(&mut *queue.lock().unwrap())`."
        ));
    }
}
