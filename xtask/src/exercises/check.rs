//! Checking one learner file: build the exercise's bundle and check it with
//! the playground's runner, the way the page's workbench does through the
//! local server (`playground::exercise`): its scenarios (std threads), then
//! — only if they all pass — its loom models (`--cfg loom`). The programs
//! explain their own failures; `playground::diagnosis` adds what only the
//! runner saw (compile errors, a deadlock, the time limit, a crash).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use playground::{Limits, Runner};

pub use playground::exercise::{RUN_LIMIT, Verdict};

use super::Exercise;
use super::bundle;

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
    playground::exercise::check(runner, &code, show)
}
