//! Joins only the last thread it started.
//! expect: had not finished
//! expect: join

use crate::sync::thread;
use crate::sync::{Arc, Mutex};

pub fn count(threads: usize, per_thread: usize) -> usize {
    let counter = Arc::new(Mutex::new(0));
    let mut last = None;
    for _ in 0..threads {
        let counter = Arc::clone(&counter);
        last = Some(thread::spawn(move || {
            for _ in 0..per_thread {
                *counter.lock().unwrap() += 1;
            }
        }));
    }
    if let Some(handle) = last {
        handle.join().unwrap();
    }
    let total = *counter.lock().unwrap();
    total
}
