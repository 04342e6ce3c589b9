//! A sharded counter: each thread adds to its own cache line, a reader sums.

#[cfg(loom)]
use ::loom::sync::atomic::{AtomicU64, Ordering};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicU64, Ordering};

// ANCHOR: sharded
/// One shard per 128 bytes, so two threads adding to neighbouring shards do
/// not fight over one cache line. Lines are 64 bytes on most x86-64 and ARM
/// CPUs, but Intel CPUs fetch them in adjacent pairs and some big ARM cores
/// have 128-byte lines: crossbeam's `CachePadded` uses 128 there too.
#[repr(align(128))]
struct Shard(AtomicU64);

/// A counter that threads update without contending with each other.
pub struct ShardedCounter {
    shards: Vec<Shard>,
}

impl ShardedCounter {
    pub fn new(shards: usize) -> Self {
        ShardedCounter { shards: (0..shards).map(|_| Shard(AtomicU64::new(0))).collect() }
    }

    /// Adds `n` to the shard of `thread` (any number; it is wrapped around).
    pub fn add(&self, thread: usize, n: u64) {
        self.shards[thread % self.shards.len()].0.fetch_add(n, Ordering::Relaxed);
    }

    /// The total. Exact once the adding threads are joined; while they run,
    /// it is some value between the totals before and after.
    pub fn sum(&self) -> u64 {
        self.shards.iter().map(|s| s.0.load(Ordering::Relaxed)).sum()
    }
}
// ANCHOR_END: sharded

#[cfg(not(loom))]
pub fn main() {
    let counter = ShardedCounter::new(4);
    std::thread::scope(|s| {
        for t in 0..4 {
            let counter = &counter;
            s.spawn(move || (0..10_000).for_each(|_| counter.add(t, 1)));
        }
    });
    println!("total: {}, shard size: {} bytes", counter.sum(), std::mem::size_of::<Shard>());
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn sums_all_shards() {
        let c = ShardedCounter::new(3);
        std::thread::scope(|s| {
            for t in 0..6 {
                let c = &c;
                s.spawn(move || (0..1000).for_each(|_| c.add(t, 2)));
            }
        });
        assert_eq!(c.sum(), 12_000);
    }

    #[test]
    fn shards_fill_two_cache_lines() {
        assert_eq!(std::mem::size_of::<Shard>(), 128);
        assert_eq!(std::mem::align_of::<Shard>(), 128);
    }
}

/// Two threads add to different shards, and one to the same shard as main:
/// after joining, no addition is lost, even with Relaxed ordering.
#[cfg(all(test, loom))]
mod loom {
    use super::ShardedCounter;
    use ::loom::sync::Arc;
    use ::loom::thread;

    #[test]
    fn joined_sum_is_exact() {
        ::loom::model(|| {
            let counter = Arc::new(ShardedCounter::new(2));
            let handles: Vec<_> = (0..2)
                .map(|t| {
                    let counter = Arc::clone(&counter);
                    thread::spawn(move || counter.add(t, 1))
                })
                .collect();
            counter.add(0, 10); // shares shard 0 with thread 0
            for h in handles {
                h.join().unwrap();
            }
            assert_eq!(counter.sum(), 12);
        });
    }
}
