//! `src/beyond/loom.md`: a bug that tests rarely see and loom always finds.

// ANCHOR: shim
#[cfg(loom)]
use ::loom::{
    sync::Arc,
    sync::atomic::{AtomicUsize, Ordering},
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::Arc,
    sync::atomic::{AtomicUsize, Ordering},
    thread,
};
// ANCHOR_END: shim

// ANCHOR: racy
/// Adds one per thread with a separate load and store: each step is atomic,
/// the pair is not, so two threads can both read 0 and both write 1.
pub fn racy_count(threads: usize) -> usize {
    let counter = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                let seen = counter.load(Ordering::SeqCst);
                counter.store(seen + 1, Ordering::SeqCst);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    counter.load(Ordering::SeqCst)
}
// ANCHOR_END: racy

// ANCHOR: fixed
/// The fix: one read-modify-write, `fetch_add`.
pub fn atomic_count(threads: usize) -> usize {
    let counter = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    counter.load(Ordering::SeqCst)
}
// ANCHOR_END: fixed

#[cfg(all(test, not(loom)))]
mod tests {
    #[test]
    fn atomic_count_is_exact() {
        assert_eq!(super::atomic_count(8), 8);
    }
}

// ANCHOR: models
#[cfg(all(test, loom))]
mod loom {
    /// loom finds the interleaving where both threads read 0.
    #[test]
    #[should_panic(expected = "left: 1")]
    fn racy_count_loses_an_update() {
        ::loom::model(|| assert_eq!(super::racy_count(2), 2));
    }

    /// …and proves that no interleaving loses one with `fetch_add`.
    #[test]
    fn atomic_count_never_loses_an_update() {
        ::loom::model(|| assert_eq!(super::atomic_count(2), 2));
    }
}
// ANCHOR_END: models
