//! Exercise `word-count` (medium): threads update one shared `HashMap`.
//!
//! Chapter: Lost updates (`src/shared-state/lost-updates.md`); see also
//! The shared counter (`src/shared-state/counter.md`).
//! Check your work with `cargo xtask exercises word-count`.

use crate::sync::Mutex;
use crate::sync::thread;
use std::collections::HashMap;

// ANCHOR: api
/// Adds the words of `document` to the shared `counts`. Words are separated
/// by whitespace and counted in lowercase ("The" and "the" are one word).
/// Many threads call this at once with the same `counts`: no count may be lost.
pub fn count_into(counts: &Mutex<HashMap<String, usize>>, document: &str) {
    // TODO: for each word of `document` (`split_whitespace`, `to_lowercase`),
    // add one to its entry in the map. Read and write an entry under the
    // *same* lock: reading a count in one critical section and writing it
    // back in another loses updates.
    todo!("add each word of the document to the shared map")
}

/// Counts the words of all `documents`, one thread per document, every thread
/// calling [`count_into`] on one shared map. Returns the totals.
pub fn count_words(documents: &[&str]) -> HashMap<String, usize> {
    // TODO: create the shared `Mutex<HashMap<…>>`, start one thread per
    // document (`thread::scope` lets them borrow it), then take the map out.
    todo!("one thread per document, one shared map")
}
// ANCHOR_END: api
