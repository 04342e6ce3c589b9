//! Exercise `sharded` (hard): split one hot lock into shards.
//!
//! Chapter: Correctness or throughput? (`src/real-world/throughput.md`).
//! Check your work with `cargo xtask exercises sharded`, then measure it with
//! `cargo run --release -p exercises --example sharded_bench`.

use crate::sync::Mutex;
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

// ANCHOR: api
/// Counts hits per key, like a `Mutex<HashMap<String, u64>>`, but split into
/// shards: each key lives in one shard, chosen by its hash, and each shard
/// has its own lock. Threads touching keys in different shards never wait
/// for each other.
pub struct ShardedCounter {
    shards: Vec<Shard>,
}

/// One shard, aligned to 128 bytes so that no two shards' locks share a
/// cache line: otherwise threads working on *different* shards would still
/// slow each other down, fighting over one line (false sharing). Lines are
/// 64 bytes on most x86-64 and aarch64 chips, but x86-64 fetches them in
/// adjacent pairs and big aarch64 cores use 128-byte lines, so 128 is the
/// safe distance (crossbeam's `CachePadded` uses it on both).
#[repr(align(128))]
struct Shard {
    counts: Mutex<HashMap<String, u64>>,
}

impl ShardedCounter {
    /// A counter with `shards` shards (at least one).
    pub fn new(shards: usize) -> Self {
        assert!(shards > 0, "a sharded counter needs at least one shard");
        ShardedCounter { shards: (0..shards).map(|_| Shard { counts: Mutex::new(HashMap::new()) }).collect() }
    }

    /// How many shards there are.
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    /// The shard that holds `key`: the same key always maps to the same
    /// shard, and keys spread over all of them.
    pub fn shard_of(&self, key: &str) -> usize {
        // TODO: hash `key` (`DefaultHasher`, `Hash::hash`, `Hasher::finish`)
        // and reduce it modulo the number of shards. Correct first; a cheaper
        // hash is the speed step (see the hints and the bench).
        todo!("hash the key, modulo shard_count")
    }

    /// Adds one to `key`'s count, locking only `key`'s shard.
    pub fn increment(&self, key: &str) {
        todo!("lock only shards[shard_of(key)].counts and add one")
    }

    /// `key`'s count (0 if never incremented).
    pub fn get(&self, key: &str) -> u64 {
        todo!("look in key's shard only")
    }

    /// The sum of all counts.
    pub fn total(&self) -> u64 {
        // TODO: lock one shard at a time and add up its counts.
        todo!("sum every shard")
    }
}
// ANCHOR_END: api
