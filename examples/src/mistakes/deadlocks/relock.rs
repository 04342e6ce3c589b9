//! Locking a mutex the current thread already holds.

use std::sync::{Mutex, TryLockError};

#[expect(clippy::significant_drop_tightening, reason = "clippy misreads the `format!` use")]
// ANCHOR: relock
/// Adds `n` to the total, then locks the total again while still holding
/// the first guard. `try_lock` stands in for `lock` so the program can tell
/// us what `lock` would have done: on the same thread, `lock` never returns.
pub fn add(total: &Mutex<u64>, n: u64) -> String {
    let mut guard = total.lock().unwrap();
    *guard += n;
    let second = match total.try_lock() {
        Ok(_) => "got it",
        Err(TryLockError::WouldBlock) => "WouldBlock: `lock()` here would never return",
        Err(TryLockError::Poisoned(_)) => "poisoned",
    };
    format!("total {}, second lock: {second}", *guard)
}

pub fn main() {
    let total = Mutex::new(0);
    println!("{}", add(&total, 5));
}
// ANCHOR_END: relock

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn the_second_lock_on_the_same_thread_would_block() {
        let total = Mutex::new(0);
        assert_eq!(add(&total, 5), "total 5, second lock: WouldBlock: `lock()` here would never return");
        assert_eq!(*total.lock().unwrap(), 5, "the first guard is gone after `add`");
    }
}
