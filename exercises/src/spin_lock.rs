//! Exercise `spin-lock` (hard): build a lock from an `AtomicBool` and an
//! `UnsafeCell`, with a guard that unlocks.
//!
//! Chapter: A spin lock (`src/underneath/spin-lock.md`).
//! Check your work with `cargo xtask exercises spin-lock`.

use crate::sync::atomic::AtomicBool;
use crate::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use crate::sync::cell::UnsafeCell;
use crate::sync::hint::spin_loop;
use std::ops::{Deref, DerefMut};

// ANCHOR: api
/// A lock that busy-waits ("spins") until it is free. Like `Mutex<T>`, it
/// owns the value it protects, and only the holder of its guard can reach
/// the value.
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// TODO: this promise is too broad. `Sync` says "a `&SpinLock<T>` may be used
// from several threads at once", and the lock hands its `T` from one thread
// to the next. Which `T`s may travel like that? Bound `T` accordingly — and
// decide when a `&SpinGuard` may be shared, since it hands out `&T`.
unsafe impl<T> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    /// An unlocked lock holding `value`.
    pub fn new(value: T) -> SpinLock<T> {
        SpinLock { locked: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    /// Takes the lock if it is free, without waiting.
    pub fn try_lock(&self) -> Option<SpinGuard<'_, T>> {
        // TODO: change `locked` from `false` to `true` in one indivisible
        // step, and return a guard only if this call did it. Pick the
        // ordering that lets this thread see what the last holder wrote.
        todo!("take the lock if it is free")
    }

    /// Waits until the lock is free, takes it, and returns the guard.
    pub fn lock(&self) -> SpinGuard<'_, T> {
        // TODO: try until you get it, calling `spin_loop()` while you wait
        // (the model checker needs it to know that this thread waits).
        todo!("spin until the lock is yours")
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
        // TODO: a shared reference to the value (`self.lock.value.get()` is
        // a raw pointer to it). Why is it safe? Say so in a `// SAFETY:`.
        todo!("a reference to the value")
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // TODO: the same, mutable.
        todo!("a mutable reference to the value")
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        // TODO: unlock, so that everything written under the lock is
        // visible to the next thread that takes it.
    }
}
// ANCHOR_END: api
