//! Checking one learner file: build the exercise's bundle, run its scenarios
//! (std threads), then — only if they all pass — its loom models
//! (`--cfg loom`), with the playground's runner. The programs
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

/// The time a check program may run. A deadlock is caught sooner, by the
/// runner's detector (or, without it, the harness's own 3 s watchdog); a
/// busy loop runs until this limit, where the runner says it was still
/// using the CPU. The slowest program of the reference solutions, queue's
/// models, took 3.4 s on a 2-core machine with a load of about 15.
pub const RUN_LIMIT: Duration = Duration::from_secs(10);

/// The verdict on one file.
#[derive(Debug)]
pub struct Verdict {
    /// Every scenario and every model passed.
    pub passed: bool,
    /// What to show the learner.
    pub text: String,
    /// How long each step took: (half, step, time).
    pub timings: Vec<(&'static str, &'static str, Duration)>,
}

/// The runner exercise checks use: the playground's, with the crates
/// snippets may use (loom among them) prebuilt.
pub fn runner() -> Result<Runner> {
    crate::snippets::runner(Limits { run_timeout: RUN_LIMIT, ..Limits::default() })
}

/// Checks the file at `path` as `exercise`'s solution, printing as it goes.
pub fn check_file(runner: &Runner, exercise: &Exercise, path: &Path) -> Result<Verdict> {
    let source = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let label = super::relative(path);
    check_source(runner, exercise, &label, &source, &mut |text| print!("{text}"))
}

/// Checks `source` (known to the learner as `label`) as `exercise`'s
/// solution; `show` hears what happens as it happens: what is being
/// compiled, then each half's report.
pub fn check_source(
    runner: &Runner,
    exercise: &Exercise,
    label: &str,
    source: &str,
    show: &mut dyn FnMut(&str),
) -> Result<Verdict> {
    let code = bundle::assemble(source, &bundle::tail(exercise, label)?);
    let map = SourceMap::of_bundle(&code);
    let mut verdict = Verdict { passed: false, text: String::new(), timings: Vec::new() };
    let report_text = |verdict: &mut Verdict, show: &mut dyn FnMut(&str), text: &str| {
        verdict.text.push_str(text);
        show(text);
    };
    for half in [Half::Scenarios, Half::Models] {
        let (compiling, step) = match half {
            Half::Scenarios => ("Compiling your code with the scenarios…\n", "scenarios"),
            Half::Models => ("\nCompiling your code with the model checks (`--cfg loom`)…\n", "models"),
        };
        show(compiling);
        let started = Instant::now();
        let report = runner.execute(&half.request(code.clone()))?;
        let took = started.elapsed();
        let what = if report.cached { "run (already compiled)" } else { "compile and run" };
        verdict.timings.push((step, what, took));
        if !report.compile.exit.success() {
            if half == Half::Models {
                report_text(
                    &mut verdict,
                    show,
                    "\nUnder the model checker your code is compiled against loom's locks and threads \
                     (`--cfg loom`), and that failed:\n",
                );
            }
            report_text(&mut verdict, show, &diagnosis::compile_errors(&report.compile.stderr, &map));
            return Ok(verdict);
        }
        let run = report.run.context("the runner compiled the check but did not run it")?;
        report_text(&mut verdict, show, &run.stdout);
        if let Some(extra) = diagnosis::unexplained_exit(&run, &map) {
            report_text(&mut verdict, show, &format!("\n{extra}"));
        }
        if !run.exit.success() {
            return Ok(verdict);
        }
    }
    verdict.passed = true;
    Ok(verdict)
}

impl Verdict {
    /// "scenarios: compile and run 2.3 s; models: …", for the curious.
    pub fn timing_line(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for (step, what, took) in &self.timings {
            let text = format!("{what} {:.1} s", took.as_secs_f64());
            match parts.last_mut() {
                Some(last) if last.starts_with(step) => *last = format!("{last}, {text}"),
                _ => parts.push(format!("{step}: {text}")),
            }
        }
        parts.join("; ")
    }
}
