//! A read-mostly cache behind an `RwLock`: lookups share the lock, inserts
//! take it exclusively.

use std::collections::HashMap;

#[cfg(loom)]
use ::loom::sync::RwLock;
#[cfg(not(loom))]
use std::sync::RwLock;

// ANCHOR: cache
/// A string cache that many threads read and few threads fill.
pub struct Cache {
    map: RwLock<HashMap<String, String>>,
}

impl Cache {
    pub fn new() -> Self {
        Cache { map: RwLock::new(HashMap::new()) }
    }

    /// Looks `key` up under a *read* lock: readers do not wait for each other.
    pub fn get(&self, key: &str) -> Option<String> {
        self.map.read().unwrap().get(key).cloned()
    }

    /// Returns the cached value, computing and storing it on a miss.
    pub fn get_or_insert_with(&self, key: &str, compute: impl FnOnce() -> String) -> String {
        if let Some(value) = self.get(key) {
            return value; // The fast path: a read lock only.
        }
        // Another thread may fill `key` between our read and this write, so
        // `entry` checks again under the write lock: `compute` runs once.
        let mut map = self.map.write().unwrap();
        map.entry(key.to_string()).or_insert_with(compute).clone()
    }
}
// ANCHOR_END: cache

impl Default for Cache {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: main
pub fn main() {
    let cache = Cache::new();
    let mut computed = 0;
    for key in ["alice", "bob", "alice", "alice", "bob"] {
        cache.get_or_insert_with(key, || {
            computed += 1;
            key.to_uppercase()
        });
    }
    println!("alice -> {:?}", cache.get("alice"));
    println!("carol -> {:?}", cache.get("carol"));
    println!("5 lookups, {computed} computed");
}
// ANCHOR_END: main

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;

    #[test]
    fn each_key_is_computed_once_across_threads() {
        let cache = Cache::new();
        let computed = AtomicUsize::new(0);
        thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for i in 0..50 {
                        let key = format!("k{}", i % 5);
                        let value = cache.get_or_insert_with(&key, || {
                            computed.fetch_add(1, Ordering::Relaxed);
                            key.repeat(2)
                        });
                        assert_eq!(value, key.repeat(2));
                    }
                });
            }
        });
        assert_eq!(computed.load(Ordering::Relaxed), 5);
    }

    #[test]
    fn miss_then_hit() {
        let cache = Cache::new();
        assert_eq!(cache.get("x"), None);
        assert_eq!(cache.get_or_insert_with("x", || "1".into()), "1");
        assert_eq!(cache.get_or_insert_with("x", || "2".into()), "1");
    }
}

/// Two threads miss on the same key at once: in every interleaving the
/// value is computed once and both see it.
#[cfg(all(test, loom))]
mod loom {
    use super::Cache;
    use ::loom::sync::Arc;
    use ::loom::sync::atomic::{AtomicUsize, Ordering};
    use ::loom::thread;

    #[test]
    fn concurrent_misses_compute_once() {
        ::loom::model(|| {
            let cache = Arc::new(Cache::new());
            let computed = Arc::new(AtomicUsize::new(0));
            let other = {
                let (cache, computed) = (Arc::clone(&cache), Arc::clone(&computed));
                thread::spawn(move || {
                    cache.get_or_insert_with("k", || {
                        computed.fetch_add(1, Ordering::Relaxed);
                        "v".to_string()
                    })
                })
            };
            let mine = cache.get_or_insert_with("k", || {
                computed.fetch_add(1, Ordering::Relaxed);
                "v".to_string()
            });
            assert_eq!(other.join().unwrap(), mine);
            assert_eq!(computed.load(Ordering::Relaxed), 1);
        });
    }
}
