//! `Relaxed` on both sides: the lock still excludes, but nothing makes the
//! last holder's writes visible to the next one. x86-64 passes every test.
//! expect: data race
//! expect: Acquire
//! expect: Release
//! never: at the same time

use crate::sync::atomic::AtomicBool;
use crate::sync::atomic::Ordering::Relaxed;
use crate::sync::cell::UnsafeCell;
use crate::sync::hint::spin_loop;
use std::ops::{Deref, DerefMut};

/// A lock that busy-waits ("spins") until it is free. Like `Mutex<T>`, it
/// owns the value it protects, and only the holder of its guard can reach
/// the value.
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the lock hands the value to one thread at a time, so sharing the
// lock only ever *sends* `T` from thread to thread: `T: Send` is enough, the
// bound of std's `Mutex<T>`. (`Rc` is not `Send`, so a `SpinLock<Rc<_>>`
// stays on its thread.)
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    /// An unlocked lock holding `value`.
    pub fn new(value: T) -> SpinLock<T> {
        SpinLock { locked: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    /// Takes the lock if it is free, without waiting.
    pub fn try_lock(&self) -> Option<SpinGuard<'_, T>> {
        // "Is it free? Then it is mine" in one indivisible step. Acquire:
        // pairs with the Release of the previous unlock, so everything the
        // previous holder wrote is visible to us.
        self.locked.compare_exchange(false, true, Relaxed, Relaxed).ok().map(|_| SpinGuard { lock: self })
    }

    /// Waits until the lock is free, takes it, and returns the guard.
    pub fn lock(&self) -> SpinGuard<'_, T> {
        loop {
            if let Some(guard) = self.try_lock() {
                return guard;
            }
            // Taken: watch it with plain loads until it looks free. A load
            // writes nothing, so waiting cores share the cache line.
            while self.locked.load(Relaxed) {
                spin_loop();
            }
        }
    }

    /// The value, once nobody can lock any more.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

/// Access to the value while the lock is held; dropping it unlocks.
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
        // SAFETY: as in `deref`; `&mut self` makes this borrow the only one.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        // Release: everything written under the lock happens-before the
        // next holder's Acquire, which reads this `false`.
        self.lock.locked.store(false, Relaxed);
    }
}

// SAFETY: `&SpinGuard` hands out `&T`, so sharing the guard shares the
// value: that needs `T: Sync`. Without this line the guard would be `Sync`
// whenever the lock is (whenever `T: Send`), and `&guard` would let two
// threads use a `Cell` at once. std's `MutexGuard` has the same bound.
unsafe impl<T: Sync> Sync for SpinGuard<'_, T> {}
