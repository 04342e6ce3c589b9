//! Publishing data with a flag: Release on the store, Acquire on the load.

#[cfg(loom)]
use ::loom::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::atomic::Ordering;
#[cfg(not(loom))]
use std::sync::atomic::{AtomicBool, AtomicU64};

// ANCHOR: publish
/// A value written once by one thread and read by others.
pub struct Published {
    data: AtomicU64,
    ready: AtomicBool,
}

impl Published {
    pub fn new() -> Self {
        Published { data: AtomicU64::new(0), ready: AtomicBool::new(false) }
    }

    /// Writes the data, *then* raises the flag with Release: everything
    /// written before the flag is visible to whoever sees the flag.
    pub fn publish(&self, value: u64) {
        self.data.store(value, Ordering::Relaxed);
        self.ready.store(true, Ordering::Release);
    }

    /// `Some(data)` once published. Acquire pairs with the Release above.
    pub fn get(&self) -> Option<u64> {
        if self.ready.load(Ordering::Acquire) { Some(self.data.load(Ordering::Relaxed)) } else { None }
    }
}
// ANCHOR_END: publish

impl Default for Published {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn reader_sees_nothing_or_the_value() {
        let p = Published::new();
        assert_eq!(p.get(), None);
        std::thread::scope(|s| {
            s.spawn(|| p.publish(42));
            s.spawn(|| assert!(matches!(p.get(), None | Some(42))));
        });
        assert_eq!(p.get(), Some(42));
    }
}

#[cfg(all(test, loom))]
mod loom {
    use super::*;
    use ::loom::sync::Arc;
    use ::loom::thread;

    /// With Release/Acquire, a reader that sees the flag sees the data.
    #[test]
    fn acquire_sees_what_release_published() {
        ::loom::model(|| {
            let p = Arc::new(Published::new());
            let writer = {
                let p = Arc::clone(&p);
                thread::spawn(move || p.publish(42))
            };
            assert!(matches!(p.get(), None | Some(42)));
            writer.join().unwrap();
        });
    }

    /// The same code with a Relaxed flag is wrong, and loom finds a run in
    /// which the reader sees the flag but not the data.
    #[test]
    #[should_panic(expected = "saw the flag but not the data")]
    fn relaxed_flag_can_show_stale_data() {
        ::loom::model(|| {
            let data = Arc::new(AtomicU64::new(0));
            let ready = Arc::new(AtomicBool::new(false));
            let writer = {
                let (data, ready) = (Arc::clone(&data), Arc::clone(&ready));
                thread::spawn(move || {
                    data.store(42, Ordering::Relaxed);
                    ready.store(true, Ordering::Relaxed);
                })
            };
            if ready.load(Ordering::Relaxed) {
                assert_eq!(data.load(Ordering::Relaxed), 42, "saw the flag but not the data");
            }
            writer.join().unwrap();
        });
    }
}
