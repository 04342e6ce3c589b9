//! The same counter with scoped threads: no `Arc`, the mutex lives on the stack.

use std::sync::Mutex;
use std::thread;

// ANCHOR: count
/// Adds one per thread to a counter borrowed by `threads` scoped threads.
pub fn count(threads: usize) -> i32 {
    let counter = Mutex::new(0);

    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                *counter.lock().unwrap() += 1;
            });
        }
    }); // Every scoped thread has finished here.

    counter.into_inner().unwrap()
}
// ANCHOR_END: count

pub fn main() {
    println!("Final counter: {}", count(5));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_thread_counts_once() {
        assert_eq!(count(5), 5);
        assert_eq!(count(100), 100);
    }
}
