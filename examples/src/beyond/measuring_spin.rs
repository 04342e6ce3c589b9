//! `src/beyond/measuring.md`, "Spinning when threads outnumber cores": the
//! workloads of `cargo xtask bench spin`.
//!
//! One `u64` counter, incremented under each of four locks with the same
//! API — Part 3's `SpinLock`, `ParkingLock` and `FutexMutex`, and std's
//! `Mutex` — with two critical sections: one addition, and one addition
//! followed by a fixed amount of work (about 200 ns on the 2-vCPU machine
//! this was written on). Besides the wall-clock time, every run records the
//! CPU time the whole process used (`getrusage`), because a waiting spinner
//! burns CPU that a sleeping waiter gives away: with more threads than cores
//! that difference is the whole story. Every run checks its own total.

use std::hint::black_box;
use std::sync::{Barrier, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::real_world::throughput::workload::share;
use crate::underneath::parking_lock::ParkingLock;
use crate::underneath::spin_lock::SpinLock;
use crate::underneath::std_mutex::FutexMutex;

/// Rounds of [`work`] in the longer critical section: about 200 ns on the
/// machine the benchmark was written on (the page prints what it measured).
pub const WORK_ROUNDS: u32 = 224;

/// A fixed amount of work the optimizer cannot remove or shorten: a chain of
/// `rounds` dependent multiply-adds, each result passed through `black_box`.
/// Never inlined, so that every lock runs the very same machine code.
#[inline(never)]
pub fn work(seed: u64, rounds: u32) -> u64 {
    let mut x = seed;
    for _ in 0..rounds {
        x = black_box(x.wrapping_mul(0x5851_F42D_4C95_7F2D).wrapping_add(1));
    }
    x
}

/// A `u64` counter behind one of the four locks.
pub trait CountingLock: Sync {
    /// A counter at zero.
    fn zero() -> Self;
    /// Locks, adds one, does `rounds` of [`work`] still holding the lock,
    /// unlocks.
    fn increment(&self, rounds: u32);
    /// The count, once every thread is done.
    fn total(self) -> u64;
}

macro_rules! counting_lock {
    ($($lock:ty: |$l:ident| lock = $guard:expr, into_inner = $inner:expr;)*) => {$(
        impl CountingLock for $lock {
            fn zero() -> Self {
                <$lock>::new(0)
            }
            fn increment(&self, rounds: u32) {
                let $l = self;
                let mut value = $guard;
                *value += 1;
                black_box(work(*value, rounds));
            }
            fn total(self) -> u64 {
                let $l = self;
                $inner
            }
        }
    )*};
}

counting_lock! {
    SpinLock<u64>: |l| lock = l.lock(), into_inner = l.into_inner();
    ParkingLock<u64>: |l| lock = l.lock(), into_inner = l.into_inner();
    FutexMutex<u64>: |l| lock = l.lock(), into_inner = l.into_inner();
    // A panicking thread fails the whole run anyway: ignore poisoning here.
    Mutex<u64>: |l| lock = l.lock().unwrap_or_else(PoisonError::into_inner),
        into_inner = l.into_inner().unwrap_or_else(PoisonError::into_inner);
}

// ANCHOR: usage
/// The CPU time the whole process has used so far (every thread, finished
/// ones included), and how often its threads stopped running: voluntarily
/// (they went to sleep) or not (the scheduler preempted them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Time spent running the program's own code.
    pub user: Duration,
    /// Time spent in the kernel on its behalf (system calls such as futex).
    pub system: Duration,
    pub voluntary_switches: u64,
    pub involuntary_switches: u64,
}

impl Usage {
    /// `getrusage(RUSAGE_SELF)`, the call behind the shell's `time` (None
    /// where there is no such call).
    #[cfg(unix)]
    pub fn now() -> Option<Usage> {
        let mut raw = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: `raw` is valid for writes of one `rusage`, and the call
        // fills it in completely when it returns 0.
        let status = unsafe { libc::getrusage(libc::RUSAGE_SELF, raw.as_mut_ptr()) };
        assert_eq!(status, 0, "getrusage failed: {}", std::io::Error::last_os_error());
        // SAFETY: the call succeeded, so every field is initialized.
        let raw = unsafe { raw.assume_init() };
        let time =
            |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
        Some(Usage {
            user: time(raw.ru_utime),
            system: time(raw.ru_stime),
            voluntary_switches: raw.ru_nvcsw as u64,
            involuntary_switches: raw.ru_nivcsw as u64,
        })
    }

    #[cfg(not(unix))]
    pub fn now() -> Option<Usage> {
        None
    }

    /// What was used between `earlier` and `self`.
    pub fn since(&self, earlier: &Usage) -> Usage {
        Usage {
            user: self.user.saturating_sub(earlier.user),
            system: self.system.saturating_sub(earlier.system),
            voluntary_switches: self.voluntary_switches.saturating_sub(earlier.voluntary_switches),
            involuntary_switches: self.involuntary_switches.saturating_sub(earlier.involuntary_switches),
        }
    }

    /// User plus system time.
    pub fn cpu(&self) -> Duration {
        self.user + self.system
    }
}
// ANCHOR_END: usage

/// One timed run: how long it took, and what it cost the CPU.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub wall: Duration,
    /// None where the OS cannot say ([`Usage::now`]).
    pub usage: Option<Usage>,
}

// ANCHOR: timed_lock
/// `total_ops` increments under a lock of type `L`, split over `threads`
/// threads, each holding the lock for one addition and `rounds` of work.
/// The clock and the CPU account both start when every thread waits at the
/// barrier, and stop when the last one is joined.
pub fn timed_lock<L: CountingLock>(threads: usize, total_ops: u64, rounds: u32) -> Sample {
    let lock = L::zero();
    let start = Barrier::new(threads + 1);
    let sample = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let (lock, start) = (&lock, &start);
                s.spawn(move || {
                    let ops = share(total_ops, threads, i);
                    start.wait();
                    for _ in 0..ops {
                        lock.increment(black_box(rounds));
                    }
                })
            })
            .collect();
        start.wait();
        let before = Usage::now();
        let clock = Instant::now();
        for handle in handles {
            handle.join().unwrap();
        }
        let wall = clock.elapsed();
        let usage = Usage::now().zip(before).map(|(after, before)| after.since(&before));
        Sample { wall, usage }
    });
    assert_eq!(lock.total(), total_ops, "a lock lost updates");
    sample
}
// ANCHOR_END: timed_lock

/// One line of the spin plot: a lock and a critical section.
pub struct LockWorkload {
    /// Stable key in the JSON (`spin_add`, `std_work`, …).
    pub key: &'static str,
    /// Legend label (the lock).
    pub label: &'static str,
    /// The plot panel (the critical section).
    pub facet: &'static str,
    /// How many times the group's operation count this line runs: the
    /// one-addition lines run [`ADD_OPS_SCALE`] times as many increments,
    /// so that their runs last about as long as the longer ones' and every
    /// thread's share spans many scheduler time slices.
    pub ops_scale: u64,
    /// Runs `total_ops` increments on `threads` threads.
    pub run: fn(threads: usize, total_ops: u64) -> Sample,
}

/// The one-addition critical section is about a tenth as long as the
/// longer one (on the machine this was written on).
pub const ADD_OPS_SCALE: u64 = 10;

/// The facet of the one-addition critical section.
pub const ADD: &str = "one-addition critical section";
/// The facet of the longer critical section.
pub const ADD_AND_WORK: &str = "longer critical section (addition + work)";

macro_rules! lock_workloads {
    ($($key:literal, $label:literal, $facet:expr, $scale:expr, $lock:ty, $rounds:expr;)*) => {
        &[$(LockWorkload {
            key: $key,
            label: $label,
            facet: $facet,
            ops_scale: $scale,
            run: |t, n| timed_lock::<$lock>(t, n, $rounds),
        },)*]
    };
}

/// The spin group: four locks × two critical sections, in plot order.
pub const LOCKS: &[LockWorkload] = lock_workloads! {
    "spin_add", "SpinLock", ADD, ADD_OPS_SCALE, SpinLock<u64>, 0;
    "parking_add", "ParkingLock", ADD, ADD_OPS_SCALE, ParkingLock<u64>, 0;
    "futex_add", "FutexMutex (std's protocol)", ADD, ADD_OPS_SCALE, FutexMutex<u64>, 0;
    "std_add", "std Mutex", ADD, ADD_OPS_SCALE, Mutex<u64>, 0;
    "spin_work", "SpinLock", ADD_AND_WORK, 1, SpinLock<u64>, WORK_ROUNDS;
    "parking_work", "ParkingLock", ADD_AND_WORK, 1, ParkingLock<u64>, WORK_ROUNDS;
    "futex_work", "FutexMutex (std's protocol)", ADD_AND_WORK, 1, FutexMutex<u64>, WORK_ROUNDS;
    "std_work", "std Mutex", ADD_AND_WORK, 1, Mutex<u64>, WORK_ROUNDS;
};

/// The thread counts of the spin group on a machine with `cores` cores:
/// one, as many as the cores, and two, four and eight times as many.
pub fn thread_counts(cores: usize) -> Vec<usize> {
    let cores = cores.max(1);
    let mut counts = vec![1, cores, 2 * cores, 4 * cores, 8 * cores];
    counts.dedup();
    counts
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn every_lock_workload_runs_and_counts_correctly() {
        // Each run asserts its own total; a lost update panics here.
        for workload in LOCKS {
            for threads in [1, 3] {
                let sample = (workload.run)(threads, 5_001);
                assert!(sample.wall > Duration::ZERO, "{}", workload.key);
            }
        }
    }

    /// A lock that forgets every seventh increment: the run must panic.
    /// (Calls so far, count.)
    struct Forgetful(Mutex<(u64, u64)>);

    impl CountingLock for Forgetful {
        fn zero() -> Self {
            Forgetful(Mutex::new((0, 0)))
        }
        fn increment(&self, _rounds: u32) {
            let mut state = self.0.lock().unwrap();
            state.0 += 1;
            if !state.0.is_multiple_of(7) {
                state.1 += 1;
            }
            drop(state);
        }
        fn total(self) -> u64 {
            self.0.into_inner().unwrap().1
        }
    }

    #[test]
    fn the_check_catches_a_lock_that_loses_updates() {
        let result = std::panic::catch_unwind(|| timed_lock::<Forgetful>(3, 10_000, 1));
        let message =
            *result.expect_err("a lock that loses updates passed the check").downcast::<String>().unwrap();
        assert!(message.contains("a lock lost updates"), "{message}");
    }

    #[test]
    #[cfg(unix)]
    fn usage_counts_the_cpu_time_of_other_threads() {
        // One thread spins for 50 ms of wall time: the process's CPU time
        // must grow by about as much, although the caller only waited.
        let before = Usage::now().unwrap();
        thread::spawn(|| {
            let until = Instant::now() + Duration::from_millis(50);
            while Instant::now() < until {
                std::hint::spin_loop();
            }
        })
        .join()
        .unwrap();
        let used = Usage::now().unwrap().since(&before);
        assert!(used.cpu() >= Duration::from_millis(30), "{used:?}");
    }

    #[test]
    #[cfg(unix)]
    fn usage_counts_a_sleeper_as_a_voluntary_switch() {
        let before = Usage::now().unwrap();
        thread::sleep(Duration::from_millis(5));
        let used = Usage::now().unwrap().since(&before);
        // (Other tests run in this process at the same time, so its CPU
        // time says nothing about the sleeper: only the switch is certain.)
        assert!(used.voluntary_switches >= 1, "{used:?}");
    }

    #[test]
    fn thread_counts_are_one_the_cores_and_multiples() {
        assert_eq!(thread_counts(2), [1, 2, 4, 8, 16]);
        assert_eq!(thread_counts(1), [1, 2, 4, 8]);
        assert_eq!(thread_counts(0), [1, 2, 4, 8]);
    }

    #[test]
    fn work_is_deterministic_and_depends_on_the_rounds() {
        assert_eq!(work(7, 64), work(7, 64));
        assert_ne!(work(7, 64), work(7, 63));
        assert_eq!(work(7, 0), 7);
    }
}
