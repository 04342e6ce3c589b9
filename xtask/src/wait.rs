//! Waiting for something that has no event to wait on: a port to open, a
//! child to exit under a deadline, the load average to settle, a page to
//! react. Every poll-and-sleep loop of xtask goes through one of these two,
//! so every wait is bounded and says what it waited for.

use std::time::{Duration, Instant};

/// Blocking: the playground's helper, so both crates poll one way.
pub use playground::wait::wait_timeout;

/// [`wait_timeout`] for async code (the browser tests): calls `check` until
/// it returns `Some`, sleeping `interval` between calls without blocking the
/// runtime, for at most `timeout`; `Ok(None)` when the time ran out.
pub async fn wait_timeout_async<T, E>(
    timeout: Duration,
    interval: Duration,
    mut check: impl AsyncFnMut() -> Result<Option<T>, E>,
) -> Result<Option<T>, E> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = check().await? {
            return Ok(Some(found));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        tokio::time::sleep(interval.min(deadline - now)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap()
    }

    #[test]
    fn the_async_wait_returns_the_first_success() {
        let mut calls = 0;
        let found: Result<_, ()> = runtime().block_on(wait_timeout_async(
            Duration::from_secs(5),
            Duration::from_millis(1),
            async || {
                calls += 1;
                Ok((calls == 3).then_some(calls))
            },
        ));
        assert_eq!(found, Ok(Some(3)));
    }

    #[test]
    fn the_async_wait_gives_up_at_the_timeout_and_passes_errors_on() {
        let started = Instant::now();
        let never: Result<Option<()>, ()> = runtime().block_on(wait_timeout_async(
            Duration::from_millis(50),
            Duration::from_millis(10),
            async || Ok(None),
        ));
        assert_eq!(never, Ok(None));
        assert!(started.elapsed() >= Duration::from_millis(50));
        let failed: Result<Option<()>, &str> = runtime().block_on(wait_timeout_async(
            Duration::from_secs(5),
            Duration::from_millis(1),
            async || Err("broken"),
        ));
        assert_eq!(failed, Err("broken"));
    }
}
