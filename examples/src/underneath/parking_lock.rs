//! A lock that sleeps instead of spinning: a futex-style wait built on
//! `thread::park`, and a two-state lock that spins a little, then parks.

use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

#[cfg(loom)]
use super::loom_cell::UnsafeCell;
#[cfg(loom)]
use ::loom::{
    hint::spin_loop,
    sync::{Mutex, atomic::AtomicU32},
    thread::{self, Thread},
};
#[cfg(not(loom))]
use std::{
    cell::UnsafeCell,
    hint::spin_loop,
    sync::{Mutex, atomic::AtomicU32},
    thread::{self, Thread},
};

// ANCHOR: futex
/// An atomic `u32` that threads can sleep on, like a Linux futex:
/// `wait(expected)` sleeps only if the word still holds `expected`, and a
/// sleeper wakes when another thread calls `wake_one` (or spuriously).
pub struct Futex {
    word: AtomicU32,
    /// The threads asleep on this word. The kernel keeps such a queue per
    /// futex address; we keep our own, behind a lock held for a push or a pop.
    sleepers: Mutex<VecDeque<Thread>>,
}

impl Futex {
    pub fn new(value: u32) -> Self {
        Futex { word: AtomicU32::new(value), sleepers: Mutex::new(VecDeque::new()) }
    }

    /// Sleeps, unless the word has already changed from `expected`.
    /// Returns when woken, or spuriously: callers check again in a loop.
    pub fn wait(&self, expected: u32) {
        let me = thread::current();
        {
            let mut sleepers = self.sleepers.lock().unwrap();
            // Checked under the same lock that `wake_one` takes: a waker that
            // changed the word before we got here is seen; one that changes
            // it after will find us in the queue. No wake-up falls in between.
            if self.word.load(Relaxed) != expected {
                return;
            }
            sleepers.push_back(me.clone());
        }
        thread::park(); // returns at once if `unpark` already came
        // If we woke spuriously we are still queued: leave, so that no later
        // `wake_one` is spent on a thread that is not asleep.
        self.sleepers.lock().unwrap().retain(|t| t.id() != me.id());
    }

    /// Wakes one sleeping thread, if there is one.
    pub fn wake_one(&self) {
        let sleeper = self.sleepers.lock().unwrap().pop_front();
        if let Some(thread) = sleeper {
            thread.unpark();
        }
    }
}

/// The word's own atomic operations (`load`, `swap`, ...), as on `AtomicU32`.
impl Deref for Futex {
    type Target = AtomicU32;
    fn deref(&self) -> &AtomicU32 {
        &self.word
    }
}
// ANCHOR_END: futex

impl Futex {
    /// How many threads are queued on the word: asleep, or about to park,
    /// and not woken yet. For the models' checks only.
    #[cfg(all(test, loom))]
    pub(crate) fn queued(&self) -> usize {
        self.sleepers.lock().unwrap().len()
    }
}

// ANCHOR: lock
const UNLOCKED: u32 = 0;
const LOCKED: u32 = 1;

/// How often `lock` checks before it goes to sleep. loom explores every
/// step of every spin, so under loom one check is enough.
const SPINS: u32 = if cfg!(loom) { 1 } else { 100 };

/// A mutual-exclusion lock that spins briefly, then sleeps until woken.
pub struct ParkingLock<T> {
    state: Futex,
    value: UnsafeCell<T>,
}

// SAFETY: as for `SpinLock`: one thread at a time reaches the value.
unsafe impl<T: Send> Sync for ParkingLock<T> {}

impl<T> ParkingLock<T> {
    pub fn new(value: T) -> Self {
        ParkingLock { state: Futex::new(UNLOCKED), value: UnsafeCell::new(value) }
    }

    /// Waits until the lock is free, takes it, and returns the guard.
    pub fn lock(&self) -> ParkingGuard<'_, T> {
        while self.state.compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed).is_err() {
            // Held by someone else. It may be released any moment: look a
            // few times (plain loads) before paying for a sleep.
            let mut spins = 0;
            while spins < SPINS && self.state.load(Relaxed) == LOCKED {
                spin_loop();
                spins += 1;
            }
            // Still held? Sleep until an unlock wakes us; `wait` returns at
            // once if the lock was released since our last look.
            if self.state.load(Relaxed) == LOCKED {
                self.state.wait(LOCKED);
            }
        }
        ParkingGuard { lock: self }
    }

    /// The value, once no thread can lock any more.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

/// Access to the value; dropping it unlocks and wakes one sleeper.
pub struct ParkingGuard<'a, T> {
    lock: &'a ParkingLock<T>,
}

impl<T> Drop for ParkingGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.state.store(UNLOCKED, Release);
        // Two states cannot tell "nobody waits" from "someone sleeps", so
        // every unlock pays for a wake (a system call, with a real futex).
        self.lock.state.wake_one();
    }
}
// ANCHOR_END: lock

impl<T> Deref for ParkingGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard exists, so this thread holds the lock.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for ParkingGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this borrow unique.
        unsafe { &mut *self.lock.value.get() }
    }
}

// SAFETY: `&ParkingGuard` gives out `&T`, as for `SpinGuard`.
unsafe impl<T: Sync> Sync for ParkingGuard<'_, T> {}

// ANCHOR: main
pub fn main() {
    let lock = ParkingLock::new(Vec::new());
    std::thread::scope(|s| {
        for t in 0..4 {
            let lock = &lock;
            s.spawn(move || {
                for i in 0..100 {
                    lock.lock().push(t * 100 + i);
                }
            });
        }
    });
    let items = lock.into_inner();
    println!("{} items, sum {}", items.len(), items.iter().sum::<u32>());
}
// ANCHOR_END: main

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn no_increment_is_lost() {
        let lock = ParkingLock::new(0u64);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| (0..10_000).for_each(|_| *lock.lock() += 1));
            }
        });
        assert_eq!(lock.into_inner(), 40_000);
    }

    #[test]
    fn a_waiter_sleeps_until_the_unlock_wakes_it() {
        let lock = ParkingLock::new(0);
        let (done_tx, done_rx) = mpsc::channel();
        let guard = lock.lock();
        std::thread::scope(|s| {
            s.spawn(|| {
                *lock.lock() += 1;
                done_tx.send(()).unwrap();
            });
            // The waiter ends up queued on the futex (it gave up spinning).
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while lock.state.sleepers.lock().unwrap().is_empty() {
                assert!(std::time::Instant::now() < deadline, "the waiter never went to sleep");
                thread::yield_now();
            }
            assert!(done_rx.try_recv().is_err(), "locked twice at once");
            drop(guard);
            done_rx.recv_timeout(Duration::from_secs(10)).expect("the unlock did not wake the sleeper");
        });
        assert_eq!(lock.into_inner(), 1);
    }

    #[test]
    fn futex_wait_returns_at_once_when_the_word_changed() {
        let futex = Futex::new(5);
        futex.wait(4); // would hang if it slept: nobody wakes it
        assert!(futex.sleepers.lock().unwrap().is_empty());
    }

    #[test]
    fn main_collects_every_item() {
        main();
    }
}

#[cfg(all(test, loom))]
pub(crate) mod loom {
    use super::*;
    use ::loom::sync::Arc;

    /// Three threads sleeping and waking through a futex make a big state
    /// space: the unbounded search did not finish in 5 CPU minutes. Explore
    /// every execution with at most 4 preemptions (loom's docs: a bound of
    /// 2 or 3 already finds most bugs); `LOOM_MAX_PREEMPTIONS` overrides it.
    pub(crate) fn bounded_model(f: impl Fn() + Sync + Send + 'static) {
        let mut builder = ::loom::model::Builder::new();
        builder.preemption_bound.get_or_insert(4);
        builder.check(f);
    }

    /// Main and two threads each add one: the total is 3 in every
    /// execution, every access is ordered, and nobody sleeps forever
    /// (loom reports a deadlock if a wake-up is ever lost).
    #[test]
    fn parking_lock_never_loses_an_update_or_a_wake_up() {
        bounded_model(|| {
            let lock = Arc::new(ParkingLock::new(0));
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let lock = Arc::clone(&lock);
                    thread::spawn(move || *lock.lock() += 1)
                })
                .collect();
            *lock.lock() += 1;
            for h in handles {
                h.join().unwrap();
            }
            assert_eq!(*lock.lock(), 3);
        });
    }

    /// One thread waits for a flag on the futex, the other sets it and wakes.
    fn flag_handoff(wait: fn(&Futex, u32)) {
        ::loom::model(move || {
            // Leaked, not in an `Arc`: when loom reports a deadlock, the
            // unwinding model must not drop loom objects (that aborts).
            let futex: &'static Futex = Box::leak(Box::new(Futex::new(0)));
            let waker = thread::spawn(move || {
                futex.store(1, Release);
                futex.wake_one();
            });
            while futex.load(Acquire) == 0 {
                wait(futex, 0);
            }
            waker.join().unwrap();
        });
    }

    #[test]
    fn futex_wait_never_misses_a_wake_up() {
        flag_handoff(Futex::wait);
    }

    // ANCHOR: check_then_sleep
    /// A wait that checks the word *before* taking the queue's lock.
    fn check_then_sleep(futex: &Futex, expected: u32) {
        if futex.word.load(Relaxed) != expected {
            return;
        }
        // <- the waker can store and call `wake_one` right here
        futex.sleepers.lock().unwrap().push_back(thread::current());
        thread::park();
    }

    #[test]
    #[should_panic(expected = "deadlock")]
    fn checking_outside_the_queue_lock_loses_a_wake_up() {
        flag_handoff(check_then_sleep);
    }
    // ANCHOR_END: check_then_sleep
}
