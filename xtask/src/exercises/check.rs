//! Checking one learner file: build the exercise's bundle, run its scenarios
//! (debug, std threads), then — only if they all pass — its loom models
//! (release, `--cfg loom`), with the playground's runner. The programs
//! explain their own failures; `playground::diagnosis` adds what only the
//! runner saw (compile errors, a deadlock, the time limit, a crash).

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use playground::diagnosis::{self, SourceMap};
use playground::{Limits, Runner};

use super::Exercise;
use super::bundle::{self, Half};

/// The time a check program may run. The harness reports a hung scenario
/// after 3 s; this is the backstop behind it.
pub const RUN_LIMIT: Duration = Duration::from_secs(30);

/// The verdict on one file.
#[derive(Debug)]
pub struct Verdict {
    /// Every scenario and every model passed.
    pub passed: bool,
    /// What to show the learner.
    pub text: String,
    /// How long each step took (compile or run, and of which half).
    pub timings: Vec<(&'static str, Duration)>,
}

/// The runner exercise checks use: the playground's, with the crates
/// snippets may use (loom among them) prebuilt.
pub fn runner() -> Result<Runner> {
    crate::snippets::runner(Limits { run_timeout: RUN_LIMIT, ..Limits::default() })
}

/// Checks the file at `path` as `exercise`'s solution.
pub fn check_file(runner: &Runner, exercise: &Exercise, path: &Path) -> Result<Verdict> {
    let source = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    check_source(runner, exercise, &source, &mut |line| println!("{line}"))
}

/// Checks `source` as `exercise`'s solution; `progress` hears what is
/// happening (compiling, running) before the verdict is ready.
pub fn check_source(
    runner: &Runner,
    exercise: &Exercise,
    source: &str,
    progress: &mut dyn FnMut(&str),
) -> Result<Verdict> {
    let code = bundle::assemble(source, &bundle::tail(exercise)?);
    let map = SourceMap::of_bundle(&code);
    let mut verdict = Verdict { passed: false, text: String::new(), timings: Vec::new() };
    for half in [Half::Scenarios, Half::Models] {
        progress(match half {
            Half::Scenarios => "Compiling your code with the scenarios (debug build)…",
            Half::Models => "Compiling your code with the model checks (loom, release build)…",
        });
        let started = Instant::now();
        let report = runner.execute(&half.request(code.clone()))?;
        let (compile, run) = match half {
            Half::Scenarios => ("compile (scenarios)", "run scenarios"),
            Half::Models => ("compile (models)", "run models"),
        };
        if !report.cached {
            verdict.timings.push((compile, started.elapsed()));
        }
        if !report.compile.exit.success() {
            if half == Half::Models {
                verdict.text.push_str(
                    "\nUnder the model checker your code is compiled against loom's locks and threads \
                     (`--cfg loom`), and that failed:\n",
                );
            }
            verdict.text.push_str(&diagnosis::compile_errors(&report.compile.stderr, &map));
            return Ok(verdict);
        }
        let run_output = report.run.context("the runner compiled the check but did not run it")?;
        verdict.timings.push((run, started.elapsed()));
        verdict.text.push_str(&run_output.stdout);
        if let Some(extra) = diagnosis::unexplained_exit(&run_output, &map) {
            verdict.text.push('\n');
            verdict.text.push_str(&extra);
        }
        if !run_output.exit.success() {
            return Ok(verdict);
        }
        if half == Half::Scenarios {
            verdict.text.push('\n');
        }
    }
    verdict.passed = true;
    Ok(verdict)
}
