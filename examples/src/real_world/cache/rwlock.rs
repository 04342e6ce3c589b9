//! The cache with an `RwLock`: many readers at once, one writer at a time.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::thread;

// ANCHOR: cache
pub struct Cache<K, V> {
    map: RwLock<HashMap<K, V>>,
}

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    pub fn new() -> Self {
        Cache { map: RwLock::new(HashMap::new()) }
    }

    /// Readers share the lock: many `get`s run at the same time.
    pub fn get(&self, key: &K) -> Option<V> {
        self.map.read().unwrap().get(key).cloned()
    }

    /// A writer has the map to itself.
    pub fn insert(&self, key: K, value: V) -> Option<V> {
        self.map.write().unwrap().insert(key, value)
    }
}
// ANCHOR_END: cache

impl<K: Eq + Hash, V: Clone> Default for Cache<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

pub fn main() {
    let cache = Cache::new();
    for i in 0..100 {
        cache.insert(i, i * i);
    }
    let hits = thread::scope(|s| {
        let readers: Vec<_> =
            (0..4).map(|_| s.spawn(|| (0..200).filter(|k| cache.get(k).is_some()).count())).collect();
        readers.into_iter().map(|r| r.join().unwrap()).sum::<usize>()
    });
    println!("4 readers, 200 lookups each: {hits} hits");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_see_what_writers_stored() {
        let cache = Cache::new();
        assert_eq!(cache.insert("a", 1), None);
        assert_eq!(cache.get(&"a"), Some(1));
        assert_eq!(cache.insert("a", 2), Some(1));
        assert_eq!(cache.get(&"a"), Some(2));
        assert_eq!(cache.get(&"b"), None);
    }

    #[test]
    fn two_readers_hold_the_lock_at_the_same_time() {
        // With a Mutex the second reader could not start while the first is
        // inside `read`; with an RwLock both hold read guards at once.
        let cache: Cache<u8, u8> = Cache::new();
        let first = cache.map.read().unwrap();
        assert!(cache.map.try_read().is_ok(), "a second reader was refused");
        drop(first);
    }
}
