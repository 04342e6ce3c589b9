//! Keyboard only: every control the course adds to mdBook's page is reached
//! with Tab and used with Enter, Space, arrows and typing — ▶ Run, an
//! editor (which must let the focus go again), "Reset to original", a whole
//! quiz, and the progress page's resets. No test here clicks.
//!
//! Reaching a control is checked from the control just before it in the
//! Tab order (found by script, focused, then Tab is pressed): a control that
//! is hidden from the keyboard (`visibility: hidden`, `tabindex=-1`) is not
//! in that order at all, and the test says so.

use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use serde_json::{Value, json};
use thirtyfour::Key;

use super::Browser;
use super::harness::{Outcome, Test, ok};
use super::pages::{Answer, BookPage, LocalStorage, ProgressPage, QuizPage, js, wait_for};
use super::quiz::{answer, check_review, page_quiz, question_type};
use crate::course::quiz::QuizFile;

pub const TESTS: &[Test] = &[
    Test { name: "Run from the keyboard", limit: 40, run: |b| Box::pin(run_by_keyboard(b)) },
    Test { name: "an editor lets the focus go", limit: 30, run: |b| Box::pin(editor_no_trap(b)) },
    Test { name: "Reset to original from the keyboard", limit: 30, run: |b| Box::pin(reset_edit_by_keyboard(b)) },
    Test { name: "quiz and progress resets from the keyboard", limit: 90, run: |b| Box::pin(quiz_by_keyboard(b)) },
];

/// The page with runnable, editable blocks and a quiz of every type.
const PAGE: &str = "shared-state/counter.html";

/// Presses keys (a [`Key`] or text) on whatever has the focus.
async fn press(b: &Browser, keys: impl Into<thirtyfour::TypingData>) -> Result<()> {
    b.driver().action_chain().send_keys(keys).perform().await.context("pressing keys")
}

/// Whether the focused element matches `selector`.
async fn focused(b: &Browser, selector: &str) -> Result<bool> {
    js(b, "const a = document.activeElement; return !!a && a.matches(arguments[0]);", vec![json!(selector)]).await
}

/// A short description of the focused element, for messages.
async fn focus_desc(b: &Browser) -> Result<String> {
    js(
        b,
        "const a = document.activeElement;
         if (!a || a === document.body) return 'nothing (the page)';
         return a.tagName.toLowerCase() + (a.id ? '#' + a.id : '') + (a.className && typeof a.className === 'string' ? '.' + a.className.trim().split(/\\s+/).join('.') : '');",
        vec![],
    )
    .await
}

/// Moves the focus to the first element matching `selector` the way a
/// keyboard reader would: from the control before it in the Tab order, with
/// Tab. Fails if the element is not in the Tab order.
async fn tab_to(b: &Browser, selector: &str) -> Result<()> {
    let state: String = js(
        b,
        "const target = document.querySelector(arguments[0]);
         if (!target) return 'missing';
         const tabbable = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
             .filter(e => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length > 0
                          && getComputedStyle(e).visibility !== 'hidden')
             // A radio group is one Tab stop: its checked radio, or its first.
             .filter(e => {
                 if (e.type !== 'radio' || !e.name) return true;
                 const group = `input[type=radio][name=\"${CSS.escape(e.name)}\"]`;
                 return e === (document.querySelector(group + ':checked') || document.querySelector(group));
             });
         const i = tabbable.indexOf(target);
         if (i < 0) return 'not in the Tab order (hidden from the keyboard, or tabindex=-1)';
         target.scrollIntoView({block: 'center'});
         if (i === 0) { document.activeElement && document.activeElement.blur(); return 'ok'; }
         tabbable[i - 1].focus();
         return tabbable[i - 1].closest('.ace_editor') ? 'in an editor' : 'ok';",
        vec![json!(selector)],
    )
    .await?;
    // From inside an editor a reader leaves with Escape, then Tab.
    if state == "in an editor" {
        press(b, Key::Escape).await?;
    } else {
        ensure!(state == "ok", "{selector}: {state}");
    }
    for _ in 0..3 {
        press(b, Key::Tab).await?;
        if focused(b, selector).await? {
            return Ok(());
        }
    }
    bail!("Tab from the control before {selector} reaches {} instead", focus_desc(b).await?)
}

async fn run_by_keyboard(b: &Browser) -> Result<Outcome> {
    let page = BookPage::open(b, PAGE).await?;
    let n = page.block_containing(&["Arc::new(Mutex::new(", "thread::spawn"]).await?;
    // ▶ appears once the playground's crate list has arrived.
    wait_for::<bool>(
        b,
        "the Run button",
        Duration::from_secs(10),
        "const btn = document.querySelectorAll('pre.playground')[arguments[0]].querySelector('.play-button');
         return btn && !btn.hidden && !btn.classList.contains('hidden') ? true : null;",
        vec![json!(n)],
    )
    .await?;
    js::<Value>(
        b,
        "document.querySelectorAll('pre.playground')[arguments[0]].setAttribute('data-fl-kbd', ''); return null;",
        vec![json!(n)],
    )
    .await?;
    tab_to(b, "pre[data-fl-kbd] .play-button").await?;
    // mdBook fades the buttons in (a CSS transition): wait for the end of it.
    let shown = wait_for::<bool>(
        b,
        "the focused Run button to be fully visible",
        Duration::from_secs(3),
        "return getComputedStyle(document.querySelector('pre[data-fl-kbd] > .buttons')).opacity === '1' ? true : null;",
        vec![],
    )
    .await;
    if shown.is_err() {
        let opacity: String = js(
            b,
            "return getComputedStyle(document.querySelector('pre[data-fl-kbd] > .buttons')).opacity;",
            vec![],
        )
        .await?;
        bail!("the focused Run button is not visible (its buttons' opacity is {opacity} after 3 s)");
    }
    press(b, Key::Enter).await?;
    let out = page.output(n, Duration::from_secs(30)).await?;
    ensure!(out.contains("Final counter"), "Enter on Run printed\n{out}");
    ok(format!("{PAGE} block {n}: Tab reaches a visible ▶, Enter runs it"))
}

/// Marks editable block `n`'s textarea so selectors can name it.
async fn mark_editor(b: &Browser, n: usize) -> Result<()> {
    js::<Value>(
        b,
        "document.querySelectorAll('pre.playground')[arguments[0]].querySelector('.ace_editor textarea').setAttribute('data-fl-kbd', ''); return null;",
        vec![json!(n)],
    )
    .await?;
    Ok(())
}

async fn editor_no_trap(b: &Browser) -> Result<Outcome> {
    let page = BookPage::open(b, PAGE).await?;
    let n = page.first_editable_block().await?.context("no editable block")?;
    mark_editor(b, n).await?;
    let label: String =
        js(b, "return document.querySelector('textarea[data-fl-kbd]').getAttribute('aria-label') || '';", vec![])
            .await?;
    ensure!(!label.is_empty(), "the editor's textarea has no aria-label");
    tab_to(b, "textarea[data-fl-kbd]").await?;
    let before = page.editor_text(n).await?;
    // Tab in the editor indents, as code editors do...
    press(b, Key::Tab).await?;
    ensure!(focused(b, "textarea[data-fl-kbd]").await?, "Tab left the editor instead of indenting");
    ensure!(page.editor_text(n).await? != before, "Tab in the editor changed nothing");
    // ...and Escape, then Tab, moves on.
    press(b, Key::Escape).await?;
    press(b, Key::Tab).await?;
    ensure!(
        !focused(b, "textarea[data-fl-kbd]").await?,
        "Escape then Tab kept the focus in the editor: a keyboard trap"
    );
    ok(format!("label {label:?}; Tab indents, Escape then Tab reaches {}", focus_desc(b).await?))
}

async fn reset_edit_by_keyboard(b: &Browser) -> Result<Outcome> {
    let page = BookPage::open(b, PAGE).await?;
    let n = page.first_editable_block().await?.context("no editable block")?;
    let original = page.editor_original(n).await?;
    mark_editor(b, n).await?;
    tab_to(b, "textarea[data-fl-kbd]").await?;
    press(b, Key::End).await?;
    press(b, " // edited from the keyboard").await?;
    ensure!(page.editor_text(n).await? != original, "typing in the editor changed nothing");
    LocalStorage::new(b).wait_for_key_with_prefix(LocalStorage::EDIT_PREFIX).await?;
    // The note with "Reset to original" follows the block.
    tab_to(b, "pre.fl-edited + .fl-edit-note .fl-edit-reset").await?;
    press(b, Key::Enter).await?;
    wait_for::<bool>(
        b,
        "the original code back",
        Duration::from_secs(5),
        "const pre = document.querySelectorAll('pre.playground')[arguments[0]];
         const ed = ace.edit(pre.querySelector('.ace_editor'));
         return ed.getValue() === ed.originalCode ? true : null;",
        vec![json!(n)],
    )
    .await?;
    ok(format!("{PAGE} block {n}: typed an edit, Tab to Reset to original, Enter restored the code"))
}

/// Answers the question on screen with `answer`, by keyboard only.
async fn answer_by_keyboard(b: &Browser, answer: &Answer) -> Result<()> {
    const Q: &str = ".mdbook-quiz .question";
    match answer {
        Answer::Choice(text) => {
            choose_radio(b, &format!("{Q} input[name=answer]"), text).await?;
        }
        Answer::Short(text) => {
            tab_to(b, &format!("{Q} input[name=answer]")).await?;
            press(b, text.as_str()).await?;
        }
        Answer::Tracing { compiles, stdout } => {
            choose_radio(b, &format!("{Q} input[name=doesCompile]"), &compiles.to_string()).await?;
            if *compiles {
                tab_to(b, &format!("{Q} textarea[name=stdout]")).await?;
                press(b, stdout.as_str()).await?;
            }
        }
    }
    tab_to(b, &format!("{Q} input[type=submit]")).await?;
    press(b, Key::Enter).await
}

/// Tabs into a radio group (or checkbox list) and picks the input whose
/// value starts with `value`, with arrows and Space.
async fn choose_radio(b: &Browser, selector: &str, value: &str) -> Result<()> {
    tab_to(b, selector).await?;
    let count: usize = js(b, "return document.querySelectorAll(arguments[0]).length;", vec![json!(selector)]).await?;
    for _ in 0..=count {
        let (matches, checked, kind): (bool, bool, String) = js(
            b,
            "const a = document.activeElement;
             return [a.value.trim().startsWith(arguments[0]), a.checked, a.type];",
            vec![json!(value)],
        )
        .await?;
        if matches {
            if !checked {
                press(b, Key::Space).await?;
            }
            return Ok(());
        }
        // Arrows move within a radio group; checkboxes are one Tab stop each.
        press(b, if kind == "radio" { Key::Down } else { Key::Tab }).await?;
    }
    bail!("no input of {selector} has a value starting with {value:?}")
}

/// Takes `quiz` on the open page by keyboard, every answer right.
async fn take_quiz_by_keyboard(b: &Browser, quiz: &QuizFile) -> Result<()> {
    tab_to(b, ".mdbook-quiz button.start").await?;
    press(b, Key::Enter).await?;
    let q = QuizPage::find(b).await?;
    for question in &quiz.questions {
        let on_screen = q.current_type().await?;
        let kind = question_type(question);
        ensure!(on_screen == kind, "expected a {kind:?} question, found {on_screen:?}");
        let before = q.prompt_text().await?;
        answer_by_keyboard(b, &answer(question, true)?).await.context("answering by keyboard")?;
        wait_for::<bool>(
            b,
            "the next question",
            Duration::from_secs(5),
            "const q = document.querySelector('.mdbook-quiz .question');
             return (!q || q.innerText !== arguments[0] || document.querySelector('.mdbook-quiz').innerText.includes('You answered')) ? true : null;",
            vec![json!(before)],
        )
        .await?;
    }
    Ok(())
}

async fn quiz_by_keyboard(b: &Browser) -> Result<Outcome> {
    let quiz = page_quiz(PAGE)?.with_context(|| format!("{PAGE} has no quiz"))?;
    let stem = quiz.stem();
    BookPage::open(b, PAGE).await?;
    take_quiz_by_keyboard(b, &quiz).await?;
    let total = quiz.questions.len();
    check_review(&QuizPage::find(b).await?, total, total).await?;

    let storage = LocalStorage::new(b);
    let key = LocalStorage::quiz_key(&stem);
    let saved = storage.get(&key).await?.with_context(|| format!("finishing the quiz stored no {key}"))?;
    let progress = ProgressPage::open(b).await?;
    tab_to(b, &format!("button.fl-reset-quiz[data-quiz=\"{stem}\"]")).await?;
    press(b, Key::Enter).await?;
    progress.wait_for_state(&stem, "none").await?;

    // Reset all: armed by the first Enter, done by the second.
    let other = progress.stems().await?.into_iter().find(|s| *s != stem).context("only one quiz listed")?;
    storage.set(&key, &saved).await?;
    storage.set(&LocalStorage::quiz_key(&other), &saved).await?;
    let progress = ProgressPage::open(b).await?;
    tab_to(b, "#fl-reset-all").await?;
    press(b, Key::Enter).await?;
    ensure!(storage.keys(LocalStorage::QUIZ_PREFIX).await?.len() == 2, "one Enter on Reset all already forgot");
    press(b, Key::Enter).await?;
    progress.wait_for_state(&other, "none").await?;
    let left = storage.keys(LocalStorage::QUIZ_PREFIX).await?;
    ensure!(left.is_empty(), "Reset all by keyboard left {left:?}");
    ok(format!("{stem}: {total}/{total} answered by keyboard; Reset and Reset all by Enter"))
}
