//! `add` holds the guard and calls `get`, which locks again.
//! expect: already holds

use crate::sync::{Arc, Mutex, MutexGuard};
use std::collections::HashMap;

/// A shared score board: names to scores. Cloning a `Store` gives another
/// handle to the *same* scores, so you can move clones into threads.
///
/// Every method returns owned values: no guard and no reference into the map
/// ever leaves the type, so a caller cannot forget to lock or hold the lock
/// too long.
#[derive(Clone, Default)]
pub struct Store {
    scores: Arc<Mutex<HashMap<String, i64>>>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The one place that locks. Private: the guard never leaves the type.
    fn scores(&self) -> MutexGuard<'_, HashMap<String, i64>> {
        self.scores.lock().unwrap()
    }

    /// Sets `name`'s score, returning the previous one.
    pub fn set(&self, name: &str, score: i64) -> Option<i64> {
        self.scores().insert(name.to_string(), score)
    }

    /// `name`'s score, if it has one.
    pub fn get(&self, name: &str) -> Option<i64> {
        self.scores().get(name).copied()
    }

    /// Adds `delta` to `name`'s score (a missing name starts at 0) and returns
    /// the new score. Two threads adding at once must both count.
    pub fn add(&self, name: &str, delta: i64) -> i64 {
        let mut scores = self.scores();
        let new = self.get(name).unwrap_or(0) + delta;
        scores.insert(name.to_string(), new);
        new
    }

    /// Removes `name`, returning its score.
    pub fn remove(&self, name: &str) -> Option<i64> {
        self.scores().remove(name)
    }

    /// How many names have a score.
    pub fn len(&self) -> usize {
        self.scores().len()
    }

    /// Whether no name has a score.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A copy of every score, sorted by name: the caller may keep it as long
    /// as it likes without holding anything.
    pub fn snapshot(&self) -> Vec<(String, i64)> {
        // Copy under the lock; sort after the guard (a temporary) is gone.
        let mut entries: Vec<(String, i64)> =
            self.scores().iter().map(|(name, score)| (name.clone(), *score)).collect();
        entries.sort();
        entries
    }
}
