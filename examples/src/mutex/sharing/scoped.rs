//! `thread::scope`: threads that finish inside the function may borrow.

use std::collections::HashMap;
use std::sync::Mutex;
use std::thread;

// ANCHOR: scoped
/// Counts words across `texts`, one scoped thread per text, into one map.
pub fn word_counts(texts: &[&str]) -> HashMap<String, usize> {
    let counts = Mutex::new(HashMap::new()); // on this function's stack

    thread::scope(|s| {
        for text in texts {
            s.spawn(|| {
                for word in text.split_whitespace() {
                    *counts.lock().unwrap().entry(word.to_lowercase()).or_insert(0) += 1;
                }
            });
        }
    });

    counts.into_inner().unwrap()
}

pub fn main() {
    let counts = word_counts(&["the lock and the key", "The guard is the key"]);
    let mut words: Vec<_> = counts.into_iter().collect();
    words.sort();
    println!("{words:?}");
}
// ANCHOR_END: scoped

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_across_all_texts() {
        let counts = word_counts(&["a b a", "A c", ""]);
        assert_eq!(counts["a"], 3);
        assert_eq!(counts["b"], 1);
        assert_eq!(counts["c"], 1);
        assert_eq!(counts.len(), 3);
    }
}
