//! The loom twin of the scheduler puzzle `src/puzzles/real-world-cache-2.toml`:
//! the page's `get_or_insert_with`, whose last step is
//! `entry(key).or_insert(value)`: it checks again under the lock, so the
//! first value stored wins and every caller gets it. loom and the puzzle's
//! engine both find no schedule where the callers disagree (`cargo xtask
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
}

/// Computes outside the lock; the first value stored wins.
pub fn get_or_insert_with(cache: &Cache, key: &'static str, make: impl FnOnce() -> u32) -> u32 {
    if let Some(value) = cache.get(key) {
        return value;
    }
    let value = make();
    *cache.map.lock().unwrap().entry(key).or_insert(value)
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
    #[test]
    fn the_callers_always_agree() {
        // Safe on every schedule, so any run must pass.
        for _ in 0..100 {
            super::run();
        }
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    fn the_first_value_stored_wins_for_everyone() {
        ::loom::model(super::run);
    }
}
