//! Two atomics are two values, not one: reading them one after the other can
//! give a pair that never existed at any single instant.

#[cfg(loom)]
use ::loom::sync::atomic::{AtomicU64, Ordering};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicU64, Ordering};

// ANCHOR: stats
/// Request statistics as two independent atomics.
#[derive(Default)]
pub struct AtomicStats {
    requests: AtomicU64,
    errors: AtomicU64,
}

impl AtomicStats {
    /// A failed request: two separate updates, each atomic on its own.
    pub fn record_error(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.errors.fetch_add(1, Ordering::Relaxed);
    }

    /// (requests, errors), read one after the other.
    pub fn snapshot(&self) -> (u64, u64) {
        let requests = self.requests.load(Ordering::Relaxed);
        let errors = self.errors.load(Ordering::Relaxed);
        (requests, errors)
    }
}
// ANCHOR_END: stats

pub fn main() {
    let stats = AtomicStats::default();
    stats.record_error();
    let (requests, errors) = stats.snapshot();
    println!("requests: {requests}, errors: {errors}");
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn without_concurrency_the_pair_is_exact() {
        let stats = AtomicStats::default();
        stats.record_error();
        stats.record_error();
        assert_eq!(stats.snapshot(), (2, 2));
    }
}

/// Loom finds the interleaving where the reader sees requests from before
/// the update and errors from after it: 1 error out of 0 requests.
#[cfg(all(test, loom))]
mod loom {
    use super::AtomicStats;
    use ::loom::sync::Arc;
    use ::loom::thread;

    #[test]
    #[should_panic(expected = "more errors than requests")]
    fn one_by_one_reads_can_see_an_impossible_pair() {
        ::loom::model(|| {
            let stats = Arc::new(AtomicStats::default());
            let writer = {
                let stats = Arc::clone(&stats);
                thread::spawn(move || stats.record_error())
            };
            let (requests, errors) = stats.snapshot();
            assert!(errors <= requests, "more errors than requests: {errors} > {requests}");
            writer.join().unwrap();
        });
    }
}
