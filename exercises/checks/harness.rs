//! The checker's harness: runs one exercise's checks against the learner's
//! code and explains every failure in the learner's words.
//!
//! It is compiled into two kinds of program:
//!
//! - the *bundle* that `cargo xtask exercises <id>` builds: the learner's file
//!   first (so line N of the bundle is line N of `exercises/src/<m>.rs`),
//!   then the sync facade, this harness, the exercise's checks and a `main`
//!   that calls [`main_scenarios`] (std threads) or, under `--cfg loom`,
//!   [`main_models`] (every interleaving, by loom);
//! - the cargo test targets `exercises/tests/<m>.rs`, where the
//!   [`scenarios!`] and [`models!`] macros turn each check into a `#[test]`.
//!
//! Every diagnosis is written here, in Rust: the program prints the report
//! and exits non-zero when a check fails; the terminal and the page only
//! display it. What only the runner knows (compile errors, a deadlock the
//! runner's detector saw, the time limit) is explained by
//! `playground::diagnosis`, which reads the one line this file leaves
//! unfinished while a scenario runs (see [`RUNNING`]).

#![allow(dead_code)] // Bundles use the scenario half or the model half, cargo tests both.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::panic::{self, PanicHookInfo};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// How long a scenario may run before the harness calls it hung, when no
/// deadlock detector watches the program. The reference solutions need well
/// under a second even on a loaded two-core machine.
pub const HANG_AFTER: Duration = Duration::from_secs(3);

/// The environment variable a runner with a deadlock detector sets (to
/// `1`): scenarios then wait without a timeout of their own, so that a
/// deadlock leaves every thread asleep for good and the detector can see it.
/// (The same name as `playground::deadlock::DETECTOR_ENV`; a test in xtask
/// keeps the two equal.)
pub const DETECTOR_ENV: &str = "FEARLESS_DEADLOCK_DETECTOR";

/// What the harness prints after a check's name while it runs: the line
/// stays unfinished until the check ends (` ok` or ` FAILED`), so when the
/// runner stops the program, the last line names the check that was running.
pub const RUNNING: &str = " … ";

/// loom explores every interleaving with at most this many preemptions per
/// execution (loom's docs: 2–3 find most bugs). It keeps each model well
/// under a second.
pub const PREEMPTION_BOUND: usize = 3;

// ---------------------------------------------------------------------------
// The checks of an exercise.

/// One scenario: an ordinary function run on real threads. It passes when it
/// returns; it fails by panicking with a message for the learner.
pub struct Scenario {
    /// The function's name, `snake_case`; shown with spaces.
    pub name: &'static str,
    pub kind: Kind,
    pub run: fn(),
}

/// How many threads a scenario runs, which decides how a hang is explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One thread: a hang can only be a lock taken twice (or a wait nothing
    /// can end).
    Single,
    /// Several threads: a hang is a deadlock or a busy loop.
    Threads,
}

/// One model: a small concurrent scenario that loom runs once per possible
/// interleaving of its threads.
pub struct Model {
    pub name: &'static str,
    pub kind: ModelKind,
    pub run: fn(),
}

/// How a model is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    /// `run` is one execution; loom explores every interleaving and it must
    /// pass in all of them.
    Interleavings,
    /// `run` drives loom itself (with [`explore`]) and fails with a message:
    /// for checks about models, such as the loom-model exercise's.
    Custom,
}

/// Declares an exercise's scenarios: each `Single fn name() { … }` or
/// `Threads fn name() { … }` becomes a public function, an entry of
/// `SCENARIOS`, and (in a cargo test target) a `#[test]` of the same name.
/// Scenarios use std threads, so they exist only without `--cfg loom`.
macro_rules! scenarios {
    ($( $(#[doc = $doc:literal])* $kind:ident fn $name:ident() $body:block )*) => {
        $(
            $(#[doc = $doc])*
            #[cfg(not(loom))]
            pub fn $name() $body
        )*

        /// The scenarios, in the order they run.
        #[cfg(not(loom))]
        pub const SCENARIOS: &[crate::harness::Scenario] = &[$(
            crate::harness::Scenario { name: stringify!($name), kind: crate::harness::Kind::$kind, run: $name },
        )*];

        #[cfg(all(test, not(loom)))]
        mod scenario_tests {
            $(
                #[test]
                fn $name() {
                    crate::harness::cargo_scenario(super::SCENARIOS, stringify!($name));
                }
            )*
        }
    };
}
pub(crate) use scenarios;

/// Declares an exercise's loom models: each `Interleavings fn name() { … }`
/// (one execution, explored by loom) or `Custom fn name() { … }` becomes a
/// function, an entry of `MODELS`, and (in a cargo test target built with
/// `--cfg loom`) a `#[test]`. Models exist only under `--cfg loom`.
macro_rules! models {
    ($( $(#[doc = $doc:literal])* $kind:ident fn $name:ident() $body:block )*) => {
        $(
            $(#[doc = $doc])*
            #[cfg(loom)]
            pub fn $name() $body
        )*

        /// The models, in the order they run.
        #[cfg(loom)]
        pub const MODELS: &[crate::harness::Model] = &[$(
            crate::harness::Model { name: stringify!($name), kind: crate::harness::ModelKind::$kind, run: $name },
        )*];

        #[cfg(all(test, loom))]
        mod model_tests {
            $(
                #[test]
                fn $name() {
                    crate::harness::cargo_model(super::MODELS, stringify!($name));
                }
            )*
        }
    };
}
pub(crate) use models;

// ---------------------------------------------------------------------------
// Where code is: the bundle's map back to the learner's files.

/// What the generated `main` of a bundle knows about it.
pub struct Bundle {
    /// The learner's file, as the learner knows it (`exercises/src/bank.rs`).
    pub learner_file: &'static str,
    /// The first line after the learner's file.
    pub tail_start: u32,
    /// Each part of the tail: its first line, relative to `tail_start`, and
    /// the file it was copied from.
    pub segments: &'static [(u32, &'static str)],
    /// The learner's file, to quote lines and `// TODO` comments.
    pub source: &'static str,
}

static BUNDLE: OnceLock<&'static Bundle> = OnceLock::new();

/// A place in a source file, as the learner knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

impl Place {
    /// Maps a location of the compiled program back to the file it came from.
    pub fn of(file: &str, line: u32, column: u32) -> Place {
        if let Some(bundle) = BUNDLE.get()
            && is_bundle_file(file)
        {
            if line < bundle.tail_start {
                return Place { file: bundle.learner_file.to_string(), line, column };
            }
            let offset = line - bundle.tail_start;
            if let Some(&(start, path)) = bundle.segments.iter().rev().find(|(start, _)| *start <= offset) {
                return Place { file: path.to_string(), line: offset - start + 1, column };
            }
        }
        Place { file: file.to_string(), line, column }
    }

    /// In the learner's exercise file (not the facade, the checks, std or a crate).
    pub fn is_learner(&self) -> bool {
        match BUNDLE.get() {
            Some(bundle) => self.file == bundle.learner_file,
            None => {
                (self.file.starts_with("src/")
                    || self.file.contains("/src/")
                    || self.file.contains("solutions/"))
                    && !self.file.ends_with("sync.rs")
                    && !self.file.contains("/rustc/")
                    && !self.file.contains("/.cargo/")
            }
        }
    }

    /// In the checks of an exercise (a scenario's or model's own message).
    pub fn is_check(&self) -> bool {
        self.file.contains("checks/")
    }

    /// The source line, trimmed, when it can be read.
    pub fn source_line(&self) -> Option<String> {
        let source = self.source()?;
        let line = source.lines().nth(self.line.checked_sub(1)? as usize)?;
        Some(line.trim().to_string())
    }

    fn source(&self) -> Option<String> {
        if let Some(bundle) = BUNDLE.get() {
            return (self.file == bundle.learner_file).then(|| bundle.source.to_string());
        }
        // A cargo test runs in the package folder; rustc names workspace
        // files from the workspace root.
        std::fs::read_to_string(&self.file)
            .or_else(|_| std::fs::read_to_string(format!("../{}", self.file)))
            .ok()
    }

    /// The `// TODO` comment above a `todo!()` here, in the same function.
    pub fn todo_comment(&self) -> Option<String> {
        let source = self.source()?;
        let lines: Vec<&str> = source.lines().collect();
        let at = (self.line as usize).checked_sub(1)?.min(lines.len());
        let start = (0..at)
            .rev()
            .take_while(|&i| !lines[i].contains("fn "))
            .find(|&i| lines[i].trim_start().starts_with("// TODO"))?;
        let text: Vec<&str> = lines[start..]
            .iter()
            .map(|l| l.trim_start())
            .take_while(|l| l.starts_with("//"))
            .map(|l| l.trim_start_matches('/').trim())
            .collect();
        Some(text.join(" ").trim_start_matches("TODO:").trim().to_string())
    }
}

fn is_bundle_file(file: &str) -> bool {
    file == "src/main.rs" || file == "main.rs"
}

// ---------------------------------------------------------------------------
// Panics: every panic during a check is recorded, in order, with its thread.

/// One panic: where, on which thread, and its message.
#[derive(Debug, Clone)]
pub struct PanicRecord {
    pub thread: String,
    pub place: Option<Place>,
    pub message: String,
}

impl PanicRecord {
    pub fn is_todo(&self) -> bool {
        self.message.starts_with("not yet implemented") || self.message.starts_with("not implemented")
    }

    pub fn is_poison(&self) -> bool {
        self.message.contains("PoisonError")
    }

    pub fn in_learner(&self) -> bool {
        self.place.as_ref().is_some_and(Place::is_learner)
    }

    pub fn in_check(&self) -> bool {
        self.place.as_ref().is_some_and(Place::is_check)
    }

    fn at(&self) -> String {
        match &self.place {
            Some(place) => place.to_string(),
            None => "an unknown place".to_string(),
        }
    }
}

/// The panics of the check running now (`None`: no check runs, panics go to
/// the previous hook).
static RECORDED: Mutex<Option<Vec<PanicRecord>>> = Mutex::new(None);
/// A model runs: its first panic is explained at once, because loom may
/// abort the process while cleaning up after it.
static IN_MODEL: AtomicBool = AtomicBool::new(false);
/// A `Custom` model expects a failure and explains the panic itself.
static EXPECTING_FAILURE: AtomicBool = AtomicBool::new(false);
/// The model's first panic was explained.
static MODEL_EXPLAINED: AtomicBool = AtomicBool::new(false);
/// The model running now, for an explanation printed from the hook.
static CURRENT_MODEL: Mutex<&'static str> = Mutex::new("");
/// Executions loom ran of the current model.
static EXECUTIONS: AtomicU64 = AtomicU64::new(0);
/// Explanations already printed in this run, to say each only once.
static SAID: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
/// Checks run one at a time, so each one's panics are its own (cargo runs
/// tests on several threads).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
/// What to say when loom gives up on a model that loops, for exercises
/// where looping is the point (see [`when_a_model_spins`]).
static SPIN_ADVICE: Mutex<Option<&'static str>> = Mutex::new(None);

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;
static PREVIOUS_HOOK: OnceLock<Hook> = OnceLock::new();

/// Installs the recording panic hook (once). Must run before loom's first
/// model: loom's generator crate wraps the hook it finds then.
pub fn install_hook() {
    PREVIOUS_HOOK.get_or_init(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(hook));
        previous
    });
}

fn hook(info: &PanicHookInfo<'_>) {
    let message = match info.payload().downcast_ref::<String>() {
        Some(s) => s.clone(),
        None => info
            .payload()
            .downcast_ref::<&str>()
            .map_or_else(|| "Box<dyn Any>".to_string(), |s| s.to_string()),
    };
    let place = info.location().map(|l| Place::of(l.file(), l.line(), l.column()));
    let thread = std::thread::current().name().unwrap_or("<unnamed>").to_string();
    let record = PanicRecord { thread, place, message };
    let first = {
        let mut recorded = RECORDED.lock().unwrap_or_else(PoisonError::into_inner);
        match recorded.as_mut() {
            Some(list) => {
                list.push(record.clone());
                list.len() == 1
            }
            None => {
                drop(recorded);
                if let Some(previous) = PREVIOUS_HOOK.get() {
                    previous(info);
                }
                return;
            }
        }
    };
    let expected = EXPECTING_FAILURE.load(Ordering::SeqCst) && !record.message.starts_with("deadlock;");
    if first && IN_MODEL.load(Ordering::SeqCst) && !expected {
        // loom may abort right after this panic (a deadlock leaves no thread
        // to clean up with): explain it now.
        let name = *CURRENT_MODEL.lock().unwrap_or_else(PoisonError::into_inner);
        let text = model_failure(name, &record);
        MODEL_EXPLAINED.store(true, Ordering::SeqCst);
        say(&format!("FAILED\n\n{text}\n"), true);
    }
}

fn start_recording(model: bool) {
    *RECORDED.lock().unwrap_or_else(PoisonError::into_inner) = Some(Vec::new());
    IN_MODEL.store(model, Ordering::SeqCst);
    MODEL_EXPLAINED.store(false, Ordering::SeqCst);
}

fn stop_recording() -> Vec<PanicRecord> {
    IN_MODEL.store(false, Ordering::SeqCst);
    RECORDED.lock().unwrap_or_else(PoisonError::into_inner).take().unwrap_or_default()
}

/// Prints at once. In a cargo test, output of a failing model goes straight
/// to stderr, past libtest's capture, which an abort would lose.
fn say(text: &str, urgent: bool) {
    if urgent && BUNDLE.get().is_none() {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    } else {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}

// ---------------------------------------------------------------------------
// Findings: helpers the checks use, so that the same mistake gets the same
// words in a scenario and in a model.

/// Fails the check with `message` (a headline, then an empty line, then the
/// explanation).
#[track_caller]
pub fn fail(message: impl Into<String>) -> ! {
    panic!("{}", message.into())
}

/// Sets what the checker says when loom gives up on a model because a
/// thread kept looping ("Model exceeded maximum number of branches"), in
/// place of the usual "sleep on a `Condvar` instead": for exercises where a
/// loop that waits or retries is the point (a spin lock, a
/// `compare_exchange` loop). A model calls it first; it holds for the rest
/// of the run.
pub fn when_a_model_spins(advice: &'static str) {
    *SPIN_ADVICE.lock().unwrap_or_else(PoisonError::into_inner) = Some(advice);
}

/// Checks a total that `threads` threads built, `per_thread` each, and
/// explains a wrong one by what its value says.
#[track_caller]
pub fn expect_total(what: &str, expected: u64, actual: u64, threads: u64, per_thread: u64) {
    if actual == expected {
        return;
    }
    let headline = format!("{what}: expected {expected}, got {actual}.");
    let why = if actual > expected {
        "That is more than every thread added together: something was counted twice, \
         or the count did not start at zero (a `static` shared by every call keeps counting)."
            .to_string()
    } else if actual == 0 {
        format!(
            "Not one of the {expected} additions reached the value you returned, so this is not a race \
             between threads. The threads changed something else: each got its own copy (a clone of \
             the value or a new `Mutex`, instead of a clone of one `Arc`), or they had not run yet \
             when you read it (join them first)."
        )
    } else {
        let mut why = format!(
            "{} additions are missing. Two mistakes give this: lost updates (a read and its write in \
             different critical sections, so another thread's write between them is overwritten), or \
             threads that had not finished when you read the total (join every thread first).",
            expected - actual
        );
        if threads > 1 && per_thread > 1 && actual.is_multiple_of(per_thread) {
            let whole = actual / per_thread;
            let _ = write!(
                why,
                " Here it is exactly {whole} of the {threads} threads' work, which points at threads that \
                 had not finished."
            );
        }
        why
    };
    fail(format!("{headline}\n\n{why}"));
}

// ---------------------------------------------------------------------------
// Running scenarios.

/// How one scenario ended.
#[derive(Debug)]
pub enum Outcome {
    Passed,
    Failed(Vec<PanicRecord>),
    /// It did not finish: `busy` says whether the process used the CPU
    /// meanwhile (`None` where that cannot be measured).
    Hung {
        busy: Option<bool>,
        panics: Vec<PanicRecord>,
    },
}

fn detector_watches() -> bool {
    std::env::var(DETECTOR_ENV).is_ok_and(|v| v == "1")
}

/// Runs one scenario on its own thread. Without a deadlock detector, it
/// waits at most [`HANG_AFTER`], measuring the CPU time the process uses
/// meanwhile to tell a deadlock (idle) from a busy loop.
pub fn run_scenario(scenario: &Scenario) -> Outcome {
    install_hook();
    start_recording(false);
    let run = scenario.run;
    let (done, finished) = mpsc::channel();
    let spawned = std::thread::Builder::new().name("scenario".to_string()).spawn(move || {
        let passed = panic::catch_unwind(run).is_ok();
        let _ = done.send(passed);
    });
    let handle = match spawned {
        Ok(handle) => handle,
        Err(e) => {
            stop_recording();
            return Outcome::Failed(vec![PanicRecord {
                thread: "main".to_string(),
                place: None,
                message: format!("could not start the scenario's thread: {e}"),
            }]);
        }
    };
    let passed = if detector_watches() {
        // No timeout: a deadlock must leave every thread asleep for good.
        finished.recv().unwrap_or(false)
    } else {
        let cpu_before = cpu_ticks();
        let waited_from = Instant::now();
        match finished.recv_timeout(HANG_AFTER) {
            Ok(passed) => passed,
            Err(RecvTimeoutError::Disconnected) => false,
            Err(RecvTimeoutError::Timeout) => {
                let busy = match (cpu_before, cpu_ticks()) {
                    // Ticks of 10 ms. A deadlock uses no CPU at all. A spinning
                    // scenario got less than a tenth of a core at a load of 26
                    // on 2 cores (the fault corpus saw it), but far more than
                    // one percent, which tells the two apart.
                    (Some(before), Some(after)) => {
                        let cpu = Duration::from_millis((after - before) * 10);
                        Some(cpu * 100 >= waited_from.elapsed())
                    }
                    _ => None,
                };
                return Outcome::Hung { busy, panics: stop_recording() };
            }
        }
    };
    let _ = handle.join();
    let panics = stop_recording();
    if passed { Outcome::Passed } else { Outcome::Failed(panics) }
}

/// The process's CPU time so far, in clock ticks (Linux's 100 Hz `USER_HZ`).
fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // Fields 14 and 15 of /proc/<pid>/stat (utime, stime); field 3 is first here.
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// "1 model", "3 models".
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The name people read: `many_threads_lose_no_update` → "many threads lose no update".
pub fn human(name: &str) -> String {
    name.replace('_', " ")
}

/// The entry point of a bundle built without loom: runs every scenario in
/// order, stops at the first that hangs, prints the report.
pub fn main_scenarios(scenarios: &[Scenario], bundle: &'static Bundle) -> ExitCode {
    let _ = BUNDLE.set(bundle);
    install_hook();
    say(
        &format!(
            "Checking {} with {} on real threads:\n\n",
            bundle.learner_file,
            count(scenarios.len(), "scenario")
        ),
        false,
    );
    let mut failed = 0;
    for (n, scenario) in scenarios.iter().enumerate() {
        say(&format!("  {}{RUNNING}", human(scenario.name)), false);
        let outcome = run_scenario(scenario);
        match &outcome {
            Outcome::Passed => say("ok\n", false),
            Outcome::Failed(_) => say("FAILED\n", false),
            Outcome::Hung { .. } => say("HUNG\n", false),
        }
        if let Some(text) = explain_outcome(scenario, &outcome) {
            failed += 1;
            say(&format!("\n{}\n\n", once_each(&text)), false);
        }
        if let Outcome::Hung { .. } = outcome {
            let left = scenarios.len() - n - 1;
            if left > 0 {
                say(
                    &format!(
                        "The other {} did not run: a hung program cannot go on.\n",
                        count(left, "scenario")
                    ),
                    false,
                );
            }
            return ExitCode::FAILURE;
        }
    }
    if failed == 0 {
        say(&format!("\nAll {} passed.\n", count(scenarios.len(), "scenario")), false);
        ExitCode::SUCCESS
    } else {
        say(&format!("{failed} of {} failed.\n", count(scenarios.len(), "scenario")), false);
        ExitCode::FAILURE
    }
}

/// A cargo test of one scenario: the same run and words as the checker.
pub fn cargo_scenario(scenarios: &[Scenario], name: &str) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let scenario = scenarios.iter().find(|s| s.name == name).expect("a scenario of this name");
    let outcome = run_scenario(scenario);
    if let Some(text) = explain_outcome(scenario, &outcome) {
        panic!("{text}");
    }
}

/// The explanation of a scenario that did not pass (`None` if it passed).
pub fn explain_outcome(scenario: &Scenario, outcome: &Outcome) -> Option<String> {
    let name = human(scenario.name);
    match outcome {
        Outcome::Passed => None,
        Outcome::Failed(panics) => Some(format!("✗ {name}\n{}", indent(&explain_panics(panics)))),
        Outcome::Hung { busy, panics } => {
            let mut text = format!("✗ {name}\n{}", indent(&explain_hang(scenario.kind, *busy)));
            // A panic before the hang (a poisoned lock, a thread that died
            // holding a lock) is often its cause.
            if !panics.is_empty() {
                let _ = write!(text, "\n\n  Before it hung:\n{}", indent(&indent(&explain_panics(panics))));
            }
            Some(text)
        }
    }
}

/// Why a scenario never finished.
pub fn explain_hang(kind: Kind, busy: Option<bool>) -> String {
    let seconds = HANG_AFTER.as_secs();
    match (busy, kind) {
        (Some(true), _) => format!(
            "It did not finish in {seconds} s, and its threads kept the CPU busy all along: a busy loop \
             (a spin), not a deadlock.\n\n\
             A thread loops waiting for something to change, often while it holds the lock that \
             anyone else would need to change it. Sleep instead: wait on a `Condvar` \
             (`wait_while`), which releases the lock while it sleeps."
        ),
        (Some(false), Kind::Single) => format!(
            "It did not finish in {seconds} s and used no CPU: it waits forever, on one thread.\n\n\
             With one thread, nobody else can be holding a lock: your code locked a mutex it already \
             holds (a second `lock()` while the first guard is still alive). `std`'s `lock()` on a \
             mutex the same thread holds never returns. Drop the first guard, or do not lock twice."
        ),
        (Some(false), Kind::Threads) => format!(
            "It did not finish in {seconds} s and used no CPU: a deadlock. Its threads wait for each \
             other forever.\n\n\
             The usual causes: two threads each hold one lock and wait for the other's (take locks in \
             one global order); a thread locks a mutex it already holds; a guard stays alive while its \
             thread waits for another thread (mind guard scope); a thread waits on a `Condvar` that \
             nobody notifies (notify after every change a waiter waits for)."
        ),
        (None, _) => format!(
            "It did not finish in {seconds} s: a deadlock (threads waiting for each other, or a lock \
             taken twice) or a busy loop (a thread spinning on a condition)."
        ),
    }
}

/// The first panic that is not a poisoned lock's is the root of a failure:
/// a `todo!()`, the learner's own panic (a poisoned lock explained with it),
/// or a check's finding.
pub fn explain_panics(panics: &[PanicRecord]) -> String {
    let root = panics.iter().find(|p| !p.is_poison());
    let poisoned = panics.iter().find(|p| p.is_poison());
    if let Some(todo) = root.filter(|p| p.is_todo()).or_else(|| panics.iter().find(|p| p.is_todo())) {
        let what = todo.message.split_once(": ").map_or("", |(_, m)| m);
        let mut text = format!("Not implemented yet: {}", if what.is_empty() { "a `todo!()`" } else { what });
        if let Some(comment) = todo.place.as_ref().and_then(Place::todo_comment) {
            let _ = write!(text, "\n{comment}");
        }
        let _ = write!(text, "\n(the `todo!()` at {})", todo.at());
        return text;
    }
    match (root, poisoned) {
        (Some(root), _) if root.in_check() => finding(root),
        (root, Some(poisoned)) => {
            let mut text = format!(
                "A lock is poisoned: `lock()` returned `Err(PoisonError)` at {}{}.",
                poisoned.at(),
                quote(poisoned.place.as_ref())
            );
            match root {
                Some(first) => {
                    let _ = write!(
                        text,
                        "\n\nA thread panicked while holding that lock: \"{}\" at {}{} (thread '{}'). Every \
                         later `lock()` of a poisoned mutex returns the error, so fix that first panic.",
                        first.message,
                        first.at(),
                        quote(first.place.as_ref()),
                        first.thread
                    );
                }
                None => text.push_str("\n\nA thread panicked while holding that lock; fix that panic first."),
            }
            text
        }
        (Some(root), None) if root.in_learner() => format!(
            "Your code panicked at {}{}:\n{}",
            root.at(),
            quote(root.place.as_ref()),
            indent(&root.message)
        ),
        (Some(root), None) => match panics.iter().find(|p| p.in_learner()) {
            // Learner code called something that panicked (an `unwrap` on
            // `None`, an index out of range): show the learner's line.
            Some(own) => format!(
                "Your code panicked at {}{}:\n{}",
                own.at(),
                quote(own.place.as_ref()),
                indent(&own.message)
            ),
            None => format!("It panicked at {}: {}", root.at(), root.message),
        },
        (None, None) => "It failed without a panic message.".to_string(),
    }
}

/// A check's own panic: its message, with `assert_eq!`'s sides named.
fn finding(panic: &PanicRecord) -> String {
    assertion(&panic.message).unwrap_or_else(|| panic.message.clone())
}

/// `assert_eq!`'s "left/right" as "got/expected" (checks put the actual
/// value on the left).
pub fn assertion(message: &str) -> Option<String> {
    let rest = message.strip_prefix("assertion ")?;
    let (kind, rest) = rest.split_once(" failed")?;
    let rest = rest.trim_start_matches(':').trim_start();
    let mut what = Vec::new();
    let (mut left, mut right) = (None, None);
    for line in rest.lines() {
        match line.trim_start() {
            l if l.starts_with("left: ") => left = Some(l["left: ".len()..].to_string()),
            l if l.starts_with("right: ") => right = Some(l["right: ".len()..].to_string()),
            l => what.push(l.to_string()),
        }
    }
    let what = if what.is_empty() { format!("the check `{kind}` failed") } else { what.join("\n") };
    Some(match (left, right) {
        (Some(got), Some(expected)) => format!("{what}\n  expected: {expected}\n  got:      {got}"),
        _ => what,
    })
}

fn quote(place: Option<&Place>) -> String {
    match place.and_then(Place::source_line) {
        Some(line) if !line.is_empty() => format!(" (`{line}`)"),
        _ => String::new(),
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| if l.is_empty() { String::new() } else { format!("  {l}") })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Drops explanation paragraphs already printed in this run: the first
/// paragraph (what happened) always shows, the "why" only once.
fn once_each(text: &str) -> String {
    let mut said = SAID.lock().unwrap_or_else(PoisonError::into_inner);
    let mut out = Vec::new();
    for (n, paragraph) in text.split("\n\n").enumerate() {
        let key = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        if n > 0 && key.len() > 80 && !said.insert(key) {
            out.push("  (The cause is explained above.)".to_string());
        } else {
            out.push(paragraph.to_string());
        }
    }
    out.dedup();
    out.join("\n\n")
}

// ---------------------------------------------------------------------------
// Running models (under `--cfg loom`).

/// Runs `execution` under loom, once per interleaving (up to
/// [`PREEMPTION_BOUND`] preemptions each). `Ok(executions)` when every one
/// passed; else the first panic.
#[cfg(loom)]
pub fn explore(execution: fn()) -> Result<u64, PanicRecord> {
    install_hook();
    let mut builder = loom::model::Builder::new();
    builder.location = true;
    builder.preemption_bound = Some(PREEMPTION_BOUND);
    EXECUTIONS.store(0, Ordering::SeqCst);
    // A `Custom` model records its own panics around this exploration.
    let outer = RECORDED.lock().unwrap_or_else(PoisonError::into_inner).take();
    start_recording(true);
    let result = panic::catch_unwind(move || {
        builder.check(move || {
            EXECUTIONS.fetch_add(1, Ordering::SeqCst);
            execution();
        });
    });
    let panics = stop_recording();
    if outer.is_some() {
        *RECORDED.lock().unwrap_or_else(PoisonError::into_inner) = outer;
    }
    match result {
        Ok(()) => Ok(EXECUTIONS.load(Ordering::SeqCst)),
        Err(_) => Err(panics.into_iter().next().unwrap_or(PanicRecord {
            thread: "main".to_string(),
            place: None,
            message: "the model failed without a panic message".to_string(),
        })),
    }
}

/// Runs `execution` under loom expecting it to fail; returns the first
/// panic, or the number of executions if it passed every one.
#[cfg(loom)]
pub fn explore_expecting_failure(execution: fn()) -> Result<u64, PanicRecord> {
    EXPECTING_FAILURE.store(true, Ordering::SeqCst);
    let result = explore(execution);
    EXPECTING_FAILURE.store(false, Ordering::SeqCst);
    result
}

/// How a model ended: `Ok(text)` after "ok", or the explanation (already
/// printed when the panic was explained from the hook).
#[cfg(loom)]
fn run_model(model: &Model) -> Result<String, String> {
    *CURRENT_MODEL.lock().unwrap_or_else(PoisonError::into_inner) = model.name;
    match model.kind {
        ModelKind::Interleavings => match explore(model.run) {
            Ok(n) => Ok(format!("({n} interleaving{})", if n == 1 { "" } else { "s" })),
            Err(first) => Err(model_failure(model.name, &first)),
        },
        ModelKind::Custom => {
            start_recording(false);
            let result = panic::catch_unwind(model.run);
            let panics = stop_recording();
            match result {
                Ok(()) => Ok(String::new()),
                Err(_) => Err(format!("✗ {}\n{}", human(model.name), indent(&explain_panics(&panics)))),
            }
        }
    }
}

/// The entry point of a bundle built with `--cfg loom`: runs every model in
/// order and stops at the first failure.
#[cfg(loom)]
pub fn main_models(models: &[Model], bundle: &'static Bundle) -> ExitCode {
    let _ = BUNDLE.set(bundle);
    install_hook();
    if let Some(text) = bypasses_facade(bundle.source) {
        say(&format!("{text}\n"), false);
        return ExitCode::FAILURE;
    }
    say(
        &format!(
            "Model checking {} with loom: {}, each run in every interleaving of its threads \
             (up to {PREEMPTION_BOUND} preemptions):\n\n",
            bundle.learner_file,
            count(models.len(), "model")
        ),
        false,
    );
    for model in models {
        say(&format!("  {}{RUNNING}", human(model.name)), false);
        match run_model(model) {
            Ok(detail) => say(&format!("ok {detail}\n"), false),
            Err(text) => {
                if !MODEL_EXPLAINED.load(Ordering::SeqCst) {
                    say(&format!("FAILED\n\n{text}\n"), false);
                }
                // When loom gave up, it found no failing interleaving: the
                // sentence below would claim one.
                if model.kind == ModelKind::Interleavings && !text.contains("loom gave up") {
                    say(
                        "\nThe model checker found it by trying every order in which the threads can run: \
                         a normal test run may pass many times and still miss it.\n",
                        false,
                    );
                }
                return ExitCode::FAILURE;
            }
        }
    }
    say(&format!("\nAll {} passed in every interleaving.\n", count(models.len(), "model")), false);
    ExitCode::SUCCESS
}

/// A cargo test of one model (`RUSTFLAGS="--cfg loom" cargo test --release`).
#[cfg(loom)]
pub fn cargo_model(models: &[Model], name: &str) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let model = models.iter().find(|m| m.name == name).expect("a model of this name");
    if let Err(text) = run_model(model) {
        if MODEL_EXPLAINED.load(Ordering::SeqCst) {
            panic!("the model failed (explained above)");
        }
        panic!("{text}");
    }
}

/// Finds `std::sync`, `std::thread` or parking_lot in the learner's code:
/// loom cannot see those locks, so the models would not check them. Also
/// std's `UnsafeCell` and `spin_loop` (see [`bypasses_cell_or_hint`]).
pub fn bypasses_facade(source: &str) -> Option<String> {
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if let Some(text) = bypasses_cell_or_hint(n + 1, line, code) {
            return Some(text);
        }
        for bypass in ["std::sync", "core::sync", "std::thread", "parking_lot"] {
            if code.contains(bypass) {
                let import = if code.contains("atomic") {
                    "use crate::sync::atomic::{AtomicU64, Ordering};"
                } else {
                    "use crate::sync::{Arc, Mutex, thread};"
                };
                return Some(format!(
                    "✗ line {} uses `{bypass}` directly: `{}`\n  \
                     The model checker only sees the locks, atomics and threads of `crate::sync` \
                     (std's normally, loom's when it checks). Import them from there: `{import}`",
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    None
}

/// std's (or core's) `UnsafeCell` or `spin_loop` on line `n`, whose code
/// without comments is `code`. loom checks the accesses to a value only
/// through the facade's cell, so with std's a lock missing `Acquire` or
/// `Release` would pass every model; and std's `spin_loop` does not tell
/// loom that a thread waits, so a correct lock would make it give up.
fn bypasses_cell_or_hint(n: usize, line: &str, code: &str) -> Option<String> {
    let from_std = (code.contains("std::") || code.contains("core::")) && !code.contains("crate::sync");
    let (what, fix) = if from_std && code.contains("UnsafeCell") {
        (
            "std's `UnsafeCell`",
            "Under the model checker, `crate::sync::cell::UnsafeCell` is loom's checked cell, which \
             watches every access to the value and reports a data race when a lock does not order two \
             of them; std's cannot be watched, so a missing `Acquire` or `Release` would go unseen. \
             Use `use crate::sync::cell::UnsafeCell;`.",
        )
    } else if from_std && code.contains("hint") && code.contains("spin_loop") {
        (
            "std's `spin_loop`",
            "Under the model checker, `crate::sync::hint::spin_loop` tells loom that this thread is \
             waiting, so it runs the others; std's says nothing to loom, which then keeps running the \
             waiting thread until it gives up. Use `use crate::sync::hint::spin_loop;`.",
        )
    } else {
        return None;
    };
    Some(format!("✗ line {n} uses {what} directly: `{}`\n  {fix}", line.trim()))
}

/// What went wrong in one interleaving of a model.
pub fn model_failure(name: &str, first: &PanicRecord) -> String {
    let message = &first.message;
    let text = if let Some(threads) = message.strip_prefix("deadlock; threads = ") {
        explain_loom_deadlock(threads)
    } else if message.contains("Causality violation") {
        explain_data_race(message)
    } else if let Some(advice) = SPIN_ADVICE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .filter(|_| message.starts_with("Model exceeded maximum number of branches"))
    {
        format!(
            "loom gave up on it: a thread kept looping until loom stopped exploring (\"Model exceeded \
             maximum number of branches\").\n\n{advice}"
        )
    } else if message.starts_with("Model exceeded maximum number of branches") {
        "loom gave up on it: a thread loops without ever blocking — a busy loop (a spin). loom cannot \
         explore a loop that waits for another thread to run, and on real threads it burns a core.\n\n\
         Sleep instead of spinning: wait on a `Condvar` (`wait_while`), which releases the lock while \
         it sleeps."
            .to_string()
    } else if message.contains("outside a Loom model") {
        "Your code mixed std's threads or locks with the model checker's. Import every lock and \
         thread from `crate::sync`, not from `std`."
            .to_string()
    } else if message.contains("leaked") {
        format!(
            "loom found a value that was never dropped: {}. A leaked guard (`mem::forget`) or an `Arc` \
             cycle keeps a lock or its data alive forever.",
            message.lines().next().unwrap_or_default()
        )
    } else if message.contains("self.threads.len() < self.max()") {
        "The model started more threads than loom can follow (4 besides its own): does your code \
         start a thread per item?"
            .to_string()
    } else {
        format!(
            "In one of the interleavings loom tried, it failed:\n\n{}",
            explain_panics(std::slice::from_ref(first))
        )
    };
    format!("✗ {}\n{}", human(name), indent(&text))
}

/// loom's "Causality violation" on an `UnsafeCell` (the sync facade's
/// `cell::UnsafeCell`), in words: which accesses raced, where, and why a
/// lock lets that happen.
pub fn explain_data_race(message: &str) -> String {
    let mut accesses = Vec::new();
    for line in message.lines() {
        // `  write one: thread #1 @ src/main.rs:40:20`
        let Some((what, at)) = line.split_once(": thread #") else { continue };
        let Some((thread, place)) = at.split_once(" @ ") else { continue };
        let mut parts = place.trim().rsplitn(3, ':');
        let (Some(column), Some(line_no), Some(file)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let (Ok(line_no), Ok(column)) = (line_no.parse(), column.parse()) else { continue };
        let place = Place::of(file, line_no, column);
        let who = if thread.trim() == "0" {
            "the model's main thread".to_string()
        } else {
            format!("thread {}", thread.trim())
        };
        let kind = if what.contains("read") { "reads" } else { "touches" };
        accesses.push(format!("- {who} {kind} the value at {place}{}", quote(Some(&place))));
    }
    let mut text = "loom found a data race on the value inside the lock: two threads reached it, and \
                    the first access does not happen-before the second."
        .to_string();
    if !accesses.is_empty() {
        text.push('\n');
        text.push_str(&accesses.join("\n"));
    }
    text.push_str(
        "\n\nA lock has two jobs. Exclusion: one holder at a time. Visibility: the next holder sees \
         what the last one wrote — which needs `Acquire` when the lock is taken (the success ordering \
         of `compare_exchange`) and `Release` when it is released (the guard's `store(false, ..)`). \
         The Release store synchronizes with the Acquire that reads it, so everything written under \
         the lock happens-before the next holder's first access. With `Relaxed` on either side, \
         nothing orders the two accesses: x86-64 hardware may still pass every test, but the \
         compiler and ARM processors need not. (If the lock can be taken twice at once, fix that \
         first: a `load` then a `store` is two steps; `compare_exchange` is one.)",
    );
    text
}

/// loom's `deadlock; threads = [(Id(0), Blocked(Location(Some(Location {
/// file: "src/main.rs", line: 44, column: 30 })))), (Id(1), Terminated)]`,
/// in words: who waits where, and what that pattern means.
pub fn explain_loom_deadlock(threads: &str) -> String {
    let mut waits = Vec::new();
    for entry in threads.split("(Id(").skip(1) {
        let id: u32 = entry.split(')').next().and_then(|n| n.parse().ok()).unwrap_or(0);
        if !entry.contains("Blocked") {
            continue;
        }
        let place = field(entry, "file: \"", "\"").and_then(|file| {
            let line = field(entry, "line: ", ",")?.parse().ok()?;
            let column = field(entry, "column: ", " ")?.parse().ok()?;
            Some(Place::of(&file, line, column))
        });
        waits.push((id, place));
    }
    let who = |id: u32| if id == 0 { "the model's main thread".to_string() } else { format!("thread {id}") };
    let mut lines = Vec::new();
    let (mut on_locks, mut on_condvars) = (0, 0);
    for (id, place) in &waits {
        let source = place.as_ref().and_then(Place::source_line).unwrap_or_default();
        let what = if source.contains("wait") {
            on_condvars += 1;
            "waits on a Condvar"
        } else if source.contains("lock(") || source.contains("read(") || source.contains("write(") {
            on_locks += 1;
            "waits for a lock"
        } else if source.contains("join(") || source.contains("scope(") {
            "waits for a thread to finish"
        } else {
            "is blocked"
        };
        match place {
            Some(place) if !source.is_empty() => {
                lines.push(format!("- {} {what} at {place}: `{source}`", who(*id)))
            }
            Some(place) => lines.push(format!("- {} {what} at {place}", who(*id))),
            None => lines.push(format!("- {} {what}", who(*id))),
        }
    }
    let why = if on_locks >= 2 {
        "Each of those threads holds a lock that another one is waiting for: a lock-order deadlock. \
         Take every pair of locks in one global order (for example, the lower index first), whatever \
         the direction of the operation."
    } else if on_locks == 1 {
        "That lock is never released: the waiting thread holds it itself (a second `lock()` of a mutex \
         whose guard is still alive), or a thread that is itself waiting holds it."
    } else if on_condvars > 0 {
        "A thread sleeps on a Condvar and no thread will ever notify it. Either a change it waits for \
         comes with no `notify_one`/`notify_all`, or the notify came before the wait began and the wait \
         did not re-check the condition under the lock (a lost wake-up). `wait_while` re-checks for you."
    } else {
        "Every thread waits for another one."
    };
    format!(
        "loom found a deadlock: in one interleaving, every thread was blocked.\n{}\n\n{why}",
        lines.join("\n")
    )
}

fn field(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(text[from..from + len].to_string())
}
