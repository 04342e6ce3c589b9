//! Reads the counter under one lock and writes it back under another.
//! expect: lost updates
//! expect: join
//! never: its own copy

use crate::sync::Mutex;
use crate::sync::thread;

pub fn count(threads: usize, per_thread: usize) -> usize {
    let counter = Mutex::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..per_thread {
                    let current = *counter.lock().unwrap();
                    *counter.lock().unwrap() = current + 1;
                }
            });
        }
    });
    counter.into_inner().unwrap()
}
