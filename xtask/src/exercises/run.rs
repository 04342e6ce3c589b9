//! Building the exercise tests once per mode and running each test binary
//! under a timeout, then reading libtest's output back into results.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use regex::Regex;

use super::{Exercise, dir};
use crate::cmd;

/// How long one exercise's test binary may run. Each scenario has its own
/// 5 s timeout inside the tests; this catches anything that escapes it.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// Which code the tests run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The learner's starters (`--features check`).
    Starter,
    /// The reference solutions (`--features solutions`).
    Solution,
}

impl Mode {
    fn features(self) -> &'static str {
        match self {
            Mode::Starter => "check",
            Mode::Solution => "solutions",
        }
    }
}

/// The result of building test binaries.
pub enum Build {
    /// Test target name → executable.
    Built(BTreeMap<String, PathBuf>),
    /// rustc's rendered errors, first first.
    Failed(Vec<String>),
}

/// Builds the test targets `modules` (all of them if empty) in `mode`, in one
/// cargo invocation; with `loom`, under `--cfg loom` in release mode, in the
/// target dir the examples' loom models use (their dependencies build once).
pub fn build(mode: Mode, modules: &[String], loom: bool) -> Result<Build> {
    let mut cargo = cmd::cargo();
    cargo.args(["test", "--package", "exercises", "--features", mode.features(), "--no-run"]);
    cargo.arg("--message-format=json-diagnostic-rendered-ansi");
    if modules.is_empty() {
        cargo.arg("--tests");
    }
    for module in modules {
        cargo.args(["--test", module]);
    }
    if loom {
        cargo.env("RUSTFLAGS", "--cfg loom").args(["--release", "--target-dir", "target/loom"]);
    }
    // Plain text in messages: the learner's terminal may not be a tty.
    cargo.env("CARGO_TERM_COLOR", "never");
    cmd::echo(&cargo);
    let output = cargo.stderr(Stdio::inherit()).output().context("could not start cargo")?;
    let mut errors = Vec::new();
    let mut binaries = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        match msg["reason"].as_str() {
            Some("compiler-message") if msg["message"]["level"] == "error" => {
                if let Some(rendered) = msg["message"]["rendered"].as_str() {
                    errors.push(strip_ansi(rendered));
                }
            }
            Some("compiler-artifact") => {
                let is_test = msg["target"]["kind"].as_array().is_some_and(|k| k.iter().any(|k| k == "test"));
                if let (true, Some(exe), Some(name)) =
                    (is_test, msg["executable"].as_str(), msg["target"]["name"].as_str())
                {
                    binaries.insert(name.to_string(), PathBuf::from(exe));
                }
            }
            _ => {}
        }
    }
    if !output.status.success() {
        if errors.is_empty() {
            errors.push(format!(
                "cargo failed ({}) without a compiler error; see its messages above",
                output.status
            ));
        }
        return Ok(Build::Failed(errors));
    }
    Ok(Build::Built(binaries))
}

fn strip_ansi(text: &str) -> String {
    let re = Regex::new("\x1b\\[[0-9;]*m").expect("valid regex");
    re.replace_all(text, "").into_owned()
}

/// One panic printed during a test.
#[derive(Debug, Clone)]
pub struct Panic {
    /// `file:line:col`, relative to the workspace.
    pub location: String,
    pub message: String,
}

/// A failed test and the panics it printed (its own and its threads').
#[derive(Debug, Clone)]
pub struct Failure {
    pub test: String,
    pub panics: Vec<Panic>,
}

/// One run of a test binary.
#[derive(Debug, Default)]
pub struct TestRun {
    pub passed: Vec<String>,
    pub failures: Vec<Failure>,
    /// The binary was killed after [`RUN_TIMEOUT`].
    pub timed_out: bool,
    pub success: bool,
    /// Everything it printed, for when parsing finds nothing.
    pub output: String,
}

/// Runs a test binary (libtest) with an optional name filter, under
/// [`RUN_TIMEOUT`].
pub fn run_tests(binary: &PathBuf, filter: Option<&str>) -> Result<TestRun> {
    let mut command = Command::new(binary);
    command.current_dir(dir()).args(["--color", "never"]).args(filter);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().with_context(|| format!("could not run {}", binary.display()))?;
    let stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out_reader = thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            text.push_str(&line);
            text.push('\n');
        }
        text
    });
    let err_reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (Some(status), false);
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break (None, true);
        }
        thread::sleep(Duration::from_millis(50));
    };
    let mut output = out_reader.join().unwrap_or_default();
    output.push_str(&err_reader.join().unwrap_or_default());
    let mut run = parse(&output);
    run.timed_out = timed_out;
    run.success = status.is_some_and(|s| s.success());
    run.output = output;
    Ok(run)
}

/// Reads libtest's output: `test NAME ... ok|FAILED` lines and the
/// `---- NAME stdout ----` sections with the panics.
fn parse(output: &str) -> TestRun {
    let result_re = Regex::new(r"^test (\S+) \.\.\. (ok|FAILED)$").expect("valid regex");
    let section_re = Regex::new(r"^---- (\S+) stdout ----$").expect("valid regex");
    let panic_re = Regex::new(r"^thread '[^']*'(?: \(\d+\))? panicked at (.+):$").expect("valid regex");
    let mut run = TestRun::default();
    let mut failed_names = Vec::new();
    let mut sections: BTreeMap<String, Vec<Panic>> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut in_panic = false;
    for line in output.lines() {
        if let Some(c) = result_re.captures(line) {
            if &c[2] == "ok" {
                run.passed.push(c[1].to_string())
            } else {
                failed_names.push(c[1].to_string())
            }
            continue;
        }
        if let Some(c) = section_re.captures(line) {
            current = Some(c[1].to_string());
            in_panic = false;
            continue;
        }
        if line == "failures:" || line.starts_with("test result:") {
            current = None;
            continue;
        }
        let Some(name) = &current else { continue };
        let panics = sections.entry(name.clone()).or_default();
        if let Some(c) = panic_re.captures(line) {
            panics.push(Panic { location: c[1].to_string(), message: String::new() });
            in_panic = true;
        } else if line.starts_with("note: ") || line.starts_with("stack backtrace:") {
            in_panic = false;
        } else if in_panic && let Some(panic) = panics.last_mut() {
            if !panic.message.is_empty() {
                panic.message.push('\n');
            }
            panic.message.push_str(line);
        }
    }
    for name in failed_names {
        let panics = sections.remove(&name).unwrap_or_default();
        run.failures.push(Failure { test: name, panics });
    }
    run
}

/// What became of an exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    DoesNotCompile,
}

/// Everything one check of an exercise found.
#[derive(Debug, Default)]
pub struct Report {
    pub compile_errors: Vec<String>,
    /// (what ran, its result): the plain tests, then the loom models if any.
    pub runs: Vec<(&'static str, TestRun)>,
}

impl Report {
    pub fn outcome(&self) -> Outcome {
        if !self.compile_errors.is_empty() {
            Outcome::DoesNotCompile
        } else if !self.runs.is_empty() && self.runs.iter().all(|(_, r)| r.success) {
            Outcome::Passed
        } else {
            Outcome::Failed
        }
    }

    /// "8 tests passed" and the like.
    pub fn summary(&self) -> String {
        let parts: Vec<String> =
            self.runs.iter().map(|(what, r)| format!("{} {what} passed", r.passed.len())).collect();
        parts.join(", ")
    }
}

/// Builds and tests one exercise in `mode` (plain tests, then loom models).
pub fn check_exercise(exercise: &Exercise, mode: Mode) -> Result<Report> {
    match build(mode, &[exercise.module()], false)? {
        Build::Failed(errors) => Ok(Report { compile_errors: errors, runs: Vec::new() }),
        Build::Built(binaries) => test_exercise(exercise, mode, &binaries),
    }
}

/// Tests one exercise with already built binaries; builds and runs its loom
/// models only once the plain tests pass.
pub fn test_exercise(
    exercise: &Exercise,
    mode: Mode,
    binaries: &BTreeMap<String, PathBuf>,
) -> Result<Report> {
    let module = exercise.module();
    let binary = binaries.get(&module).with_context(|| format!("cargo built no test target `{module}`"))?;
    let plain = run_tests(binary, None)?;
    let mut report = Report { compile_errors: Vec::new(), runs: vec![("tests", plain)] };
    if exercise.loom && report.outcome() == Outcome::Passed {
        println!("The plain tests pass; now the loom models (release build, target/loom)…");
        match build(mode, std::slice::from_ref(&module), true)? {
            Build::Failed(errors) => report.compile_errors = errors,
            Build::Built(loom_binaries) => {
                let binary =
                    loom_binaries.get(&module).with_context(|| format!("no loom test target `{module}`"))?;
                report.runs.push(("loom models", run_tests(binary, Some("loom"))?));
            }
        }
    }
    Ok(report)
}
