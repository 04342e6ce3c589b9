//! parking_lot's `Mutex` is not poisoned by a panicking holder.

#[allow(clippy::significant_drop_tightening, reason = "the demo panics while holding the guard, on purpose")]
// ANCHOR: no_poison
pub fn main() {
    let counter = parking_lot::Mutex::new(0);
    std::thread::scope(|s| {
        let crashed = s.spawn(|| {
            let mut n = counter.lock(); // no Result: nothing to unwrap
            *n += 1;
            panic!("crash while holding the lock");
        });
        assert!(crashed.join().is_err());
    });
    // The lock was released during unwinding and is usable as if nothing happened.
    *counter.lock() += 1;
    println!("after the crash: {}", *counter.lock());
}
// ANCHOR_END: no_poison

#[cfg(test)]
mod tests {
    #[test]
    fn lock_works_after_a_panic() {
        let m = parking_lot::Mutex::new(0);
        let _ = std::thread::scope(|s| {
            s.spawn(|| {
                let _g = m.lock();
                panic!("boom");
            })
            .join()
        });
        assert!(m.try_lock().is_some());
    }
}
