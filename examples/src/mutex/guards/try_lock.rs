//! `try_lock`: ask for the lock without waiting for it.

use std::sync::{Mutex, TryLockError};
use std::thread;

// ANCHOR: try_lock
/// What a worker does when it finds the mutex busy: it does not wait.
fn try_to_add(total: &Mutex<u32>, amount: u32) -> &'static str {
    match total.try_lock() {
        Ok(mut guard) => {
            *guard += amount;
            "added"
        }
        Err(TryLockError::WouldBlock) => "busy, will try later",
        Err(TryLockError::Poisoned(_)) => "poisoned",
    }
}

pub fn main() {
    let total = Mutex::new(0);

    let guard = total.lock().unwrap(); // main holds the lock…
    let answer = thread::scope(|s| s.spawn(|| try_to_add(&total, 5)).join().unwrap());
    println!("while main holds the lock: {answer}");
    drop(guard); // …until here

    let answer = thread::scope(|s| s.spawn(|| try_to_add(&total, 5)).join().unwrap());
    println!("after main unlocked:       {answer}");
    println!("total: {}", total.lock().unwrap());
}
// ANCHOR_END: try_lock

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_while_held_added_when_free() {
        let total = Mutex::new(1);
        let guard = total.lock().unwrap();
        let busy = thread::scope(|s| s.spawn(|| try_to_add(&total, 2)).join().unwrap());
        assert_eq!(busy, "busy, will try later");
        drop(guard);
        assert_eq!(try_to_add(&total, 2), "added");
        assert_eq!(*total.lock().unwrap(), 3);
    }
}
