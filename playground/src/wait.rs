//! Waiting for something that has no descriptor to wait on.

use std::time::{Duration, Instant};

/// Calls `check` until it returns `Some`, sleeping `interval` between calls,
/// for at most `timeout`: `Ok(None)` when the time ran out. The one poll
/// loop of the playground (uid leases, the uid sweep, `exec` retries, ptrace
/// stops) and of xtask's blocking waits (`xtask/src/wait.rs`), so every such
/// wait is bounded.
pub fn wait_timeout<T, E>(
    timeout: Duration,
    interval: Duration,
    mut check: impl FnMut() -> Result<Option<T>, E>,
) -> Result<Option<T>, E> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = check()? {
            return Ok(Some(found));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        std::thread::sleep(interval.min(deadline - now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_first_success() {
        let mut calls = 0;
        let found: Result<_, ()> = wait_timeout(Duration::from_secs(5), Duration::from_millis(1), || {
            calls += 1;
            Ok((calls == 3).then_some(calls))
        });
        assert_eq!(found, Ok(Some(3)));
    }

    #[test]
    fn gives_up_at_the_timeout_and_passes_errors_on() {
        let started = Instant::now();
        let never: Result<Option<()>, ()> =
            wait_timeout(Duration::from_millis(50), Duration::from_millis(10), || Ok(None));
        assert_eq!(never, Ok(None));
        assert!(started.elapsed() >= Duration::from_millis(50));
        let failed: Result<Option<()>, &str> =
            wait_timeout(Duration::from_secs(5), Duration::from_millis(1), || Err("broken"));
        assert_eq!(failed, Err("broken"));
    }
}
