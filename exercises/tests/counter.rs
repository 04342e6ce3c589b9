//! Tests for exercise `counter`.

mod common;

use common::{assert_total, within};
use exercises::counter::count;

#[test]
fn one_thread_counts_every_increment() {
    let total = within("count(1, 1000)", || count(1, 1000));
    assert_total("count(1, 1000)", 1000u64, total as u64);
}

#[test]
fn many_threads_lose_no_update() {
    // Enough threads and increments that an unlocked read-then-write loses
    // some updates on practically every run.
    for _ in 0..3 {
        let total = within("count(8, 20_000)", || count(8, 20_000));
        assert_total("count(8, 20_000) (lost updates?)", 160_000u64, total as u64);
    }
}

#[test]
fn no_threads_or_no_increments_count_zero() {
    assert_total("count(0, 100)", 0u64, within("count(0, 100)", || count(0, 100)) as u64);
    assert_total("count(4, 0)", 0u64, within("count(4, 0)", || count(4, 0)) as u64);
}

#[test]
fn the_counter_starts_fresh_on_every_call() {
    let first = within("count(2, 10)", || count(2, 10));
    let second = within("count(2, 10)", || count(2, 10));
    assert_total("first count(2, 10)", 20u64, first as u64);
    assert_total("second count(2, 10) (a static counter carries over?)", 20u64, second as u64);
}
