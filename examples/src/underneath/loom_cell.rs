//! loom's checked `UnsafeCell` behind std's API, for the model checks only.
//!
//! The lock files are written once, against `std::cell::UnsafeCell` and its
//! `get() -> *mut T`. Under `cfg(loom)` they import this type instead, so
//! every access to the protected value is seen by loom, which panics with
//! "Causality violation" when an access does not happen-after the previous
//! access from another thread: the data race that a missing Acquire or
//! Release lets through.

/// `std::cell::UnsafeCell`'s API on top of `loom::cell::UnsafeCell`.
pub struct UnsafeCell<T>(::loom::cell::UnsafeCell<T>);

impl<T> UnsafeCell<T> {
    /// Wraps `value`.
    pub fn new(value: T) -> Self {
        UnsafeCell(::loom::cell::UnsafeCell::new(value))
    }

    /// A raw pointer to the value, like std's `get`. loom records the access
    /// at this call, as a write: it checks that it happens-after every
    /// earlier access from other threads. That is stricter than needed for
    /// two concurrent *reads*; the models of this chapter never make those.
    #[track_caller]
    pub fn get(&self) -> *mut T {
        self.0.with_mut(|ptr| ptr)
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.0.into_inner()
    }
}
