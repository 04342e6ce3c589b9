//! The checks of exercise `store`: scenarios on real threads, and loom
//! models that run your `Store` in every interleaving. They use only the
//! public API.

use crate::exercise::Store;
use crate::harness::{expect_total, fail, models, scenarios};

/// Compile-time check: a `Store` can be shared and sent between threads, and
/// cloned into them.
const _: () = {
    const fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<Store>();
};

/// The values concurrent `add(name, 1)` calls returned must be 1, 2, …, n,
/// each once: every call's own new score.
#[track_caller]
fn expect_distinct_results(mut returned: Vec<i64>) {
    returned.sort_unstable();
    let n = returned.len() as i64;
    if let Some(pair) = returned.windows(2).find(|w| w[0] == w[1]) {
        fail(format!(
            "Two `add(\"x\", 1)` calls returned the same score, {}.\n\n\
             Each call adds one, so each must return a different new score (1, 2, …, {n}). Two returned \
             the same one because `add` reads the score it returns in a different critical section from \
             the one where it changes the score, and another thread's add ran in between. Change the \
             score and take the value to return under one guard.",
            pair[0]
        ));
    }
    if returned.first() != Some(&1) || returned.last() != Some(&n) {
        fail(format!(
            "{n} concurrent `add(\"x\", 1)` calls returned {returned:?}; they should return 1 to {n}, each \
             once: every call returns the score it made."
        ));
    }
}

scenarios! {
    /// `set`, `get`, `remove`, `len` and `is_empty` on one thread.
    Single fn set_get_remove_and_len() {
        let store = Store::new();
        assert!(store.is_empty(), "a new store must be empty");
        assert_eq!(store.set("ada", 3), None, "the first set of \"ada\" returns no previous score");
        assert_eq!(store.set("ada", 5), Some(3), "a second set of \"ada\" returns the previous score");
        assert_eq!(store.get("ada"), Some(5), "get(\"ada\") after set(\"ada\", 5)");
        assert_eq!(store.get("bob"), None, "get(\"bob\"), never set");
        assert_eq!(store.len(), 1, "len() with one name");
        assert_eq!(store.remove("ada"), Some(5), "remove(\"ada\") returns its score");
        assert_eq!(store.remove("ada"), None, "removing twice finds nothing");
        assert!(store.is_empty(), "the store must be empty after removing its only name");
    }

    /// `add` on one thread: a missing name starts at 0.
    Single fn add_returns_the_new_score() {
        let store = Store::new();
        assert_eq!(store.add("cy", 2), 2, "add(\"cy\", 2) on a missing name");
        assert_eq!(store.add("cy", -5), -3, "add(\"cy\", -5) after 2");
        assert_eq!(store.get("cy"), Some(-3), "get(\"cy\") after the adds");
    }

    /// A clone is a second handle to the same scores.
    Single fn clones_share_the_same_scores() {
        let store = Store::new();
        let other = store.clone();
        other.set("ada", 1);
        let seen = store.get("ada");
        if seen != Some(1) {
            fail(format!(
                "A clone set \"ada\" to 1, but the original store says {seen:?}: the clone has its own copy \
                 of the scores.\n\nCloning a `Store` must give another handle to the same map: keep the map \
                 in an `Arc<Mutex<…>>` and clone the `Arc`."
            ));
        }
    }

    /// `snapshot` is a sorted copy, unchanged by later writes, holding no lock.
    Single fn snapshot_is_a_sorted_copy() {
        let store = Store::new();
        // Twelve names: a map's own order is sorted by chance once in 479 million.
        let names = ["kim", "ada", "lee", "bob", "jo", "cy", "max", "dee", "eve", "ivy", "fay", "gus"];
        for (score, name) in names.iter().enumerate() {
            store.set(name, score as i64);
        }
        let snapshot = store.snapshot();
        store.set("ada", 100);
        // Holding the snapshot holds no lock: this must not block.
        store.add("zed", 4);
        let mut expected: Vec<(String, i64)> =
            names.iter().enumerate().map(|(score, name)| (name.to_string(), score as i64)).collect();
        expected.sort();
        assert_eq!(snapshot, expected, "snapshot: sorted by name, unchanged by later writes");
    }

    /// Eight threads call `add("x", 1)` 5 000 times each.
    Threads fn concurrent_adds_lose_no_update_and_return_distinct_scores() {
        use std::sync::{Arc, Barrier};
        let store = Store::new();
        let start = Arc::new(Barrier::new(8));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (store, start) = (store.clone(), Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    (0..5_000).map(|_| store.add("x", 1)).collect::<Vec<i64>>()
                })
            })
            .collect();
        let returned: Vec<i64> =
            handles.into_iter().flat_map(|h| h.join().expect("an adding thread panicked")).collect();
        let total = store.get("x").unwrap_or(0);
        expect_total("the score after 8 × 5000 add(\"x\", 1)", 40_000, total as u64, 8, 5_000);
        expect_distinct_results(returned);
    }
}

models! {
    /// Two threads call `add("x", 1)` on clones of one store.
    Interleavings fn two_adds_at_once() {
        use crate::sync::thread;
        let store = Store::new();
        let other = store.clone();
        let t = thread::spawn(move || other.add("x", 1));
        let mine = store.add("x", 1);
        let theirs = t.join().expect("the other add panicked");
        expect_total("the score after two add(\"x\", 1)", 2, store.get("x").unwrap_or(0) as u64, 2, 1);
        expect_distinct_results(vec![mine, theirs]);
    }

    /// `set` on one thread, `add` on another.
    Interleavings fn set_and_add_at_once() {
        use crate::sync::thread;
        let store = Store::new();
        let other = store.clone();
        let t = thread::spawn(move || other.set("x", 10));
        let added = store.add("x", 1);
        t.join().expect("the set panicked");
        let last = store.get("x").unwrap_or(0);
        // Either order is fine; a mix of the two is not.
        if !((added == 1 && last == 10) || (added == 11 && last == 11)) {
            fail(format!(
                "`set(\"x\", 10)` and `add(\"x\", 1)` ran at once; add returned {added} and the score is now \
                 {last}. The only results of some order of the two are: add first (returns 1, score 10) or \
                 set first (returns 11, score 11).\n\n\
                 `add` read, changed or returned the score in more than one critical section, and `set` ran \
                 in between."
            ));
        }
    }
}
