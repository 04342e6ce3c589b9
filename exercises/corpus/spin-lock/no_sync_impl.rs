//! No `unsafe impl Sync` at all: the lock cannot be shared between threads,
//! and the checks do not compile.
//! expect: cannot be shared between threads safely

use crate::sync::atomic::AtomicBool;
use crate::sync::atomic::Ordering::{Acquire, Relaxed, Release};
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
        self.locked.compare_exchange(false, true, Acquire, Relaxed).ok().map(|_| SpinGuard { lock: self })
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
        self.lock.locked.store(false, Release);
    }
}

