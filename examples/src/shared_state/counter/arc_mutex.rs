//! The seed's counter: five threads, one `Arc<Mutex<i32>>`.

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
/// Starts `threads` threads that each add one to a shared counter, and
/// returns the final value.
pub fn count(threads: usize) -> i32 {
    let counter = Arc::new(Mutex::new(0));
    let mut handles = Vec::new();

    for _ in 0..threads {
        let counter = Arc::clone(&counter);
        handles.push(thread::spawn(move || {
            let mut value = counter.lock().unwrap();
            *value += 1;
        })); // `value` goes out of scope at the end of the closure: unlocked.
    }

    for handle in handles {
        handle.join().unwrap();
    }
    // No `;`: this value is returned, and its guard is dropped on the way out.
    *counter.lock().unwrap()
}

pub fn main() {
    println!("Final counter: {}", count(5));
}
// ANCHOR_END: count

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn every_thread_counts_once() {
        assert_eq!(count(5), 5);
        assert_eq!(count(64), 64);
    }

    #[test]
    fn no_threads_no_count() {
        assert_eq!(count(0), 0);
    }
}

/// Loom explores every interleaving of two threads: none loses an update.
#[cfg(all(test, loom))]
mod loom_model {
    #[test]
    fn two_threads_never_lose_an_update() {
        ::loom::model(|| assert_eq!(super::count(2), 2));
    }
}
