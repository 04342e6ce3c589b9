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

/// Errors read first, but everything `Relaxed`: the order of the loads
/// alone promises nothing (the loom model below finds the bad pair).
#[derive(Default)]
pub struct ErrorsFirstRelaxed {
    requests: AtomicU64,
    errors: AtomicU64,
}

impl ErrorsFirstRelaxed {
    pub fn record_error(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.errors.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> (u64, u64) {
        let errors = self.errors.load(Ordering::Relaxed);
        let requests = self.requests.load(Ordering::Relaxed);
        (requests, errors)
    }
}

/// Errors read first, every operation `SeqCst` (what Go's atomics always
/// are): all threads agree on one order of the four operations, so a reader
/// that sees an error also sees its request (the loom model below checks it).
#[derive(Default)]
pub struct ErrorsFirstSeqCst {
    requests: AtomicU64,
    errors: AtomicU64,
}

impl ErrorsFirstSeqCst {
    pub fn record_error(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
        self.errors.fetch_add(1, Ordering::SeqCst);
    }

    pub fn snapshot(&self) -> (u64, u64) {
        let errors = self.errors.load(Ordering::SeqCst);
        let requests = self.requests.load(Ordering::SeqCst);
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
        let relaxed = ErrorsFirstRelaxed::default();
        relaxed.record_error();
        assert_eq!(relaxed.snapshot(), (1, 1));
        let seq_cst = ErrorsFirstSeqCst::default();
        seq_cst.record_error();
        assert_eq!(seq_cst.snapshot(), (1, 1));
    }
}

/// Loom finds the interleaving where the reader sees requests from before
/// the update and errors from after it: 1 error out of 0 requests.
#[cfg(all(test, loom))]
mod loom {
    use super::{AtomicStats, ErrorsFirstRelaxed, ErrorsFirstSeqCst, OrderedStats};
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

    /// Reading `errors` first is not enough on its own: with `Relaxed`,
    /// the reader may see the new error and still the old request count.
    #[test]
    #[should_panic(expected = "more errors than requests")]
    fn errors_first_with_relaxed_can_still_see_an_impossible_pair() {
        ::loom::model(|| {
            let stats = Arc::new(ErrorsFirstRelaxed::default());
            let writer = {
                let stats = Arc::clone(&stats);
                thread::spawn(move || stats.record_error())
            };
            let (requests, errors) = stats.snapshot();
            assert!(errors <= requests, "more errors than requests: {errors} > {requests}");
            writer.join().unwrap();
        });
    }

    /// Everything `SeqCst`, errors first: in every interleaving, with two
    /// writers, `errors <= requests`. (loom models `SeqCst` as the weaker
    /// `AcqRel`, so a pass here holds for real `SeqCst` too.)
    #[test]
    fn errors_first_with_seq_cst_never_sees_more_errors() {
        ::loom::model(|| {
            let stats = Arc::new(ErrorsFirstSeqCst::default());
            let writers: Vec<_> = (0..2)
                .map(|_| {
                    let stats = Arc::clone(&stats);
                    thread::spawn(move || stats.record_error())
                })
                .collect();
            let (requests, errors) = stats.snapshot();
            assert!(errors <= requests, "more errors than requests: {errors} > {requests}");
            for writer in writers {
                writer.join().unwrap();
            }
            assert_eq!(stats.snapshot(), (2, 2));
        });
    }

    /// Release on the error, Acquire on reading it, errors first: in every
    /// interleaving, with two writers, `errors <= requests`.
    #[test]
    fn errors_first_with_acquire_release_never_sees_more_errors() {
        ::loom::model(|| {
            let stats = Arc::new(OrderedStats::default());
            let writers: Vec<_> = (0..2)
                .map(|_| {
                    let stats = Arc::clone(&stats);
                    thread::spawn(move || stats.record_error())
                })
                .collect();
            let (requests, errors) = stats.snapshot();
            assert!(errors <= requests, "more errors than requests: {errors} > {requests}");
            for writer in writers {
                writer.join().unwrap();
            }
            assert_eq!(stats.snapshot(), (2, 2));
        });
    }
}
