//! On Linux, std's `RwLock` prefers writers: once a writer waits, new
//! readers wait too — including a thread that already holds a read lock.

use std::sync::{RwLock, TryLockError};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: main
pub fn main() {
    let lock = RwLock::new(0);
    thread::scope(|s| {
        let first = lock.read().unwrap(); // We hold a read lock.
        s.spawn(|| *lock.write().unwrap() += 1); // A writer queues up.

        // Ask for a *second* read lock, politely, until the writer is queued.
        // (`read()` here would never return: it waits for the writer, and
        // the writer waits for `first`.)
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match lock.try_read() {
                Err(TryLockError::WouldBlock) => break,
                Ok(_) if Instant::now() < deadline => thread::yield_now(),
                other => panic!("expected WouldBlock, got {other:?}"),
            }
        }
        println!("a writer is waiting: second read lock refused");
        drop(first); // Now the writer can go.
    });
    println!("value after the write: {}", lock.read().unwrap());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    #[test]
    fn second_read_is_refused_then_writer_finishes() {
        // `main` panics if the second read were granted; finishing at all
        // shows the writer got through after `first` was dropped.
        super::main();
    }
}
