//! `wait_timeout_while`: wait for a condition, but not forever.

use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

// ANCHOR: main
pub fn main() {
    let ready = Mutex::new(false);
    let cv = Condvar::new();

    // Nobody sets `ready`: we give up after 50 ms instead of hanging.
    let (guard, result) =
        cv.wait_timeout_while(ready.lock().unwrap(), Duration::from_millis(50), |r| !*r).unwrap();
    println!("alone: timed out = {}, ready = {}", result.timed_out(), *guard);
    drop(guard);

    thread::scope(|s| {
        s.spawn(|| {
            *ready.lock().unwrap() = true; // change the state under the lock…
            cv.notify_one(); // …then wake the waiter
        });
        let (guard, result) =
            cv.wait_timeout_while(ready.lock().unwrap(), Duration::from_secs(10), |r| !*r).unwrap();
        println!("with a helper: timed out = {}, ready = {}", result.timed_out(), *guard);
    });
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
