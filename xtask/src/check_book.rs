//! `cargo xtask check-book`: the checks an author needs after editing a
//! page, a quiz, a puzzle level or the exercise list — the steps of
//! `cargo xtask test` that read the book's sources, in the same order and
//! through the same functions, without clippy, the workspace tests, loom, the
//! exercises' solutions or the browser.

use anyhow::Result;

use crate::test::{self, Check};

/// The authoring steps, in `test`'s order: each one's failures explain the
/// ones after it (a bad quiz fails the book build; the links are read from
/// the built book).
const AUTHORING: &[Check] = &[
    test::EXERCISE_FILES,
    test::QUIZZES,
    test::BENCHMARK_CLAIMS,
    test::SCHEDULER_PUZZLES,
    test::BOOK_BUILD,
    test::BOOK_SNIPPETS,
    test::INTERNAL_LINKS,
];

/// Installs the book tools if needed, then runs the authoring steps.
pub fn run() -> Result<()> {
    crate::tools::install_book_tools()?;
    test::run_checks(AUTHORING, false)
}
