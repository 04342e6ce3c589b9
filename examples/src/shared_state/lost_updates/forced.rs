//! The unlucky interleaving, forced: a barrier makes both threads read before
//! either writes, so one increment is lost every time.

use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

// ANCHOR: forced
/// Two threads increment `counter` once each, with a load and a store, but a
/// barrier holds both between their read and their write. Returns what each
/// thread read.
pub fn both_read_then_both_write(counter: &AtomicU64) -> [u64; 2] {
    let barrier = Barrier::new(2);
    let increment = || {
        let value = counter.load(Ordering::SeqCst); // read
        barrier.wait(); // wait here until the other thread has read too
        counter.store(value + 1, Ordering::SeqCst); // write
        value
    };

    thread::scope(|s| {
        let a = s.spawn(increment);
        let b = s.spawn(increment);
        [a.join().unwrap(), b.join().unwrap()]
    })
}

pub fn main() {
    let counter = AtomicU64::new(0);
    let [a, b] = both_read_then_both_write(&counter);
    println!("thread A read {a} and wrote {}", a + 1);
    println!("thread B read {b} and wrote {}", b + 1);
    println!("two increments, final value: {}", counter.load(Ordering::SeqCst));
}
// ANCHOR_END: forced

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_of_two_increments_is_always_lost() {
        for start in [0, 41] {
            let counter = AtomicU64::new(start);
            assert_eq!(both_read_then_both_write(&counter), [start, start]);
            assert_eq!(counter.load(Ordering::SeqCst), start + 1);
        }
    }
}
