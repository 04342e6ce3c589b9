//! Gives every thread a new `Mutex` holding a copy of the count.
//! expect: its own copy
//! never: lost update

use crate::sync::thread;
use crate::sync::{Arc, Mutex};

pub fn count(threads: usize, per_thread: usize) -> usize {
    let counter = Arc::new(Mutex::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::new(Mutex::new(*counter.lock().unwrap()));
            thread::spawn(move || {
                for _ in 0..per_thread {
                    *counter.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let total = *counter.lock().unwrap();
    total
}
