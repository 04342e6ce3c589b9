//! The loom twin of the scheduler puzzle `src/puzzles/beyond-rwlock-1.toml`:
//! a lookup that holds the read guard of its `match` scrutinee through the
//! arms and asks for the write lock on a miss — an "upgrade" that waits for
//! its own read guard. loom and the puzzle's engine both find the deadlock
//! (`cargo xtask puzzles` checks they agree).

use std::collections::HashMap;
// `std::sync::Arc` even under loom: a deadlock found by loom unwinds every
// thread, and loom's own `Arc` panics when dropped during that unwinding.
use std::sync::Arc;

#[cfg(loom)]
use ::loom::{sync::RwLock, thread};
#[cfg(not(loom))]
use std::{sync::RwLock, thread};

/// A map of one value type.
pub type Map = RwLock<HashMap<&'static str, u32>>;

/// The cached value, computed and stored on a miss — under the read guard.
pub fn lookup(cache: &Map, key: &'static str) -> u32 {
    match cache.read().unwrap().get(key) {
        Some(value) => *value,
        None => {
            let value = 42; // compute it
            cache.write().unwrap().insert(key, value); // waits for our own read guard
            value
        }
    }
}

/// Stores the value, as another part of the program might.
pub fn fill(cache: &Map, key: &'static str) {
    cache.write().unwrap().insert(key, 42);
}

/// The puzzle: `a` looks the key up while `b` fills it.
pub fn run() {
    let cache: Arc<Map> = Arc::new(RwLock::new(HashMap::new()));
    let a = {
        let cache = Arc::clone(&cache);
        thread::spawn(move || lookup(&cache, "answer"))
    };
    let b = {
        let cache = Arc::clone(&cache);
        thread::spawn(move || fill(&cache, "answer"))
    };
    assert_eq!(a.join().unwrap(), 42);
    b.join().unwrap();
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_hit_needs_no_write_lock() {
        let cache: Map = RwLock::new(HashMap::new());
        fill(&cache, "answer");
        assert_eq!(lookup(&cache, "answer"), 42);
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    #[should_panic(expected = "deadlock")]
    fn a_miss_waits_for_its_own_read_guard() {
        ::loom::model(super::run);
    }
}
