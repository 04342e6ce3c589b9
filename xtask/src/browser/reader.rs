//! The reader features: the progress page shows and resets finished
//! quizzes, and saved edits come back after a reload unless they are stale
//! or malformed.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde_json::json;

use super::Browser;
use super::harness::{Outcome, Test, console_errors, ok};
use super::pages::{BookPage, LocalStorage, ProgressPage};
use super::quiz::{check_review, page_quiz, take_quiz};

pub const TESTS: &[Test] = &[
    Test { name: "progress page shows and resets a finished quiz", limit: 40, run: |b| Box::pin(progress_page(b)) },
    Test { name: "saved edit survives a reload and resets", limit: 20, run: |b| Box::pin(saved_edit_restored(b)) },
    Test { name: "saved edit for other code is not restored", limit: 20, run: |b| Box::pin(stale_edit_ignored(b)) },
    Test { name: "empty or malformed saved edit is ignored", limit: 20, run: |b| Box::pin(malformed_edit_ignored(b)) },
];

/// The page whose quiz the progress test takes, and whose `editable` blocks
/// the saved-edit tests edit.
const READER_PAGE: &str = "shared-state/counter.html";

async fn progress_page(b: &Browser) -> Result<Outcome> {
    let quiz = page_quiz(READER_PAGE)?.with_context(|| format!("{READER_PAGE} has no quiz"))?;
    let stem = quiz.stem();
    let storage = LocalStorage::new(b);
    let key = LocalStorage::quiz_key(&stem);

    let progress = ProgressPage::open(b).await?;
    let summary = progress.summary().await?;
    ensure!(
        summary.starts_with("Nothing saved yet"),
        "with empty storage the progress page says {summary:?}"
    );
    let row = progress.row(&stem).await?;
    ensure!(row.state == "none" && !row.resettable, "before the quiz its row is {row:?}");

    BookPage::open(b, READER_PAGE).await?;
    let (q, right, _) = take_quiz(b, &quiz).await?;
    let total = quiz.questions.len();
    ensure!(0 < right && right < total, "the answers should be some right, some wrong ({right}/{total})");
    check_review(&q, right, total).await?;
    let saved = storage.get(&key).await?.with_context(|| format!("finishing the quiz stored no {key}"))?;

    let progress = ProgressPage::open(b).await?;
    let row = progress.row(&stem).await?;
    ensure!(row.state == "done", "after the quiz its row is {row:?}, not done");
    ensure!(
        row.text.contains(&format!("{right}/{total}")),
        "the row says {:?}, not {right}/{total}",
        row.text
    );
    let summary = progress.summary().await?;
    ensure!(!summary.starts_with("Nothing saved yet"), "after the quiz the summary says {summary:?}");
    progress.reset_quiz(&stem).await?;
    progress.wait_for_state(&stem, "none").await?;
    ensure!(storage.get(&key).await?.is_none(), "Reset left {key} in localStorage");

    // Reset all: the real answers back, and a copy under a second quiz.
    let other = progress
        .stems()
        .await?
        .into_iter()
        .find(|s| *s != stem)
        .context("the progress page lists only one quiz")?;
    storage.set(&key, &saved).await?;
    storage.set(&LocalStorage::quiz_key(&other), &saved).await?;
    let progress = ProgressPage::open(b).await?;
    for s in [&stem, &other] {
        let row = progress.row(s).await?;
        ensure!(row.state != "none", "with answers stored, the row of {s} is {row:?}");
    }
    progress.click_reset_all().await?;
    let armed = storage.keys(LocalStorage::QUIZ_PREFIX).await?;
    ensure!(armed.len() == 2, "one click on Reset all already forgot answers (left: {armed:?})");
    progress.click_reset_all().await?;
    progress.wait_for_state(&stem, "none").await?;
    progress.wait_for_state(&other, "none").await?;
    let left = storage.keys(LocalStorage::QUIZ_PREFIX).await?;
    ensure!(left.is_empty(), "Reset all left {left:?} in localStorage");
    let summary = progress.summary().await?;
    ensure!(summary.starts_with("Nothing saved yet"), "after Reset all the summary says {summary:?}");
    ok(format!("{stem}: done {right}/{total}, reset; Reset all cleared 2 quizzes"))
}

/// `READER_PAGE`, open, and its first editable block.
async fn reader_editable(b: &Browser) -> Result<(BookPage<'_>, usize)> {
    let page = BookPage::open(b, READER_PAGE).await?;
    let n =
        page.first_editable_block().await?.with_context(|| format!("{READER_PAGE} has no editable block"))?;
    Ok((page, n))
}

async fn saved_edit_restored(b: &Browser) -> Result<Outcome> {
    let (page, n) = reader_editable(b).await?;
    let storage = LocalStorage::new(b);
    let original = page.editor_original(n).await?;
    let note = page.edit_note(n).await?;
    ensure!(!note.shown && !note.marked, "an unedited block shows as edited: {note:?}");
    let edit = format!("fn main() {{\n    println!(\"saved edit {}\");\n}}\n", std::process::id());
    page.set_editor_text(n, &edit).await?;
    let key = storage.wait_for_key_with_prefix(LocalStorage::EDIT_PREFIX).await?;
    ensure!(key == note.key, "the edit was saved under {key}, the block's note says {}", note.key);

    page.reload().await?;
    let shown = page.editor_text(n).await?;
    ensure!(shown == edit, "after a reload block {n} shows\n{shown}\ninstead of the edit");
    let note = page.edit_note(n).await?;
    ensure!(note.shown && note.marked, "a restored edit shows no note or mark: {note:?}");

    page.reset_edit(n).await?;
    ensure!(page.editor_text(n).await? == original, "Reset to original did not bring back the original code");
    // Past the save debounce (300 ms): nothing is saved again.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let left = storage.keys(LocalStorage::EDIT_PREFIX).await?;
    ensure!(left.is_empty(), "after Reset to original localStorage still has {left:?}");
    let note = page.edit_note(n).await?;
    ensure!(!note.shown && !note.marked, "after Reset to original the block still shows as edited: {note:?}");
    ok(format!("{READER_PAGE} block {n}: restored, then reset"))
}

async fn stale_edit_ignored(b: &Browser) -> Result<Outcome> {
    let (page, n) = reader_editable(b).await?;
    let storage = LocalStorage::new(b);
    page.set_editor_text(n, "fn main() {\n    println!(\"fresh\");\n}\n").await?;
    storage.wait_for_key_with_prefix(LocalStorage::EDIT_PREFIX).await?;
    let key = page.edit_note(n).await?.key;
    ensure!(storage.get(&key).await?.is_some(), "the edit is not stored under its note's key {key}");
    // As if the block's code had changed since the edit was saved.
    let stale =
        json!({"v": 1, "original": "123abc", "code": "fn main() { println!(\"stale\"); }"}).to_string();
    storage.set(&key, &stale).await?;
    page.reload().await?;
    let changed = page.changed_editors().await?;
    ensure!(changed.is_empty(), "an edit saved for other code was restored into editors {changed:?}");
    let note = page.edit_note(n).await?;
    ensure!(!note.shown, "the block shows as edited after a stale edit: {note:?}");
    ok(format!("{key}: stale edit not restored"))
}

async fn malformed_edit_ignored(b: &Browser) -> Result<Outcome> {
    let (page, n) = reader_editable(b).await?;
    let storage = LocalStorage::new(b);
    let key = page.edit_note(n).await?.key;
    let hash = key.split(':').nth(2).with_context(|| format!("no hash in the key {key}"))?;
    let value = |code: &str| json!({"v": 1, "original": hash, "code": code}).to_string();
    // The control: a well-formed value under this key is restored.
    let good = "fn main() {\n    println!(\"well-formed\");\n}\n";
    storage.set(&key, &value(good)).await?;
    page.reload().await?;
    ensure!(
        page.editor_text(n).await? == good,
        "a well-formed saved edit under {key} was not restored (is the key right?)"
    );
    let bad = ["".to_string(), "\"\"".to_string(), value(""), "{broken".to_string()];
    for stored in &bad {
        storage.set(&key, stored).await?;
        page.reload().await?;
        let changed = page.changed_editors().await?;
        ensure!(
            changed.is_empty(),
            "with {stored:?} stored, editors {changed:?} do not show their original code"
        );
        let errors = console_errors(b).await?;
        ensure!(errors.is_empty(), "with {stored:?} stored, console errors:\n{}", errors.join("\n"));
    }
    ok(format!("{} bad values ignored, no console errors", bad.len()))
}
