//! One request counter, two ways: under a `Mutex<u64>`, and as an `AtomicU64`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

// ANCHOR: counters
/// A request counter behind a lock.
#[derive(Default)]
pub struct LockedCounter(Mutex<u64>);

impl LockedCounter {
    pub fn incr(&self) {
        *self.0.lock().unwrap() += 1;
    }
    pub fn get(&self) -> u64 {
        *self.0.lock().unwrap()
    }
}

/// The same counter as one atomic: no lock, no guard, no poisoning.
#[derive(Default)]
pub struct AtomicCounter(AtomicU64);

impl AtomicCounter {
    pub fn incr(&self) {
        // Relaxed is enough: the count is the only thing this publishes.
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: counters

// ANCHOR: main
pub fn main() {
    let locked = LockedCounter::default();
    let atomic = AtomicCounter::default();
    thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for _ in 0..1000 {
                    locked.incr();
                    atomic.incr();
                }
            });
        }
    });
    println!("locked: {}, atomic: {}", locked.get(), atomic.get());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_counters_count_every_increment() {
        let locked = LockedCounter::default();
        let atomic = AtomicCounter::default();
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..5000 {
                        locked.incr();
                        atomic.incr();
                    }
                });
            }
        });
        assert_eq!(locked.get(), 20_000);
        assert_eq!(atomic.get(), 20_000);
    }
}
