//! The checks of exercise `sharded`: scenarios on real threads, and loom
//! models that run your counter in every interleaving. Speed is measured by
//! the bench (`cargo run --release -p exercises --example sharded_bench`),
//! not here: a timing test would fail at random on a busy machine. Nor can
//! a test see *which* locks `increment` takes, as long as the counts are
//! right: that one is for you and the bench.

#[cfg(not(loom))]
use std::collections::BTreeSet;

use crate::exercise::ShardedCounter;
use crate::harness::{expect_total, fail, models, scenarios};

/// A total read while increments ran must count every increment that had
/// finished before it started, and no more than had started by its end.
#[track_caller]
fn expect_total_between(total: u64, finished_before: u64, started_after: u64) {
    if total < finished_before || total > started_after {
        fail(format!(
            "total() returned {total} while another thread incremented, but {finished_before} increments had \
             finished before total() began (and at most {started_after} had started when it ended).\n\n\
             total() skipped or miscounted a shard: it must lock every shard in turn and add up all its \
             counts — never skip a shard that is busy (`try_lock`), never read a count outside its lock."
        ));
    }
}

scenarios! {
    /// `increment` and `get` on one thread.
    Single fn counts_each_key() {
        let counter = ShardedCounter::new(4);
        counter.increment("a");
        counter.increment("b");
        counter.increment("a");
        assert_eq!(counter.get("a"), 2, "the count of \"a\" after two increments");
        assert_eq!(counter.get("b"), 1, "the count of \"b\" after one increment");
        assert_eq!(counter.get("zzz"), 0, "a key never incremented counts 0");
        assert_eq!(counter.total(), 3, "total() after three increments");
    }

    /// 1 000 keys over 8 shards.
    Single fn keys_are_spread_over_all_shards_and_stay_put() {
        let counter = ShardedCounter::new(8);
        let keys: Vec<String> = (0..1_000).map(|i| format!("key-{i}")).collect();
        let used: BTreeSet<usize> = keys.iter().map(|k| counter.shard_of(k)).collect();
        if let Some(bad) = used.iter().find(|&&s| s >= 8) {
            fail(format!("shard_of returned {bad} for a counter of 8 shards (0 to 7): reduce the hash modulo the shard count."));
        }
        if used.len() != 8 {
            fail(format!("1000 different keys used only the shards {used:?} of 8: keys must spread over all of them."));
        }
        for key in &keys {
            if counter.shard_of(key) != counter.shard_of(key) {
                fail(format!("shard_of({key:?}) returned two different shards: a key must always map to the same one."));
            }
        }
    }

    /// Keys that differ in one character, over 16 shards.
    Single fn keys_that_differ_in_one_character_spread() {
        let counter = ShardedCounter::new(16);
        let alike = ["a", "q", "A", "Q"];
        let shards: BTreeSet<usize> = alike.iter().map(|k| counter.shard_of(k)).collect();
        if shards.len() == 1 {
            fail(format!(
                "The keys \"a\", \"q\", \"A\" and \"Q\" all land in shard {} of 16.\n\n\
                 Those bytes differ only in their bits 4 and 5, and one round of a simple hash (FNV-1a) \
                 leaves that difference in bits your `shard_of` throws away: `% 16` keeps the lowest 4 bits, \
                 and a shift keeps the highest, both alike for these keys. Mix the hash first (multiply by \
                 0x9E3779B97F4A7C15) and then take the high bits — or use `DefaultHasher`.",
                shards.first().copied().unwrap_or_default()
            ));
        }
        let single: BTreeSet<usize> = (b' '..=b'~').map(|c| counter.shard_of(&(c as char).to_string())).collect();
        if single.len() < 12 {
            fail(format!(
                "The 95 one-character keys use only {} of 16 shards ({single:?}): `shard_of` keeps too few of \
                 the hash's bits. Mix the hash, then take the high bits, or use `DefaultHasher`.",
                single.len()
            ));
        }
    }

    /// A counter with one shard.
    Single fn one_shard_still_counts_correctly() {
        let counter = ShardedCounter::new(1);
        (0..100).for_each(|i| counter.increment(&format!("{}", i % 7)));
        assert_eq!(counter.shard_of("anything"), 0, "with one shard every key is in shard 0");
        assert_eq!(counter.total(), 100, "total() after 100 increments into one shard");
    }

    /// Eight threads increment ten keys, 2 000 times each.
    Threads fn concurrent_increments_lose_no_update() {
        use std::sync::{Arc, Barrier};
        const THREADS: u64 = 8;
        const ROUNDS: u64 = 2_000;
        let counter = Arc::new(ShardedCounter::new(4));
        let start = Arc::new(Barrier::new(THREADS as usize));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let (counter, start) = (Arc::clone(&counter), Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    for _ in 0..ROUNDS {
                        for k in 0..10 {
                            counter.increment(&format!("k{k}"));
                        }
                    }
                })
            })
            .collect();
        handles.into_iter().for_each(|h| h.join().expect("an incrementing thread panicked"));
        for k in 0..10 {
            expect_total(&format!("the count of \"k{k}\""), THREADS * ROUNDS, counter.get(&format!("k{k}")), THREADS, ROUNDS);
        }
        expect_total("total()", THREADS * ROUNDS * 10, counter.total(), THREADS, ROUNDS * 10);
    }

    /// `total()` runs again and again while another thread increments.
    Threads fn total_counts_every_finished_increment_while_increments_run() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU64, Ordering};
        let counter = Arc::new(ShardedCounter::new(4));
        let finished = Arc::new(AtomicU64::new(0));
        let incrementer = {
            let (counter, finished) = (Arc::clone(&counter), Arc::clone(&finished));
            std::thread::spawn(move || {
                for i in 0..20_000 {
                    counter.increment(&format!("k{}", i % 8));
                    finished.fetch_add(1, Ordering::SeqCst);
                }
            })
        };
        let mut seen = Vec::new();
        while finished.load(Ordering::SeqCst) < 20_000 && seen.len() < 20_000 {
            let before = finished.load(Ordering::SeqCst);
            let total = counter.total();
            let after = finished.load(Ordering::SeqCst) + 1;
            seen.push((total, before, after));
        }
        incrementer.join().expect("the incrementing thread panicked");
        for (total, before, after) in seen {
            expect_total_between(total, before, after);
        }
        assert_eq!(counter.total(), 20_000, "total() after 20000 increments");
    }
}

models! {
    /// Two threads increment the same key once each.
    Interleavings fn two_increments_of_one_key() {
        use crate::sync::{Arc, thread};
        let counter = Arc::new(ShardedCounter::new(2));
        let other = Arc::clone(&counter);
        let t = thread::spawn(move || other.increment("k"));
        counter.increment("k");
        t.join().expect("the other increment panicked");
        expect_total("the count of \"k\" after two increments", 2, counter.get("k"), 2, 1);
    }

    /// One shard: `total()` while another thread increments "a", then "b".
    Interleavings fn total_while_another_thread_increments() {
        use crate::sync::atomic::{AtomicBool, Ordering};
        use crate::sync::{Arc, thread};
        let counter = Arc::new(ShardedCounter::new(1));
        let a_done = Arc::new(AtomicBool::new(false));
        let t = {
            let (counter, a_done) = (Arc::clone(&counter), Arc::clone(&a_done));
            thread::spawn(move || {
                counter.increment("a");
                a_done.store(true, Ordering::SeqCst);
                counter.increment("b");
            })
        };
        let finished_before = u64::from(a_done.load(Ordering::SeqCst));
        let total = counter.total();
        expect_total_between(total, finished_before, 2);
        t.join().expect("the incrementing thread panicked");
        expect_total("total() after both increments", 2, counter.total(), 1, 2);
    }
}
