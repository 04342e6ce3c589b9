//! Exercise `store` (hard): a thread-safe type that owns its lock and never
//! lets its data escape.
//!
//! Chapter: An in-memory cache (`src/real-world/cache.md`); see also
//! Sharing a mutex (`src/mutex/sharing.md`).
//! Check your work with `cargo xtask exercises store`.

use crate::sync::{Arc, Mutex};
use std::collections::HashMap;

// ANCHOR: api
/// A shared score board: names to scores. Cloning a `Store` gives another
/// handle to the *same* scores, so you can move clones into threads.
///
/// Every method returns owned values: no guard and no reference into the map
/// ever leaves the type, so a caller cannot forget to lock or hold the lock
/// too long.
#[derive(Clone, Default)]
pub struct Store {
    // TODO: choose the fields. The scores must be shared by every clone and
    // reachable only through a lock.
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        todo!("create the shared, locked map")
    }

    /// Sets `name`'s score, returning the previous one.
    pub fn set(&self, name: &str, score: i64) -> Option<i64> {
        todo!("insert under the lock")
    }

    /// `name`'s score, if it has one.
    pub fn get(&self, name: &str) -> Option<i64> {
        todo!("copy the score out; return no reference into the map")
    }

    /// Adds `delta` to `name`'s score (a missing name starts at 0) and returns
    /// the new score. Two threads adding at once must both count.
    pub fn add(&self, name: &str, delta: i64) -> i64 {
        // TODO: read and write in ONE critical section. `get` then `set` would
        // be two, and another thread can slip in between.
        todo!("read-modify-write under one lock")
    }

    /// Removes `name`, returning its score.
    pub fn remove(&self, name: &str) -> Option<i64> {
        todo!("remove under the lock")
    }

    /// How many names have a score.
    pub fn len(&self) -> usize {
        todo!("the map's length")
    }

    /// Whether no name has a score.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A copy of every score, sorted by name: the caller may keep it as long
    /// as it likes without holding anything.
    pub fn snapshot(&self) -> Vec<(String, i64)> {
        todo!("clone the entries out, sort them, then return them")
    }
}
// ANCHOR_END: api
