//! Takes the counter's guard to read the total, then joins while holding it.
//! expect: deadlock

use crate::sync::Mutex;
use crate::sync::thread;

/// Starts `threads` threads; each adds one to a shared counter `per_thread`
/// times. Returns the counter once every thread has finished.
pub fn count(threads: usize, per_thread: usize) -> usize {
    let counter = Mutex::new(0);
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    for _ in 0..per_thread {
                        *counter.lock().unwrap() += 1;
                    }
                })
            })
            .collect();
        let total = counter.lock().unwrap();
        for handle in handles {
            handle.join().unwrap();
        }
        *total
    })
}
