//! Tests for exercise `word-count`.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;

use common::{assert_total, within};
use exercises::word_count::{count_into, count_words};

fn get(counts: &HashMap<String, usize>, word: &str) -> u64 {
    counts.get(word).copied().unwrap_or(0) as u64
}

#[test]
fn one_document_is_counted_in_lowercase() {
    let counts = within("count_words", || count_words(&["The cat and the hat", "THE end"]));
    assert_total("count of \"the\"", 3u64, get(&counts, "the"));
    assert_total("count of \"cat\"", 1u64, get(&counts, "cat"));
    assert_total("count of \"end\"", 1u64, get(&counts, "end"));
    assert_eq!(counts.len(), 5, "distinct words in {counts:?}: expected the, cat, and, hat, end");
}

#[test]
fn no_documents_no_words() {
    let counts = within("count_words(&[])", || count_words(&[]));
    assert!(counts.is_empty(), "expected an empty map, got {counts:?}");
    let counts = within("count_words(&[\"   \"])", || count_words(&["   ", ""]));
    assert!(counts.is_empty(), "whitespace holds no words, got {counts:?}");
}

#[test]
fn many_documents_give_exact_totals() {
    let documents = vec!["red green red"; 64];
    let counts = within("count_words(64 documents)", move || count_words(&documents));
    assert_total("count of \"red\"", 128u64, get(&counts, "red"));
    assert_total("count of \"green\"", 64u64, get(&counts, "green"));
}

#[test]
fn concurrent_count_into_loses_no_update() {
    // Eight threads start together and hammer the same few words.
    let totals = within("8 threads calling count_into", || {
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let start = Arc::new(Barrier::new(8));
        let document = "a b a c a b ".repeat(500);
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (counts, start, document) = (Arc::clone(&counts), Arc::clone(&start), document.clone());
                thread::spawn(move || {
                    start.wait();
                    for _ in 0..4 {
                        count_into(&counts, &document);
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        // Edition 2024 drops the tail expression's guard before `counts`.
        counts.lock().unwrap().clone()
    });
    assert_total("count of \"a\" (lost updates?)", 8u64 * 4 * 1500, get(&totals, "a"));
    assert_total("count of \"b\" (lost updates?)", 8u64 * 4 * 1000, get(&totals, "b"));
    assert_total("count of \"c\" (lost updates?)", 8u64 * 4 * 500, get(&totals, "c"));
}
