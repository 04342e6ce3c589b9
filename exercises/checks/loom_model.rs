//! The checks of exercise `loom-model`. The scenarios run your
//! `FixedCounter` and your model on real threads. The models check your
//! model itself: that it runs two increments at the same time, that it
//! passes on `FixedCounter` in every interleaving, and that it fails — with
//! its own assertion — on `RacyCounter`.

#[cfg(not(loom))]
use crate::exercise::Counter;
use crate::exercise::{FixedCounter, model};
#[cfg(not(loom))]
use crate::harness::expect_total;
use crate::harness::{models, scenarios};

scenarios! {
    /// `FixedCounter`, one thread, ten increments.
    Single fn fixed_counter_counts_one_thread() {
        let counter = FixedCounter::new();
        (0..10).for_each(|_| counter.increment());
        expect_total("FixedCounter after 10 increments", 10, counter.get() as u64, 1, 10);
    }

    /// `FixedCounter`, eight threads, 20 000 increments each.
    Threads fn fixed_counter_loses_no_update_under_threads() {
        use std::sync::{Arc, Barrier};
        let counter = Arc::new(FixedCounter::new());
        let start = Arc::new(Barrier::new(8));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (counter, start) = (Arc::clone(&counter), Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    (0..20_000).for_each(|_| counter.increment());
                })
            })
            .collect();
        handles.into_iter().for_each(|h| h.join().expect("an incrementing thread panicked"));
        expect_total("FixedCounter after 8 × 20000 increments", 160_000, counter.get() as u64, 8, 20_000);
    }

    /// Your model, on std threads, a hundred times.
    Threads fn the_model_passes_on_fixed_counter_with_std_threads() {
        for _ in 0..100 {
            model::<FixedCounter>();
        }
    }
}

#[cfg(loom)]
mod probe {
    use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering as StdOrdering};

    use crate::exercise::Counter;
    use crate::sync::Mutex;
    use crate::sync::atomic::{AtomicUsize, Ordering};

    /// The most increments that ever ran at the same time, over every
    /// interleaving loom tried (outside loom's view, on purpose).
    pub static MOST_AT_ONCE: StdAtomicUsize = StdAtomicUsize::new(0);

    /// A correct counter that notices when two increments overlap.
    pub struct Probe {
        value: Mutex<usize>,
        inside: AtomicUsize,
    }

    impl Counter for Probe {
        fn new() -> Self {
            Probe { value: Mutex::new(0), inside: AtomicUsize::new(0) }
        }

        fn increment(&self) {
            let now = self.inside.fetch_add(1, Ordering::SeqCst) + 1;
            MOST_AT_ONCE.fetch_max(now, StdOrdering::SeqCst);
            *self.value.lock().expect("the probe's lock") += 1;
            self.inside.fetch_sub(1, Ordering::SeqCst);
        }

        fn get(&self) -> usize {
            *self.value.lock().expect("the probe's lock")
        }
    }
}

models! {
    /// Your model on `FixedCounter`: it must pass in every interleaving.
    Interleavings fn your_model_passes_on_fixed_counter() {
        model::<FixedCounter>();
    }

    /// Your model, on a counter that notices overlapping increments.
    Custom fn your_model_runs_two_increments_at_once() {
        use std::sync::atomic::Ordering;
        probe::MOST_AT_ONCE.store(0, Ordering::SeqCst);
        if crate::harness::explore(model::<probe::Probe>).is_err() {
            crate::harness::fail("Your model failed on a correct counter (explained above).");
        }
        if probe::MOST_AT_ONCE.load(Ordering::SeqCst) < 2 {
            crate::harness::fail(
                "Your model never runs two increments at the same time: in every interleaving loom tried, \
                 one increment had finished before the other began.\n\n\
                 Then no interleaving can lose an update, and the model cannot catch RacyCounter. Start both \
                 threads before you join either (a thread joined right after it is spawned runs alone).",
            );
        }
    }

    /// Your model on `RacyCounter`: it must fail, with your assertion.
    Custom fn your_model_catches_the_lost_update_in_racy_counter() {
        use crate::exercise::RacyCounter;
        match crate::harness::explore_expecting_failure(model::<RacyCounter>) {
            Ok(n) => crate::harness::fail(format!(
                "Your model passed on RacyCounter in all {n} interleavings loom tried, but RacyCounter loses \
                 updates.\n\n\
                 After both threads have joined, assert that the count is 2: in the interleaving where both \
                 threads read 0 before either writes, it is 1."
            )),
            Err(first) if first.in_learner() && !first.is_todo() => {}
            Err(first) => crate::harness::fail(format!(
                "On RacyCounter your model failed, but not with its own assertion:\n\n{}",
                crate::harness::explain_panics(std::slice::from_ref(&first))
            )),
        }
    }
}
