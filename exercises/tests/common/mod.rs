//! Helpers shared by the exercise tests: every scenario runs under a timeout,
//! so a deadlock fails with a diagnosis instead of hanging the suite.

#![allow(dead_code)] // Each test file uses some of these.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// How long one scenario may run. The reference solutions need well under a
/// second even on a loaded two-core machine.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Runs `scenario` on its own thread and returns its result. If it does not
/// finish within [`TIMEOUT`], the test fails with "did not finish in N s —
/// likely a deadlock"; the stuck thread is leaked, and the test process exits
/// anyway. A panic inside the scenario fails the test with that panic.
pub fn within<T: Send + 'static>(what: &str, scenario: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let name = thread::current().name().unwrap_or("scenario").to_string();
    let handle = thread::Builder::new()
        .name(name)
        .spawn(move || {
            // The receiver may be gone after a timeout; nothing left to tell.
            let _ = tx.send(scenario());
        })
        .expect("spawn the scenario thread");
    match rx.recv_timeout(TIMEOUT) {
        Ok(value) => {
            handle.join().expect("the scenario finished");
            value
        }
        // The sender was dropped without sending: the scenario panicked.
        Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => unreachable!("the scenario sends before it returns"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "{what}: did not finish in {} s — likely a deadlock (check lock order / guard scope)",
            TIMEOUT.as_secs()
        ),
    }
}

/// Fails with "lost updates: expected N, got M" when a total is wrong.
#[track_caller]
pub fn assert_total(what: &str, expected: impl Into<u64>, actual: impl Into<u64>) {
    let (expected, actual) = (expected.into(), actual.into());
    assert!(
        expected == actual,
        "{what}: expected a total of {expected}, got {actual}{}",
        if actual < expected { format!(" ({} updates lost)", expected - actual) } else { String::new() }
    );
}
