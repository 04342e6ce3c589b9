//! Checking an exercise, the one way every front end does it: the terminal
//! checker (`cargo xtask exercises`), the fault corpus, and the page's
//! workbench through the server's `POST /exercise/check`.
//!
//! A check compiles one Rust file, a *bundle*: the learner's file first (so
//! its line N is line N of the bundle), then a *tail* that depends on the
//! exercise only — the sync facade, the harness, the exercise's checks and a
//! generated `main` (xtask's `exercises::bundle` writes it from the real
//! files), then the learner's source once more as a string the harness
//! quotes from ([`assemble`]). The runner builds it twice, one [`Half`] at a
//! time: the scenarios on std threads, then — only when they all pass — the
//! loom models (`--cfg loom`). The programs explain their own failures;
//! [`crate::diagnosis`] adds what only the runner saw.
//!
//! The book carries each exercise's tail in `workbench/<id>.json`
//! ([`WorkbenchData`], written at build time): the page appends it to the
//! learner's code for play.rust-lang.org, and the local server reads the
//! same file, so the page, the server and the terminal check the same thing.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::diagnosis::{self, CompileWords, SourceMap};
use crate::runner::Execute;
use crate::types::{Edition, Mode, Request};

/// The time a check program may run: the runner's default limit, which the
/// server's runner and the terminal checker both use. A deadlock is caught
/// sooner, by the runner's detector (or, without it, the harness's own 3 s
/// watchdog); a busy loop runs until this limit, where the runner says it
/// was still using the CPU. The slowest program of the reference solutions,
/// queue's models, took 3.4 s on a 2-core machine with a load of about 15.
pub const RUN_LIMIT: Duration = Duration::from_secs(10);

/// The book's folder for the workbench: `workbench/<id>.json` and its scripts.
pub const DATA_DIR: &str = "workbench";

/// The version of [`WorkbenchData`]'s shape; the page refuses another.
pub const DATA_VERSION: u32 = 1;

/// What the book publishes about one exercise for checking it:
/// `book/workbench/<id>.json`. Written by `cargo xtask progress-data` from
/// the real exercise files; read by the page (for play.rust-lang.org) and by
/// the local server (for `POST /exercise/check`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkbenchData {
    /// [`DATA_VERSION`].
    pub v: u32,
    /// The exercise's id (`counter`).
    pub id: String,
    /// The learner's file as the checker names it (`exercises/src/counter.rs`).
    pub label: String,
    /// Everything the checker appends to the learner's file ([`assemble`]).
    pub tail: String,
    /// The words of a compile error, for the page to format rustc's output
    /// from play.rust-lang.org as [`diagnosis::compile_errors`] does.
    pub words: CompileWords,
}

/// Which half of the checks a bundle runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Half {
    /// The scenarios, on std threads.
    Scenarios,
    /// The loom models (`--cfg loom`).
    Models,
}

impl Half {
    /// The runner request that builds and runs `code` as this half. Both
    /// are debug builds: the loom runtime, which does nearly all the work of
    /// a model, comes prebuilt without optimisation (the runner's
    /// dependency set), so optimising the bundle saved about a fifth of a
    /// model run and cost five times the compile (queue's models, loaded
    /// 2-core machine: 1.8 s + 3.4 s in debug, 9.6 s + 2.5 s at opt-level 3).
    /// The scenario half is exactly what play.rust-lang.org's
    /// `evaluate.json` builds for `{optimize: "0", edition: "2024"}`.
    pub fn request(self, code: String) -> Request {
        let mut request = Request::new(code, Edition::E2024);
        request.mode = Mode::Debug;
        if self == Half::Models {
            request.cfgs = vec!["loom".to_string()];
        }
        request
    }

    /// `scenarios` or `models`, as the terminal's timing line says.
    pub fn name(self) -> &'static str {
        match self {
            Half::Scenarios => "scenarios",
            Half::Models => "models",
        }
    }

    /// What the checker says while this half compiles.
    pub fn compiling(self) -> &'static str {
        match self {
            Half::Scenarios => "Compiling your code with the scenarios…\n",
            Half::Models => "\nCompiling your code with the model checks (`--cfg loom`)…\n",
        }
    }
}

/// The whole bundle: the learner's `source`, the `tail`, and the learner's
/// source once more as a string, which the harness quotes lines from.
pub fn assemble(source: &str, tail: &str) -> String {
    let mut code = String::with_capacity(2 * source.len() + tail.len() + 64);
    code.push_str(source);
    if !source.ends_with('\n') {
        code.push('\n');
    }
    code.push_str(tail);
    code.push_str("const LEARNER_SOURCE: &str = ");
    code.push_str(&raw_string(source));
    code.push_str(";\n");
    code
}

/// `text` as a raw string literal with enough `#`s that nothing in it ends it.
pub fn raw_string(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '#' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let hashes = "#".repeat(longest + 1);
    format!("r{hashes}\"{text}\"{hashes}")
}

/// How one half of a check went.
#[derive(Debug, Clone)]
pub struct HalfVerdict {
    pub half: Half,
    /// Every scenario (or every model, in every interleaving) passed.
    pub passed: bool,
    /// What to show the learner: the program's report and what the runner
    /// adds, or the compile errors.
    pub text: String,
    /// The binary came from the runner's cache (rustc did not run).
    pub cached: bool,
    /// Compile (unless cached) and run.
    pub took: Duration,
}

/// Builds and runs `code`, a whole bundle, as `half`, and explains the
/// result in the learner's words.
pub fn check_half(runner: &dyn Execute, half: Half, code: &str) -> Result<HalfVerdict> {
    let map = SourceMap::of_bundle(code);
    let started = Instant::now();
    let report = runner.execute(&half.request(code.to_string()))?;
    let took = started.elapsed();
    let mut verdict = HalfVerdict { half, passed: false, text: String::new(), cached: report.cached, took };
    if !report.compile.exit.success() {
        if half == Half::Models {
            verdict.text.push_str(
                "\nUnder the model checker your code is compiled against loom's locks and threads \
                 (`--cfg loom`), and that failed:\n",
            );
        }
        verdict.text.push_str(&diagnosis::compile_errors(&report.compile.stderr, &map));
        if let Some(limit) = &report.limit {
            verdict.text.push_str(&format!("\n{limit}\n"));
        }
        return Ok(verdict);
    }
    let run = report.run.as_ref().context("the runner compiled the check but did not run it")?;
    verdict.text.push_str(&run.stdout);
    if let Some(extra) = diagnosis::unexplained_exit(run, &map) {
        verdict.text.push_str(&format!("\n{extra}"));
        if let Some(limit) = report.limit.as_ref().and_then(diagnosis::limit_note) {
            verdict.text.push_str(&limit);
        }
    }
    verdict.passed = run.exit.success();
    Ok(verdict)
}

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

/// Checks `code`, a whole bundle: the scenarios, then — only if they all
/// pass — the models. `show` hears what happens as it happens: what is
/// being compiled, then each half's report.
pub fn check(runner: &dyn Execute, code: &str, show: &mut dyn FnMut(&str)) -> Result<Verdict> {
    let mut verdict = Verdict { passed: false, text: String::new(), timings: Vec::new() };
    for half in [Half::Scenarios, Half::Models] {
        show(half.compiling());
        let done = check_half(runner, half, code)?;
        let what = if done.cached { "run (already compiled)" } else { "compile and run" };
        verdict.timings.push((half.name(), what, done.took));
        verdict.text.push_str(&done.text);
        show(&done.text);
        if !done.passed {
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

/// The words the page needs for a compile error (see [`WorkbenchData`]).
pub fn words() -> CompileWords {
    CompileWords::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_strings_survive_hashes_and_quotes() {
        assert_eq!(raw_string("a \"# b"), "r##\"a \"# b\"##");
        assert_eq!(raw_string("plain"), "r#\"plain\"#");
    }

    #[test]
    fn the_learner_source_comes_first_and_again_as_a_string() {
        let code = assemble("fn f() {}", "\n// tail\n");
        assert_eq!(code, "fn f() {}\n\n// tail\nconst LEARNER_SOURCE: &str = r#\"fn f() {}\"#;\n");
    }

    #[test]
    fn the_scenario_half_is_what_evaluate_json_builds() {
        let scenarios = Half::Scenarios.request("x".into());
        assert_eq!(
            (scenarios.edition, scenarios.mode, scenarios.tests),
            (Edition::E2024, Mode::Debug, false)
        );
        assert!(scenarios.cfgs.is_empty());
        assert_eq!(Half::Models.request("x".into()).cfgs, ["loom"]);
    }

    #[test]
    fn halves_are_named_in_json_as_the_page_sends_them() {
        assert_eq!(serde_json::to_string(&Half::Models).unwrap(), "\"models\"");
        assert_eq!(serde_json::from_str::<Half>("\"scenarios\"").unwrap(), Half::Scenarios);
    }
}
