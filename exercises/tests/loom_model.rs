//! Tests for exercise `loom-model`.
//!
//! Without loom (`cargo test`): plain tests of `FixedCounter` and of `model`
//! on std threads. With loom (`RUSTFLAGS="--cfg loom" cargo test --release`,
//! which `cargo xtask exercises loom-model` runs for you): your model must
//! find the bug in `RacyCounter` and pass on `FixedCounter` in every
//! interleaving.

mod common;

#[cfg(not(loom))]
mod std_threads {
    use std::sync::{Arc, Barrier};
    use std::thread;

    use crate::common::{assert_total, within};
    use exercises::loom_model::{Counter, FixedCounter, model};

    #[test]
    fn fixed_counter_counts_one_thread() {
        let count = within("FixedCounter, one thread", || {
            let counter = FixedCounter::new();
            (0..10).for_each(|_| counter.increment());
            counter.get()
        });
        assert_total("FixedCounter after 10 increments", 10u64, count as u64);
    }

    #[test]
    fn fixed_counter_loses_no_update_under_threads() {
        let count = within("FixedCounter, 8 threads", || {
            let counter = Arc::new(FixedCounter::new());
            let start = Arc::new(Barrier::new(8));
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let (counter, start) = (Arc::clone(&counter), Arc::clone(&start));
                    thread::spawn(move || {
                        start.wait();
                        (0..20_000).for_each(|_| counter.increment());
                    })
                })
                .collect();
            handles.into_iter().for_each(|h| h.join().unwrap());
            counter.get()
        });
        assert_total("FixedCounter after 8 × 20000 increments (lost updates?)", 160_000u64, count as u64);
    }

    #[test]
    fn the_model_passes_on_fixed_counter_with_std_threads() {
        within("model::<FixedCounter>() on std threads", || {
            for _ in 0..100 {
                model::<FixedCounter>();
            }
        });
    }
}

#[cfg(loom)]
mod loom_models {
    use std::panic::{self, AssertUnwindSafe};

    use exercises::loom_model::{FixedCounter, RacyCounter, model};

    /// The panic message of a failed `loom::model` run.
    fn message(payload: &(dyn std::any::Any + Send)) -> String {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    }

    #[test]
    fn loom_your_model_finds_the_lost_update_in_racy_counter() {
        let result = panic::catch_unwind(AssertUnwindSafe(|| loom::model(model::<RacyCounter>)));
        match result {
            Ok(()) => panic!(
                "your model passed on RacyCounter, which loses updates: it must assert the final count (two threads, one increment each: 2)"
            ),
            Err(payload) => {
                let message = message(&*payload);
                assert!(
                    !message.contains("not yet implemented") && !message.contains("not implemented"),
                    "the model is not written yet: {message}"
                );
            }
        }
    }

    #[test]
    fn loom_your_model_passes_on_fixed_counter() {
        loom::model(model::<FixedCounter>);
    }
}
