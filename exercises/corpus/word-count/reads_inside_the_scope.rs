//! Copies the map out inside the scope, before the threads have finished.
//! expect: join

use std::collections::HashMap;

use crate::sync::Mutex;
use crate::sync::thread;

pub fn count_into(counts: &Mutex<HashMap<String, usize>>, document: &str) {
    for word in document.split_whitespace() {
        let word = word.to_lowercase();
        *counts.lock().unwrap().entry(word).or_insert(0) += 1;
    }
}

pub fn count_words(documents: &[&str]) -> HashMap<String, usize> {
    let counts = Mutex::new(HashMap::new());
    thread::scope(|s| {
        for document in documents {
            let counts = &counts;
            s.spawn(move || count_into(counts, document));
        }
        let copy = counts.lock().unwrap().clone();
        copy
    })
}
