//! std's futex mutex, rewritten on our emulated futex: three states, so an
//! unlock wakes somebody only when somebody may be asleep. The original is
//! `library/std/src/sys/sync/mutex/futex.rs`.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

#[cfg(loom)]
use super::loom_cell::UnsafeCell;
use super::parking_lock::Futex;
#[cfg(loom)]
use ::loom::hint::spin_loop;
#[cfg(not(loom))]
use std::{cell::UnsafeCell, hint::spin_loop};

// ANCHOR: states
const UNLOCKED: u32 = 0;
const LOCKED: u32 = 1; // locked, and its unlock owes nobody a wake-up
const CONTENDED: u32 = 2; // locked, and threads may be asleep: its unlock wakes one
// ANCHOR_END: states

/// How many times `spin` looks before giving up (std: 100).
const SPINS: u32 = if cfg!(loom) { 1 } else { 100 };

/// A mutual-exclusion lock with std's three-state futex protocol.
pub struct FutexMutex<T> {
    state: Futex,
    value: UnsafeCell<T>,
}

// SAFETY: as for `SpinLock`: one thread at a time reaches the value.
unsafe impl<T: Send> Sync for FutexMutex<T> {}

impl<T> FutexMutex<T> {
    pub fn new(value: T) -> Self {
        FutexMutex { state: Futex::new(UNLOCKED), value: UnsafeCell::new(value) }
    }

    // ANCHOR: lock
    /// Takes the lock: one compare-exchange when nobody holds it.
    pub fn lock(&self) -> FutexGuard<'_, T> {
        if self.state.compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed).is_err() {
            self.lock_contended();
        }
        FutexGuard { lock: self }
    }

    #[cold]
    fn lock_contended(&self) {
        let mut state = self.spin();
        // Released while we spun: take it, still as "nobody waits".
        if state == UNLOCKED {
            match self.state.compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed) {
                Ok(_) => return,
                Err(now) => state = now,
            }
        }
        loop {
            // Mark it CONTENDED before sleeping, so that the unlock wakes us.
            // If the swap finds it UNLOCKED, we have just taken it — marked
            // CONTENDED, since we cannot know whether others still sleep.
            if state != CONTENDED && self.state.swap(CONTENDED, Acquire) == UNLOCKED {
                return;
            }
            self.state.wait(CONTENDED); // sleep, if it is still CONTENDED
            state = self.spin();
        }
    }

    /// Looks at the state until it is not plain LOCKED, a bounded number
    /// of times; stops early on CONTENDED too (others sleep: so should we).
    fn spin(&self) -> u32 {
        let mut spins = SPINS;
        loop {
            let state = self.state.load(Relaxed);
            if state != LOCKED || spins == 0 {
                return state;
            }
            spin_loop();
            spins -= 1;
        }
    }
    // ANCHOR_END: lock

    /// The value, once no thread can lock any more.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

/// Access to the value; dropping it unlocks.
pub struct FutexGuard<'a, T> {
    lock: &'a FutexMutex<T>,
}

// ANCHOR: unlock
impl<T> Drop for FutexGuard<'_, T> {
    fn drop(&mut self) {
        // Unlock first, then wake one sleeper, and only if there may be one.
        if self.lock.state.swap(UNLOCKED, Release) == CONTENDED {
            self.lock.state.wake_one();
        }
    }
}
// ANCHOR_END: unlock

impl<T> Deref for FutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard exists, so this thread holds the lock.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for FutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this borrow unique.
        unsafe { &mut *self.lock.value.get() }
    }
}

// SAFETY: `&FutexGuard` gives out `&T`, as for `SpinGuard`.
unsafe impl<T: Sync> Sync for FutexGuard<'_, T> {}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::thread;
    use std::time::{Duration, Instant};

    #[test]
    fn uncontended_lock_and_unlock_never_mark_it_contended() {
        let mutex = FutexMutex::new(0);
        for _ in 0..1000 {
            let mut guard = mutex.lock();
            assert_eq!(mutex.state.load(Relaxed), LOCKED, "no waiter: so no wake on unlock");
            *guard += 1;
        }
        assert_eq!(mutex.state.load(Relaxed), UNLOCKED);
        assert_eq!(mutex.into_inner(), 1000);
    }

    #[test]
    fn a_waiter_marks_it_contended_and_the_unlock_wakes_it() {
        let mutex = FutexMutex::new(0);
        let guard = mutex.lock();
        thread::scope(|s| {
            let waiter = s.spawn(|| *mutex.lock() += 1);
            let deadline = Instant::now() + Duration::from_secs(10);
            while mutex.state.load(Relaxed) != CONTENDED {
                assert!(Instant::now() < deadline, "the waiter never marked the lock contended");
                thread::yield_now();
            }
            drop(guard); // sees CONTENDED: wakes the waiter
            waiter.join().unwrap();
        });
        // The woken waiter took it as CONTENDED and unlocked it.
        assert_eq!(mutex.state.load(Relaxed), UNLOCKED);
        assert_eq!(mutex.into_inner(), 1);
    }

    #[test]
    fn no_increment_is_lost() {
        let mutex = FutexMutex::new(0u64);
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| (0..10_000).for_each(|_| *mutex.lock() += 1));
            }
        });
        assert_eq!(mutex.into_inner(), 40_000);
    }
}

#[cfg(all(test, loom))]
mod loom {
    use super::*;
    use crate::underneath::parking_lock::loom::bounded_model;
    use ::loom::thread;

    /// Main and two threads each add one (so two can be asleep at once):
    /// the total is 3 and nobody sleeps forever, in every execution.
    fn three_lockers(lock: fn(&FutexMutex<u32>) -> FutexGuard<'_, u32>) {
        bounded_model(move || {
            // Leaked, not in an `Arc`: when loom reports a deadlock, the
            // unwinding model must not drop loom objects (that aborts).
            let mutex: &'static FutexMutex<u32> = Box::leak(Box::new(FutexMutex::new(0)));
            let handles: Vec<_> = (0..2).map(|_| thread::spawn(move || *lock(mutex) += 1)).collect();
            *lock(mutex) += 1;
            for h in handles {
                h.join().unwrap();
            }
            assert_eq!(*mutex.lock(), 3);
        });
    }

    #[test]
    fn futex_mutex_never_loses_an_update_or_a_wake_up() {
        three_lockers(FutexMutex::lock);
    }

    /// Two threads lock once; main locks twice, so that it can barge in
    /// while a woken thread is still on its way: the schedule in which an
    /// unlock sees LOCKED although a thread is asleep. `unlock` is how main
    /// unlocks. In every execution the total is 4 and nobody sleeps forever.
    /// Four lock-unlock pairs make a bigger search than `three_lockers`: at
    /// most 3 preemptions here (loom's docs: 2 or 3 find most bugs; the
    /// failing model below needs 2), where 4 took a minute.
    fn main_locks_twice(unlock: fn(FutexGuard<'_, u32>)) {
        let mut builder = ::loom::model::Builder::new();
        builder.preemption_bound.get_or_insert(3);
        builder.check(move || {
            let mutex: &'static FutexMutex<u32> = Box::leak(Box::new(FutexMutex::new(0)));
            let handles: Vec<_> = (0..2).map(|_| thread::spawn(move || *mutex.lock() += 1)).collect();
            for _ in 0..2 {
                let mut guard = mutex.lock();
                *guard += 1;
                unlock(guard);
            }
            for h in handles {
                h.join().unwrap();
            }
            assert_eq!(*mutex.lock(), 4);
        });
    }

    #[test]
    fn barging_in_front_of_a_woken_thread_loses_no_wake_up() {
        main_locks_twice(|guard| drop(guard));
    }

    /// std's unlock plus a check: it panics if it finds LOCKED while a
    /// thread is queued on the futex, not yet woken.
    fn unlock_checking_for_sleepers(guard: FutexGuard<'_, u32>) {
        let mutex = guard.lock;
        std::mem::forget(guard); // this function does the guard's unlock
        // Counted before the swap: while we hold the lock, nobody can wake
        // a queued thread, so these threads are still asleep at the swap.
        let queued = mutex.state.queued();
        if mutex.state.swap(UNLOCKED, Release) == CONTENDED {
            mutex.state.wake_one();
        } else {
            assert_eq!(queued, 0, "an unlock saw LOCKED while a thread slept");
        }
    }

    /// So LOCKED does not mean "nobody is asleep": loom finds W1 and W2
    /// asleep, an unlock that wakes W1, main barging in on the fast path
    /// (0 → 1), and main's next unlock seeing 1 with W2 still asleep. W2 is
    /// not forgotten (the model above): W1 marks the word CONTENDED again
    /// when it retries, so the unlock after that wakes W2.
    #[test]
    #[should_panic(expected = "an unlock saw LOCKED while a thread slept")]
    fn an_unlock_can_see_locked_while_a_thread_sleeps() {
        main_locks_twice(unlock_checking_for_sleepers);
    }

    // ANCHOR: forgetful
    /// A lock that, after waking, takes the lock as plain LOCKED — as if it
    /// were the last sleeper. Its unlock then wakes nobody.
    fn forgetful_lock(mutex: &FutexMutex<u32>) -> FutexGuard<'_, u32> {
        while mutex.state.compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed).is_err() {
            if mutex.state.swap(CONTENDED, Acquire) == UNLOCKED {
                break;
            }
            mutex.state.wait(CONTENDED);
        }
        FutexGuard { lock: mutex }
    }

    #[test]
    #[should_panic(expected = "deadlock")]
    fn forgetting_other_sleepers_loses_a_wake_up() {
        three_lockers(forgetful_lock);
    }
    // ANCHOR_END: forgetful
}
