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
    use ::loom::sync::atomic::{AtomicBool, AtomicUsize};
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

    // ANCHOR: release_sequence
    /// `Arc::drop`'s protocol with three owners: each writes its own slot
    /// of non-atomic data, then gives up its share with `fetch_sub(1,
    /// decrement)`. The owner that takes the count to zero runs
    /// `fence(Acquire)` and reads every slot, as `Arc` frees the value.
    fn last_owner_reads_every_slot(decrement: Ordering) {
        ::loom::model(move || {
            let count = Arc::new(AtomicUsize::new(3));
            let slots = Arc::new([UnsafeCell::new(0), UnsafeCell::new(0), UnsafeCell::new(0)]);
            let owner = move |count: &AtomicUsize, slots: &[UnsafeCell<u32>; 3], me: usize| {
                unsafe { *slots[me].get() = 1 };
                if count.fetch_sub(1, decrement) == 1 {
                    fence(Acquire); // the last owner, as in `Arc::drop`
                    let total: u32 = slots.iter().map(|slot| unsafe { *slot.get() }).sum();
                    assert_eq!(total, 3);
                }
            };
            let others: Vec<_> = (1..3)
                .map(|me| {
                    let (count, slots) = (Arc::clone(&count), Arc::clone(&slots));
                    thread::spawn(move || owner(&count, &slots, me))
                })
                .collect();
            owner(&count, &slots, 0);
            for other in others {
                other.join().unwrap();
            }
        });
    }

    /// The last owner read the value written by *one* other decrement, yet
    /// every owner's write is ordered before its reads: the release sequence.
    #[test]
    fn release_decrements_order_every_owner_before_the_last() {
        last_owner_reads_every_slot(Ordering::Release);
    }

    #[test]
    #[should_panic(expected = "Causality violation")]
    fn relaxed_decrements_race_with_the_last_owner() {
        last_owner_reads_every_slot(Ordering::Relaxed);
    }
    // ANCHOR_END: release_sequence

    /// The rule on its own. A writer fills a letter and adds 1 with
    /// `Release`; a bystander that publishes nothing moves the count from 1
    /// to 2 in its own way; main reads the letter if it sees 2 — a value the
    /// bystander wrote, not the writer.
    fn writer_and_bystander(bystander: fn(&AtomicUsize)) {
        ::loom::model(move || {
            let letter = Arc::new(UnsafeCell::new(String::new()));
            let count = Arc::new(AtomicUsize::new(0));
            let writer = {
                let (letter, count) = (Arc::clone(&letter), Arc::clone(&count));
                thread::spawn(move || {
                    unsafe { *letter.get() = String::from("hi") };
                    count.fetch_add(1, Ordering::Release);
                })
            };
            let other = {
                let count = Arc::clone(&count);
                thread::spawn(move || bystander(&count))
            };
            if count.load(Ordering::Acquire) == 2 {
                assert_eq!(unsafe { &*letter.get() }, "hi");
            }
            writer.join().unwrap();
            other.join().unwrap();
        });
    }

    /// A read-modify-write continues the writer's release sequence, even a
    /// `Relaxed` one: main, reading its 2, synchronizes with the writer.
    #[test]
    fn a_relaxed_rmw_continues_the_release_sequence() {
        writer_and_bystander(|count| {
            count.fetch_add(1, Ordering::Relaxed);
        });
    }

    /// A plain store ends the sequence: main reads 2 from it and
    /// synchronizes with nobody, so its read of the letter races.
    #[test]
    #[should_panic(expected = "Causality violation")]
    fn a_plain_store_breaks_the_release_sequence() {
        writer_and_bystander(|count| {
            if count.load(Ordering::Relaxed) == 1 {
                count.store(2, Ordering::Relaxed);
            }
        });
    }
}
