//! Reference solution for exercise `counter`.

use crate::sync::Mutex;
use crate::sync::thread;

// ANCHOR: solution
/// Starts `threads` threads; each adds one to a shared counter `per_thread`
/// times. Returns the counter once every thread has finished.
pub fn count(threads: usize, per_thread: usize) -> usize {
    let counter = Mutex::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..per_thread {
                    // Lock, add, unlock: the guard is a temporary of this statement.
                    *counter.lock().unwrap() += 1;
                }
            });
        }
    }); // Every thread has finished here.
    counter.into_inner().unwrap()
}
// ANCHOR_END: solution
