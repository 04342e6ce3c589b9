//! `RwLockWriteGuard::downgrade` (Rust 1.92): write, then keep reading
//! without letting another writer in between.

use std::sync::{RwLock, RwLockWriteGuard};

#[allow(
    clippy::significant_drop_tightening,
    reason = "the write guard is not dropped early: `downgrade` consumes it"
)]
// ANCHOR: main
pub fn main() {
    let config = RwLock::new(String::from("v1"));

    let mut writing = config.write().unwrap();
    writing.replace_range(.., "v2");
    // Atomically turn the write lock into a read lock: other readers may
    // now enter, but no writer can change "v2" before we have used it.
    let reading = RwLockWriteGuard::downgrade(writing);
    let also_reading = config.try_read().expect("readers may share");
    println!("{} and {}", *reading, *also_reading);
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use std::sync::{RwLock, RwLockWriteGuard, TryLockError};

    #[test]
    #[allow(clippy::significant_drop_tightening, reason = "`downgrade` consumes the guard")]
    fn downgraded_guard_admits_readers_not_writers() {
        let lock = RwLock::new(1);
        let mut w = lock.write().unwrap();
        *w = 2;
        let r = RwLockWriteGuard::downgrade(w);
        assert_eq!(*lock.try_read().unwrap(), 2);
        assert!(matches!(lock.try_write(), Err(TryLockError::WouldBlock)));
        drop(r);
        assert!(lock.try_write().is_ok());
    }
}
