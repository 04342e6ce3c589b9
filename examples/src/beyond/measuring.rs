//! `src/beyond/measuring.md`: the cache workloads of `cargo xtask bench caches`.
//!
//! Four maps from `u64` to `u64` that many threads read and write — one
//! `Mutex<HashMap>`, one `RwLock<HashMap>`, a map split into cache-line-padded
//! `Mutex<HashMap>` shards, and `dashmap::DashMap` — each driven with three
//! read/write mixes. Every run checks its own result, so a benchmark can never
//! report the speed of a wrong answer.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::hint::black_box;
use std::sync::{Barrier, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use dashmap::DashMap;

use crate::real_world::throughput::workload::{Workload, share};

/// Distinct keys in every map; all of them are present before the clock starts.
pub const KEYS: u64 = 4096;

/// A map many threads use through a shared reference.
pub trait SharedMap: Sync {
    /// The value stored under `key`, if any.
    fn get(&self, key: u64) -> Option<u64>;
    /// Stores `value` under `key`.
    fn insert(&self, key: u64, value: u64);
    /// How many keys are stored.
    fn len(&self) -> usize;
    /// Whether no key is stored.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One lock for the whole map: readers exclude each other too.
#[derive(Default)]
pub struct MutexMap(Mutex<HashMap<u64, u64>>);

impl SharedMap for MutexMap {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.lock().unwrap().get(&key).copied()
    }
    fn insert(&self, key: u64, value: u64) {
        self.0.lock().unwrap().insert(key, value);
    }
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

/// Readers share the lock; a writer excludes everybody.
#[derive(Default)]
pub struct RwLockMap(RwLock<HashMap<u64, u64>>);

impl SharedMap for RwLockMap {
    fn get(&self, key: u64) -> Option<u64> {
        self.0.read().unwrap().get(&key).copied()
    }
    fn insert(&self, key: u64, value: u64) {
        self.0.write().unwrap().insert(key, value);
    }
    fn len(&self) -> usize {
        self.0.read().unwrap().len()
    }
}

// ANCHOR: sharded
/// A shard on cache lines of its own, so that two threads locking two
/// different shards do not fight over the line that holds both locks.
#[repr(align(128))]
#[derive(Default)]
struct Shard(Mutex<HashMap<u64, u64>>);

/// Keys spread over many `Mutex<HashMap>`s by hash.
pub struct ShardedMap {
    shards: Box<[Shard]>,
    hasher: RandomState,
}

impl ShardedMap {
    /// A map with `shards` shards (at least one).
    pub fn new(shards: usize) -> Self {
        let shards = (0..shards.max(1)).map(|_| Shard::default()).collect();
        ShardedMap { shards, hasher: RandomState::new() }
    }

    fn shard(&self, key: u64) -> &Mutex<HashMap<u64, u64>> {
        let hash = self.hasher.hash_one(key);
        &self.shards[(hash % self.shards.len() as u64) as usize].0
    }
}
// ANCHOR_END: sharded

impl SharedMap for ShardedMap {
    fn get(&self, key: u64) -> Option<u64> {
        self.shard(key).lock().unwrap().get(&key).copied()
    }
    fn insert(&self, key: u64, value: u64) {
        self.shard(key).lock().unwrap().insert(key, value);
    }
    fn len(&self) -> usize {
        self.shards.iter().map(|shard| shard.0.lock().unwrap().len()).sum()
    }
}

/// dashmap: shards of `RwLock<HashMap>` behind a map-like API.
#[derive(Default)]
pub struct Dash(DashMap<u64, u64>);

impl SharedMap for Dash {
    fn get(&self, key: u64) -> Option<u64> {
        // Copy the value out so the shard's read guard drops right here.
        self.0.get(&key).map(|entry| *entry)
    }
    fn insert(&self, key: u64, value: u64) {
        self.0.insert(key, value);
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Shards of the sharded map: more than the benchmark's threads.
const SHARDS: usize = 16;

/// A tiny deterministic pseudo-random generator (xorshift64*): the same
/// sequence of keys and operations on every run, and far cheaper than a map
/// operation, so it does not hide the cost being measured.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// What one thread did, for the correctness check.
#[derive(Default, Debug, PartialEq)]
struct Tally {
    reads: u64,
    hits: u64,
    writes: u64,
}

// ANCHOR: timed_mix
/// `total_ops` operations on `threads` threads, `read_percent` % of them
/// `get`s and the rest `insert`s, on random keys of a prefilled map. Every
/// value ever stored under `key` is `key + KEYS * n`, so a read that finds
/// anything else — or finds nothing — is a bug, and the run panics.
pub fn timed_mix(map: &impl SharedMap, read_percent: u64, threads: usize, total_ops: u64) -> Duration {
    for key in 0..KEYS {
        map.insert(key, key);
    }
    let start = Barrier::new(threads + 1);
    let (elapsed, tallies) = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let start = &start;
                s.spawn(move || {
                    let mut rng = Rng::new(i as u64 + 1);
                    let mut tally = Tally::default();
                    let ops = share(total_ops, threads, i);
                    start.wait();
                    for _ in 0..ops {
                        let r = rng.next();
                        let key = r % KEYS;
                        if (r >> 32) % 100 < read_percent {
                            tally.reads += 1;
                            if let Some(value) = map.get(black_box(key)) {
                                assert_eq!(value % KEYS, key, "a read saw another key's value");
                                tally.hits += 1;
                            }
                        } else {
                            tally.writes += 1;
                            map.insert(key, key + KEYS * (r >> 52));
                        }
                    }
                    tally
                })
            })
            .collect();
        start.wait();
        let clock = Instant::now();
        let tallies: Vec<Tally> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        (clock.elapsed(), tallies)
    });
    let reads: u64 = tallies.iter().map(|t| t.reads).sum();
    let hits: u64 = tallies.iter().map(|t| t.hits).sum();
    let writes: u64 = tallies.iter().map(|t| t.writes).sum();
    assert_eq!(reads + writes, total_ops, "operations went missing");
    assert_eq!(hits, reads, "a prefilled key was not found");
    assert_eq!(map.len() as u64, KEYS, "the map gained or lost keys");
    elapsed
}
// ANCHOR_END: timed_mix

macro_rules! cache_workloads {
    ($($key:literal, $label:literal, $facet:literal, $reads:literal, $map:expr;)*) => {
        &[$(Workload { key: $key, label: $label, facet: $facet, run: |t, n| timed_mix(&$map, $reads, t, n) },)*]
    };
}

/// The cache group: four maps × three read/write mixes, in plot order.
pub const CACHES: &[Workload] = cache_workloads! {
    "mutex_r100", "Mutex<HashMap>", "100% reads", 100, MutexMap::default();
    "rwlock_r100", "RwLock<HashMap>", "100% reads", 100, RwLockMap::default();
    "sharded_r100", "sharded (16, padded)", "100% reads", 100, ShardedMap::new(SHARDS);
    "dashmap_r100", "DashMap", "100% reads", 100, Dash::default();
    "mutex_r90", "Mutex<HashMap>", "90% reads, 10% writes", 90, MutexMap::default();
    "rwlock_r90", "RwLock<HashMap>", "90% reads, 10% writes", 90, RwLockMap::default();
    "sharded_r90", "sharded (16, padded)", "90% reads, 10% writes", 90, ShardedMap::new(SHARDS);
    "dashmap_r90", "DashMap", "90% reads, 10% writes", 90, Dash::default();
    "mutex_r50", "Mutex<HashMap>", "50% reads, 50% writes", 50, MutexMap::default();
    "rwlock_r50", "RwLock<HashMap>", "50% reads, 50% writes", 50, RwLockMap::default();
    "sharded_r50", "sharded (16, padded)", "50% reads, 50% writes", 50, ShardedMap::new(SHARDS);
    "dashmap_r50", "DashMap", "50% reads, 50% writes", 50, Dash::default();
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cache_workload_runs_and_checks_itself() {
        // Each run asserts its own tallies; a wrong map panics here.
        for workload in CACHES {
            for threads in [1, 3] {
                (workload.run)(threads, 20_001);
            }
        }
    }

    #[test]
    fn the_check_catches_a_map_that_loses_writes() {
        /// Silently drops every key divisible by 7, so the prefill is
        /// incomplete: reads of those keys miss and the run must panic.
        #[derive(Default)]
        struct Leaky(Mutex<HashMap<u64, u64>>);
        impl SharedMap for Leaky {
            fn get(&self, key: u64) -> Option<u64> {
                self.0.lock().unwrap().get(&key).copied()
            }
            fn insert(&self, key: u64, value: u64) {
                if !key.is_multiple_of(7) {
                    self.0.lock().unwrap().insert(key, value);
                }
            }
            fn len(&self) -> usize {
                self.0.lock().unwrap().len()
            }
        }
        let result = std::panic::catch_unwind(|| timed_mix(&Leaky::default(), 90, 2, 10_000));
        assert!(result.is_err(), "a map that loses keys passed the check");
    }

    #[test]
    fn mixes_have_the_read_share_they_claim() {
        let mut rng = Rng::new(1);
        let reads = (0..100_000).filter(|_| (rng.next() >> 32) % 100 < 90).count();
        assert!((89_000..91_000).contains(&reads), "{reads} reads of 100000");
    }

    #[test]
    fn shards_do_not_share_cache_lines() {
        assert_eq!(std::mem::align_of::<Shard>(), 128);
        assert_eq!(std::mem::size_of::<Shard>() % 128, 0);
    }
}
