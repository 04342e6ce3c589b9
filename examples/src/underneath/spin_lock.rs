//! A spin lock: an `AtomicBool`, an `UnsafeCell`, and a guard whose `Drop`
//! is the unlock. Acquire on lock, Release on unlock.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

#[cfg(loom)]
use super::loom_cell::UnsafeCell;
#[cfg(loom)]
use ::loom::{hint::spin_loop, sync::atomic::AtomicBool};
#[cfg(not(loom))]
use std::{cell::UnsafeCell, hint::spin_loop, sync::atomic::AtomicBool};

// ANCHOR: lock
/// A mutual-exclusion lock that busy-waits ("spins") until it is free.
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: only the thread holding the guard touches the value, so sharing
// the lock only ever hands `T` from one thread to the next: `T: Send` is
// enough, the same bound as std's `Mutex<T>`.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub fn new(value: T) -> Self {
        SpinLock { locked: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    /// Waits until the lock is free, takes it, and returns the guard.
    pub fn lock(&self) -> SpinGuard<'_, T> {
        // Take it if it is free. Acquire: pairs with the Release of the
        // previous unlock, so that thread's writes to the value are
        // visible to us. (`_weak` may fail spuriously: we loop anyway.)
        while self.locked.compare_exchange_weak(false, true, Acquire, Relaxed).is_err() {
            // Taken. Watch with plain loads until it looks free, then try
            // again: loads let every waiting core keep a shared copy of the
            // cache line instead of fighting for it.
            while self.locked.load(Relaxed) {
                spin_loop();
            }
        }
        SpinGuard { lock: self }
    }

    /// The value, once no thread can lock any more.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

/// Access to the value; dropping it unlocks.
pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard exists, so this thread holds the lock.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this borrow unique.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        // Release: everything written under the lock happens-before the
        // next `lock()` that sees `false`.
        self.lock.locked.store(false, Release);
    }
}

// SAFETY: `&SpinGuard` gives out `&T`, so sharing the guard shares the
// value: that needs `T: Sync` (std's `MutexGuard` has the same bound).
// Without this line the guard would be `Sync` whenever `T: Send`.
unsafe impl<T: Sync> Sync for SpinGuard<'_, T> {}
// ANCHOR_END: lock

// ANCHOR: main
pub fn main() {
    let lock = SpinLock::new(Vec::new());
    std::thread::scope(|s| {
        for t in 0..4 {
            let lock = &lock;
            s.spawn(move || {
                for i in 0..100 {
                    lock.lock().push(t * 100 + i); // the guard drops at the `;`
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
    use std::thread;
    use std::time::Duration;

    #[test]
    fn no_increment_is_lost() {
        let lock = SpinLock::new(0u64);
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| (0..10_000).for_each(|_| *lock.lock() += 1));
            }
        });
        assert_eq!(lock.into_inner(), 40_000);
    }

    #[test]
    fn lock_waits_until_the_guard_is_dropped() {
        let lock = SpinLock::new(0);
        let (done_tx, done_rx) = mpsc::channel();
        let guard = lock.lock();
        thread::scope(|s| {
            s.spawn(|| {
                *lock.lock() += 1;
                done_tx.send(()).unwrap();
            });
            assert!(done_rx.recv_timeout(Duration::from_millis(200)).is_err(), "locked twice at once");
            drop(guard);
            done_rx.recv_timeout(Duration::from_secs(10)).expect("lock() never returned after the unlock");
        });
        assert_eq!(*lock.lock(), 1);
    }

    #[test]
    fn main_collects_every_item() {
        main();
    }
}

#[cfg(all(test, loom))]
mod loom {
    use super::*;
    use ::loom::sync::Arc;
    use ::loom::thread;

    /// A thread and main each add one under the lock: in every execution
    /// the total is 2, and loom's checked cell sees every access
    /// happen-after the previous one (no data race). Two threads, because
    /// two *spinning* threads can keep yielding to each other for ever in
    /// loom's search ("Model exceeded maximum number of branches").
    #[test]
    fn spin_lock_never_loses_an_update() {
        ::loom::model(|| {
            let lock = Arc::new(SpinLock::new(0));
            let other = {
                let lock = Arc::clone(&lock);
                thread::spawn(move || *lock.lock() += 1)
            };
            *lock.lock() += 1;
            other.join().unwrap();
            assert_eq!(*lock.lock(), 2);
        });
    }

    // ANCHOR: relaxed
    /// The same lock with `Relaxed` instead of Acquire and Release: wrong.
    struct RelaxedSpinLock<T> {
        locked: AtomicBool,
        value: UnsafeCell<T>,
    }

    unsafe impl<T: Send> Sync for RelaxedSpinLock<T> {}

    impl<T> RelaxedSpinLock<T> {
        fn with_lock<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
            while self.locked.compare_exchange_weak(false, true, Relaxed, Relaxed).is_err() {
                spin_loop();
            }
            let result = f(unsafe { &mut *self.value.get() });
            self.locked.store(false, Relaxed);
            result
        }
    }

    #[test]
    #[should_panic(expected = "Causality violation")]
    fn relaxed_spin_lock_is_a_data_race() {
        ::loom::model(|| {
            let lock =
                Arc::new(RelaxedSpinLock { locked: AtomicBool::new(false), value: UnsafeCell::new(0) });
            let other = {
                let lock = Arc::clone(&lock);
                thread::spawn(move || lock.with_lock(|n| *n += 1))
            };
            lock.with_lock(|n| *n += 1);
            other.join().unwrap();
        });
    }
    // ANCHOR_END: relaxed

    /// loom 0.7.3 does not keep a read-modify-write indivisible against a
    /// plain store from another thread (tokio-rs/loom#254 and #389, fix
    /// proposed in #391): the store can land between the swap's read and
    /// its write. A holder's unlock (`store(false)`) and a waiter's
    /// `swap(true)`: the swap reads the holder's `true`, so it came before
    /// the unlock, yet loom lets its `true` be the last word. If this test
    /// starts failing, loom has been fixed: revise "Why `compare_exchange`
    /// and not `swap`?" on the spin-lock page.
    #[test]
    #[should_panic(expected = "the unlock landed inside the swap")]
    fn loom_lets_a_store_land_inside_a_swap() {
        ::loom::model(|| {
            // Leaked, not in an `Arc`: the model panics, and the unwinding
            // must not drop loom objects.
            let locked: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(true)));
            let waiter = thread::spawn(move || locked.swap(true, Acquire));
            locked.store(false, Release); // the holder's unlock
            let swap_read = waiter.join().unwrap();
            // Really: if the swap read `true` it came first, and the
            // unlock's `false` is the last word.
            assert!(!(swap_read && locked.load(Relaxed)), "the unlock landed inside the swap");
        });
    }

    /// The classic one-line spin lock, `swap` in a loop and a plain store
    /// to unlock: correct, but the bug above lets a waiter read its own
    /// `true` again and again, so loom's search never ends.
    #[test]
    #[should_panic(expected = "Model exceeded maximum number of branches")]
    fn swap_spin_lock_never_finishes_in_loom() {
        ::loom::model(|| {
            let locked: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
            let lock_and_unlock = move || {
                while locked.swap(true, Acquire) {
                    spin_loop();
                }
                locked.store(false, Release);
            };
            let other = thread::spawn(lock_and_unlock);
            lock_and_unlock();
            other.join().unwrap();
        });
    }

    /// The same lock with a `swap` as its unlock: every write to the word is
    /// a read-modify-write, the bug has no plain store to misplace, and loom
    /// finishes (as for `FutexMutex`, whose unlock is a swap).
    #[test]
    fn swap_spin_lock_with_a_swap_unlock_passes_in_loom() {
        ::loom::model(|| {
            let locked = Arc::new(AtomicBool::new(false));
            let lock_and_unlock = |locked: &AtomicBool| {
                while locked.swap(true, Acquire) {
                    spin_loop();
                }
                assert!(locked.swap(false, Release), "unlocked a lock nobody held");
            };
            let other = {
                let locked = Arc::clone(&locked);
                thread::spawn(move || lock_and_unlock(&locked))
            };
            lock_and_unlock(&locked);
            other.join().unwrap();
        });
    }
}
