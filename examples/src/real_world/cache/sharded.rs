//! The cache split into shards, each its own `Mutex<HashMap>`: threads that
//! touch different keys mostly take different locks.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::Mutex;
use std::thread;

// ANCHOR: cache
pub struct ShardedCache<K, V> {
    shards: Box<[Mutex<HashMap<K, V>>]>,
    hasher: RandomState,
}

impl<K: Eq + Hash, V: Clone> ShardedCache<K, V> {
    pub fn new(shards: usize) -> Self {
        let shards = (0..shards.max(1)).map(|_| Mutex::new(HashMap::new())).collect();
        ShardedCache { shards, hasher: RandomState::new() }
    }

    /// The one shard a key can live in: same key, same shard, every time.
    fn shard(&self, key: &K) -> &Mutex<HashMap<K, V>> {
        let hash = self.hasher.hash_one(key);
        &self.shards[(hash % self.shards.len() as u64) as usize]
    }

    pub fn get(&self, key: &K) -> Option<V> {
        self.shard(key).lock().unwrap().get(key).cloned()
    }

    pub fn insert(&self, key: K, value: V) -> Option<V> {
        self.shard(&key).lock().unwrap().insert(key, value)
    }

    /// Every shard, one at a time: not a snapshot if writers are busy.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|shard| shard.lock().unwrap().len()).sum()
    }
}
// ANCHOR_END: cache

impl<K: Eq + Hash, V: Clone> ShardedCache<K, V> {
    /// Whether every shard is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub fn main() {
    let cache = ShardedCache::new(16);
    thread::scope(|s| {
        for t in 0..4 {
            let cache = &cache;
            s.spawn(move || {
                for i in 0..250 {
                    cache.insert(t * 1000 + i, i);
                }
            });
        }
    });
    println!("entries: {}, key 3249 -> {:?}", cache.len(), cache.get(&3249));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_in_their_shard() {
        let cache = ShardedCache::new(8);
        for i in 0..1000 {
            cache.insert(i, i * 2);
        }
        assert_eq!(cache.len(), 1000);
        assert!((0..1000).all(|i| cache.get(&i) == Some(i * 2)));
        // The keys really are spread: no shard holds them all.
        assert!(cache.shards.iter().all(|s| s.lock().unwrap().len() < 1000));
    }

    #[test]
    fn one_shard_still_works() {
        let cache = ShardedCache::new(0);
        cache.insert("a", 1);
        assert_eq!(cache.get(&"a"), Some(1));
        assert!(!cache.is_empty());
    }

    #[test]
    fn a_locked_shard_does_not_block_the_others() {
        let cache = ShardedCache::new(2);
        for i in 0..100 {
            cache.insert(i, i);
        }
        let held = cache.shard(&0).lock().unwrap();
        // Some key lives in the other shard and is reachable while shard 0's lock is held.
        let other = (0..100).find(|k| !std::ptr::eq(cache.shard(k), cache.shard(&0))).unwrap();
        assert!(cache.shard(&other).try_lock().is_ok());
        drop(held);
    }
}
