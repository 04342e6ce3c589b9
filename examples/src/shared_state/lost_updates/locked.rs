//! The fix: the same read-then-write, done while holding a lock, so no other
//! thread can slip in between the read and the write.

#[cfg(loom)]
use ::loom::{
    sync::{Arc, Mutex},
    thread,
};
#[cfg(not(loom))]
use std::{
    sync::{Arc, Mutex},
    thread,
};

// ANCHOR: count
/// Like `split::count`, but the read and the write happen under one lock.
pub fn count(threads: u64, per_thread: u64) -> u64 {
    let counter = Arc::new(Mutex::new(0));
    let mut handles = Vec::new();

    for _ in 0..threads {
        let counter = Arc::clone(&counter);
        handles.push(thread::spawn(move || {
            for _ in 0..per_thread {
                let mut guard = counter.lock().unwrap(); // nobody else gets in…
                let value = *guard; // read
                *guard = value + 1; // modify, write
            } // …until the guard is dropped here
        }));
    }

    for handle in handles {
        handle.join().unwrap();
    }
    *counter.lock().unwrap()
}
// ANCHOR_END: count

pub fn main() {
    let expected = 4 * 100_000;
    let total = count(4, 100_000);
    println!("expected {expected}, got {total}: lost {}", expected - total);
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn no_update_is_lost() {
        assert_eq!(count(4, 10_000), 40_000);
    }
}

/// Loom runs every interleaving of the same two threads: none loses an update.
// ANCHOR: model
#[cfg(all(test, loom))]
mod loom {
    #[test]
    fn the_model_finds_no_lost_update() {
        ::loom::model(|| assert_eq!(super::count(2, 1), 2));
    }

    #[test]
    fn the_model_finds_no_lost_update_with_two_increments_each() {
        ::loom::model(|| assert_eq!(super::count(2, 2), 4));
    }
}
// ANCHOR_END: model
