//! The loom twin of the scheduler puzzle `src/puzzles/real-world-cache-1.toml`:
//! `get_or_insert_with` that computes outside the lock, as on the page, but
//! stores with `insert` instead of `entry(…).or_insert(…)`. Two callers that
//! both miss can both insert, and get different values for the same key.
//! loom and the puzzle's engine both find that schedule (`cargo xtask
//! puzzles` checks they agree).

use std::collections::HashMap;

#[cfg(loom)]
use ::loom::{
    sync::{Arc, Mutex},
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::{Arc, Mutex},
    thread,
};

/// The page's cache, cut down to one value type.
#[derive(Default)]
pub struct Cache {
    map: Mutex<HashMap<&'static str, u32>>,
}

impl Cache {
    /// A copy of the value: the lock is released before this returns.
    pub fn get(&self, key: &str) -> Option<u32> {
        self.map.lock().unwrap().get(key).copied()
    }

    /// Stores `value`, replacing whatever is there.
    pub fn insert(&self, key: &'static str, value: u32) {
        self.map.lock().unwrap().insert(key, value);
    }
}

/// Check, then act, in two lock scopes: the value may change in between.
pub fn get_or_insert_with(cache: &Cache, key: &'static str, make: impl FnOnce() -> u32) -> u32 {
    if let Some(value) = cache.get(key) {
        return value;
    }
    let value = make();
    cache.insert(key, value);
    value
}

/// The puzzle: `a` computes 1 and `b` computes 2 for the same key.
pub fn run() {
    let cache = Arc::new(Cache::default());
    let a = {
        let cache = Arc::clone(&cache);
        thread::spawn(move || get_or_insert_with(&cache, "answer", || 1))
    };
    let b = {
        let cache = Arc::clone(&cache);
        thread::spawn(move || get_or_insert_with(&cache, "answer", || 2))
    };
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    assert_eq!(a, b, "the callers got different values");
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn the_second_caller_gets_the_cached_value() {
        let cache = Cache::default();
        assert_eq!(get_or_insert_with(&cache, "answer", || 1), 1);
        assert_eq!(get_or_insert_with(&cache, "answer", || 2), 1);
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    #[should_panic(expected = "the callers got different values")]
    fn two_misses_can_both_insert() {
        ::loom::model(super::run);
    }
}
