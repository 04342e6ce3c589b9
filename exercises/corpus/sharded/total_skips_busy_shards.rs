//! `total` skips any shard another thread is holding (`try_lock`).
//! expect: skipped or miscounted a shard

use crate::sync::Mutex;
use std::collections::HashMap;

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
        // FNV-1a: a few cycles per byte. The shard's HashMap hashes the key
        // again (with SipHash), so a second SipHash here would cost more than
        // the contention we are trying to save.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in key.bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        // One FNV round leaves keys that differ in a byte's high bits ("a",
        // "q", "A", "Q") alike in the hash's low bits *and* its high bits.
        // Multiplying by 2^64 / φ spreads every bit into the high ones
        // (Fibonacci hashing); the multiply-shift then keeps those high bits,
        // for any number of shards.
        let mixed = hash.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        ((u128::from(mixed) * self.shards.len() as u128) >> 64) as usize
    }

    /// Adds one to `key`'s count, locking only `key`'s shard.
    pub fn increment(&self, key: &str) {
        let mut shard = self.shards[self.shard_of(key)].counts.lock().unwrap();
        // Allocate the `String` only the first time a key is seen.
        match shard.get_mut(key) {
            Some(count) => *count += 1,
            None => {
                shard.insert(key.to_string(), 1);
            }
        }
    }

    /// `key`'s count (0 if never incremented).
    pub fn get(&self, key: &str) -> u64 {
        self.shards[self.shard_of(key)].counts.lock().unwrap().get(key).copied().unwrap_or(0)
    }

    /// The sum of all counts.
    pub fn total(&self) -> u64 {
        // One shard at a time: never two locks at once, so no lock order to get wrong.
        self.shards
            .iter()
            .filter_map(|shard| shard.counts.try_lock().ok().map(|counts| counts.values().sum::<u64>()))
            .sum()
    }
}
