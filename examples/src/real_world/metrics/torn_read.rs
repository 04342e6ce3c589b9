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

// ANCHOR: ordered
/// The same pair, with the writer's second update a `Release` and the
/// reader's first load an `Acquire`: every error the reader sees brings its
/// request with it, so `errors <= requests` always holds.
#[derive(Default)]
pub struct OrderedStats {
    requests: AtomicU64,
    errors: AtomicU64,
}

impl OrderedStats {
    pub fn record_error(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.errors.fetch_add(1, Ordering::Release);
    }

    /// (requests, errors): errors first, with `Acquire`.
    pub fn snapshot(&self) -> (u64, u64) {
        let errors = self.errors.load(Ordering::Acquire);
        let requests = self.requests.load(Ordering::Relaxed);
        (requests, errors)
    }
}
// ANCHOR_END: ordered

/// Errors read first, every operation with one `ordering`. With `Relaxed`
/// the order of the loads alone promises nothing (the loom model below finds
/// the bad pair). With `SeqCst` (what Go's atomics always are) all threads
/// agree on one order of the four operations, so a reader that sees an
/// error also sees its request (the loom model below checks it).
pub struct ErrorsFirst {
    requests: AtomicU64,
    errors: AtomicU64,
    ordering: Ordering,
}

impl ErrorsFirst {
    pub fn new(ordering: Ordering) -> Self {
        Self { requests: AtomicU64::new(0), errors: AtomicU64::new(0), ordering }
    }

    pub fn record_error(&self) {
        self.requests.fetch_add(1, self.ordering);
        self.errors.fetch_add(1, self.ordering);
    }

    pub fn snapshot(&self) -> (u64, u64) {
        let errors = self.errors.load(self.ordering);
        let requests = self.requests.load(self.ordering);
        (requests, errors)
    }
}

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
        let ordered = OrderedStats::default();
        ordered.record_error();
        assert_eq!(ordered.snapshot(), (1, 1));
        for ordering in [Ordering::Relaxed, Ordering::SeqCst] {
            let errors_first = ErrorsFirst::new(ordering);
            errors_first.record_error();
            assert_eq!(errors_first.snapshot(), (1, 1));
        }
    }
}

/// Loom finds the interleaving where the reader sees requests from before
/// the update and errors from after it: 1 error out of 0 requests.
#[cfg(all(test, loom))]
mod loom {
    use super::{AtomicStats, ErrorsFirst, OrderedStats, Ordering};
    use ::loom::sync::Arc;
    use ::loom::thread;

    /// The two operations every variant has.
    trait Pair: Send + Sync + 'static {
        fn record_error(&self);
        fn snapshot(&self) -> (u64, u64);
    }

    macro_rules! pair {
        ($($stats:ty),*) => {$(
            impl Pair for $stats {
                fn record_error(&self) {
                    <$stats>::record_error(self)
                }
                fn snapshot(&self) -> (u64, u64) {
                    <$stats>::snapshot(self)
                }
            }
        )*};
    }
    pair!(AtomicStats, OrderedStats, ErrorsFirst);

    /// `writers` threads record an error each while this one takes a
    /// snapshot, in every interleaving: the snapshot must not show more
    /// errors than requests, and once the writers are joined both counts
    /// are exact.
    fn snapshot_during_writes(stats: impl Fn() -> Box<dyn Pair> + Sync + Send + 'static, writers: u64) {
        ::loom::model(move || {
            let stats: Arc<Box<dyn Pair>> = Arc::new(stats());
            let handles: Vec<_> = (0..writers)
                .map(|_| {
                    let stats = Arc::clone(&stats);
                    thread::spawn(move || stats.record_error())
                })
                .collect();
            let (requests, errors) = stats.snapshot();
            assert!(errors <= requests, "more errors than requests: {errors} > {requests}");
            for handle in handles {
                handle.join().unwrap();
            }
            assert_eq!(stats.snapshot(), (writers, writers));
        });
    }

    #[test]
    #[should_panic(expected = "more errors than requests")]
    fn one_by_one_reads_can_see_an_impossible_pair() {
        snapshot_during_writes(|| Box::new(AtomicStats::default()), 1);
    }

    /// Reading `errors` first is not enough on its own: with `Relaxed`,
    /// the reader may see the new error and still the old request count.
    #[test]
    #[should_panic(expected = "more errors than requests")]
    fn errors_first_with_relaxed_can_still_see_an_impossible_pair() {
        snapshot_during_writes(|| Box::new(ErrorsFirst::new(Ordering::Relaxed)), 1);
    }

    /// Everything `SeqCst`, errors first: in every interleaving, with two
    /// writers, `errors <= requests`. (loom models `SeqCst` as the weaker
    /// `AcqRel`, so a pass here holds for real `SeqCst` too.)
    #[test]
    fn errors_first_with_seq_cst_never_sees_more_errors() {
        snapshot_during_writes(|| Box::new(ErrorsFirst::new(Ordering::SeqCst)), 2);
    }

    /// Release on the error, Acquire on reading it, errors first: in every
    /// interleaving, with two writers, `errors <= requests`.
    #[test]
    fn errors_first_with_acquire_release_never_sees_more_errors() {
        snapshot_during_writes(|| Box::new(OrderedStats::default()), 2);
    }
}
