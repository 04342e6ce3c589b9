//! Timed workloads for `cargo xtask bench locks`: each runs a fixed total
//! number of increments split over `threads` threads and returns how long the
//! counting took (thread start-up excluded: the clock starts when every thread
//! is waiting at a barrier, and stops when the last one is joined).

use std::hint::black_box;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use super::counters::{
    AtomicCounter, Counter, MutexCounter, ParkingLotCounter, RwLockCounter, ShardedCounter,
    UnpaddedShardedCounter,
};

/// One line of a benchmark plot.
pub struct Workload {
    /// Stable key in the JSON (`mutex`, `atomic`, …).
    pub key: &'static str,
    /// Legend label.
    pub label: &'static str,
    /// The panel of the plot this line belongs to (`""` when there is one).
    pub facet: &'static str,
    /// Counts `total_ops` increments on `threads` threads; returns the time taken.
    pub run: fn(threads: usize, total_ops: u64) -> Duration,
}

/// The counters of "Correctness or throughput?" and "Measuring contention", in
/// plot order.
pub const COUNTERS: &[Workload] = &[
    Workload {
        key: "mutex",
        label: "Mutex<u64>",
        facet: "",
        run: |t, n| timed_shared(&MutexCounter::default(), t, n),
    },
    Workload {
        key: "rwlock",
        label: "RwLock<u64> (writes)",
        facet: "",
        run: |t, n| timed_shared(&RwLockCounter::default(), t, n),
    },
    Workload {
        key: "parking_lot",
        label: "parking_lot Mutex<u64>",
        facet: "",
        run: |t, n| timed_shared(&ParkingLotCounter::default(), t, n),
    },
    Workload {
        key: "atomic",
        label: "AtomicU64",
        facet: "",
        run: |t, n| timed_shared(&AtomicCounter::default(), t, n),
    },
    Workload {
        key: "sharded_unpadded",
        label: "sharded, unpadded",
        facet: "",
        run: |t, n| timed_shared(&UnpaddedShardedCounter::new(SHARDS), t, n),
    },
    Workload {
        key: "sharded",
        label: "sharded, padded",
        facet: "",
        run: |t, n| timed_shared(&ShardedCounter::new(SHARDS), t, n),
    },
    Workload { key: "per_thread", label: "per-thread, merged", facet: "", run: timed_per_thread },
];

/// Shards per sharded counter: more than the benchmark's threads, so each
/// thread gets a shard of its own.
const SHARDS: usize = 16;

/// How many of `total` operations thread `index` of `threads` does.
pub fn share(total: u64, threads: usize, index: usize) -> u64 {
    let threads = threads as u64;
    total / threads + u64::from((index as u64) < total % threads)
}

// ANCHOR: timed_shared
fn timed_shared(counter: &impl Counter, threads: usize, total_ops: u64) -> Duration {
    let start = Barrier::new(threads + 1);
    let elapsed = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let start = &start;
                s.spawn(move || {
                    let ops = share(total_ops, threads, i);
                    start.wait();
                    for _ in 0..ops {
                        counter.add(black_box(1));
                    }
                })
            })
            .collect();
        start.wait();
        let clock = Instant::now();
        for handle in handles {
            handle.join().unwrap();
        }
        clock.elapsed()
    });
    assert_eq!(counter.total(), total_ops, "a counter lost updates");
    elapsed
}
// ANCHOR_END: timed_shared

fn timed_per_thread(threads: usize, total_ops: u64) -> Duration {
    let start = Barrier::new(threads + 1);
    let (elapsed, total) = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let start = &start;
                s.spawn(move || {
                    let ops = share(total_ops, threads, i);
                    start.wait();
                    let mut local = 0u64;
                    for _ in 0..ops {
                        local += black_box(1);
                    }
                    local
                })
            })
            .collect();
        start.wait();
        let clock = Instant::now();
        let total: u64 = handles.into_iter().map(|handle| handle.join().unwrap()).sum();
        (clock.elapsed(), total)
    });
    assert_eq!(total, total_ops, "per-thread counts do not add up");
    elapsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_the_total() {
        for threads in 1..=5 {
            let sum: u64 = (0..threads).map(|i| share(1_000_003, threads, i)).sum();
            assert_eq!(sum, 1_000_003, "{threads} threads");
        }
    }

    #[test]
    fn every_workload_runs_and_counts_correctly() {
        // Each run asserts its own total; a lost update panics here.
        for workload in COUNTERS {
            for threads in [1, 3] {
                (workload.run)(threads, 30_001);
            }
        }
    }
}
