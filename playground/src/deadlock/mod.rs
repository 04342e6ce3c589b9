//! Recognising a program whose threads are all asleep for good, the way Go's
//! runtime says "all goroutines are asleep - deadlock!".
//!
//! The report types every caller shares (the runner, the server, the
//! snippet and quiz checks, the exercise checker) live here; detection is in
//! [`watch`] (sampling `/proc/<pid>/task/*` while the program runs) and the
//! stacks in [`stacks`] (ptrace, the ELF unwind tables and the line tables).
//! How it decides, and its limits: playground/README.md.

pub mod stacks;
pub mod watch;

pub use watch::{Detector, DetectorConfig};

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
    /// The source file as rustc saw it: `src/main.rs` for the snippet
    /// (an exercise bundle puts the learner's file first, so its lines
    /// are the learner's).
    pub file: String,
    pub line: u32,
    /// The text of that line, trimmed, when the runner has the source.
    pub code: Option<String>,
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

impl WaitKind {
    /// What a thread waiting this way does, in words.
    fn verb(self) -> &'static str {
        match self {
            WaitKind::Lock => "waits for a lock",
            WaitKind::Condvar => "waits on a Condvar for a notification",
            WaitKind::Join => "waits for another thread to finish (join)",
            WaitKind::Channel => "waits on a channel",
            WaitKind::Other => "waits (parked)",
        }
    }
}

impl DeadlockReport {
    /// One line: what happened.
    pub fn headline(&self) -> String {
        match self.threads.len() {
            1 => "deadlock — its only thread was asleep for good".to_string(),
            n => format!("deadlock — all {n} threads were asleep for good"),
        }
    }

    /// Fills in [`Frame::code`] for frames in `file` from its source `code`.
    pub fn quote_source(&mut self, file: &str, code: &str) {
        let lines: Vec<&str> = code.lines().collect();
        for frame in self.threads.iter_mut().flat_map(|t| t.frames.iter_mut()) {
            if frame.file == file
                && let Some(text) = lines.get((frame.line as usize).wrapping_sub(1))
            {
                frame.code = Some(text.trim().to_string());
            }
        }
    }

    /// Drops the frames of libtest's generated `main` (rustc places it at
    /// line 1 of the crate), which are no code of the reader's.
    pub fn drop_test_harness_frames(&mut self) {
        for thread in &mut self.threads {
            thread.frames.retain(|f| !(f.function == "main" && f.line == 1));
        }
    }

    /// How each thread is called in the report: its name, else `thread N`
    /// counting unnamed threads in the order they were started.
    pub fn labels(&self) -> Vec<String> {
        let mut unnamed = 0;
        self.threads
            .iter()
            .map(|t| match &t.name {
                Some(name) => name.clone(),
                None => {
                    unnamed += 1;
                    format!("thread {unnamed}")
                }
            })
            .collect()
    }
}

impl fmt::Display for DeadlockReport {
    /// The full report a reader sees, several lines, ending in a newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.threads.len() {
            1 => writeln!(f, "Deadlock: the program's only thread is asleep, and nothing can wake it.")?,
            n => writeln!(f, "Deadlock: all {n} threads are asleep, and none of them can wake the others.")?,
        }
        for (thread, label) in self.threads.iter().zip(self.labels()) {
            write!(f, "  {label} {}", thread.waits_for.verb())?;
            let mut frames = thread.frames.iter();
            match frames.next() {
                Some(first) => {
                    writeln!(f, " at {}:{}, in {}", first.file, first.line, function(&first.function))?;
                    if let Some(code) = &first.code {
                        writeln!(f, "      {code}")?;
                    }
                    for caller in frames {
                        writeln!(
                            f,
                            "    called at {}:{}, in {}",
                            caller.file,
                            caller.line,
                            function(&caller.function)
                        )?;
                    }
                }
                None if self.no_stacks.is_some() => writeln!(f)?,
                None => writeln!(f, ", in library code")?,
            }
        }
        if let Some(why) = &self.no_stacks {
            writeln!(f, "(Where they wait is unknown: {why}.)")?;
        }
        writeln!(
            f,
            "They had all been blocked for {:.1} s when the course's runner stopped the program.",
            self.blocked_for.as_secs_f64()
        )?;
        writeln!(
            f,
            "(Go would say \"fatal error: all goroutines are asleep - deadlock!\". Rust has no such check; \
             this runner watches the program's threads.)"
        )
    }
}

/// `` `transfer` ``, or "a closure" for the compiler's closure names.
fn function(name: &str) -> String {
    // `{closure#0}` in the line tables, `{{closure}}` in the symbol table.
    if name.rsplit("::").next().is_some_and(|last| last.trim_start_matches('{').starts_with("closure")) {
        "a closure".to_string()
    } else {
        format!("`{name}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(function: &str, line: u32) -> Frame {
        Frame { function: function.into(), file: "src/main.rs".into(), line, code: None }
    }

    #[test]
    fn the_report_names_threads_and_quotes_their_lines() {
        let mut report = DeadlockReport {
            threads: vec![
                BlockedThread {
                    tid: 10,
                    name: Some("main".into()),
                    waits_for: WaitKind::Lock,
                    frames: vec![frame("main", 3)],
                },
                BlockedThread {
                    tid: 11,
                    name: None,
                    waits_for: WaitKind::Lock,
                    frames: vec![frame("transfer", 1), frame("main::{closure#0}", 2)],
                },
            ],
            blocked_for: Duration::from_millis(1040),
            no_stacks: None,
        };
        report.quote_source("src/main.rs", "    a.lock();\n  spawn();\n   let _x = b.lock();\n");
        let text = report.to_string();
        assert!(text.starts_with("Deadlock: all 2 threads are asleep"), "{text}");
        assert!(
            text.contains("  main waits for a lock at src/main.rs:3, in `main`\n      let _x = b.lock();\n"),
            "{text}"
        );
        assert!(text.contains("  thread 1 waits for a lock at src/main.rs:1, in `transfer`\n      a.lock();\n    called at src/main.rs:2, in a closure\n"), "{text}");
        assert!(text.contains("blocked for 1.0 s"), "{text}");
        assert!(text.contains("all goroutines are asleep"), "{text}");
        assert_eq!(report.headline(), "deadlock — all 2 threads were asleep for good");
    }

    #[test]
    fn without_stacks_the_report_says_why() {
        let report = DeadlockReport {
            threads: vec![BlockedThread {
                tid: 10,
                name: Some("main".into()),
                waits_for: WaitKind::Other,
                frames: vec![],
            }],
            blocked_for: Duration::from_secs(1),
            no_stacks: Some("ptrace is not permitted".into()),
        };
        let text = report.to_string();
        assert!(text.starts_with("Deadlock: the program's only thread is asleep"), "{text}");
        assert!(text.contains("(Where they wait is unknown: ptrace is not permitted.)"), "{text}");
    }
}
