//! A `Cache<K, V>` that owns its `Mutex<HashMap<K, V>>` and never lets it out.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

#[cfg(loom)]
use ::loom::sync::Mutex;
#[cfg(not(loom))]
use std::sync::Mutex;

// ANCHOR: cache
/// A map many threads can share (`&Cache` or `Arc<Cache>`). The lock is a
/// private detail: callers only see methods.
pub struct Cache<K, V> {
    map: Mutex<HashMap<K, V>>,
}

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    pub fn new() -> Self {
        Cache { map: Mutex::new(HashMap::new()) }
    }

    /// A copy of the value: the lock is released before this returns.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.map.lock().unwrap().get(key).cloned()
    }

    /// Stores `value`, returning the value it replaced.
    pub fn insert(&self, key: K, value: V) -> Option<V> {
        self.map.lock().unwrap().insert(key, value)
    }
}
// ANCHOR_END: cache

// ANCHOR: get_or_insert_with
impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    /// The cached value for `key`, computing it with `make` if it is missing.
    /// `make` runs *without* the lock, so other threads keep using the cache
    /// meanwhile — and two threads may both compute the same key. The first
    /// value stored wins; every caller gets that one.
    pub fn get_or_insert_with(&self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some(value) = self.get(&key) {
            return value;
        } // Unlocked here: `get` returned a copy.
        let value = make();
        self.map.lock().unwrap().entry(key).or_insert(value).clone()
    }
}
// ANCHOR_END: get_or_insert_with

impl<K: Eq + Hash, V: Clone> Cache<K, V> {
    /// How many entries the cache holds.
    pub fn len(&self) -> usize {
        self.map.lock().unwrap().len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<K: Eq + Hash, V: Clone> Default for Cache<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: main
pub fn main() {
    let cache = Cache::new();
    cache.insert("base", 40);
    // The computation reads the cache itself. Were the lock held while
    // computing, this call would never return.
    let answer = cache.get_or_insert_with("answer", || cache.get("base").unwrap() + 2);
    let again = cache.get_or_insert_with("answer", || unreachable!("already cached"));
    println!("answer = {answer}, again = {again}, entries = {}", cache.len());
}
// ANCHOR_END: main

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    /// Runs `f` on its own thread and fails the test if it has not finished
    /// after `secs` seconds: a held lock shows up as a failure, not a hang.
    fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || tx.send(f()));
        rx.recv_timeout(Duration::from_secs(secs))
            .unwrap_or_else(|_| panic!("did not finish in {secs} s — {what}"))
    }

    #[test]
    fn get_returns_copies_and_insert_replaces() {
        let cache = Cache::new();
        assert_eq!(cache.get("k"), None::<String>);
        assert_eq!(cache.insert("k".to_string(), "v1".to_string()), None);
        assert_eq!(cache.insert("k".to_string(), "v2".to_string()), Some("v1".to_string()));
        assert_eq!(cache.get("k"), Some("v2".to_string()));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn the_computation_may_use_the_cache() {
        let answer = within(5, "the lock is held while computing", || {
            let cache = Cache::new();
            cache.insert("base", 40);
            cache.get_or_insert_with("answer", || cache.get("base").unwrap() + 2)
        });
        assert_eq!(answer, 42);
    }

    #[test]
    fn two_threads_compute_the_same_key_at_once_and_agree() {
        let (results, computed) = within(5, "the lock is held while computing", || {
            let cache = Cache::new();
            let computed = AtomicUsize::new(0);
            // Both computations must be running at the same time to pass
            // this barrier: impossible if `make` ran under the lock.
            let both_computing = Barrier::new(2);
            let results: Vec<u32> = thread::scope(|s| {
                let handles: Vec<_> = [1, 2]
                    .map(|value| {
                        let (cache, computed, both_computing) = (&cache, &computed, &both_computing);
                        s.spawn(move || {
                            cache.get_or_insert_with("key", || {
                                computed.fetch_add(1, Ordering::Relaxed);
                                both_computing.wait();
                                value
                            })
                        })
                    })
                    .into_iter()
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            (results, computed.into_inner())
        });
        // Duplicate work: both threads computed. Same answer: the first insert won.
        assert_eq!(computed, 2);
        assert_eq!(results[0], results[1]);
        assert!(results[0] == 1 || results[0] == 2);
    }
}

/// Loom: whatever the interleaving, two threads racing to fill the same key
/// end up agreeing with each other and with the cache.
#[cfg(all(test, loom))]
mod loom {
    use super::Cache;
    use ::loom::sync::Arc;
    use ::loom::thread;

    #[test]
    fn racing_get_or_insert_with_agree() {
        ::loom::model(|| {
            let cache = Arc::new(Cache::new());
            let other = Arc::clone(&cache);
            let first = thread::spawn(move || other.get_or_insert_with("key", || 1));
            let second = cache.get_or_insert_with("key", || 2);
            let first = first.join().unwrap();
            assert_eq!(first, second);
            assert_eq!(cache.get("key"), Some(first));
            assert_eq!(cache.len(), 1);
        });
    }
}
