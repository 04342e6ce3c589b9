//! Recognising a program whose threads are all asleep for good, the way Go's
//! runtime says "all goroutines are asleep - deadlock!".
//!
//! This file holds the report types every caller shares (the runner, the
//! server, the snippet and quiz checks, the exercise checker). Detection
//! itself — watching `/proc/<pid>/task/*` for threads blocked in untimed
//! futex waits with no CPU used for a grace period, then taking their stacks
//! — is added to this module; see playground/README.md.

use std::fmt;
use std::time::Duration;

/// The environment variable the runner sets for every program it watches
/// with the detector (value `1`). A program may then block without a
/// timeout of its own: the detector (and the wall-clock limit behind it)
/// turns a hang into a report. The exercise tests read it to drop their own
/// timed watchdogs, which would otherwise hide a deadlock from the detector
/// (a thread in a timed wait is never "asleep for good").
pub const DETECTOR_ENV: &str = "FEARLESS_DEADLOCK_DETECTOR";

/// What a blocked thread is waiting for, as far as its stack tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitKind {
    /// `Mutex::lock` (std or parking_lot), `RwLock::read`/`write`.
    Lock,
    /// `Condvar::wait` and friends.
    Condvar,
    /// `JoinHandle::join`.
    Join,
    /// A channel's `recv` or `send` (bounded).
    Channel,
    /// `thread::park`, `Barrier::wait`, `Once`, or anything else in a futex wait.
    Other,
}

/// One frame of a blocked thread's stack in the reader's own code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The function, without its crate path (`main`, `transfer`).
    pub function: String,
    /// The source file as the reader knows it (`main.rs`, `src/bank.rs`).
    pub file: String,
    pub line: u32,
}

/// One thread of a deadlocked program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedThread {
    pub tid: i32,
    /// The thread's name (`main`, or the name given to `thread::Builder`).
    pub name: Option<String>,
    pub waits_for: WaitKind,
    /// The frames in the reader's code, innermost first (empty when stacks
    /// could not be taken).
    pub frames: Vec<Frame>,
}

/// Every thread of the program was blocked in an untimed wait, and none used
/// CPU for the grace period: nothing can ever wake them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlockReport {
    pub threads: Vec<BlockedThread>,
    /// How long they had all been blocked when the program was stopped.
    pub blocked_for: Duration,
    /// Why there are no frames, when stacks could not be taken.
    pub no_stacks: Option<String>,
}

impl fmt::Display for DeadlockReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.threads.len();
        write!(
            f,
            "deadlock: all {n} thread{} were asleep for good (blocked for {:.1} s)",
            if n == 1 { "" } else { "s" },
            self.blocked_for.as_secs_f64()
        )
    }
}
