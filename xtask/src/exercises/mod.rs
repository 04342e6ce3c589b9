//! `cargo xtask exercises`: the learner's checker, the generated parts of the
//! exercises (`--sync`), the fault corpus, and the CI steps.
//!
//! The list lives in `exercises/exercises.toml` ([`list`]); every path
//! follows from an exercise's id ([`Exercise`]). A check builds a bundle
//! ([`bundle`]) from the learner's file and the exercise's checks and runs
//! it with the playground's runner ([`check`]); the program explains its
//! own failures, and `playground::diagnosis` adds what only the runner saw.

pub mod bundle;
pub mod check;
mod ci;
mod corpus;
mod generated;
mod modules;
mod progress;

// The harness compiled into xtask's tests, to test its words (see diagnosis_tests).
#[cfg(test)]
mod diagnosis_tests;
#[cfg(test)]
#[allow(unused_imports, unused_macros)]
#[path = "../../../exercises/checks/harness.rs"]
mod harness;

use std::fs;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

pub use ci::{check_consistency, check_solutions};
pub use corpus::check as check_corpus;

/// How hard an exercise is; the list goes from easy to hard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub fn label(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

/// One entry of `exercises.toml`. Everything else about an exercise — its
/// files, module, test target, page — follows from `id`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// kebab-case; the module is the id with `_` for `-`.
    pub id: String,
    pub title: String,
    /// The book page it practises, relative to `src/`.
    pub chapter: String,
    pub difficulty: Difficulty,
    /// From gentle to explicit; `--hint` reveals one at a time.
    pub hints: Vec<String>,
    /// What the Solutions page says above the reference solution.
    pub solution_note: String,
}

impl Exercise {
    /// The Rust module and test target: the id with `_` for `-`.
    pub fn module(&self) -> String {
        self.id.replace('-', "_")
    }

    /// The starter, relative to `exercises/`.
    pub fn starter(&self) -> String {
        format!("src/{}.rs", self.module())
    }

    /// The starter as the learner knows it (relative to the repository).
    pub fn starter_label(&self) -> String {
        format!("exercises/{}", self.starter())
    }

    /// The reference solution, relative to `exercises/`.
    pub fn solution(&self) -> String {
        format!("solutions/{}.rs", self.module())
    }

    /// The checks (scenarios and models), relative to `exercises/`.
    pub fn checks(&self) -> String {
        format!("checks/{}.rs", self.module())
    }

    /// The generated cargo test target, relative to `exercises/`.
    pub fn test(&self) -> String {
        format!("tests/{}.rs", self.module())
    }

    /// The book page, relative to the repository.
    pub fn page(&self) -> String {
        format!("src/exercises/{}.md", self.id)
    }

    /// The fault corpus folder, relative to `exercises/`.
    pub fn corpus(&self) -> String {
        format!("corpus/{}", self.id)
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

/// `cargo xtask exercises`: what to do.
#[derive(clap::Args)]
pub struct Args {
    /// The exercise to check (its id, e.g. `counter`); none lists them all.
    id: Option<String>,
    /// Show the next hint of the exercise (one more each time).
    #[arg(long)]
    hint: bool,
    /// Re-check the exercise every time you save a file, until Ctrl-C.
    #[arg(long)]
    watch: bool,
    /// Check this file instead of the exercise's starter (for maintainers:
    /// a solution or a corpus case). Progress is not recorded.
    #[arg(long, value_name = "PATH")]
    file: Option<PathBuf>,
    /// Maintainers: rewrite the generated parts (lib.rs, Cargo.toml test
    /// targets, tests/, the book's index, SUMMARY.md, Solutions, and each
    /// page's workbench line and hints) from exercises.toml, then check the
    /// exercises' files.
    #[arg(long, conflicts_with_all = ["id", "hint", "watch", "file", "corpus"])]
    sync: bool,
    /// Maintainers: run the fault corpus (every wrong solution rejected with
    /// the right words, every reference solution accepted), for one
    /// exercise or all.
    #[arg(long, conflicts_with_all = ["hint", "watch", "file"])]
    corpus: bool,
    /// Maintainers: print the bundle (the one Rust file a check compiles)
    /// instead of checking it.
    #[arg(long, conflicts_with_all = ["hint", "watch", "sync", "corpus"])]
    print_bundle: bool,
    /// With --corpus: how many times to check each case.
    #[arg(long, default_value_t = corpus::REPETITIONS, requires = "corpus")]
    runs: usize,
}

/// The `cargo xtask exercises` command.
pub fn command(args: Args) -> Result<()> {
    if args.sync {
        return generated::sync();
    }
    if args.corpus {
        return corpus::run(args.id.as_deref(), args.runs);
    }
    let Some(id) = args.id else {
        if args.hint || args.watch || args.file.is_some() {
            bail!(
                "--hint, --watch and --file need an exercise id, e.g. `cargo xtask exercises counter --hint`"
            );
        }
        return show_list();
    };
    let exercise = find(&id)?;
    if args.hint {
        return show_hint(&exercise);
    }
    if args.watch {
        return watch_one(&exercise);
    }
    if args.print_bundle {
        let path = match &args.file {
            Some(path) => std::env::current_dir()?.join(path),
            None => dir().join(exercise.starter()),
        };
        let source = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        print!("{}", bundle::assemble(&source, &bundle::tail(&exercise, &relative(&path))?));
        return Ok(());
    }
    if check_one(&exercise, args.file.as_deref())? { Ok(()) } else { bail!("`{id}` is not solved yet") }
}

/// Lists every exercise with ✓/✗, re-checking those whose files changed.
fn show_list() -> Result<()> {
    let exercises = list()?;
    let mut progress = progress::Progress::load();
    let stale: Vec<&Exercise> = exercises.iter().filter(|e| progress.solved(e).is_none()).collect();
    if !stale.is_empty() {
        let names: Vec<&str> = stale.iter().map(|e| e.id.as_str()).collect();
        println!("Checking {} (changed since the last check)…", names.join(", "));
        let runner = check::runner()?;
        for exercise in stale {
            let source = fs::read_to_string(dir().join(exercise.starter()))?;
            let verdict =
                check::check_source(&runner, exercise, &exercise.starter_label(), &source, &mut |_| {})?;
            progress.record(exercise, verdict.passed);
            println!("  {:<12} {}", exercise.id, if verdict.passed { "solved" } else { "not yet" });
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
        "\n{solved} of {} solved. Check one with `cargo xtask exercises <id>`; `--hint` shows its next hint.",
        exercises.len()
    );
    Ok(())
}

/// Shows the next hint, and remembers that it was shown.
fn show_hint(exercise: &Exercise) -> Result<()> {
    let mut progress = progress::Progress::load();
    let shown = progress.hints_shown(exercise).min(exercise.hints.len());
    let total = exercise.hints.len();
    if shown < total {
        println!("Hint {} of {total} for `{}` ({}):\n", shown + 1, exercise.id, exercise.title);
        println!("  {}\n", exercise.hints[shown]);
        progress.set_hints_shown(exercise, shown + 1);
        progress.save()?;
        if shown + 1 < total {
            println!("Still stuck? `cargo xtask exercises {} --hint` shows the next one.", exercise.id);
        } else {
            println!("That was the last hint.");
        }
    } else {
        println!("All {total} hints for `{}` ({}):\n", exercise.id, exercise.title);
        for (n, hint) in exercise.hints.iter().enumerate() {
            println!("  {}. {hint}\n", n + 1);
        }
    }
    println!("The chapter: src/{} (in the book: `cargo xtask serve`).", exercise.chapter);
    Ok(())
}

/// Checks one exercise (or another file in its place) and prints the
/// verdict; returns whether it passed.
fn check_one(exercise: &Exercise, file: Option<&Path>) -> Result<bool> {
    let path = match file {
        Some(path) => std::env::current_dir()?.join(path),
        None => dir().join(exercise.starter()),
    };
    crate::cmd::step(&format!("Checking `{}`: {} ({})", exercise.id, exercise.title, relative(&path)));
    let runner = check::runner()?;
    let verdict = check::check_file(&runner, exercise, &path)?;
    println!("\n({})", verdict.timing_line());
    if file.is_none() {
        let mut progress = progress::Progress::load();
        progress.record(exercise, verdict.passed);
        progress.save()?;
    }
    println!();
    if verdict.passed {
        println!("✓ `{}` solved: every scenario passed, and every model in every interleaving.", exercise.id);
        println!(
            "  Compare with the reference solution in the book's Solutions page (or exercises/{}).",
            exercise.solution()
        );
    } else {
        println!(
            "✗ `{}` is not solved yet. Stuck? `cargo xtask exercises {} --hint` shows a hint.",
            exercise.id, exercise.id
        );
    }
    Ok(verdict.passed)
}

/// `path` relative to the repository, for messages.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(crate::paths::root()).unwrap_or(path).display().to_string()
}

/// Re-checks on every save until Ctrl-C.
fn watch_one(exercise: &Exercise) -> Result<()> {
    let watched = [dir().join("src"), dir().join("checks")];
    let mut last = newest_mtime(&watched);
    loop {
        check_one(exercise, None)?;
        println!("\nWatching exercises/src; save to re-check, Ctrl-C to stop.");
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
    let mut newest = None;
    for dir in dirs {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            if let Ok(modified) = entry.metadata().and_then(|m| m.modified()) {
                newest = newest.max(Some(modified));
            }
        }
    }
    newest
}
