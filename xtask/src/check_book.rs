//! `cargo xtask check-book`: the checks an author needs after editing a
//! page, a quiz, a puzzle level or the exercise list — the steps of
//! `cargo xtask test` that read the book's sources, in the same order and
//! through the same functions, without clippy, the workspace tests, loom, the
//! exercises' solutions or the browser.

use anyhow::Result;

use crate::test::{self, Check};

/// Installs the book tools if needed, then runs the authoring steps in
/// `test`'s order (each one's failures explain the ones after it: a bad
/// quiz fails the book build, and the links are read from the built book).
pub fn run() -> Result<()> {
    crate::tools::install_book_tools()?;
    let mut checks: Vec<Check> = vec![
        test::EXERCISE_FILES,
        test::QUIZZES,
        test::BENCHMARK_CLAIMS,
        test::SCHEDULER_PUZZLES,
        test::BOOK_BUILD,
        test::BOOK_SNIPPETS,
        test::INTERNAL_LINKS,
    ];
    // typos is a linter `test` installs with zizmor, minutes of compiling
    // that an author's first edit should not wait for: spell-check when it
    // is there, and say so when it is not.
    if crate::tools::present("typos") {
        checks.push(test::SPELLING);
    } else {
        println!("\n==> skipping spelling: typos is not installed (`cargo xtask install-tools` installs it)");
    }
    test::run_checks(&checks, false)
}
