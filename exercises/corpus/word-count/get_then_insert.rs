//! Reads a word's count under one lock and inserts count + 1 under another.
//! expect: lost updates

use std::collections::HashMap;

use crate::sync::Mutex;
use crate::sync::thread;

pub fn count_into(counts: &Mutex<HashMap<String, usize>>, document: &str) {
    for word in document.split_whitespace() {
        let word = word.to_lowercase();
        let seen = counts.lock().unwrap().get(&word).copied().unwrap_or(0);
        counts.lock().unwrap().insert(word, seen + 1);
    }
}

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
