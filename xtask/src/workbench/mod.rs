//! The exercises' workbench: every exercise page lets the reader edit the
//! starter, check it and read the checker's diagnosis in the page.
//!
//! - [`embed`]: at build time (from the `progress-data` preprocessor), the
//!   `{{#workbench <id>}}` line of each exercise page becomes the
//!   workbench's markup and data, the book gets `workbench/<id>.json` (the
//!   checker's tail, from the real exercise files) and the scripts, and the
//!   progress page gets the list of exercises;
//! - [`check`]: the "exercise workbench" step of `cargo xtask test`: each
//!   exercise's in-browser bundle, assembled by the page's own script, is
//!   the terminal checker's bundle byte for byte; with the reference
//!   solution it passes both halves through the local playground, the
//!   starter fails with its `todo!()` explained, and the page formats
//!   rustc's errors as the checker does.
//!
//! The scripts are `theme/workbench-core.js` (no DOM, tested by `node --test
//! theme/tests/`) and `theme/workbench.js` (the page); the saved code and the
//! progress page's part live in `theme/reader-core.js` and `theme/progress.js`.

mod check;
pub mod embed;

pub use check::check;
pub use embed::preprocess;

use std::fs;

use anyhow::{Context, Result};
use playground::exercise::{DATA_VERSION, WorkbenchData};
use serde::Serialize;

use crate::exercises::{self, Exercise};

/// The page's data about an exercise, inlined in the exercise page: what the
/// workbench needs before the first check.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PageData {
    /// [`DATA_VERSION`], shared with `workbench/<id>.json`.
    pub v: u32,
    pub id: String,
    pub title: String,
    /// The learner's file as the checker names it (`exercises/src/counter.rs`).
    pub label: String,
    /// The starter, whole but for the book's anchor comments: what the
    /// editor starts with.
    pub starter: String,
    /// The reference solution, whole, without its anchor comments: shown on
    /// request or after a passing check.
    pub solution: String,
    /// Relative to the book's root: the tail for play.rust-lang.org.
    pub data: String,
    /// The terminal commands the page offers when a check cannot run here.
    pub commands: Commands,
}

/// What to type in a terminal instead.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Commands {
    /// With the course cloned: every check, models included.
    pub check: String,
    /// In the unzipped `exercises.zip`: the scenarios, then the models.
    pub scenarios: String,
    pub models: String,
}

/// `exercise`'s page data, from its files.
pub fn page_data(exercise: &Exercise) -> Result<PageData> {
    let read = |path: &str| {
        fs::read_to_string(exercises::dir().join(path)).with_context(|| format!("reading exercises/{path}"))
    };
    let m = exercise.module();
    Ok(PageData {
        v: DATA_VERSION,
        id: exercise.id.clone(),
        title: exercise.title.clone(),
        label: exercise.starter_label(),
        starter: without_anchors(&read(&exercise.starter())?),
        solution: without_anchors(&read(&exercise.solution())?),
        data: format!("{}/{}.json", playground::exercise::DATA_DIR, exercise.id),
        commands: Commands {
            check: format!("cargo xtask exercises {}", exercise.id),
            scenarios: format!("cargo test --test {m}"),
            models: format!("RUSTFLAGS=\"--cfg loom\" cargo test --release --test {m}"),
        },
    })
}

/// `exercise`'s `workbench/<id>.json`: the checker's tail for its starter's
/// label, exactly what `cargo xtask exercises <id>` appends.
pub fn workbench_data(exercise: &Exercise) -> Result<WorkbenchData> {
    let label = exercise.starter_label();
    Ok(WorkbenchData {
        v: DATA_VERSION,
        id: exercise.id.clone(),
        tail: exercises::bundle::tail(exercise, &label)?,
        label,
        words: playground::exercise::words(),
    })
}

/// `text` without mdBook's `// ANCHOR: x` and `// ANCHOR_END: x` lines.
pub fn without_anchors(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("// ANCHOR:") || t.starts_with("// ANCHOR_END:") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The lines between `// ANCHOR: name` and `// ANCHOR_END: name`, other
/// anchors left out, as mdBook's `{{#include file:name}}` shows them.
pub fn anchor(text: &str, name: &str) -> Option<String> {
    let start = format!("// ANCHOR: {name}");
    let end = format!("// ANCHOR_END: {name}");
    let mut lines = text.lines().skip_while(|l| l.trim() != start);
    lines.next()?;
    let part: Vec<&str> = lines.take_while(|l| l.trim() != end).collect();
    Some(without_anchors(&part.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_cut_out_as_mdbook_does() {
        let text = "a\n// ANCHOR: api\nb\n  // ANCHOR: inner\nc\n// ANCHOR_END: api\nd\n";
        assert_eq!(anchor(text, "api").as_deref(), Some("b\nc\n"));
        assert_eq!(anchor(text, "missing"), None);
        assert_eq!(without_anchors(text), "a\nb\nc\nd\n");
    }

    #[test]
    fn every_exercise_has_its_data_with_the_terminals_label() {
        for exercise in exercises::list().unwrap() {
            let page = page_data(&exercise).unwrap();
            let data = workbench_data(&exercise).unwrap();
            assert_eq!(page.label, data.label);
            assert!(data.tail.contains(&format!("@bundle-learner {}", page.label)), "{}", exercise.id);
            assert!(page.starter.contains("todo!("), "{}: the starter has a todo!()", exercise.id);
            assert!(!page.starter.contains("ANCHOR"), "{}", exercise.id);
            assert!(!page.solution.contains("ANCHOR"), "{}", exercise.id);
        }
    }
}
