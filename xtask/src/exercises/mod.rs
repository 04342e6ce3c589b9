//! `cargo xtask exercises`: the learner's checker, and the CI check that
//! every exercise is solvable and every starter is unsolved.
//!
//! The list lives in `exercises/exercises.toml` ([`list`]). Tests are built
//! once per mode with `cargo test --no-run` ([`run::build`]) and each test
//! binary runs under a timeout ([`run::run_tests`]); failures are explained
//! in plain words ([`explain`]).

mod ci;
mod explain;
mod progress;
mod run;

use std::fs;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::cmd;

pub use ci::check;

/// How hard an exercise is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    fn label(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

/// One entry of `exercises.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub id: String,
    pub title: String,
    /// The book page it practises, relative to `src/`.
    pub chapter: String,
    pub difficulty: Difficulty,
    /// Paths relative to `exercises/`.
    pub starter: String,
    pub solution: String,
    pub test: String,
    /// The test file has loom models, run under `--cfg loom`.
    #[serde(default)]
    pub loom: bool,
    pub hints: Vec<String>,
}

impl Exercise {
    /// The Rust module and test target: the id with `_` for `-`.
    pub fn module(&self) -> String {
        self.id.replace('-', "_")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct List {
    exercise: Vec<Exercise>,
}

/// The exercises crate's folder.
pub fn dir() -> PathBuf {
    crate::paths::root().join("exercises")
}

/// Reads `exercises/exercises.toml`.
pub fn list() -> Result<Vec<Exercise>> {
    let path = dir().join("exercises.toml");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let list: List = toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok(list.exercise)
}

fn find(id: &str) -> Result<Exercise> {
    let all = list()?;
    match all.iter().find(|e| e.id == id) {
        Some(e) => Ok(e.clone()),
        None => {
            let ids: Vec<&str> = all.iter().map(|e| e.id.as_str()).collect();
            bail!("no exercise `{id}`; the exercises are: {}", ids.join(", "))
        }
    }
}

/// The `cargo xtask exercises` command.
pub fn command(id: Option<String>, hint: bool, watch: bool) -> Result<()> {
    match (id, hint, watch) {
        (None, true, _) | (None, _, true) => {
            bail!("--hint and --watch need an exercise id, e.g. `cargo xtask exercises counter --hint`")
        }
        (None, false, false) => show_list(),
        (Some(id), true, _) => show_hints(&find(&id)?),
        (Some(id), false, true) => watch_one(&find(&id)?),
        (Some(id), false, false) => {
            if check_one(&find(&id)?)? {
                Ok(())
            } else {
                bail!("`{id}` is not solved yet")
            }
        }
    }
}

/// Lists every exercise with ✓/✗, re-running only those whose files changed.
fn show_list() -> Result<()> {
    let exercises = list()?;
    let mut progress = progress::Progress::load();
    let stale: Vec<&Exercise> = exercises.iter().filter(|e| progress.solved(e).is_none()).collect();
    if !stale.is_empty() {
        let names: Vec<&str> = stale.iter().map(|e| e.id.as_str()).collect();
        println!("Checking {} (files changed since the last check)…", names.join(", "));
        let modules: Vec<String> = stale.iter().map(|e| e.module()).collect();
        let build = run::build(run::Mode::Starter, &modules, false)?;
        for exercise in &stale {
            let outcome = match &build {
                run::Build::Failed(_) => run::Outcome::DoesNotCompile,
                run::Build::Built(binaries) => {
                    run::test_exercise(exercise, run::Mode::Starter, binaries)?.outcome()
                }
            };
            progress.record(exercise, outcome == run::Outcome::Passed);
        }
        progress.save()?;
    }
    println!();
    let mut solved = 0;
    for (n, exercise) in exercises.iter().enumerate() {
        let done = progress.solved(exercise).unwrap_or(false);
        solved += usize::from(done);
        println!(
            "  {} {}. {:<12} {:<7} {}",
            if done { "✓" } else { "✗" },
            n + 1,
            exercise.id,
            exercise.difficulty.label(),
            exercise.title
        );
    }
    println!(
        "\n{solved} of {} solved. Check one with `cargo xtask exercises <id>`; `--hint` shows its hints.",
        exercises.len()
    );
    Ok(())
}

fn show_hints(exercise: &Exercise) -> Result<()> {
    println!("Hints for `{}` ({}):\n", exercise.id, exercise.title);
    for (n, hint) in exercise.hints.iter().enumerate() {
        println!("  {}. {hint}\n", n + 1);
    }
    println!("The chapter: src/{} (in the book: `cargo xtask serve`).", exercise.chapter);
    Ok(())
}

/// Checks one exercise and explains what is wrong; returns whether it passed.
fn check_one(exercise: &Exercise) -> Result<bool> {
    cmd::step(&format!("Checking `{}`: {} (exercises/{})", exercise.id, exercise.title, exercise.starter));
    let report = run::check_exercise(exercise, run::Mode::Starter)?;
    let passed = report.outcome() == run::Outcome::Passed;
    let mut progress = progress::Progress::load();
    progress.record(exercise, passed);
    progress.save()?;
    println!();
    if passed {
        println!("✓ `{}` solved: {}", exercise.id, report.summary());
        println!(
            "  Compare with the reference solution in the book's Solutions page (or exercises/{}).",
            exercise.solution
        );
    } else {
        print!("{}", explain::report(exercise, &report));
        println!(
            "\n✗ `{}` is not solved yet. Run `cargo xtask exercises {} --hint` for a hint.",
            exercise.id, exercise.id
        );
    }
    Ok(passed)
}

/// Re-checks on every save until Ctrl-C.
fn watch_one(exercise: &Exercise) -> Result<()> {
    let watched = [dir().join("src"), dir().join("tests")];
    let mut last = newest_mtime(&watched);
    loop {
        check_one(exercise)?;
        println!("\nWatching exercises/src and exercises/tests; save to re-check, Ctrl-C to stop.");
        loop {
            thread::sleep(Duration::from_millis(500));
            let now = newest_mtime(&watched);
            if now != last {
                last = now;
                break;
            }
        }
    }
}

fn newest_mtime(dirs: &[PathBuf]) -> Option<SystemTime> {
    fn walk(dir: &Path, newest: &mut Option<SystemTime>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, newest);
            } else if let Ok(modified) = entry.metadata().and_then(|m| m.modified()) {
                *newest = (*newest).max(Some(modified));
            }
        }
    }
    let mut newest = None;
    for dir in dirs {
        walk(dir, &mut newest);
    }
    newest
}
