//! Reference solution for exercise `word-count`.

use crate::sync::Mutex;
use crate::sync::thread;
use std::collections::HashMap;

// ANCHOR: solution
/// Adds the words of `document` to the shared `counts`. Words are separated
/// by whitespace and counted in lowercase ("The" and "the" are one word).
/// Many threads call this at once with the same `counts`: no count may be lost.
pub fn count_into(counts: &Mutex<HashMap<String, usize>>, document: &str) {
    for word in document.split_whitespace() {
        let word = word.to_lowercase(); // Work that needs no lock, done outside it.
        // Read and write the entry in one critical section.
        *counts.lock().unwrap().entry(word).or_insert(0) += 1;
    }
}

/// Counts the words of all `documents`, one thread per document, every thread
/// calling [`count_into`] on one shared map. Returns the totals.
pub fn count_words(documents: &[&str]) -> HashMap<String, usize> {
    let counts = Mutex::new(HashMap::new());
    thread::scope(|s| {
        for document in documents {
            let counts = &counts;
            s.spawn(move || count_into(counts, document));
        }
    });
    counts.into_inner().unwrap()
}
// ANCHOR_END: solution
