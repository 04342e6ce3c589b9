//! The checks of exercise `word-count`: scenarios on real threads, and loom
//! models that run your `count_into` and `count_words` in every
//! interleaving.

use std::collections::HashMap;

use crate::exercise::{count_into, count_words};
#[cfg(not(loom))]
use crate::harness::fail;
use crate::harness::{expect_total, models, scenarios};

/// `word`'s count in `counts`, checked: `threads` threads added
/// `per_thread` each.
#[track_caller]
fn expect_count(counts: &HashMap<String, usize>, word: &str, threads: u64, per_thread: u64) {
    let actual = counts.get(word).copied().unwrap_or(0) as u64;
    expect_total(&format!("the count of {word:?}"), threads * per_thread, actual, threads, per_thread);
}

#[cfg(not(loom))]
#[track_caller]
fn expect_words(counts: &HashMap<String, usize>, expected: &[&str]) {
    let mut words: Vec<&str> = counts.keys().map(String::as_str).collect();
    words.sort_unstable();
    let mut wanted = expected.to_vec();
    wanted.sort_unstable();
    if words == wanted {
        return;
    }
    let extra: Vec<&str> = words.iter().copied().filter(|w| !wanted.contains(w)).collect();
    let missing: Vec<&str> = wanted.iter().copied().filter(|w| !words.contains(w)).collect();
    let why = if extra.is_empty() {
        format!(
            "The words {missing:?} are missing altogether. The thread that counted them had not finished \
             when you took the map out (let every thread finish — the end of `thread::scope`, or `join` — \
             before you read it), or it counted into a map of its own."
        )
    } else {
        "Split on whitespace (`split_whitespace`) and count each word in lowercase, so \"The\" and \"the\" \
         are one word."
            .to_string()
    };
    fail(format!("The words counted are {words:?}; they should be {wanted:?}.\n\n{why}"));
}

scenarios! {
    /// `count_words(&["The cat and the hat", "THE end"])`.
    Threads fn words_are_counted_in_lowercase() {
        let counts = count_words(&["The cat and the hat", "THE end"]);
        expect_words(&counts, &["the", "cat", "and", "hat", "end"]);
        expect_count(&counts, "the", 1, 3);
        expect_count(&counts, "cat", 1, 1);
    }

    /// No documents, or documents of whitespace only.
    Threads fn no_documents_no_words() {
        expect_words(&count_words(&[]), &[]);
        expect_words(&count_words(&["   ", ""]), &[]);
    }

    /// 64 documents, one thread each.
    Threads fn many_documents_give_exact_totals() {
        let documents = vec!["red green red"; 64];
        let counts = count_words(&documents);
        expect_count(&counts, "red", 64, 2);
        expect_count(&counts, "green", 64, 1);
    }

    /// Eight threads call `count_into` on one map at once.
    Threads fn concurrent_count_into_loses_no_update() {
        use std::sync::{Arc, Barrier};
        let counts = Arc::new(crate::sync::Mutex::new(HashMap::new()));
        let start = Arc::new(Barrier::new(8));
        let document = "a b a c a b ".repeat(500);
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (counts, start, document) = (Arc::clone(&counts), Arc::clone(&start), document.clone());
                std::thread::spawn(move || {
                    start.wait();
                    for _ in 0..4 {
                        count_into(&counts, &document);
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().expect("a counting thread panicked");
        }
        let counts = counts.lock().expect("the map's lock").clone();
        expect_count(&counts, "a", 8, 4 * 1_500);
        expect_count(&counts, "b", 8, 4 * 1_000);
        expect_count(&counts, "c", 8, 4 * 500);
    }
}

models! {
    /// Two threads call `count_into(&counts, "a")` on one map.
    Interleavings fn two_threads_count_the_same_word() {
        use crate::sync::{Arc, Mutex, thread};
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let other = Arc::clone(&counts);
        let t = thread::spawn(move || count_into(&other, "a"));
        count_into(&counts, "a");
        t.join().expect("the other thread panicked");
        let counts = counts.lock().expect("the map's lock").clone();
        expect_count(&counts, "a", 2, 1);
    }

    /// `count_words(&["a b", "a"])`: your threads, your joins.
    Interleavings fn count_words_on_two_documents() {
        let counts = count_words(&["a b", "a"]);
        expect_count(&counts, "a", 2, 1);
        expect_count(&counts, "b", 1, 1);
    }
}
