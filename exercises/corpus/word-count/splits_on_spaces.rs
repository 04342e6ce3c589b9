//! Splits on single spaces, so runs of spaces count as empty words.
//! expect: split_whitespace

use std::collections::HashMap;

use crate::sync::Mutex;
use crate::sync::thread;

pub fn count_into(counts: &Mutex<HashMap<String, usize>>, document: &str) {
    for word in document.split(' ') {
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
    });
    counts.into_inner().unwrap()
}
