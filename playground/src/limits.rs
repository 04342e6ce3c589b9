//! The limits a run is held to, and the words a reader gets when a program
//! runs into one: which limit, its value, and how to run without it.

use std::time::Duration;

use crate::sandbox::UidRange;
use crate::types::{Exit, LimitHit, ProcessOutput, seconds};

/// Who the program runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunAs {
    /// A leased uid from the default range when the runner is root (so that
    /// the process limit holds and every process of a run can be killed),
    /// the runner's own user otherwise.
    Auto,
    /// The runner's own user, even as root: what a non-root runner does
    /// (process limits do not hold for root). Tests use it to cover that
    /// path on a root machine.
    CurrentUser,
    /// A leased uid from this range (the runner must be root).
    Uids(UidRange),
}

/// Limits for one snippet.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Wall-clock limit for rustc.
    pub compile_timeout: Duration,
    /// Bytes kept of each of rustc's stdout and stderr.
    pub compile_output_cap: usize,
    /// Wall-clock limit for the program: one still running at this instant
    /// is stopped, one that ends later is reported as over the limit.
    pub run_timeout: Duration,
    /// Bytes kept of each of the program's stdout and stderr; past that the
    /// program is stopped.
    pub output_cap: usize,
    /// Address-space limit of the program.
    pub memory_bytes: u64,
    /// Largest file the program may write.
    pub file_size_bytes: u64,
    /// Processes (threads included) the program may add to its user's.
    pub processes: u64,
    /// Who runs the program.
    pub run_as: RunAs,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            compile_timeout: Duration::from_secs(60),
            compile_output_cap: 256 * 1024,
            run_timeout: Duration::from_secs(10),
            output_cap: 64 * 1024,
            memory_bytes: 512 * 1024 * 1024,
            file_size_bytes: 8 * 1024 * 1024,
            processes: 256,
            run_as: RunAs::Auto,
        }
    }
}

impl Limits {
    /// The limit behind how the compile or the program ended, if one was
    /// hit. Some are certain (the runner stopped the program), some are read
    /// from the program's own error message.
    pub fn hit(&self, compile: &ProcessOutput, run: Option<&ProcessOutput>) -> Option<LimitHit> {
        if let Exit::TimedOut { limit, .. } = compile.exit {
            return Some(LimitHit { name: "compile time", value: seconds(limit), hint: None });
        }
        let run = run?;
        let mib = |b: u64| b / (1024 * 1024);
        match &run.exit {
            Exit::TimedOut { limit, .. } => {
                Some(LimitHit { name: "time", value: seconds(*limit), hint: None })
            }
            Exit::OutputLimit => Some(LimitHit {
                name: "output",
                value: format!("{} KiB each of stdout and stderr", self.output_cap / 1024),
                hint: None,
            }),
            Exit::Signal(libc::SIGXFSZ) => Some(LimitHit {
                name: "file size",
                value: format!("{} MiB per file", mib(self.file_size_bytes)),
                hint: None,
            }),
            Exit::Code(0) | Exit::Deadlock(_) => None,
            _ => {
                let stderr = &run.stderr;
                if stderr.contains("memory allocation of") {
                    Some(LimitHit {
                        name: "memory",
                        value: format!("{} MiB of address space", mib(self.memory_bytes)),
                        hint: Some("An allocation failed.".into()),
                    })
                } else if stderr.contains("failed to spawn thread") || stderr.contains("(os error 11)") {
                    // EAGAIN from clone: either the process limit or no
                    // address space left for another thread's stack.
                    Some(LimitHit {
                        name: "threads",
                        value: format!(
                            "{} processes and threads, in {} MiB of address space",
                            self.processes,
                            mib(self.memory_bytes)
                        ),
                        hint: Some(format!(
                            "The program could not start another thread or process. With Rust's default \
                             2 MiB thread stacks, about {} threads fit in the memory limit.",
                            threads_that_fit(self.memory_bytes)
                        )),
                    })
                } else {
                    None
                }
            }
        }
    }
}

/// About how many threads with Rust's default 2 MiB stacks fit in
/// `memory_bytes` of address space: measured 220 for 512 MiB (the program's
/// binary, heap arenas and libraries take the rest), so 86% of the stacks
/// that would fill it.
fn threads_that_fit(memory_bytes: u64) -> u64 {
    let stacks = memory_bytes / (2 * 1024 * 1024);
    (stacks * 86 / 100 / 10 * 10).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Activity;

    fn out(exit: Exit, stderr: &str) -> ProcessOutput {
        ProcessOutput { exit, stdout: String::new(), stderr: stderr.into() }
    }

    #[test]
    fn each_limit_is_named_with_its_value() {
        let limits = Limits::default();
        let ok = out(Exit::Code(0), "");
        let hit = |run: ProcessOutput| limits.hit(&ok, Some(&run)).map(|h| h.to_string());
        let timed_out = Exit::TimedOut { limit: Duration::from_secs(10), activity: Activity::Busy };
        assert!(hit(out(timed_out, "")).unwrap().contains("time limit (10 s)"));
        assert!(hit(out(Exit::OutputLimit, "")).unwrap().contains("output limit (64 KiB"));
        assert!(hit(out(Exit::Signal(25), "")).unwrap().contains("file size limit (8 MiB per file)"));
        let oom = out(Exit::Signal(6), "memory allocation of 2147483648 bytes failed\n");
        assert!(hit(oom).unwrap().contains("memory limit (512 MiB of address space)"));
        let spawn = out(
            Exit::Code(101),
            "thread 'main' panicked at src/main.rs:3:5:\nfailed to spawn thread: Os { code: 11, kind: WouldBlock, message: \"Resource temporarily unavailable\" }",
        );
        let text = hit(spawn).unwrap();
        assert!(text.contains("threads limit (256 processes and threads"), "{text}");
        assert!(text.contains("about 220 threads"), "{text}");
        assert!(text.contains("cargo run"), "{text}");
        assert_eq!(hit(out(Exit::Code(101), "assertion failed")), None, "a plain panic is no limit");
    }

    #[test]
    fn a_slow_compile_names_the_compile_limit() {
        let limits = Limits::default();
        let slow = out(Exit::TimedOut { limit: Duration::from_secs(60), activity: Activity::Busy }, "");
        let hit = limits.hit(&slow, None).unwrap();
        assert_eq!((hit.name, hit.value.as_str()), ("compile time", "60 s"));
    }
}
