//! Tests for exercise `store`. They use only the public API.

mod common;

use std::sync::{Arc, Barrier};
use std::thread;

use common::{assert_total, within};
use exercises::store::Store;

/// Compile-time check: a `Store` can be shared and sent between threads, and
/// cloned into them.
const _: () = {
    const fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<Store>();
};

#[test]
fn set_get_remove_and_len() {
    within("basic operations", || {
        let store = Store::new();
        assert!(store.is_empty(), "a new store must be empty");
        assert_eq!(store.set("ada", 3), None, "first set of \"ada\" has no previous score");
        assert_eq!(store.set("ada", 5), Some(3), "second set returns the previous score");
        assert_eq!(store.get("ada"), Some(5));
        assert_eq!(store.get("bob"), None, "\"bob\" was never set");
        assert_eq!(store.len(), 1);
        assert_eq!(store.remove("ada"), Some(5));
        assert_eq!(store.remove("ada"), None, "removing twice finds nothing");
        assert!(store.is_empty());
    });
}

#[test]
fn clones_share_the_same_scores() {
    within("clones", || {
        let store = Store::new();
        let other = store.clone();
        other.set("ada", 1);
        assert_eq!(store.get("ada"), Some(1), "a clone must see the same scores, not a copy");
    });
}

#[test]
fn concurrent_adds_lose_no_update() {
    let (total, returned_max) = within("8 threads calling add", || {
        let store = Store::new();
        let start = Arc::new(Barrier::new(8));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (store, start) = (store.clone(), Arc::clone(&start));
                thread::spawn(move || {
                    start.wait();
                    (0..5_000).map(|_| store.add("shared", 1)).max().unwrap_or(0)
                })
            })
            .collect();
        let returned_max = handles.into_iter().map(|h| h.join().unwrap()).max().unwrap_or(0);
        (store.get("shared").unwrap_or(0), returned_max)
    });
    assert_total("score after 8 × 5000 adds (lost updates?)", 40_000u64, total as u64);
    assert_eq!(returned_max, 40_000, "the last add must return the new score, 40000");
}

#[test]
fn snapshot_is_a_sorted_copy() {
    within("snapshot", || {
        let store = Store::new();
        store.set("cy", 3);
        store.set("ada", 1);
        store.add("bob", 2);
        let snapshot = store.snapshot();
        store.set("ada", 100);
        // Holding the snapshot holds no lock: this must not block.
        store.add("dee", 4);
        let expected = vec![("ada".to_string(), 1), ("bob".to_string(), 2), ("cy".to_string(), 3)];
        assert_eq!(snapshot, expected, "snapshot: sorted by name, unchanged by later writes");
    });
}
