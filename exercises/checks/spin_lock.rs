//! The checks of exercise `spin-lock`: scenarios on real threads (try_lock
//! and unlock on one thread, exclusion under contention, and which types
//! your `Sync` promises cover), and loom models that run your lock in every
//! interleaving of two threads, with loom's checked `UnsafeCell` watching
//! every access to the value: a missing `Acquire` or `Release` is a data
//! race there even where x86-64 hides it.
//!
//! The models use two threads (`main` and one more): two *waiting* threads
//! can keep handing the processor to each other in loom's search until it
//! gives up ("Model exceeded maximum number of branches").

#[cfg(not(loom))]
use crate::exercise::SpinGuard;
use crate::exercise::SpinLock;
use crate::harness::{expect_total, fail, models, scenarios};

/// What the checker says when loom gives up on a model of this exercise.
#[cfg(loom)]
const SPINNING: &str = "A spin lock waits by looping, which is fine on real threads, but the \
     model checker must be told. Two causes, the first more likely:\n\
     - a loop that waits without calling `spin_loop()` from `crate::sync::hint`: loom then keeps \
     running the waiting thread and never the one that would unlock;\n\
     - a `lock` that retries with `swap(true, ..)`. That is correct on real machines, but loom 0.7.3 \
     can order the waiter's write of `true` after the holder's unlock, which no real execution does \
     (its open issue tokio-rs/loom#389), and then the waiter spins for ever in its search. Take the \
     lock with `compare_exchange(false, true, ..)`, which writes nothing when it fails.";

/// Whether `T` is `Sync` or `Send`, for a concrete `T`: an inherent method
/// (which needs the bound) wins over the trait's fallback when the bound
/// holds.
#[cfg(not(loom))]
#[allow(dead_code)] // Which method a probe calls depends on the type probed.
mod probe {
    use std::marker::PhantomData;

    pub struct Probe<T: ?Sized>(pub PhantomData<T>);

    pub trait Fallback {
        fn is_sync(&self) -> bool {
            false
        }
        fn is_send(&self) -> bool {
            false
        }
    }

    impl<T: ?Sized> Fallback for Probe<T> {}

    impl<T: ?Sized + Sync> Probe<T> {
        pub fn is_sync(&self) -> bool {
            true
        }
    }

    pub struct SendProbe<T: ?Sized>(pub PhantomData<T>);

    impl<T: ?Sized> Fallback for SendProbe<T> {}

    impl<T: ?Sized + Send> SendProbe<T> {
        pub fn is_send(&self) -> bool {
            true
        }
    }
}

#[cfg(not(loom))]
macro_rules! is_sync {
    ($t:ty) => {{
        #[allow(unused_imports)]
        use probe::Fallback as _;
        probe::Probe::<$t>(std::marker::PhantomData).is_sync()
    }};
}

#[cfg(not(loom))]
macro_rules! is_send {
    ($t:ty) => {{
        #[allow(unused_imports)]
        use probe::Fallback as _;
        probe::SendProbe::<$t>(std::marker::PhantomData).is_send()
    }};
}

/// The explanation of a lock that was still taken after its guard was dropped.
#[cfg(not(loom))]
const NEVER_UNLOCKED: &str = "The guard was dropped, but the lock stayed taken: nothing unlocks it, \
     so the next `lock()` would spin for ever. The guard *is* the unlock: its `drop` must store \
     `false` in `locked`, with `Release`, so that the next holder sees what this one wrote.";

scenarios! {
    /// `try_lock` on one thread: free → a guard; held → `None`; dropped → free again.
    Single fn try_lock_takes_a_free_lock_only() {
        let lock = SpinLock::new(1u32);
        let Some(first) = lock.try_lock() else {
            fail("`try_lock` on a new, unlocked lock returned `None`.\n\nA new lock is free: \
                  `locked` starts `false`, and `try_lock` must change it to `true` and return a guard.");
        };
        if lock.try_lock().is_some() {
            fail("`try_lock` returned a second guard while the first one was alive: two holders at once.\n\n\
                  `try_lock` must succeed only if *it* changed `locked` from `false` to `true`: \
                  `compare_exchange(false, true, ..)` does that in one step and says whether it did.");
        }
        drop(first);
        if lock.try_lock().is_none() {
            fail(format!("After `drop(guard)`, `try_lock` returned `None`.\n\n{NEVER_UNLOCKED}"));
        }
    }

    /// `lock`, change the value, unlock; then lock again and read it.
    Single fn lock_then_unlock_then_lock_again() {
        let lock = SpinLock::new(vec![1u32]);
        {
            let mut guard = lock.lock();
            guard.push(2);
            if guard.len() != 2 {
                fail("Through the guard, `push(2)` onto `vec![1]` did not make a vector of 2: \
                      `deref` and `deref_mut` must both reach the one value inside the lock.");
            }
        }
        match lock.try_lock() {
            None => fail(format!("After a `lock()`'s guard was dropped, `try_lock` returned `None`.\n\n{NEVER_UNLOCKED}")),
            Some(guard) => {
                if *guard != [1, 2] {
                    fail(format!(
                        "A guard saw {:?} after the previous one pushed 2 onto [1]: the guards must \
                         reach the one value inside the lock, not a copy.",
                        *guard
                    ));
                }
            }
        }
        let value = lock.into_inner();
        if value != [1, 2] {
            fail(format!("`into_inner` returned {value:?}; expected [1, 2]."));
        }
    }

    /// Which types your `unsafe impl Sync` covers: the lock and its guard.
    Single fn sync_is_promised_for_the_right_types() {
        use std::cell::Cell;
        use std::rc::Rc;
        if is_sync!(SpinLock<Rc<u8>>) {
            fail("`SpinLock<Rc<u8>>` is `Sync`, and that is unsound.\n\n\
                  Two threads could share the lock, each clone the `Rc` under it, and later drop their \
                  clones at the same moment, outside any lock: `Rc`'s count is not atomic, so that is a \
                  data race in safe code. A lock hands its `T` from one thread to another, so `T` must \
                  be `Send` (which `Rc` is not): `unsafe impl<T: Send> Sync for SpinLock<T> {}`, the \
                  bound of std's `Mutex<T>`.");
        }
        if is_send!(SpinLock<Rc<u8>>) {
            fail("`SpinLock<Rc<u8>>` is `Send`, and that is unsound: moving the lock moves the `Rc` \
                  to another thread while its clones stay behind. Leave `Send` to the compiler: a \
                  struct is `Send` when its fields are, and `UnsafeCell<T>` is `Send` when `T` is.");
        }
        if !is_sync!(SpinLock<Cell<u8>>) {
            fail("`SpinLock<Cell<u8>>` is not `Sync`, so it cannot be shared between threads — yet \
                  that is safe, and it is what a lock is for: only the guard's holder touches the \
                  `Cell`. The lock only needs `T: Send` (std's `Mutex<Cell<u8>>` is `Sync`): \
                  `unsafe impl<T: Send> Sync for SpinLock<T> {}`.");
        }
        if is_sync!(SpinGuard<'static, Cell<u8>>) {
            fail("`SpinGuard<Cell<u8>>` is `Sync`, and that is unsound.\n\n\
                  A thread holding the guard could share `&guard` with another thread, and both could \
                  call `guard.set(..)` on the `Cell` at the same time: a data race in safe code. The \
                  guard got `Sync` automatically, from its `&SpinLock<T>` field, whenever `T: Send`. \
                  But `&SpinGuard` hands out `&T`, so sharing it needs `T: Sync`: add \
                  `unsafe impl<T: Sync> Sync for SpinGuard<'_, T> {}` (std's `MutexGuard` has the same bound).");
        }
    }

    /// Three threads add 1 under the lock, 2000 times each, watching that
    /// nobody else is inside with them.
    Threads fn three_threads_never_hold_it_at_once() {
        use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
        const THREADS: u64 = 3;
        const EACH: u64 = 2_000;
        let lock = SpinLock::new(0u64);
        // A lock that never unlocks would leave every thread spinning for
        // ever: say so instead of hanging.
        drop(lock.lock());
        if lock.try_lock().is_none() {
            fail(format!("After a `lock()`'s guard was dropped, `try_lock` returned `None`.\n\n{NEVER_UNLOCKED}"));
        }
        let inside = AtomicBool::new(false);
        let overlapped = AtomicBool::new(false);
        std::thread::scope(|s| {
            for _ in 0..THREADS {
                s.spawn(|| {
                    for _ in 0..EACH {
                        let mut guard = lock.lock();
                        // Relaxed, so that this check adds no ordering of its own.
                        if inside.swap(true, Relaxed) {
                            overlapped.store(true, Relaxed);
                        }
                        *guard += 1;
                        inside.store(false, Relaxed);
                        drop(guard);
                    }
                });
            }
        });
        if overlapped.load(Relaxed) {
            fail("Two threads held the lock at the same time: `lock()` returned while another \
                  thread's guard was alive.\n\n\
                  Checking that the lock is free and marking it taken must be one indivisible step: \
                  with a `load` and then a `store`, both threads can see `false` before either \
                  writes `true`. `compare_exchange(false, true, ..)` does both at once and tells \
                  you whether it was you; retry it until it is.");
        }
        expect_total("the count after 3 threads × 2000 locked additions", THREADS * EACH, lock.into_inner(), THREADS, EACH);
    }
}

models! {
    /// `main` and one thread each take the lock and drop the guard, without
    /// touching the value: is either ever inside while the other is?
    Interleavings fn a_thread_and_main_never_hold_it_at_once() {
        use crate::sync::atomic::{AtomicBool, Ordering::SeqCst};
        use crate::sync::{Arc, thread};
        crate::harness::when_a_model_spins(SPINNING);
        let shared = Arc::new((SpinLock::new(()), AtomicBool::new(false)));
        let enter = |shared: &(SpinLock<()>, AtomicBool)| {
            let (lock, inside) = shared;
            let guard = lock.lock();
            if inside.swap(true, SeqCst) {
                fail(
                    "Two threads held the lock at the same time: `lock()` returned while the other \
                     thread's guard was alive.\n\n\
                     Checking that the lock is free and marking it taken must be one indivisible step: \
                     with a `load` and then a `store`, both threads can see `false` before either \
                     writes `true`. `compare_exchange(false, true, ..)` does both at once and tells \
                     you whether it was you; retry it until it is.",
                );
            }
            inside.store(false, SeqCst);
            drop(guard);
        };
        let other = {
            let shared = Arc::clone(&shared);
            thread::spawn(move || enter(&shared))
        };
        enter(&shared);
        other.join().expect("the other thread panicked");
    }

    /// `main` and one thread each add 1 under `lock()`: the total is 2, and
    /// loom's checked cell sees each access happen-after the previous one.
    Interleavings fn a_thread_and_main_each_add_one() {
        use crate::sync::{Arc, thread};
        crate::harness::when_a_model_spins(SPINNING);
        let lock = Arc::new(SpinLock::new(0u32));
        let other = {
            let lock = Arc::clone(&lock);
            thread::spawn(move || *lock.lock() += 1)
        };
        *lock.lock() += 1;
        other.join().expect("the other thread panicked");
        let total = *lock.lock();
        expect_total("the count after two locked additions", 2, u64::from(total), 2, 1);
    }

    /// `main` adds 1 under `lock()` while a thread tries `try_lock` once and
    /// adds 1 if it got the lock.
    Interleavings fn try_lock_sees_what_the_last_holder_wrote() {
        use crate::sync::{Arc, thread};
        crate::harness::when_a_model_spins(SPINNING);
        let lock = Arc::new(SpinLock::new(0u32));
        let other = {
            let lock = Arc::clone(&lock);
            thread::spawn(move || match lock.try_lock() {
                Some(mut guard) => {
                    *guard += 1;
                    1
                }
                None => 0,
            })
        };
        *lock.lock() += 1;
        let tried = other.join().expect("the other thread panicked");
        let total = *lock.lock();
        expect_total("the count after a `lock()` addition and a `try_lock()` one", 1 + tried, u64::from(total), 2, 1);
    }
}
