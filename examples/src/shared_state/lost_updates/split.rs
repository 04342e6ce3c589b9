//! A counter whose increment is a separate load and store: every access is
//! atomic (so there is no data race and no `unsafe`), but the increment is not.

#[cfg(loom)]
use ::loom::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    thread,
};

// ANCHOR: count
/// Starts `threads` threads that each increment a shared counter `per_thread`
/// times with a load followed by a store, and returns the final value.
pub fn count(threads: u64, per_thread: u64) -> u64 {
    let counter = Arc::new(AtomicU64::new(0));
    let mut handles = Vec::new();

    for _ in 0..threads {
        let counter = Arc::clone(&counter);
        handles.push(thread::spawn(move || {
            for _ in 0..per_thread {
                let value = counter.load(Ordering::SeqCst); // read
                counter.store(value + 1, Ordering::SeqCst); // modify, write
            }
        }));
    }

    for handle in handles {
        handle.join().unwrap();
    }
    counter.load(Ordering::SeqCst)
}

pub fn main() {
    let expected = 4 * 1_000_000;
    let total = count(4, 1_000_000);
    println!("expected {expected}, got {total}: lost {}", expected - total);
}
// ANCHOR_END: count

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn one_thread_loses_nothing() {
        // With nobody to interleave with, a split increment is still correct.
        assert_eq!(count(1, 1000), 1000);
    }

    #[test]
    fn never_counts_more_than_it_was_asked_to() {
        let total = count(4, 10_000);
        assert!(total <= 40_000, "counted {total}: more increments than were made");
        // No useful lower bound exists: one stale `store` can erase any number
        // of other threads' increments, so even "one thread's work" is not
        // guaranteed; the total can end as low as 2 (a classic result for
        // increments made of a separate load and store).
        assert!(total >= 2, "counted {total}");
    }
}

/// Loom runs every interleaving of two threads doing one increment each, and
/// finds the one where both read 0 and both write 1.
// ANCHOR: model
#[cfg(all(test, loom))]
mod loom {
    #[test]
    #[should_panic(expected = "lost an update")]
    fn the_model_finds_the_lost_update() {
        ::loom::model(|| {
            let total = super::count(2, 1);
            assert_eq!(total, 2, "lost an update");
        });
    }
}
// ANCHOR_END: model
