//! loom's checked `UnsafeCell` behind std's API, for the model checks only.
//!
//! The lock files are written once, against `std::cell::UnsafeCell` and its
//! `get() -> *mut T`. Under `cfg(loom)` they import this type instead, so
//! loom sees each time a lock hands out the protected value, and panics
//! with "Causality violation" when that access does not happen-after the
//! previous access from another thread: the data race that a missing
//! Acquire or Release lets through. What this checks, and what it does not,
//! is on `get`.

/// `std::cell::UnsafeCell`'s API on top of `loom::cell::UnsafeCell`.
pub struct UnsafeCell<T>(::loom::cell::UnsafeCell<T>);

impl<T> UnsafeCell<T> {
    /// Wraps `value`.
    pub fn new(value: T) -> Self {
        UnsafeCell(::loom::cell::UnsafeCell::new(value))
    }

    /// A raw pointer to the value, like std's `get`. loom records one access
    /// at this call, as a write even if the caller only reads, and checks
    /// that it happens-after every earlier access from other threads. The
    /// pointer then escapes loom's view: a use of it after later loom
    /// operations is not checked again (loom's own `get_mut()` returns a
    /// `MutPtr` that keeps the access open while it lives). The chapter's
    /// locks turn the pointer into a reference that the critical section
    /// uses at once, and the models never read concurrently, so neither
    /// limit hides a race in these models; a model that held the reference
    /// across other loom operations would need the `MutPtr` form.
    #[track_caller]
    pub fn get(&self) -> *mut T {
        self.0.with_mut(|ptr| ptr)
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.0.into_inner()
    }
}
