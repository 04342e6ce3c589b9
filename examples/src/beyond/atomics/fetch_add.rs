//! `fetch_add` returns the value *before* the addition, and wraps.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::thread;

// ANCHOR: main
pub fn main() {
    let hits = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..1000 {
                    hits.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    println!("hits: {}", hits.load(Ordering::Relaxed));

    let small = AtomicU8::new(254);
    let before = small.fetch_add(1, Ordering::Relaxed);
    let again = small.fetch_add(1, Ordering::Relaxed);
    println!("returned {before}, then {again}; now {}", small.load(Ordering::Relaxed));
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU8, Ordering};

    #[test]
    fn returns_previous_and_wraps() {
        let a = AtomicU8::new(255);
        assert_eq!(a.fetch_add(1, Ordering::Relaxed), 255);
        assert_eq!(a.load(Ordering::Relaxed), 0);
    }
}
