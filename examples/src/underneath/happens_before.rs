//! Happens-before: a mailbox that publishes a non-atomic value with a
//! Release store and an Acquire load (the heart of `OnceLock`).

use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

#[cfg(loom)]
use super::loom_cell::UnsafeCell;
#[cfg(loom)]
use ::loom::sync::atomic::{AtomicU8, fence};
#[cfg(not(loom))]
use std::cell::UnsafeCell;
#[cfg(not(loom))]
use std::sync::atomic::{AtomicU8, fence};

// ANCHOR: mailbox
const EMPTY: u8 = 0; // nobody has written
const WRITING: u8 = 1; // one thread won the right to write, and is writing
const FULL: u8 = 2; // the letter is in and will never change

/// A box that one thread fills once and any number of threads then read.
pub struct Mailbox<T> {
    state: AtomicU8,
    letter: UnsafeCell<Option<T>>,
}

// SAFETY: the letter is written by one thread before `state` becomes FULL,
// and only read after; readers share `&T`, so `T` must be `Sync`, and it
// was made on another thread, so `T` must be `Send` (OnceLock's bounds).
unsafe impl<T: Send + Sync> Sync for Mailbox<T> {}

impl<T> Mailbox<T> {
    pub fn new() -> Self {
        Mailbox { state: AtomicU8::new(EMPTY), letter: UnsafeCell::new(None) }
    }

    /// Puts `letter` in, or gives it back if the box was already claimed.
    pub fn put(&self, letter: T) -> Result<(), T> {
        // Relaxed: winning the claim publishes nothing, it only picks the writer.
        if self.state.compare_exchange(EMPTY, WRITING, Relaxed, Relaxed).is_err() {
            return Err(letter);
        }
        // SAFETY: we won the claim, and readers wait for FULL.
        unsafe { *self.letter.get() = Some(letter) };
        // Release: the write above happens-before any Acquire load that sees FULL.
        self.state.store(FULL, Release);
        Ok(())
    }

    /// The letter, once it is in.
    pub fn get(&self) -> Option<&T> {
        // Acquire: pairs with the Release in `put`, so the letter is visible.
        if self.state.load(Acquire) == FULL {
            // SAFETY: FULL means written once and never written again.
            unsafe { (*self.letter.get()).as_ref() }
        } else {
            None
        }
    }
}
// ANCHOR_END: mailbox

impl<T> Mailbox<T> {
    // ANCHOR: fence
    /// `get` with the Acquire moved into a fence that runs only when the
    /// letter is there: an empty box costs a plain load.
    pub fn get_with_fence(&self) -> Option<&T> {
        if self.state.load(Relaxed) == FULL {
            fence(Acquire); // synchronizes with the Release store that wrote FULL
            // SAFETY: as in `get`; the fence provides the Acquire.
            unsafe { (*self.letter.get()).as_ref() }
        } else {
            None
        }
    }
    // ANCHOR_END: fence
}

impl<T> Default for Mailbox<T> {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: main
pub fn main() {
    let mailbox = Mailbox::new();
    let letter = std::thread::scope(|s| {
        s.spawn(|| mailbox.put(String::from("meet at noon")).unwrap());
        loop {
            if let Some(letter) = mailbox.get() {
                break letter.clone();
            }
            std::thread::yield_now(); // not there yet: let the writer run
        }
    });
    println!("read {letter:?}");
    println!("a second put is refused: {:?}", mailbox.put(String::from("too late")));
}
// ANCHOR_END: main

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::thread;

    #[test]
    fn empty_until_put_then_the_same_letter_forever() {
        let mailbox = Mailbox::new();
        assert_eq!(mailbox.get(), None);
        assert_eq!(mailbox.get_with_fence(), None);
        assert_eq!(mailbox.put(vec![1, 2]), Ok(()));
        assert_eq!(mailbox.get(), Some(&vec![1, 2]));
        assert_eq!(mailbox.get_with_fence(), Some(&vec![1, 2]));
        assert_eq!(mailbox.put(vec![3]), Err(vec![3]));
        assert_eq!(mailbox.get(), Some(&vec![1, 2]));
    }

    #[test]
    fn exactly_one_of_many_writers_wins() {
        let mailbox = Mailbox::new();
        let start = Barrier::new(4);
        let wins: usize = thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|i| {
                    let (mailbox, start) = (&mailbox, &start);
                    s.spawn(move || {
                        start.wait();
                        usize::from(mailbox.put(i).is_ok())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(wins, 1);
        assert!(matches!(mailbox.get(), Some(0..4)));
    }

    #[test]
    fn main_runs() {
        main();
    }
}

/// Models: the Release/Acquire pair publishes the letter in every
/// execution; drop either half and loom reports the data race.
#[cfg(all(test, loom))]
mod loom {
    use super::*;
    use ::loom::sync::Arc;
    use ::loom::sync::atomic::AtomicBool;
    use ::loom::thread;
    use std::sync::atomic::Ordering;

    #[test]
    fn mailbox_reader_sees_nothing_or_the_whole_letter() {
        ::loom::model(|| {
            let mailbox = Arc::new(Mailbox::new());
            let writer = {
                let mailbox = Arc::clone(&mailbox);
                thread::spawn(move || mailbox.put(String::from("hi")).unwrap())
            };
            assert!(matches!(mailbox.get().map(String::as_str), None | Some("hi")));
            writer.join().unwrap();
            assert_eq!(mailbox.get().map(String::as_str), Some("hi"));
        });
    }

    #[test]
    fn mailbox_fence_reader_sees_nothing_or_the_whole_letter() {
        ::loom::model(|| {
            let mailbox = Arc::new(Mailbox::new());
            let writer = {
                let mailbox = Arc::clone(&mailbox);
                thread::spawn(move || mailbox.put(String::from("hi")).unwrap())
            };
            assert!(matches!(mailbox.get_with_fence().map(String::as_str), None | Some("hi")));
            writer.join().unwrap();
        });
    }

    // ANCHOR: publish_model
    /// One writer fills a non-atomic String and raises a flag with
    /// `store_order`; the main thread reads the String if it sees the flag.
    fn publish(store_order: Ordering, load_order: Ordering) {
        ::loom::model(move || {
            let letter = Arc::new(UnsafeCell::new(String::new()));
            let ready = Arc::new(AtomicBool::new(false));
            let writer = {
                let (letter, ready) = (Arc::clone(&letter), Arc::clone(&ready));
                thread::spawn(move || {
                    unsafe { *letter.get() = String::from("hi") };
                    ready.store(true, store_order);
                })
            };
            if ready.load(load_order) {
                assert_eq!(unsafe { &*letter.get() }, "hi");
            }
            writer.join().unwrap();
        });
    }

    #[test]
    fn release_store_acquire_load_publishes() {
        publish(Ordering::Release, Ordering::Acquire);
    }

    #[test]
    #[should_panic(expected = "Causality violation")]
    fn relaxed_store_is_a_data_race() {
        publish(Ordering::Relaxed, Ordering::Acquire);
    }

    #[test]
    #[should_panic(expected = "Causality violation")]
    fn relaxed_load_is_a_data_race() {
        publish(Ordering::Release, Ordering::Relaxed);
    }
    // ANCHOR_END: publish_model
}
