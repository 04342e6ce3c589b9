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
    use std::sync::{Condvar, Mutex};
    use std::time::{Duration, Instant};

    #[test]
    fn gives_up_after_the_timeout_when_nobody_notifies() {
        let (ready, cv) = (Mutex::new(false), Condvar::new());
        let start = Instant::now();
        let (g, r) =
            cv.wait_timeout_while(ready.lock().unwrap(), Duration::from_millis(20), |r| !*r).unwrap();
        assert!(r.timed_out() && !*g);
        assert!(start.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn returns_at_once_if_the_condition_already_holds() {
        let (ready, cv) = (Mutex::new(true), Condvar::new());
        let (g, r) = cv.wait_timeout_while(ready.lock().unwrap(), Duration::from_secs(60), |r| !*r).unwrap();
        assert!(!r.timed_out() && *g);
    }
}
