//! Keeps the count in a `static`, so the second call starts where the first ended.
//! expect: more than every thread added together
//! expect: static

use crate::sync::Mutex;
use crate::sync::thread;

static COUNTER: Mutex<usize> = Mutex::new(0);

pub fn count(threads: usize, per_thread: usize) -> usize {
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..per_thread {
                    *COUNTER.lock().unwrap() += 1;
                }
            });
        }
    });
    *COUNTER.lock().unwrap()
}
