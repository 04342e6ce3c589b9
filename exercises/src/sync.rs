//! The locks and threads your exercise code uses: import them from here
//! (`use crate::sync::{Arc, Mutex, thread};`), not from `std`.
//!
//! Normally they *are* `std`'s: nothing to learn, nothing changes. Under
//! `--cfg loom` they are [loom](https://docs.rs/loom)'s, whose every lock,
//! notify and thread switch the model checker controls. That is how the
//! checker runs *your* code in every interleaving of its threads, as loom's
//! documentation recommends: one source, compiled against both.
//!
//! loom 0.7.3 lacks a few things std has; this file fills the two that the
//! exercises need, under `cfg(loom)` only: `Condvar::wait_while` and
//! `thread::scope`. For exercises that build a lock it also hands out
//! `cell::UnsafeCell` (under loom, one whose every access is checked for a
//! data race) and `hint::spin_loop`. (It has no `Barrier`, no `is_poisoned`, and a model runs
//! at most 4 spawned threads; the checks stay within that.) Its `Mutex` also
//! gets one addition, so that a `try_lock` can see a lock held by another
//! thread (see [`Mutex`]).

#[cfg(not(loom))]
pub use std::sync::{
    Arc, Condvar, LockResult, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard,
    TryLockError, TryLockResult, WaitTimeoutResult, atomic,
};
#[cfg(not(loom))]
pub use std::thread;

/// `UnsafeCell`, for exercises that build a lock: std's, or under loom a
/// cell that checks every access for a data race.
#[cfg(not(loom))]
pub mod cell {
    pub use std::cell::UnsafeCell;
}

/// `spin_loop`, for exercises that spin: std's hint to the CPU, or under
/// loom a yield that tells the model checker this thread is waiting (a loop
/// on std's hint never lets loom's other threads run).
#[cfg(not(loom))]
pub mod hint {
    pub use std::hint::spin_loop;
}

#[cfg(loom)]
pub mod hint {
    pub use loom::hint::spin_loop;
}

#[cfg(loom)]
pub use loom::sync::{Arc, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard, WaitTimeoutResult, atomic};
#[cfg(loom)]
pub use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};

#[cfg(loom)]
pub use loom_only::{Condvar, Mutex, thread};

#[cfg(loom)]
mod loom_only {
    use super::{LockResult, MutexGuard, TryLockResult};
    use loom::sync::atomic::{AtomicBool, Ordering};
    use std::fmt;
    use std::time::Duration;

    /// loom's `Mutex`, with one extra step: a thread that has just taken the
    /// lock touches a flag, and `try_lock` reads it first.
    ///
    /// loom switches threads only at operations it models, and taking a
    /// lock is one but dropping the guard is not. Without a modelled step
    /// while the lock is held, no other thread ever runs inside a critical
    /// section, so a `try_lock` would never find the lock taken and a
    /// `total()` that skips busy shards would pass every interleaving. The
    /// flag's write and read are such steps, and they depend on each other,
    /// so loom also tries running the `try_lock` while the lock is held.
    pub struct Mutex<T: ?Sized> {
        held: AtomicBool,
        inner: loom::sync::Mutex<T>,
    }

    impl<T> Mutex<T> {
        /// A mutex holding `value`. (Not `const`, unlike std's: a `static`
        /// mutex cannot be model-checked.)
        pub fn new(value: T) -> Mutex<T> {
            Mutex { held: AtomicBool::new(false), inner: loom::sync::Mutex::new(value) }
        }

        /// The value, once nobody can lock it any more.
        pub fn into_inner(self) -> LockResult<T> {
            self.inner.into_inner()
        }
    }

    impl<T: ?Sized> Mutex<T> {
        /// Waits for the lock. `#[track_caller]`, so a thread blocked here
        /// is reported at *your* line.
        #[track_caller]
        pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
            let guard = self.inner.lock();
            self.held.store(true, Ordering::SeqCst);
            guard
        }

        /// Takes the lock if nobody holds it.
        #[track_caller]
        pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>> {
            self.held.load(Ordering::SeqCst);
            self.inner.try_lock()
        }

        /// The value, through `&mut`: no locking needed.
        pub fn get_mut(&mut self) -> LockResult<&mut T> {
            self.inner.get_mut()
        }
    }

    impl<T: Default> Default for Mutex<T> {
        fn default() -> Mutex<T> {
            Mutex::new(T::default())
        }
    }

    impl<T> From<T> for Mutex<T> {
        fn from(value: T) -> Mutex<T> {
            Mutex::new(value)
        }
    }

    impl<T: ?Sized> fmt::Debug for Mutex<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Mutex { .. }")
        }
    }

    /// loom's `Condvar` with std's `wait_while`, which loom lacks. Every
    /// method is `#[track_caller]`, so loom reports a thread blocked here at
    /// *your* line.
    #[derive(Debug, Default)]
    pub struct Condvar(loom::sync::Condvar);

    impl Condvar {
        /// A condition variable nobody waits on yet.
        pub fn new() -> Condvar {
            Condvar(loom::sync::Condvar::new())
        }

        /// Unlocks, sleeps until notified, locks again.
        #[track_caller]
        pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> LockResult<MutexGuard<'a, T>> {
            self.0.wait(guard)
        }

        /// Sleeps while `condition` holds, re-checking it under the lock
        /// after every wake-up, as std's does.
        #[track_caller]
        pub fn wait_while<'a, T, F>(
            &self,
            mut guard: MutexGuard<'a, T>,
            mut condition: F,
        ) -> LockResult<MutexGuard<'a, T>>
        where
            F: FnMut(&mut T) -> bool,
        {
            while condition(&mut *guard) {
                guard = self.0.wait(guard)?;
            }
            Ok(guard)
        }

        /// loom does not model time: this is `wait`, never timing out.
        #[track_caller]
        pub fn wait_timeout<'a, T>(
            &self,
            guard: MutexGuard<'a, T>,
            duration: Duration,
        ) -> LockResult<(MutexGuard<'a, T>, super::WaitTimeoutResult)> {
            self.0.wait_timeout(guard, duration)
        }

        /// Wakes one waiting thread.
        #[track_caller]
        pub fn notify_one(&self) {
            self.0.notify_one();
        }

        /// Wakes every waiting thread.
        #[track_caller]
        pub fn notify_all(&self) {
            self.0.notify_all();
        }
    }

    /// loom's threads, plus a `scope` like std's, which loom lacks.
    pub mod thread {
        use std::any::Any;
        use std::marker::PhantomData;
        use std::panic::{self, AssertUnwindSafe};
        use std::sync::{Arc, Mutex, PoisonError};

        pub use loom::thread::{
            Builder, JoinHandle, LocalKey, Thread, ThreadId, current, park, spawn, yield_now,
        };

        /// One spawned thread's handle, shared by its scope (which joins it
        /// at the end) and its `ScopedJoinHandle` (which may join it first).
        type Slot = Arc<Mutex<Option<JoinHandle<()>>>>;

        /// Like `std::thread::scope`: every thread spawned on the scope is
        /// joined before `scope` returns, so the threads may borrow locals.
        pub fn scope<'env, F, T>(f: F) -> T
        where
            F: for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T,
        {
            let scope = Scope { threads: Mutex::new(Vec::new()), scope: PhantomData, env: PhantomData };
            let result = panic::catch_unwind(AssertUnwindSafe(|| f(&scope)));
            // Join every thread before anything it borrows can go away.
            let threads = std::mem::take(&mut *scope.threads.lock().unwrap_or_else(PoisonError::into_inner));
            let mut thread_panicked = false;
            for slot in threads {
                let handle = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
                if let Some(handle) = handle {
                    thread_panicked |= handle.join().is_err();
                }
            }
            match result {
                Err(payload) => panic::resume_unwind(payload),
                Ok(_) if thread_panicked => panic!("a scoped thread panicked"),
                Ok(value) => value,
            }
        }

        /// Like `std::thread::Scope`.
        pub struct Scope<'scope, 'env: 'scope> {
            threads: Mutex<Vec<Slot>>,
            scope: PhantomData<&'scope mut &'scope ()>,
            env: PhantomData<&'env mut &'env ()>,
        }

        /// Like `std::thread::ScopedJoinHandle`.
        pub struct ScopedJoinHandle<'scope, T> {
            slot: Slot,
            result: Arc<Mutex<Option<std::thread::Result<T>>>>,
            scope: PhantomData<&'scope ()>,
        }

        impl<'scope> Scope<'scope, '_> {
            /// Spawns a loom thread that may borrow from outside the scope.
            #[track_caller]
            pub fn spawn<F, T>(&'scope self, f: F) -> ScopedJoinHandle<'scope, T>
            where
                F: FnOnce() -> T + Send + 'scope,
                T: Send + 'scope,
            {
                let result = Arc::new(Mutex::new(None));
                let out = Arc::clone(&result);
                let body: Box<dyn FnOnce() + 'scope> = Box::new(move || {
                    let value = panic::catch_unwind(AssertUnwindSafe(f));
                    let failed = value.is_err();
                    *out.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
                    if failed {
                        // loom fails the whole model on a panic: let it see this one.
                        panic!("a scoped thread panicked (its panic is reported above)");
                    }
                });
                // SAFETY: `scope` joins this thread before it returns, and
                // 'scope ends inside `scope`, so nothing the closure borrows
                // is dropped while the thread can still run. (loom needs a
                // 'static closure because its own spawn cannot know that.)
                let body: Box<dyn FnOnce() + 'static> = unsafe {
                    std::mem::transmute::<Box<dyn FnOnce() + 'scope>, Box<dyn FnOnce() + 'static>>(body)
                };
                let slot: Slot = Arc::new(Mutex::new(Some(spawn(body))));
                self.threads.lock().unwrap_or_else(PoisonError::into_inner).push(Arc::clone(&slot));
                ScopedJoinHandle { slot, result, scope: PhantomData }
            }
        }

        impl<T> ScopedJoinHandle<'_, T> {
            /// Waits for the thread and returns its result.
            #[track_caller]
            pub fn join(self) -> std::thread::Result<T> {
                let handle = self.slot.lock().unwrap_or_else(PoisonError::into_inner).take();
                if let Some(handle) = handle {
                    let _ = handle.join();
                }
                let result = self.result.lock().unwrap_or_else(PoisonError::into_inner).take();
                result.unwrap_or_else(|| Err(Box::new("the thread did not finish") as Box<dyn Any + Send>))
            }
        }
    }
}

/// std's `UnsafeCell` API (`new`, `get`, `get_mut`, `into_inner`) on top of
/// loom's checked cell, so a lock written against std's is model-checked as
/// written.
///
/// loom records an access to the value at each `get()` (as a write) and
/// panics with "Causality violation" when it does not happen-after the
/// previous access from another thread: the data race that a lock without
/// `Acquire` and `Release` lets through. Recording a read as a write is
/// stricter than needed for two concurrent *reads*, which no exercise
/// makes: a lock hands the value to one thread at a time.
#[cfg(loom)]
pub mod cell {
    /// Like `std::cell::UnsafeCell`, checked by loom.
    #[derive(Debug)]
    pub struct UnsafeCell<T>(loom::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        /// Wraps `value`.
        pub fn new(value: T) -> UnsafeCell<T> {
            UnsafeCell(loom::cell::UnsafeCell::new(value))
        }

        /// A raw pointer to the value, like std's `get`. `#[track_caller]`,
        /// so a data race is reported at *your* line.
        #[track_caller]
        pub fn get(&self) -> *mut T {
            self.0.with_mut(|ptr| ptr)
        }

        /// The value through `&mut`: no other thread can touch it.
        #[track_caller]
        pub fn get_mut(&mut self) -> &mut T {
            // SAFETY: `&mut self` means no other reference to the cell exists.
            unsafe { &mut *self.get() }
        }

        /// Unwraps the value.
        pub fn into_inner(self) -> T {
            self.0.into_inner()
        }
    }
}
