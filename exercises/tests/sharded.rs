//! Tests for exercise `sharded`. Speed is measured by the bench
//! (`cargo run --release -p exercises --example sharded_bench`), not here:
//! timing-based tests would fail at random on a busy machine.

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Barrier};
use std::thread;

use common::{assert_total, within};
use exercises::sharded::ShardedCounter;

#[test]
fn counts_each_key() {
    within("increment and get", || {
        let counter = ShardedCounter::new(4);
        counter.increment("a");
        counter.increment("b");
        counter.increment("a");
        assert_eq!(counter.get("a"), 2, "count of \"a\"");
        assert_eq!(counter.get("b"), 1, "count of \"b\"");
        assert_eq!(counter.get("zzz"), 0, "a key never incremented counts 0");
        assert_total("total()", 3u64, counter.total());
    });
}

#[test]
fn keys_are_spread_over_all_shards_and_stay_put() {
    within("shard_of", || {
        let counter = ShardedCounter::new(8);
        let keys: Vec<String> = (0..1_000).map(|i| format!("key-{i}")).collect();
        let used: HashSet<usize> = keys.iter().map(|k| counter.shard_of(k)).collect();
        assert!(used.iter().all(|&s| s < 8), "shard_of returned a shard out of range: {used:?}");
        assert_eq!(used.len(), 8, "1000 keys should use all 8 shards, they used {used:?}");
        for key in &keys {
            assert_eq!(counter.shard_of(key), counter.shard_of(key), "{key} moved between shards");
        }
    });
}

#[test]
fn concurrent_increments_lose_no_update() {
    const THREADS: usize = 8;
    const ROUNDS: usize = 2_000;
    let (total, per_key) = within("8 threads incrementing 10 keys", || {
        let counter = Arc::new(ShardedCounter::new(4));
        let start = Arc::new(Barrier::new(THREADS));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let (counter, start) = (Arc::clone(&counter), Arc::clone(&start));
                thread::spawn(move || {
                    start.wait();
                    for _ in 0..ROUNDS {
                        for k in 0..10 {
                            counter.increment(&format!("k{k}"));
                        }
                    }
                })
            })
            .collect();
        handles.into_iter().for_each(|h| h.join().unwrap());
        (counter.total(), (0..10).map(|k| counter.get(&format!("k{k}"))).collect::<Vec<_>>())
    });
    assert_total("total() (lost updates?)", (THREADS * ROUNDS * 10) as u64, total);
    for (k, count) in per_key.into_iter().enumerate() {
        assert_total(&format!("count of \"k{k}\" (lost updates?)"), (THREADS * ROUNDS) as u64, count);
    }
}

#[test]
fn one_shard_still_counts_correctly() {
    let total = within("ShardedCounter::new(1)", || {
        let counter = ShardedCounter::new(1);
        (0..100).for_each(|i| counter.increment(&format!("{}", i % 7)));
        assert_eq!(counter.shard_of("anything"), 0, "with one shard every key is in shard 0");
        counter.total()
    });
    assert_total("total()", 100u64, total);
}
