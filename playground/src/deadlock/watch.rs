//! Watching a running program's threads through `/proc/<pid>/task/*`.
//!
//! Every `interval`, each thread's current system call (`syscall`) and CPU
//! time (`schedstat`, in nanoseconds) are read. A thread is *blocked* while
//! it sits in an untimed futex wait — the one system call std's `Mutex`,
//! `Condvar`, `RwLock`, channels, `join` and `park` (and parking_lot's) all
//! end in when they wait without a timeout — and has used no CPU since the
//! previous sample. A thread that has been woken shows as `running` even
//! before it gets a CPU, so it is never blocked.
//!
//! When every thread of the program has been blocked for the grace period,
//! and the program has no other live process, nothing inside the program
//! can ever wake them: the detector takes their stacks and reports a
//! deadlock. Timed waits, sleeps, I/O and waiting for a child are other
//! system calls, so such programs are never called deadlocked.

use std::collections::BTreeMap;
use std::fs;
use std::time::{Duration, Instant};

use super::stacks::{self, Symbolized};
use super::{BlockedThread, DeadlockReport, Frame, WaitKind};
use crate::types::Activity;

/// How the detector decides.
#[derive(Debug, Clone)]
pub struct DetectorConfig {
    /// How long every thread must have been blocked before it is a deadlock.
    pub grace: Duration,
    /// Time between two samples of the threads.
    pub interval: Duration,
    /// Take the blocked threads' stacks for the report.
    pub stacks: bool,
}

impl Default for DetectorConfig {
    /// One second of grace, sampled every 100 ms: see playground/README.md
    /// for why.
    fn default() -> DetectorConfig {
        DetectorConfig { grace: Duration::from_secs(1), interval: Duration::from_millis(100), stacks: true }
    }
}

/// The deadlock detector for one run.
pub struct Detector {
    config: DetectorConfig,
    /// The leased uid of the run, if any (to find its other processes).
    uid: Option<u32>,
    pid: i32,
    next: Instant,
    threads: BTreeMap<i32, Track>,
    cpu_total: u64,
    /// The last sample at which the program had used CPU since the one before.
    last_busy: Instant,
    /// When the previous sample was taken.
    last_sample: Instant,
    /// The program's line tables, loaded once every thread looks blocked.
    line_tables: Option<Result<addr2line::Loader, String>>,
}

#[derive(Debug, Clone, Copy)]
struct Track {
    cpu_ns: u64,
    /// Since when it has been blocked, seen at every sample since.
    blocked_since: Option<Instant>,
}

/// What one sample saw of one thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    cpu_ns: u64,
    untimed_wait: bool,
}

impl Detector {
    /// A detector for a program run as `uid` (a leased uid) or as the
    /// runner's own user (`None`).
    pub fn new(config: DetectorConfig, uid: Option<u32>) -> Detector {
        let now = Instant::now();
        Detector {
            config,
            uid,
            pid: 0,
            next: now,
            threads: BTreeMap::new(),
            cpu_total: 0,
            last_busy: now,
            last_sample: now,
            line_tables: None,
        }
    }

    /// The program has started as `pid`.
    pub(crate) fn start(&mut self, pid: i32, now: Instant) {
        self.pid = pid;
        self.next = now + self.config.interval;
        self.last_busy = now;
        self.last_sample = now;
    }

    /// When the next sample is due.
    pub(crate) fn next_sample(&self) -> Instant {
        self.next
    }

    /// Whether a sample is due at `now`.
    pub(crate) fn due(&self, now: Instant) -> bool {
        now >= self.next
    }

    /// Samples the threads; a report when the program is deadlocked.
    pub(crate) fn sample(&mut self, now: Instant) -> Option<Box<DeadlockReport>> {
        self.next = now + self.config.interval;
        self.observe(now);
        let last_to_block = self.threads.values().map(|t| t.blocked_since).collect::<Option<Vec<_>>>()?;
        let since = last_to_block.into_iter().max()?;
        if self.config.stacks && self.line_tables.is_none() {
            // Probably a deadlock: get the slow part of the stacks done
            // while the grace period runs.
            self.line_tables = Some(stacks::line_tables(self.pid));
        }
        if now.duration_since(since) < self.config.grace || self.other_processes_alive() {
            return None;
        }
        Some(Box::new(self.report(now.duration_since(since))))
    }

    /// What the program was doing at the time limit.
    pub(crate) fn activity(&mut self, now: Instant) -> Activity {
        self.observe(now);
        let threads = self.threads.len();
        let blocked = self
            .threads
            .values()
            .filter(|t| t.blocked_since.is_some_and(|s| now.duration_since(s) >= self.config.grace))
            .count();
        let recently = self.config.grace.max(self.config.interval * 3);
        if blocked > 0 && blocked < threads {
            Activity::PartlyBlocked { blocked, threads }
        } else if now.duration_since(self.last_busy) < recently {
            Activity::Busy
        } else {
            Activity::Idle
        }
    }

    /// Updates every thread's track from `/proc`.
    fn observe(&mut self, now: Instant) {
        let mut seen = sample_threads(self.pid, &self.threads);
        // A thread that could not be read (or that a racing directory
        // listing skipped) must not leave the others looking alone: then
        // nobody counts as blocked in this sample.
        if thread_count(self.pid) != Some(seen.len()) {
            for (_, s) in &mut seen {
                s.untimed_wait = false;
            }
        }
        let mut cpu_total = 0;
        let mut threads = BTreeMap::new();
        for (tid, s) in seen {
            cpu_total += s.cpu_ns;
            let before = self.threads.get(&tid);
            // No CPU used since the previous sample, and in an untimed wait
            // now: it cannot have entered the wait without running, so it
            // has been in it since that sample.
            let still = s.untimed_wait && before.is_some_and(|b| b.cpu_ns == s.cpu_ns);
            let blocked_since = if still {
                Some(before.and_then(|b| b.blocked_since).unwrap_or(self.last_sample))
            } else {
                None
            };
            threads.insert(tid, Track { cpu_ns: s.cpu_ns, blocked_since });
        }
        let same_threads = threads.keys().eq(self.threads.keys());
        if cpu_total != self.cpu_total || !same_threads {
            self.last_busy = now;
        }
        self.cpu_total = cpu_total;
        self.threads = threads;
        self.last_sample = now;
    }

    /// Another live process of the run (a child it waits for, or one it
    /// left running) could still change something: never a deadlock then.
    fn other_processes_alive(&self) -> bool {
        let others = match self.uid {
            Some(uid) => crate::sandbox::processes_of(uid)
                .into_iter()
                .filter(|p| !p.zombie && p.pid != self.pid)
                .count(),
            None => group_members(self.pid).into_iter().filter(|&p| p != self.pid).count(),
        };
        others > 0
    }

    fn report(&mut self, blocked_for: Duration) -> DeadlockReport {
        let tids: Vec<i32> = self.threads.keys().copied().collect();
        let (stacks, no_stacks) = if self.config.stacks {
            let taken = match self.line_tables.take() {
                Some(Ok(symbols)) => stacks::take(self.pid, &tids, &symbols),
                Some(Err(why)) => Err(why),
                None => stacks::line_tables(self.pid).and_then(|s| stacks::take(self.pid, &tids, &s)),
            };
            match taken {
                Ok(stacks) => (stacks, None),
                Err(why) => (BTreeMap::new(), Some(why)),
            }
        } else {
            (BTreeMap::new(), Some("taking stacks is turned off".to_string()))
        };
        let main_comm = comm(self.pid, self.pid);
        let threads = tids
            .iter()
            .map(|&tid| {
                let name = if tid == self.pid {
                    Some("main".to_string())
                } else {
                    // Threads inherit the name of the thread that started
                    // them: only a different one was given by the program.
                    comm(self.pid, tid).filter(|c| Some(c) != main_comm.as_ref())
                };
                let stack = stacks.get(&tid).map(Vec::as_slice).unwrap_or_default();
                BlockedThread { tid, name, waits_for: wait_kind(stack), frames: user_frames(stack) }
            })
            .collect();
        DeadlockReport { threads, blocked_for, no_stacks }
    }
}

/// The mean time one sample of `pid`'s threads takes, over `samples`
/// samples in a row (for `cargo xtask bench playground`): divided by the
/// interval, the share of a core the detector costs while a program runs.
pub fn sample_cost(pid: i32, samples: u32) -> (Duration, usize) {
    let mut detector = Detector::new(DetectorConfig { stacks: false, ..DetectorConfig::default() }, None);
    let started = Instant::now();
    detector.start(pid, started);
    for _ in 0..samples.max(1) {
        detector.observe(Instant::now());
    }
    (started.elapsed() / samples.max(1), detector.threads.len())
}

/// Every thread of `pid`: CPU time and whether it is in an untimed wait.
/// The system call is only read for threads whose CPU time is the same as
/// in `before` (a thread that ran cannot count as blocked anyway): a busy
/// program costs one read per thread.
fn sample_threads(pid: i32, before: &BTreeMap<i32, Track>) -> Vec<(i32, Seen)> {
    let mut out = Vec::new();
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else { return out };
    for task in tasks.flatten() {
        let Some(tid) = task.file_name().to_str().and_then(|t| t.parse::<i32>().ok()) else { continue };
        let dir = task.path();
        let cpu_ns = fs::read_to_string(dir.join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse().ok())
            .or_else(|| fs::read_to_string(dir.join("stat")).ok().and_then(|s| cpu_from_stat(&s)));
        let Some(cpu_ns) = cpu_ns else { continue };
        let ran = before.get(&tid).is_none_or(|b| b.cpu_ns != cpu_ns);
        let untimed_wait =
            !ran && fs::read_to_string(dir.join("syscall")).is_ok_and(|s| is_untimed_futex_wait(s.trim()));
        out.push((tid, Seen { cpu_ns, untimed_wait }));
    }
    out
}

/// The number of threads of `pid` (`num_threads` of its `stat` line).
fn thread_count(pid: i32) -> Option<usize> {
    num_threads(&fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// `num_threads` of a `stat` line (field 20, 1-based; the name may hold spaces).
fn num_threads(stat: &str) -> Option<usize> {
    stat.rsplit_once(')')?.1.split_whitespace().nth(17)?.parse().ok()
}

/// `utime + stime` of a `stat` line, in nanoseconds (at 100 ticks a second).
fn cpu_from_stat(stat: &str) -> Option<u64> {
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, utime 14 and stime 15 (1-based).
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks * 10_000_000)
}

/// Whether a `/proc/<pid>/task/<tid>/syscall` line is a futex wait without
/// a timeout: `FUTEX_WAIT`, `FUTEX_WAIT_BITSET`, the PI waits, or
/// `futex_waitv`, with a null timeout argument.
pub(crate) fn is_untimed_futex_wait(line: &str) -> bool {
    let mut fields = line.split_whitespace();
    let Some(nr) = fields.next().and_then(|n| n.parse::<i64>().ok()) else { return false };
    let args: Vec<u64> =
        fields.take(6).filter_map(|a| u64::from_str_radix(a.trim_start_matches("0x"), 16).ok()).collect();
    if args.len() < 6 {
        return false;
    }
    const FUTEX_WAITV: i64 = 449;
    if nr == libc::SYS_futex {
        let cmd = args[1] & !(libc::FUTEX_PRIVATE_FLAG as u64 | libc::FUTEX_CLOCK_REALTIME as u64);
        let waits = [
            libc::FUTEX_WAIT,
            libc::FUTEX_LOCK_PI,
            libc::FUTEX_WAIT_BITSET,
            libc::FUTEX_WAIT_REQUEUE_PI,
            13, // FUTEX_LOCK_PI2
        ];
        waits.iter().any(|&w| cmd == w as u64) && args[3] == 0
    } else {
        nr == FUTEX_WAITV && args[3] == 0
    }
}

/// The thread's name (`comm`).
fn comm(pid: i32, tid: i32) -> Option<String> {
    fs::read_to_string(format!("/proc/{pid}/task/{tid}/comm")).ok().map(|c| c.trim_end().to_string())
}

/// Live processes whose process group is `pgid`.
fn group_members(pgid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir("/proc") else { return out };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else { continue };
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else { continue };
        let Some((_, rest)) = stat.rsplit_once(')') else { continue };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // state is field 3, pgrp field 5 (1-based; the first two precede `)`).
        if fields.first() != Some(&"Z") && fields.get(2).and_then(|g| g.parse::<i32>().ok()) == Some(pgid) {
            out.push(pid);
        }
    }
    out
}

/// What the stack says the thread waits for: the first telling function
/// outward from the system call, before the reader's own code.
fn wait_kind(stack: &[Symbolized]) -> WaitKind {
    let library: Vec<String> = stack
        .iter()
        .take_while(|f| !is_user_file(f.file.as_deref()))
        .map(|f| f.function.to_ascii_lowercase())
        .collect();
    let any = |words: &[&str]| library.iter().any(|f| words.iter().any(|w| f.contains(w)));
    if any(&["barrier", "once"]) {
        WaitKind::Other
    } else if any(&["mpmc", "mpsc", "channel"]) {
        WaitKind::Channel
    } else if any(&["condvar"]) {
        WaitKind::Condvar
    } else if any(&["join"]) {
        WaitKind::Join
    } else if any(&["mutex", "rwlock", "lock_contended", "lock_slow", "read_contended", "write_contended"]) {
        WaitKind::Lock
    } else {
        WaitKind::Other
    }
}

/// `src/main.rs`, however the line table spells it.
fn is_user_file(file: Option<&str>) -> bool {
    file.is_some_and(|f| f == "src/main.rs" || f.ends_with("/src/main.rs"))
}

/// The frames in the reader's code, innermost first, named without the
/// crate (`main`, `transfer`, `main::{closure#0}`).
fn user_frames(stack: &[Symbolized]) -> Vec<Frame> {
    stack
        .iter()
        .filter(|f| is_user_file(f.file.as_deref()))
        .map(|f| Frame {
            function: f.function.strip_prefix("main::").unwrap_or(&f.function).to_string(),
            file: "src/main.rs".to_string(),
            line: f.line.unwrap_or(0),
            code: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untimed_futex_waits_are_told_from_timed_ones() {
        // std's Mutex::lock (FUTEX_WAIT_BITSET | PRIVATE, no timeout).
        assert!(is_untimed_futex_wait(
            "202 0x56339c2eaaf0 0x89 0x2 0x0 0x0 0xffffffff 0x7ffca2080628 0x7fd73de35829"
        ));
        // parking_lot (FUTEX_WAIT | PRIVATE, no timeout).
        assert!(is_untimed_futex_wait("202 0x7f00 0x80 0x2 0x0 0x0 0x0 0x7ffc 0x7fd7"));
        // libtest's recv_timeout: a timeout pointer.
        assert!(!is_untimed_futex_wait(
            "202 0x55767bc24468 0x89 0xffffffff 0x7ffe7d183e50 0x0 0x7ffeffffffff 0x7ffe 0x7f54"
        ));
        // FUTEX_WAKE, nanosleep, running.
        assert!(!is_untimed_futex_wait("202 0x7f00 0x81 0x1 0x0 0x0 0x0 0x7ffc 0x7fd7"));
        assert!(!is_untimed_futex_wait("230 0x0 0x0 0x7ffc 0x0 0x0 0x0 0x7ffc 0x7fd7"));
        assert!(!is_untimed_futex_wait("running"));
        assert!(!is_untimed_futex_wait(""));
    }

    fn f(function: &str, file: Option<&str>) -> Symbolized {
        Symbolized { function: function.into(), file: file.map(str::to_string), line: Some(7) }
    }

    #[test]
    fn the_stack_tells_what_a_thread_waits_for() {
        let lock = [
            f("", None),
            f("std::sys::pal::unix::futex::futex_wait", Some("library/std/src/sys/pal/unix/futex.rs")),
            f(
                "std::sys::sync::mutex::futex::Mutex::lock_contended",
                Some("library/std/src/sys/sync/mutex/futex.rs"),
            ),
            f("main::main", Some("src/main.rs")),
            f("std::rt::lang_start", Some("library/std/src/rt.rs")),
        ];
        assert_eq!(wait_kind(&lock), WaitKind::Lock);
        assert_eq!(
            user_frames(&lock),
            vec![Frame { function: "main".into(), file: "src/main.rs".into(), line: 7, code: None }]
        );
        let recv = [
            f("std::sys::sync::thread_parking::futex::Parker::park", None),
            f("std::sync::mpmc::context::Context::wait_until", None),
            f("std::sync::mpmc::list::Channel<T>::recv", None),
            f("main::main", Some("/tmp/build-1-0/src/main.rs")),
        ];
        assert_eq!(wait_kind(&recv), WaitKind::Channel);
        assert_eq!(user_frames(&recv).len(), 1);
        let cv = [f("std::sys::sync::condvar::futex::Condvar::wait_optional_timeout", None)];
        assert_eq!(wait_kind(&cv), WaitKind::Condvar);
        let join = [f("", None), f("std::thread::JoinInner<T>::join", None)];
        assert_eq!(wait_kind(&join), WaitKind::Join);
        // A lock taken *in* the reader's code after the wait does not count.
        let park = [
            f("std::thread::park", None),
            f("main::main", Some("src/main.rs")),
            f("std::sync::Mutex::lock", None),
        ];
        assert_eq!(wait_kind(&park), WaitKind::Other);
    }

    #[test]
    fn the_thread_count_comes_from_the_stat_line() {
        let stat = "7180 (dl (x)) S 1 7180 7180 0 -1 4194560 120 0 0 0 3 2 0 0 20 0 2 0 5000 0 0";
        assert_eq!(num_threads(stat), Some(2));
        assert_eq!(num_threads("garbage"), None);
        assert!(thread_count(std::process::id() as i32).is_some_and(|n| n >= 1));
    }

    #[test]
    fn cpu_time_from_a_stat_line() {
        let stat = "7180 (dl (x)) S 1 7180 7180 0 -1 4194560 120 0 0 0 3 2 0 0 20 0 2 0 5000 0 0";
        assert_eq!(cpu_from_stat(stat), Some(50_000_000));
    }
}
