//! `print.html`, the whole book on one page, renders every quiz.

use std::time::Duration;

use anyhow::{Result, anyhow, ensure};

use super::harness::{Outcome, Test, console_errors, ok};
use super::pages::{BookPage, wait_for};
use super::Browser;
use crate::course::Course;

pub const TESTS: &[Test] =
    &[Test { name: "print.html has every quiz", limit: 60, run: |b| Box::pin(print_page(b)) }];

async fn print_page(b: &Browser) -> Result<Outcome> {
    let expected: usize = Course::load()?.pages().map(|p| p.quiz_embeds().len()).sum();
    BookPage::open(b, "print.html").await?;
    let counts: (usize, usize) = wait_for(
        b,
        "every quiz on print.html to render",
        Duration::from_secs(15),
        "const p = document.querySelectorAll('.quiz-placeholder').length;
         const q = document.querySelectorAll('.quiz-placeholder .mdbook-quiz').length;
         return p > 0 && p === q ? [p, q] : null;",
        vec![],
    )
    .await
    .map_err(|e| anyhow!("{e:#} (expected {expected} quizzes)"))?;
    ensure!(
        counts.0 == expected,
        "print.html has {} quiz placeholders, the pages embed {expected}",
        counts.0
    );
    let errors = console_errors(b).await?;
    ensure!(errors.is_empty(), "console errors on print.html:\n{}", errors.join("\n"));
    ok(format!("{expected} quizzes rendered"))
}
