//! Two ways to go on after a panic poisoned a mutex: ignore the flag, or
//! repair the data and clear the flag.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;

// ANCHOR: ignore
/// Locks `mutex` whether or not it is poisoned. Right only when every
/// update leaves the data valid even if it stops halfway.
pub fn lock_ignoring_poison<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
// ANCHOR_END: ignore

// ANCHOR: reset
/// Locks `mutex`; if a panic poisoned it, throws the data away (resets it to
/// its default) and clears the poison (`clear_poison`, stable since 1.77).
pub fn lock_or_reset<T: Default>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| {
        let mut guard = poisoned.into_inner();
        *guard = T::default();
        mutex.clear_poison();
        guard
    })
}
// ANCHOR_END: reset

/// Pushes `entry` to `log`, then panics: a worker that dies with the lock held.
#[expect(
    clippy::significant_drop_tightening,
    reason = "the panic must happen while the guard is held: that is what poisons"
)]
fn push_then_panic(log: &Mutex<Vec<String>>, entry: &str) {
    let mut log = log.lock().unwrap();
    log.push(entry.to_string());
    panic!("worker failed with {} entries in the log", log.len());
}

// ANCHOR: main
pub fn main() {
    let log = Mutex::new(vec!["start".to_string()]);
    let died = thread::scope(|s| s.spawn(|| push_then_panic(&log, "job 1")).join().is_err());
    println!("worker died: {died}, poisoned: {}", log.is_poisoned());

    lock_ignoring_poison(&log).push("job 2".to_string());
    println!("{:?}, poisoned: {}", *lock_ignoring_poison(&log), log.is_poisoned());

    lock_or_reset(&log).push("fresh".to_string());
    println!("{:?}, poisoned: {}", *log.lock().unwrap(), log.is_poisoned());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    fn poisoned_log() -> Mutex<Vec<String>> {
        let log = Mutex::new(vec!["a".to_string()]);
        let died = thread::scope(|s| s.spawn(|| push_then_panic(&log, "b")).join().is_err());
        assert!(died && log.is_poisoned());
        log
    }

    #[test]
    fn ignoring_keeps_the_data_and_the_flag() {
        let log = poisoned_log();
        assert_eq!(*lock_ignoring_poison(&log), ["a", "b"]);
        assert!(log.is_poisoned());
    }

    #[test]
    fn resetting_clears_the_data_and_the_flag() {
        let log = poisoned_log();
        assert!(lock_or_reset(&log).is_empty());
        assert!(!log.is_poisoned());
    }

    #[test]
    fn a_healthy_mutex_is_left_alone() {
        let log = Mutex::new(vec![1]);
        assert_eq!(*lock_or_reset(&log), [1]);
        assert_eq!(*lock_ignoring_poison(&log), [1]);
    }
}
