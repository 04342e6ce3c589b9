//! What only the runner knows about an exercise check, in the learner's
//! words: compile errors, a deadlock the detector saw, the time limit, a
//! crash. Everything else — a failed check, the learner's own panic, a
//! poisoned lock, a hang the program noticed itself, a model checker's
//! finding — the checked program explains itself (its harness lives in
//! `exercises/checks/harness.rs`); this module only adds what the program
//! could not say. The exercise checker (`cargo xtask exercises`) and the
//! server call the same functions.
//!
//! An exercise check is one Rust file, a *bundle*: the learner's file first,
//! so that its line N is line N of the bundle, then the checker's parts,
//! each after a marker comment naming the file it came from
//! ([`LEARNER_MARKER`], [`FILE_MARKER`]). [`SourceMap`] reads the markers
//! back, so any location in `src/main.rs` maps to the file a person knows.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::deadlock::{DeadlockReport, WaitKind};
use crate::types::LimitHit;
use crate::types::{Activity, Exit, ProcessOutput, seconds};

/// The first line of a bundle's tail: `// @bundle-learner exercises/src/bank.rs`.
/// Every line before it is that file's line of the same number.
pub const LEARNER_MARKER: &str = "// @bundle-learner ";
/// `// @bundle-file exercises/checks/bank.rs`: the lines after it, up to
/// the next marker, are that file's, from its line 1.
pub const FILE_MARKER: &str = "// @bundle-file ";
/// Ends a [`FILE_MARKER`] line whose file is the checker's machinery (the
/// harness, the facade, the generated `main`): a deadlock report leaves its
/// frames out, which only say "the checker was waiting".
pub const INTERNAL: &str = " (internal)";
/// What the harness prints after a check's name while it runs, leaving the
/// line unfinished until the check ends (`exercises/checks/harness.rs`
/// has the same constant; a test keeps them equal).
pub const RUNNING: &str = " … ";
/// How the harness starts the explanation of a failed check.
pub const FAILED_MARK: &str = "✗ ";

/// Where each line of a bundle came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// The learner's file and the line where the tail starts.
    learner: Option<(String, u32)>,
    /// (first line in the bundle, file, internal) of every other part.
    parts: Vec<(u32, String, bool)>,
}

impl SourceMap {
    /// Reads the markers of `code`; code without them maps to itself.
    pub fn of_bundle(code: &str) -> SourceMap {
        let mut map = SourceMap::default();
        for (n, line) in code.lines().enumerate() {
            let number = n as u32 + 1;
            if let Some(path) = line.strip_prefix(LEARNER_MARKER) {
                if map.learner.is_none() {
                    map.learner = Some((path.trim().to_string(), number));
                }
            } else if let Some(path) = line.strip_prefix(FILE_MARKER)
                && map.learner.is_some()
            {
                let (path, internal) = match path.trim().strip_suffix(INTERNAL.trim_start()) {
                    Some(path) => (path.trim(), true),
                    None => (path.trim(), false),
                };
                map.parts.push((number + 1, path.to_string(), internal));
            }
        }
        map
    }

    /// The file and line that line `line` of the bundle came from; `None`
    /// for lines the checker generated, or for code that is not a bundle.
    pub fn locate(&self, line: u32) -> Option<(&str, u32)> {
        let (learner, tail) = self.learner.as_ref()?;
        if line < *tail {
            return Some((learner, line));
        }
        let (first, file, _) = self.parts.iter().rev().find(|(first, _, _)| *first <= line)?;
        Some((file, line - first + 1))
    }

    /// Whether bundle line `line` is in the checker's machinery.
    pub fn is_internal(&self, line: u32) -> bool {
        let Some((_, tail)) = &self.learner else { return false };
        line >= *tail
            && self
                .parts
                .iter()
                .rev()
                .find(|(first, _, _)| *first <= line)
                .is_none_or(|(_, _, internal)| *internal)
    }

    /// The learner's file, if this is a bundle.
    pub fn learner_file(&self) -> Option<&str> {
        self.learner.as_ref().map(|(file, _)| file.as_str())
    }

    /// `src/main.rs:44:9` (or `main.rs:44`) as the file a person knows,
    /// `exercises/src/bank.rs:44:9`; anything else unchanged.
    pub fn place(&self, file: &str, line: u32, column: Option<u32>) -> String {
        let column = column.map(|c| format!(":{c}")).unwrap_or_default();
        if (file == "src/main.rs" || file == "main.rs")
            && let Some((known, line)) = self.locate(line)
        {
            return format!("{known}:{line}{column}");
        }
        format!("{file}:{line}{column}")
    }
}

/// The words of [`compile_errors`], in one place: the page's workbench
/// formats rustc's output from play.rust-lang.org with the same words (they
/// travel in the book's `workbench/<id>.json`), and `cargo xtask test`
/// checks that both formatters agree on real compile errors. `{file}` and
/// `{n}` are filled in; `{s}` is `s` unless `{n}` is 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompileWords {
    /// Before rustc's first error (its lines follow, indented by 4).
    pub first: String,
    /// When rustc's output holds no error line: before all of it.
    pub unparsed: String,
    /// After the error, when it is in a file of the checker's: `{file}`.
    pub outside: String,
    /// After the error, when there are more: `{n}` more error`{s}`.
    pub more: String,
}

impl Default for CompileWords {
    fn default() -> CompileWords {
        CompileWords {
            first: "Your code does not compile yet. rustc's first error:\n\n".into(),
            unparsed: "It does not compile; rustc said:\n\n".into(),
            outside:
                "\nThe error is in the checker's code ({file}), which calls yours: did a function's name, \
                      parameters or return type change? Keep the signatures the starter gave you.\n"
                    .into(),
            more: "\n({n} more error{s}; fix the first one first, it often causes the rest.)\n".into(),
        }
    }
}

/// rustc's first error, with its location in the learner's file, and how
/// many more there are. Warnings are left out.
pub fn compile_errors(stderr: &str, map: &SourceMap) -> String {
    let words = CompileWords::default();
    let blocks = diagnostics(stderr);
    let errors: Vec<&String> = blocks.iter().filter(|b| b.starts_with("error")).collect();
    let Some(first) = errors.first() else {
        return format!("{}{}", words.unparsed, indent(stderr.trim_end()));
    };
    let mut out = words.first.clone();
    let mut outside = None;
    for line in first.lines() {
        let (text, place) = rewrite_arrow(line, map);
        if let Some((file, _)) = place
            && Some(file.as_str()) != map.learner_file()
            && map.learner_file().is_some()
        {
            outside.get_or_insert(file);
        }
        let _ = writeln!(out, "    {text}");
    }
    if let Some(file) = outside {
        out.push_str(&words.outside.replace("{file}", &file));
    }
    if errors.len() > 1 {
        let n = errors.len() - 1;
        out.push_str(
            &words.more.replace("{n}", &n.to_string()).replace("{s}", if n == 1 { "" } else { "s" }),
        );
    }
    out
}

/// rustc's stderr split into diagnostics (each starts at an unindented
/// `error`/`warning` line), without rustc's and cargo's closing summaries
/// (play.rust-lang.org builds with cargo) or cargo's progress lines.
fn diagnostics(stderr: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut open = false;
    for line in stderr.lines() {
        if line.starts_with("error") || line.starts_with("warning") {
            open = !(line.starts_with("error: aborting due to")
                || line.starts_with("error: could not compile")
                || line.starts_with("warning: ") && line.ends_with("emitted")
                || line.starts_with("warning: `") && line.contains(" generated "));
            if open {
                blocks.push(String::new());
            }
        }
        if line.starts_with("For more information about") {
            open = false;
        }
        if open && let Some(block) = blocks.last_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks.retain(|b| !b.trim().is_empty());
    blocks
}

/// `  --> src/main.rs:44:9` with the place rewritten, and that place.
fn rewrite_arrow(line: &str, map: &SourceMap) -> (String, Option<(String, u32)>) {
    let Some((indent, rest)) = line.split_once("--> ") else { return (line.to_string(), None) };
    let mut parts = rest.rsplitn(3, ':');
    let (Some(column), Some(number), Some(file)) = (parts.next(), parts.next(), parts.next()) else {
        return (line.to_string(), None);
    };
    let (Ok(number), Ok(column)) = (number.parse::<u32>(), column.parse::<u32>()) else {
        return (line.to_string(), None);
    };
    let place = map.place(file, number, Some(column));
    let located = map.locate(number).map(|(f, l)| (f.to_string(), l));
    (format!("{indent}--> {place}"), located)
}

/// The name of the check that was running when the program was stopped:
/// the harness leaves `  <name> … ` unfinished while a check runs.
pub fn running_check(stdout: &str) -> Option<&str> {
    if stdout.ends_with('\n') {
        return None;
    }
    let last = stdout.lines().last()?;
    last.strip_suffix(RUNNING.trim_end()).or_else(|| last.strip_suffix(RUNNING)).map(str::trim)
}

/// What the runner saw that the program could not explain itself, or `None`
/// when the program's own report says it all (it passed, or printed a
/// failed check's explanation).
pub fn unexplained_exit(run: &ProcessOutput, map: &SourceMap) -> Option<String> {
    // Explained: the program said what failed, and was not stopped in the
    // middle of a check afterwards.
    let check = running_check(&run.stdout);
    let explained = run.stdout.lines().any(|l| l.starts_with(FAILED_MARK)) && check.is_none();
    if run.exit.success() || (explained && !matches!(run.exit, Exit::Deadlock(_))) {
        return None;
    }
    let during = check.map(|c| format!("✗ {c}\n")).unwrap_or_default();
    let text = match &run.exit {
        Exit::Deadlock(report) => explain_deadlock(report, map),
        Exit::TimedOut { limit, activity: Activity::Busy } => format!(
            "It was stopped at the time limit ({}) while its threads kept the CPU busy: a busy loop (a \
             spin), not a deadlock. A thread loops waiting for something to change, often holding the \
             lock anyone would need to change it: sleep on a `Condvar` instead.",
            seconds(*limit)
        ),
        Exit::TimedOut { limit, activity: Activity::PartlyBlocked { blocked, threads } } => format!(
            "It was stopped at the time limit ({}): {blocked} of its {threads} threads were blocked for good \
             while the others kept the CPU busy. A thread loops — a busy loop (a spin), often while it \
             holds the lock the blocked threads wait for — or some threads deadlocked while another kept \
             looping. Sleep on a `Condvar` (`wait_while`) instead of spinning.",
            seconds(*limit)
        ),
        Exit::TimedOut { limit, .. } => format!(
            "It was stopped at the time limit ({}) without using the CPU and without being blocked for \
             good: it was waiting with a timeout, or sleeping.",
            seconds(*limit)
        ),
        Exit::OutputLimit => {
            "It printed more than the output limit and was stopped: a loop that prints?".to_string()
        }
        Exit::Signal(6) => format!("It aborted (signal 6).{}", stderr_tail(&run.stderr)),
        Exit::Signal(11) => format!(
            "It crashed (signal 11): most often a stack overflow, from endless recursion.{}",
            stderr_tail(&run.stderr)
        ),
        Exit::Signal(_) | Exit::Code(_) => format!("It {}.{}", run.exit, stderr_tail(&run.stderr)),
    };
    Some(format!("{during}{}\n", indent_by(&text, if check.is_some() { "  " } else { "" })))
}

/// A deadlock report in the learner's words: the runner's report (who waits
/// where, with each line quoted) with every place mapped back to the file a
/// person knows, then what that pattern of waits means. The checker's own
/// threads (the harness's `main`, waiting for the scenario to end) are left
/// out, and so are the checker's frames in the other threads.
pub fn explain_deadlock(report: &DeadlockReport, map: &SourceMap) -> String {
    let mut report = report.clone();
    let in_bundle = |file: &str| file == "src/main.rs" || file == "main.rs";
    let internal = |f: &crate::deadlock::Frame| in_bundle(&f.file) && map.is_internal(f.line);
    let checkers = |t: &crate::deadlock::BlockedThread| !t.frames.is_empty() && t.frames.iter().all(internal);
    let before = report.threads.len();
    if report.threads.iter().any(|t| !checkers(t)) {
        report.threads.retain(|t| !checkers(t));
    }
    let left_out = before - report.threads.len();
    for thread in &mut report.threads {
        // A thread that has only the checker's frames (when every thread
        // is the checker's) keeps its innermost one, so it still says where
        // it waits.
        let innermost = thread.frames.first().cloned();
        thread.frames.retain(|f| !internal(f));
        if thread.frames.is_empty()
            && let Some(frame) = innermost
        {
            thread.frames.push(frame);
        }
        for frame in &mut thread.frames {
            if in_bundle(&frame.file)
                && let Some((file, line)) = map.locate(frame.line)
            {
                frame.file = file.to_string();
                frame.line = line;
            }
        }
    }
    let mut text = report.to_string();
    if left_out > 0 {
        // The report's first line counts every thread of the program; the
        // learner sees only the threads that run their code.
        let headline = match report.threads.len() {
            1 => "Deadlock: the thread running your code is asleep, and nothing can wake it.".to_string(),
            n => format!(
                "Deadlock: all {n} threads running your code are asleep, and none can wake the others."
            ),
        };
        let rest = text.split_once('\n').map_or("", |(_, rest)| rest).to_string();
        text = format!("{headline}\n{rest}");
    }
    let count = |kind: WaitKind| report.threads.iter().filter(|t| t.waits_for == kind).count();
    let why = match (count(WaitKind::Lock), count(WaitKind::Condvar)) {
        (2.., _) => {
            "Each of the threads waiting for a lock holds one that another is waiting for: a lock-order \
             deadlock. Take every pair of locks in one global order (for example, the lower index first), \
             whatever the direction of the operation."
        }
        (1, _) => {
            "Nobody will release that lock: the waiting thread already holds it (a second `lock()` while \
             its first guard is alive), or a thread that is itself waiting holds it."
        }
        (0, 1..) => {
            "A thread sleeps on a Condvar and no thread will notify it: a change it waits for comes with \
             no `notify_one`/`notify_all`, or the notify came before the wait began and the wait did not \
             re-check the condition (a lost wake-up)."
        }
        _ => "Every thread waits for another one.",
    };
    format!("{text}\n{why}")
}

/// What a limit the runner enforced adds to [`unexplained_exit`], when it
/// is not already said: the memory, thread and file size limits (the time
/// and output limits are explained there).
pub fn limit_note(limit: &LimitHit) -> Option<String> {
    if matches!(limit.name, "time" | "output" | "compile time") {
        return None;
    }
    let hint = limit.hint.as_deref().map(|h| format!(" {h}")).unwrap_or_default();
    Some(format!("  It ran into the checker's {} limit ({}).{hint}\n", limit.name, limit.value))
}

fn stderr_tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return String::new();
    }
    let tail = &lines[lines.len().saturating_sub(8)..];
    format!(" Its last words:\n{}", indent(&tail.join("\n")))
}

fn indent(text: &str) -> String {
    indent_by(text, "    ")
}

fn indent_by(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|l| if l.is_empty() { String::new() } else { format!("{prefix}{l}") })
        .collect::<Vec<_>>()
        .join("\n")
}
