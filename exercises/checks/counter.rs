//! The checks of exercise `counter`: scenarios on real threads, and loom
//! models that run your `count` in every interleaving of its threads.

use crate::exercise::count;
use crate::harness::{expect_total, models, scenarios};

/// `count(threads, per_thread)` must return exactly `threads × per_thread`.
#[track_caller]
fn expect_count(threads: usize, per_thread: usize) {
    let total = count(threads, per_thread);
    expect_total(
        &format!("count({threads}, {per_thread})"),
        (threads * per_thread) as u64,
        total as u64,
        threads as u64,
        per_thread as u64,
    );
}

scenarios! {
    /// `count(1, 1000)`: one thread, no contention.
    Threads fn one_thread_counts_every_increment() {
        expect_count(1, 1_000);
    }

    /// No threads, or threads with nothing to add.
    Threads fn no_threads_or_no_increments_count_zero() {
        expect_count(0, 100);
        expect_count(4, 0);
    }

    /// `count(8, 20_000)`, three times: enough contention that an update
    /// lost between a read and its write shows up.
    Threads fn many_threads_lose_no_update() {
        for _ in 0..3 {
            expect_count(8, 20_000);
        }
    }

    /// Two calls in a row: each starts from zero.
    Threads fn the_counter_starts_fresh_on_every_call() {
        expect_count(2, 10);
        expect_count(2, 10);
    }
}

models! {
    /// `count(2, 1)`: two threads, one increment each.
    Interleavings fn two_threads_one_increment_each() {
        expect_count(2, 1);
    }

    /// `count(2, 2)`: two increments each, so a thread can run between
    /// another's two.
    Interleavings fn two_threads_two_increments_each() {
        expect_count(2, 2);
    }
}
