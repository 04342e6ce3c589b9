//! Four counters many threads add to: one `Mutex<u64>`, one `AtomicU64`, a
//! sharded counter with one shard per cache line, and no shared counter at all
//! (each thread counts on its own; the totals are merged at the end). Two more
//! for the benchmark of "Measuring contention": an `RwLock<u64>` and a
//! `parking_lot::Mutex<u64>`.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};
use std::thread;

/// A counter that many threads add to through a shared reference.
pub trait Counter: Sync {
    /// Adds `n` to the count.
    fn add(&self, n: u64);
    /// The count so far.
    fn total(&self) -> u64;
}

// ANCHOR: mutex
/// Correct and simple: every `add` takes the one lock.
#[derive(Default)]
pub struct MutexCounter(Mutex<u64>);

impl Counter for MutexCounter {
    fn add(&self, n: u64) {
        *self.0.lock().unwrap() += n;
    }
    fn total(&self) -> u64 {
        *self.0.lock().unwrap()
    }
}
// ANCHOR_END: mutex

// ANCHOR: rwlock
/// A poor fit: an increment writes, so every `add` takes the *write* lock,
/// which excludes everybody, exactly like a `Mutex` — plus reader bookkeeping.
#[derive(Default)]
pub struct RwLockCounter(RwLock<u64>);

impl Counter for RwLockCounter {
    fn add(&self, n: u64) {
        *self.0.write().unwrap() += n;
    }
    fn total(&self) -> u64 {
        *self.0.read().unwrap()
    }
}
// ANCHOR_END: rwlock

// ANCHOR: parking_lot
/// The same one lock, from the parking_lot crate: no poisoning, so no `unwrap`.
#[derive(Default)]
pub struct ParkingLotCounter(parking_lot::Mutex<u64>);

impl Counter for ParkingLotCounter {
    fn add(&self, n: u64) {
        *self.0.lock() += n;
    }
    fn total(&self) -> u64 {
        *self.0.lock()
    }
}
// ANCHOR_END: parking_lot

// ANCHOR: atomic
/// One hardware instruction per `add` — but still one shared cache line.
#[derive(Default)]
pub struct AtomicCounter(AtomicU64);

impl Counter for AtomicCounter {
    fn add(&self, n: u64) {
        // Relaxed: nothing else is published through this counter.
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    fn total(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: atomic

// ANCHOR: sharded
/// One shard per cache line. 128 bytes, not 64: x86 CPUs fetch lines in
/// adjacent pairs, and some ARM CPUs have 128-byte lines.
#[repr(align(128))]
#[derive(Default)]
struct Shard(AtomicU64);

/// Many atomics; each thread adds to "its" shard, `total` sums them all.
pub struct ShardedCounter {
    shards: Box<[Shard]>,
}

impl ShardedCounter {
    /// A counter with `shards` shards (at least one).
    pub fn new(shards: usize) -> Self {
        Self { shards: (0..shards.max(1)).map(|_| Shard::default()).collect() }
    }
}

/// A small number per thread, handed out round-robin on first use.
fn thread_slot() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SLOT: usize = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    SLOT.with(|slot| *slot)
}

impl Counter for ShardedCounter {
    fn add(&self, n: u64) {
        let shard = &self.shards[thread_slot() % self.shards.len()];
        shard.0.fetch_add(n, Ordering::Relaxed);
    }
    fn total(&self) -> u64 {
        self.shards.iter().map(|shard| shard.0.load(Ordering::Relaxed)).sum()
    }
}
// ANCHOR_END: sharded

/// The sharded counter without padding: neighbouring shards share a cache
/// line, so threads on different shards still fight over it (false sharing).
pub struct UnpaddedShardedCounter {
    shards: Box<[AtomicU64]>,
}

impl UnpaddedShardedCounter {
    /// A counter with `shards` adjacent, unpadded shards (at least one).
    pub fn new(shards: usize) -> Self {
        Self { shards: (0..shards.max(1)).map(|_| AtomicU64::new(0)).collect() }
    }
}

impl Counter for UnpaddedShardedCounter {
    fn add(&self, n: u64) {
        self.shards[thread_slot() % self.shards.len()].fetch_add(n, Ordering::Relaxed);
    }
    fn total(&self) -> u64 {
        self.shards.iter().map(|shard| shard.load(Ordering::Relaxed)).sum()
    }
}

// ANCHOR: shared
/// `threads` threads each add 1 to `counter`, `per_thread` times.
pub fn count_shared(counter: &impl Counter, threads: usize, per_thread: u64) -> u64 {
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..per_thread {
                    counter.add(1);
                }
            });
        }
    });
    counter.total()
}
// ANCHOR_END: shared

// ANCHOR: per_thread
/// Nothing shared while counting: each thread returns its own count.
pub fn count_per_thread(threads: usize, per_thread: u64) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut local = 0u64;
                    for _ in 0..per_thread {
                        // `black_box` stops the optimizer from turning the
                        // loop into `local = per_thread`.
                        local += black_box(1);
                    }
                    local
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).sum()
    })
}
// ANCHOR_END: per_thread

// ANCHOR: main
pub fn main() {
    let (threads, per_thread) = (4, 250_000);
    println!("Mutex<u64>:     {}", count_shared(&MutexCounter::default(), threads, per_thread));
    println!("AtomicU64:      {}", count_shared(&AtomicCounter::default(), threads, per_thread));
    println!("sharded:        {}", count_shared(&ShardedCounter::new(8), threads, per_thread));
    println!("per-thread sum: {}", count_per_thread(threads, per_thread));
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_counter_counts_every_add() {
        let expected = 4 * 10_000;
        assert_eq!(count_shared(&MutexCounter::default(), 4, 10_000), expected);
        assert_eq!(count_shared(&RwLockCounter::default(), 4, 10_000), expected);
        assert_eq!(count_shared(&ParkingLotCounter::default(), 4, 10_000), expected);
        assert_eq!(count_shared(&AtomicCounter::default(), 4, 10_000), expected);
        assert_eq!(count_shared(&ShardedCounter::new(3), 4, 10_000), expected);
        assert_eq!(count_shared(&UnpaddedShardedCounter::new(3), 4, 10_000), expected);
        assert_eq!(count_per_thread(4, 10_000), expected);
    }

    #[test]
    fn shards_live_on_separate_cache_lines() {
        assert_eq!(std::mem::align_of::<Shard>(), 128);
        assert_eq!(std::mem::size_of::<Shard>(), 128);
    }

    #[test]
    fn zero_shards_means_one() {
        let counter = ShardedCounter::new(0);
        counter.add(5);
        assert_eq!(counter.total(), 5);
    }
}
