//! Watching a mutex lock and unlock: the guard's scope is the critical section.

use std::sync::{Mutex, TryLockError};

// ANCHOR: is_locked
/// Whether someone holds `mutex` right now (asked without blocking).
fn is_locked<T>(mutex: &Mutex<T>) -> bool {
    matches!(mutex.try_lock(), Err(TryLockError::WouldBlock))
}
// ANCHOR_END: is_locked

// ANCHOR: scope
/// Locks `log` three ways and reports, after each, whether it is still locked.
pub fn lock_and_unlock(log: &Mutex<Vec<&'static str>>) -> Vec<String> {
    let mut report = Vec::new();

    {
        let mut guard = log.lock().unwrap(); // locked
        report.push(format!("in the block:     locked = {}", is_locked(log)));
        guard.push("first");
    } // `guard` goes out of scope: unlocked
    report.push(format!("after the block:  locked = {}", is_locked(log)));

    let mut guard = log.lock().unwrap();
    guard.push("second");
    drop(guard); // unlock now, not at the end of the function
    report.push(format!("after drop:       locked = {}", is_locked(log)));

    log.lock().unwrap().push("third"); // a temporary guard: unlocked at the `;`
    report.push(format!("after the `;`:    locked = {}", is_locked(log)));

    report
}

pub fn main() {
    let log = Mutex::new(Vec::new());
    for line in lock_and_unlock(&log) {
        println!("{line}");
    }
    println!("log: {:?}", log.lock().unwrap());
}
// ANCHOR_END: scope

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locked_inside_unlocked_after() {
        let log = Mutex::new(Vec::new());
        let report = lock_and_unlock(&log);
        let flags: Vec<bool> = report.iter().map(|l| l.ends_with("true")).collect();
        assert_eq!(flags, [true, false, false, false]);
        assert_eq!(*log.lock().unwrap(), ["first", "second", "third"]);
    }

    #[test]
    fn is_locked_sees_a_held_guard() {
        let m = Mutex::new(0);
        assert!(!is_locked(&m));
        let guard = m.lock().unwrap();
        assert!(is_locked(&m));
        drop(guard);
        assert!(!is_locked(&m));
    }
}
