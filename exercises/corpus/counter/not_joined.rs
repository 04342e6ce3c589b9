//! Spawns the threads and reads the counter without joining them.
//! expect: join

use crate::sync::thread;
use crate::sync::{Arc, Mutex};

pub fn count(threads: usize, per_thread: usize) -> usize {
    let counter = Arc::new(Mutex::new(0));
    for _ in 0..threads {
        let counter = Arc::clone(&counter);
        thread::spawn(move || {
            for _ in 0..per_thread {
                *counter.lock().unwrap() += 1;
            }
        });
    }
    let total = *counter.lock().unwrap();
    total
}
