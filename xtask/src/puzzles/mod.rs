//! The scheduler puzzles: levels as data in `src/puzzles/`, one
//! engine in `theme/scheduler.js`, a loom twin of each level in `examples/`.
//!
//! - [`embed`]: the mdBook preprocessor that puts levels into pages;
//! - [`level`]: the level files' schema;
//! - [`agree`]: the check that the page's engine and loom agree.

mod agree;
mod embed;
mod level;

use anyhow::{Context, Result, bail};

use crate::cmd;
use crate::course::Course;
use crate::problems::Problems;

pub use embed::preprocessor;

/// The "scheduler puzzles" step of `cargo xtask test`: shape, twins, and
/// the engine's exploration of every level. loom runs the models in the loom
/// step. `cargo xtask puzzles` runs them here too (`run_loom`).
pub fn check() -> Result<()> {
    check_levels(false)
}

/// `cargo xtask puzzles`: the check, then the twins' loom models.
pub fn command(no_loom: bool) -> Result<()> {
    check_levels(!no_loom)
}

fn check_levels(run_loom: bool) -> Result<()> {
    cmd::step("Scheduler puzzles: levels, loom twins, every interleaving (node theme/scheduler-explore.js)");
    let root = crate::paths::root();
    let levels = level::load_all(&root.join("src"))?;
    // The pages as the preprocessor sees them, less mdBook's other
    // preprocessors, which never touch `{{#puzzle}}`.
    let course = Course::load()?;
    embed::embeddings(&course.pages().collect::<Vec<_>>(), &levels)?;
    let mut twins = Vec::new();
    for level in &levels {
        let twin = agree::twin(root, level)?;
        agree::shown_lines_are_real(root, level, &twin)?;
        twins.push(twin);
    }
    let Some(explored) = agree::explore(root, &levels)? else {
        return Ok(());
    };
    let mut problems = Problems::new();
    println!(
        "{:<32} {:<7} {:>13} {:>9} {:>7}  loom model",
        "level", "verdict", "interleavings", "failing", "states"
    );
    for ((level, twin), found) in levels.iter().zip(&twins).zip(&explored) {
        if found.id != level.id {
            bail!("scheduler-explore.js answered for {} where {} was expected", found.id, level.id);
        }
        println!(
            "{:<32} {:<7} {:>13} {:>9} {:>7}  {}",
            level.id,
            if level.safe { "safe" } else { "fails" },
            found.interleavings,
            found.failing,
            found.states,
            level.loom
        );
        if let Err(e) = agree::verdicts_agree(level, found, twin, root) {
            problems.push(format!("{e:#}"));
        }
    }
    problems.fail_if_any(|n| format!("{n} level(s) and their loom twins disagree"))?;
    let safe = levels.iter().filter(|l| l.safe).count();
    println!(
        "{} levels ({safe} safe): every shown line is in its twin, and the engine agrees with each model",
        levels.len()
    );
    if run_loom {
        agree::run_models(&levels)?;
    }
    Ok(())
}

/// Interleavings per level, as the engine counts them under node (for the
/// browser tests, which compare them with what the page shows).
pub fn interleavings() -> Result<std::collections::BTreeMap<String, u64>> {
    let root = crate::paths::root();
    let levels = level::load_all(&root.join("src"))?;
    let explored = agree::explore(root, &levels)?.context("node is needed to count the interleavings")?;
    Ok(explored.into_iter().map(|e| (e.id, e.interleavings)).collect())
}
