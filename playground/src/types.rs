//! What a caller asks the runner for and what it gets back: the request, how
//! each process ended, and the report of a run.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::deadlock::DeadlockReport;

/// A Rust edition a snippet is compiled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edition {
    E2015,
    E2018,
    E2021,
    E2024,
}

impl Edition {
    /// The year, as rustc's `--edition` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::E2015 => "2015",
            Edition::E2018 => "2018",
            Edition::E2021 => "2021",
            Edition::E2024 => "2024",
        }
    }
}

impl FromStr for Edition {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "2015" => Edition::E2015,
            "2018" => Edition::E2018,
            "2021" => Edition::E2021,
            "2024" => Edition::E2024,
            other => return Err(format!("unsupported edition `{other}` (use 2015, 2018, 2021 or 2024)")),
        })
    }
}

/// Optimisation level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Debug,
    Release,
}

/// What to do with a snippet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Request {
    /// The whole program, compiled as `src/main.rs` (the file name frames
    /// and rustc's messages use).
    pub code: String,
    pub edition: Edition,
    pub mode: Mode,
    /// Compile with `--test` and run the test harness instead of `main`
    /// (one test at a time, so a deadlocked test is recognised).
    pub tests: bool,
    /// Run the program after compiling it (false: compile only).
    pub run: bool,
    /// Each passed to rustc as `--cfg NAME` (the exercise checker compiles
    /// its bundles with `loom`).
    pub cfgs: Vec<String>,
}

impl Request {
    /// A debug build of `code` in `edition`, compiled and run.
    pub fn new(code: impl Into<String>, edition: Edition) -> Request {
        Request { code: code.into(), edition, mode: Mode::Debug, tests: false, run: true, cfgs: Vec::new() }
    }
}

/// What a program was doing when the time limit stopped it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// Still using CPU at the limit: an infinite loop or a spin.
    Busy,
    /// Not using CPU and not blocked for good: sleeping, waiting with a
    /// timeout, or waiting for another process.
    Idle,
    /// Some threads were blocked in an untimed wait (for at least the
    /// detector's grace period, up to the limit) while the others ran: a
    /// partial deadlock.
    PartlyBlocked { blocked: usize, threads: usize },
}

/// How a process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// Exited with this status code.
    Code(i32),
    /// Killed by this signal (not by us).
    Signal(i32),
    /// Stopped by the runner at the wall-clock limit.
    TimedOut { limit: Duration, activity: Activity },
    /// Stopped by the runner after printing more than the output cap.
    OutputLimit,
    /// Stopped by the runner: every thread was asleep for good.
    Deadlock(Box<DeadlockReport>),
}

impl Exit {
    /// Exited with status 0.
    pub fn success(&self) -> bool {
        *self == Exit::Code(0)
    }
}

impl fmt::Display for Exit {
    /// One line, to follow "the program" or "the compiler".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exit::Code(c) => write!(f, "exited with status {c}"),
            Exit::Signal(9) => write!(f, "was killed (signal 9) — out of memory or over a limit"),
            Exit::Signal(25) => write!(f, "was stopped for writing a file larger than the limit (signal 25)"),
            Exit::Signal(s) => write!(f, "was killed by signal {s}"),
            Exit::TimedOut { limit, activity } => {
                write!(f, "was stopped at the time limit ({}): ", seconds(*limit))?;
                match activity {
                    Activity::Busy => {
                        write!(f, "it did not finish and was still running — an infinite loop or a spin?")
                    }
                    Activity::Idle => write!(
                        f,
                        "it did not finish; it was waiting (sleeping, a wait with a timeout, or another process)"
                    ),
                    Activity::PartlyBlocked { blocked, threads } => write!(
                        f,
                        "it did not finish; {blocked} of its {threads} threads were blocked for good while the others ran — a partial deadlock"
                    ),
                }
            }
            Exit::OutputLimit => write!(f, "printed more output than the limit and was stopped"),
            Exit::Deadlock(report) => write!(f, "was stopped: {}", report.headline()),
        }
    }
}

/// `10 s`, or `0.5 s` for limits that are not whole seconds.
pub fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 { format!("{} s", d.as_secs()) } else { format!("{:.1} s", d.as_secs_f64()) }
}

/// What one process did.
#[derive(Debug, Clone)]
pub struct ProcessOutput {
    pub exit: Exit,
    pub stdout: String,
    pub stderr: String,
}

/// The result of a request.
#[derive(Debug, Clone)]
pub struct Report {
    /// rustc's outcome (its stderr holds errors and warnings).
    pub compile: ProcessOutput,
    /// The binary came from the cache; rustc did not run.
    pub cached: bool,
    /// The program's outcome, when it compiled and was asked to run.
    pub run: Option<ProcessOutput>,
    /// The playground limit the run (or the compile) ran into, if any.
    pub limit: Option<LimitHit>,
}

impl Report {
    /// One-line explanation of a failure, for people.
    pub fn failure_summary(&self) -> Option<String> {
        if !self.compile.exit.success() {
            return Some(match &self.compile.exit {
                Exit::Code(_) => "the snippet does not compile".to_string(),
                other => format!("the compiler {other}"),
            });
        }
        let run = self.run.as_ref()?;
        (!run.exit.success()).then(|| format!("the program {}", run.exit))
    }

    /// What a reader is told after the output of a failed run: what
    /// happened, the full deadlock report, and which limit was hit and how
    /// to run without it. Empty on success.
    pub fn explanation(&self) -> String {
        let mut text = String::new();
        let exit = if self.compile.exit.success() {
            match &self.run {
                Some(run) => &run.exit,
                None => return text,
            }
        } else {
            &self.compile.exit
        };
        match exit {
            Exit::Code(_) if !self.compile.exit.success() => {}
            Exit::Code(0) => {}
            Exit::Deadlock(report) => text.push_str(&report.to_string()),
            _ => {
                let who = if self.compile.exit.success() { "program" } else { "compiler" };
                text.push_str(&format!("The {who} {exit}.\n"));
            }
        }
        if let Some(limit) = &self.limit {
            text.push_str(&limit.to_string());
            text.push('\n');
        }
        text
    }
}

/// Marker appended where output was cut.
pub const TRUNCATED: &str = "\n[output truncated]\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timed_out_says_what_the_program_was_doing() {
        let limit = Duration::from_secs(10);
        let busy = Exit::TimedOut { limit, activity: Activity::Busy };
        assert!(busy.to_string().contains("infinite loop or a spin"), "{busy}");
        let partly = Exit::TimedOut { limit, activity: Activity::PartlyBlocked { blocked: 2, threads: 3 } };
        assert!(partly.to_string().contains("2 of its 3 threads were blocked"), "{partly}");
        assert!(partly.to_string().contains("(10 s)"), "{partly}");
    }

    #[test]
    fn seconds_are_whole_or_one_decimal() {
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
    }
}

/// A playground limit a run ran into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitHit {
    /// Which limit, in words (`time`, `memory`).
    pub name: &'static str,
    /// Its value, in words (`10 s`, `512 MiB of address space`).
    pub value: String,
    /// What the limit explains, when it is not obvious from the output.
    pub hint: Option<String>,
}

impl fmt::Display for LimitHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "This run hit the playground's {} limit ({}).", self.name, self.value)?;
        if let Some(hint) = &self.hint {
            write!(f, " {hint}")?;
        }
        write!(
            f,
            " The limits protect the machine that runs snippets; to run without them, put the program in \
             a cargo project (`cargo new`) and use `cargo run` on your own machine."
        )
    }
}
