//! The exercise workbench (theme/workbench.js) in the page: solving
//! `counter` there shows it solved on the progress page; a deadlocking
//! `bank` and a poisoned lock in `word-count` get the checker's diagnosis;
//! code survives a reload, "Reset to the starter" brings the starter back
//! and a stale save is never restored; hints come one at a time and the
//! solution after a confirmation; the progress page resets exercises; the
//! published site's way (play.rust-lang.org's `evaluate.json`, answered here
//! by the local server, which mirrors it) checks the scenarios and says
//! where the models run, and an unreachable or refusing playground is
//! said so; bad input always gets a diagnosis; the keyboard reaches it all.
//! The click-to-verdict times are in the notes.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde::Deserialize;
use serde_json::{Value, json};
use thirtyfour::{By, Key};

use super::Browser;
use super::harness::{Outcome, Test, console_errors, ok};
use super::pages::{js, wait_for};
use crate::exercises;

pub const TESTS: &[Test] = &[
    Test { name: "workbench: solve counter, then the progress page shows it", limit: 150, run: |b| Box::pin(solve_counter(b)) },
    Test { name: "workbench: a deadlocking bank gets the deadlock diagnosis", limit: 120, run: |b| Box::pin(deadlocking_bank(b)) },
    Test { name: "workbench: a poisoned lock in word-count is explained", limit: 120, run: |b| Box::pin(poisoned_word_count(b)) },
    Test { name: "workbench: code survives a reload, Reset restores the starter", limit: 40, run: |b| Box::pin(reload_and_reset(b)) },
    Test { name: "workbench: code saved for another starter is not restored", limit: 40, run: |b| Box::pin(stale_code(b)) },
    Test { name: "workbench: hints one at a time, the solution on confirmation", limit: 40, run: |b| Box::pin(hints_and_solution(b)) },
    Test { name: "workbench: the progress page resets exercises", limit: 40, run: |b| Box::pin(progress_resets(b)) },
    Test { name: "workbench: published site checks the scenarios on the public API", limit: 150, run: |b| Box::pin(published_site(b)) },
    Test { name: "workbench: an unreachable or refusing public playground is said so", limit: 60, run: |b| Box::pin(public_unavailable(b)) },
    Test { name: "workbench: bad input always gets a diagnosis", limit: 240, run: |b| Box::pin(bad_input(b)) },
    Test { name: "workbench: Check, hints and Reset from the keyboard", limit: 90, run: |b| Box::pin(keyboard(b)) },
    Test { name: "workbench: axe finds nothing serious with a report, hints and the solution shown", limit: 180, run: |b| Box::pin(accessible(b)) },
];

/// How long one check may take here: compiling two halves on a busy
/// 2-core machine, plus the browser tests' short run limit.
const CHECK_TIMEOUT: Duration = Duration::from_secs(100);
/// The workbench's storage key prefix (reader-core.js).
const PREFIX: &str = "fearless-exercise:";

fn exercise(id: &str) -> Result<exercises::Exercise> {
    exercises::list()?.into_iter().find(|e| e.id == id).with_context(|| format!("no exercise `{id}`"))
}

/// The reference solution as the page shows it.
fn solution(id: &str) -> Result<String> {
    Ok(crate::workbench::page_data(&exercise(id)?)?.solution)
}

/// The starter as the editor starts with it.
fn starter(id: &str) -> Result<String> {
    Ok(crate::workbench::page_data(&exercise(id)?)?.starter)
}

/// A file of the fault corpus.
fn corpus(id: &str, case: &str) -> Result<String> {
    let path = exercises::dir().join(format!("corpus/{id}/{case}.rs"));
    std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
}

/// Opens exercise `id`'s page (with `query`, e.g. `?playground=public`) and
/// waits until its workbench knows where checks run; returns that sentence.
async fn open(b: &Browser, id: &str, query: &str) -> Result<String> {
    let path = format!("exercises/{id}.html{query}");
    b.driver().goto(b.url(&path)).await.with_context(|| format!("opening {path}"))?;
    wait_for(
        b,
        &format!("the workbench of {path}"),
        Duration::from_secs(15),
        "const root = document.querySelector('.fl-workbench');
         const where = root && root.querySelector('.fl-wb-where');
         return root && root.workbench && where && !where.textContent.startsWith('Finding') ? where.textContent : null;",
        vec![],
    )
    .await
}

async fn set_code(b: &Browser, code: &str) -> Result<()> {
    js::<Value>(b, "document.querySelector('.fl-workbench').workbench.editor.setValue(arguments[0], -1); return null;", vec![json!(code)])
        .await?;
    Ok(())
}

async fn code(b: &Browser) -> Result<String> {
    js(b, "return document.querySelector('.fl-workbench').workbench.editor.getValue();", vec![]).await
}

async fn click(b: &Browser, selector: &str) -> Result<()> {
    let element = b.driver().find(By::Css(selector)).await.with_context(|| format!("finding {selector}"))?;
    element.scroll_into_view().await?;
    element.click().await.with_context(|| format!("clicking {selector}"))
}

/// What a check ended with.
#[derive(Debug, Deserialize)]
struct Checked {
    verdict: String,
    status: String,
    output: String,
    /// From the click to the verdict, measured by the page.
    ms: u64,
}

/// Waits for the check started by a click (or a key) to end.
async fn verdict(b: &Browser) -> Result<Checked> {
    wait_for(
        b,
        "the check's verdict",
        CHECK_TIMEOUT,
        "const root = document.querySelector('.fl-workbench');
         const v = root.getAttribute('data-verdict');
         if (!v || v === 'checking' || root.workbench.busy) return null;
         return { verdict: v, status: root.querySelector('.fl-wb-status').textContent,
                  output: root.querySelector('.fl-wb-report').textContent,
                  ms: Number(root.getAttribute('data-took-ms')) };",
        vec![],
    )
    .await
}

/// Clicks Check and waits for the verdict.
async fn check(b: &Browser) -> Result<Checked> {
    js::<Value>(b, "document.querySelector('.fl-workbench').removeAttribute('data-verdict'); return null;", vec![]).await?;
    click(b, ".fl-wb-check").await?;
    verdict(b).await
}

async fn stored(b: &Browser, id: &str) -> Result<Option<Value>> {
    let raw: Option<String> = js(b, "return localStorage.getItem(arguments[0]);", vec![json!(format!("{PREFIX}{id}"))]).await?;
    raw.map(|r| serde_json::from_str(&r).context("the saved exercise is not JSON")).transpose()
}

/// The progress page's row of exercise `id`: (data-state, text).
async fn progress_row(b: &Browser, id: &str) -> Result<(String, String)> {
    js::<Option<(String, String)>>(
        b,
        "const row = document.querySelector(`#fl-exercise-progress tr[data-exercise=\"${arguments[0]}\"]`);
         return row ? [row.getAttribute('data-state'), row.textContent] : null;",
        vec![json!(id)],
    )
    .await?
    .with_context(|| format!("the progress page has no row for exercise `{id}`"))
}

async fn open_progress(b: &Browser) -> Result<()> {
    b.driver().goto(b.url("progress.html")).await?;
    wait_for::<bool>(
        b,
        "the progress page's exercises",
        Duration::from_secs(10),
        "return document.querySelector('#fl-exercise-progress table') ? true : null;",
        vec![],
    )
    .await?;
    Ok(())
}

async fn solve_counter(b: &Browser) -> Result<Outcome> {
    let starter = starter("counter")?;
    let where_ = open(b, "counter", "").await?;
    ensure!(where_.contains("on your machine") && where_.contains("loom models"), "the workbench says {where_:?}");
    ensure!(code(b).await? == starter, "the editor does not start with the starter");
    let first = check(b).await?;
    ensure!(first.verdict == "failed" && first.output.contains("Not implemented yet"), "the starter: {first:?}");

    // A fresh comment: the binaries are not in the runner's cache yet, so
    // the first check compiles both halves, as after a learner's edit.
    set_code(b, &format!("{}// solved at {:?}\n", solution("counter")?, std::time::SystemTime::now())).await?;
    let solved = check(b).await?;
    ensure!(
        solved.verdict == "solved" && solved.status.starts_with("✓ Solved"),
        "the reference solution: {solved:?}"
    );
    ensure!(
        solved.output.contains("scenarios passed.") && solved.output.contains("in every interleaving"),
        "the report does not show both halves passing:\n{}",
        solved.output
    );
    let again = check(b).await?;
    ensure!(again.verdict == "solved", "checked again: {again:?}");
    let saved = stored(b, "counter").await?.context("nothing saved for counter")?;
    ensure!(saved["solved"].is_string(), "the solved date is not saved: {saved}");
    // Earned: after a pass, one click shows the solution, no confirmation.
    click(b, ".fl-wb-show-solution").await?;
    let shown: bool = js(b, "return !document.querySelector('.fl-wb-solution').hidden;", vec![]).await?;
    ensure!(shown, "after a passing check, one click on Show the solution did not show it");

    open_progress(b).await?;
    let (state, text) = progress_row(b, "counter").await?;
    ensure!(state == "solved" && text.contains("solved on"), "the progress page's row: {state} {text:?}");
    let errors = console_errors(b).await?;
    ensure!(errors.is_empty(), "console errors: {errors:?}");
    ok(format!(
        "click to verdict, both halves: {} ms compiling, {} ms already compiled; the solution in one click; progress: {text:?}",
        solved.ms, again.ms
    ))
}

async fn deadlocking_bank(b: &Browser) -> Result<Outcome> {
    open(b, "bank", "").await?;
    set_code(b, &corpus("bank", "from_then_to")?).await?;
    let done = check(b).await?;
    ensure!(done.verdict == "failed", "a lock-order deadlock: {done:?}");
    ensure!(
        done.output.contains("deadlock") && done.output.contains("lock-order"),
        "the report does not explain the lock-order deadlock:\n{}",
        done.output
    );
    ensure!(!done.output.contains("harness.rs"), "the checker's own thread is in the report:\n{}", done.output);
    ensure!(done.output.contains("exercises/src/bank.rs:"), "no line of the learner's file:\n{}", done.output);
    let found_by = if done.output.contains("loom found a deadlock") { "loom" } else { "the runner's detector" };
    ok(format!("lock-order deadlock found by {found_by} in {} ms", done.ms))
}

async fn poisoned_word_count(b: &Browser) -> Result<Outcome> {
    let good = "    for word in document.split_whitespace() {\n        let word = word.to_lowercase(); // Work that needs no lock, done outside it.\n        // Read and write the entry in one critical section.\n        *counts.lock().unwrap().entry(word).or_insert(0) += 1;\n    }";
    // A new word is read before it is inserted: `counts[&word]` panics
    // while the guard is held, and poisons the lock for every other thread.
    let bad = "    let mut counts = counts.lock().unwrap();\n    for word in document.split_whitespace() {\n        let word = word.to_lowercase();\n        let count = counts[&word];\n        counts.insert(word, count + 1);\n    }";
    let solution = solution("word-count")?;
    ensure!(solution.contains(good), "the word-count solution changed: update this test's poisoned version");
    open(b, "word-count", "").await?;
    set_code(b, &solution.replace(good, bad)).await?;
    let done = check(b).await?;
    ensure!(done.verdict == "failed", "a poisoned lock: {done:?}");
    ensure!(
        done.output.contains("A lock is poisoned")
            && done.output.contains("panicked while holding that lock")
            && done.output.contains("let count = counts[&word];"),
        "the report does not explain the poisoned lock and its cause:\n{}",
        done.output
    );
    ok(format!("poison explained with its cause in {} ms", done.ms))
}

async fn reload_and_reset(b: &Browser) -> Result<Outcome> {
    let starter = starter("counter")?;
    open(b, "counter", "").await?;
    let edited = format!("{starter}\n// my notes {}\n", std::process::id());
    set_code(b, &edited).await?;
    wait_for::<bool>(
        b,
        "the code to be saved",
        Duration::from_secs(5),
        "const v = localStorage.getItem('fearless-exercise:counter'); return v && JSON.parse(v).code === arguments[0] ? true : null;",
        vec![json!(edited)],
    )
    .await?;
    open(b, "counter", "").await?;
    ensure!(code(b).await? == edited, "after a reload the editor does not show the saved code");
    let note: String = js(b, "return document.querySelector('.fl-wb-save-note').textContent;", vec![]).await?;
    ensure!(note.contains("saved in this browser"), "the save note says {note:?}");

    click(b, ".fl-wb-reset").await?;
    ensure!(code(b).await? == edited, "one click on Reset already replaced the code");
    let armed: String = js(b, "return document.querySelector('.fl-wb-reset').textContent;", vec![]).await?;
    ensure!(armed.starts_with("Click again"), "the armed Reset says {armed:?}");
    click(b, ".fl-wb-reset").await?;
    ensure!(code(b).await? == starter, "Reset to the starter did not bring the starter back");
    let saved = stored(b, "counter").await?.context("the state is gone")?;
    ensure!(saved["code"].is_null(), "after Reset the saved code is {}", saved["code"]);
    open(b, "counter", "").await?;
    ensure!(code(b).await? == starter, "after Reset and a reload the editor shows other code");
    ok("restored after a reload; two clicks on Reset brought the starter back, and it stayed")
}

async fn stale_code(b: &Browser) -> Result<Outcome> {
    let starter = starter("counter")?;
    open(b, "counter", "").await?;
    // As if the starter had changed since this code was saved.
    let stale = json!({"v": 1, "starter": "123abc", "code": "pub fn count(_: usize, _: usize) -> usize { 7 }\n", "hints": 1, "checked": null, "scenarios": null, "solved": null});
    js::<Value>(b, "localStorage.setItem('fearless-exercise:counter', arguments[0]); return null;", vec![json!(stale.to_string())]).await?;
    open(b, "counter", "").await?;
    ensure!(code(b).await? == starter, "code saved for another starter was restored");
    let note: String = js(b, "return document.querySelector('.fl-wb-save-note').textContent;", vec![]).await?;
    ensure!(note.contains("starter has changed"), "the page does not say why the code is gone: {note:?}");
    let saved = stored(b, "counter").await?.context("the state is gone")?;
    ensure!(saved["code"].is_null() && saved["hints"] == 1, "the stale code was not dropped, or the hints were: {saved}");
    for raw in ["{oops", "[]", "{\"v\":1,\"code\":3}"] {
        js::<Value>(b, "localStorage.setItem('fearless-exercise:counter', arguments[0]); return null;", vec![json!(raw)]).await?;
        open(b, "counter", "").await?;
        ensure!(code(b).await? == starter, "a malformed save {raw:?} changed the editor");
    }
    ok("stale and malformed saves leave the starter in the editor")
}

async fn hints_and_solution(b: &Browser) -> Result<Outcome> {
    let hints_state = "return [...document.querySelectorAll('main details.fl-hint')].map(d => d.hidden ? 'hidden' : d.open ? 'open' : 'shown');";
    open(b, "counter", "").await?;
    let before: Vec<String> = js(b, hints_state, vec![]).await?;
    ensure!(before.len() >= 2 && before.iter().all(|h| h == "hidden"), "before any click the hints are {before:?}");
    click(b, ".fl-wb-hint").await?;
    let one: Vec<String> = js(b, hints_state, vec![]).await?;
    ensure!(one[0] == "open" && one[1..].iter().all(|h| h == "hidden"), "after one click the hints are {one:?}");
    let label: String = js(b, "return document.querySelector('.fl-wb-hint').textContent;", vec![]).await?;
    ensure!(label == format!("Show hint 2 of {}", before.len()), "the hint button says {label:?}");
    open(b, "counter", "").await?;
    let kept: Vec<String> = js(b, hints_state, vec![]).await?;
    ensure!(kept[0] != "hidden" && kept[1..].iter().all(|h| h == "hidden"), "after a reload the hints are {kept:?}");

    let solution_shown = "return !document.querySelector('.fl-wb-solution').hidden;";
    click(b, ".fl-wb-show-solution").await?;
    ensure!(!js::<bool>(b, solution_shown, vec![]).await?, "one click showed the solution before any passing check");
    click(b, ".fl-wb-show-solution").await?;
    ensure!(js::<bool>(b, solution_shown, vec![]).await?, "the confirming click did not show the solution");
    let shown: String = js(b, "return document.querySelector('.fl-wb-solution pre code').textContent;", vec![]).await?;
    let reference = solution("counter")?;
    ensure!(shown == reference, "the solution shown is not the reference solution:\n{shown:?}\n{reference:?}");
    ok(format!("{} hints, one at a time (kept after a reload); the solution after two clicks", before.len()))
}

async fn progress_resets(b: &Browser) -> Result<Outcome> {
    open_progress(b).await?;
    let (state, _) = progress_row(b, "counter").await?;
    ensure!(state == "none", "with nothing saved, counter's row is {state}");
    let when = "2026-12-02T10:00:00.000Z";
    let solved = json!({"v": 1, "starter": null, "code": null, "hints": 0, "checked": when, "scenarios": null, "solved": when});
    let started = json!({"v": 1, "starter": "abc", "code": "// mine\n", "hints": 1, "checked": null, "scenarios": null, "solved": null});
    js::<Value>(
        b,
        "localStorage.setItem('fearless-exercise:counter', arguments[0]); localStorage.setItem('fearless-exercise:bank', arguments[1]); return null;",
        vec![json!(solved.to_string()), json!(started.to_string())],
    )
    .await?;
    open_progress(b).await?;
    let (state, text) = progress_row(b, "counter").await?;
    ensure!(state == "solved" && text.contains("solved on December 2, 2026"), "counter's row: {state} {text:?}");
    let (state, text) = progress_row(b, "bank").await?;
    ensure!(state == "started" && text.contains("in progress"), "bank's row: {state} {text:?}");

    click(b, "button.fl-reset-exercise[data-exercise=\"counter\"]").await?;
    let (state, _) = progress_row(b, "counter").await?;
    ensure!(state == "none" && stored(b, "counter").await?.is_none(), "Reset left counter {state}");
    click(b, "#fl-reset-all-exercises").await?;
    ensure!(stored(b, "bank").await?.is_some(), "one click on Reset all exercises already forgot bank");
    click(b, "#fl-reset-all-exercises").await?;
    let (state, _) = progress_row(b, "bank").await?;
    ensure!(state == "none" && stored(b, "bank").await?.is_none(), "Reset all exercises left bank {state}");
    ok("solved with its date, in progress; Reset and the two-click Reset all clear them")
}

async fn published_site(b: &Browser) -> Result<Outcome> {
    let where_ = open(b, "counter", "?playground=public").await?;
    ensure!(
        where_.contains("play.rust-lang.org") && where_.contains("cargo xtask exercises counter"),
        "the published workbench says {where_:?}"
    );
    // New code (a fresh comment), so the scenarios are compiled: the time a
    // learner waits after an edit.
    set_code(b, &format!("{}// checked at {:?}\n", solution("counter")?, std::time::SystemTime::now())).await?;
    let first = check(b).await?;
    ensure!(first.verdict == "scenarios", "the solution on the published site: {first:?}");
    ensure!(
        first.output.contains("scenarios passed.")
            && first.output.contains("run only on your machine")
            && first.output.contains("cargo xtask exercises counter"),
        "the report does not say where the models run:\n{}",
        first.output
    );
    ensure!(!first.output.contains("interleaving"), "the published site claims to have run the models");
    let again = check(b).await?;
    ensure!(again.verdict == "scenarios", "checked again: {again:?}");
    let saved = stored(b, "counter").await?.context("nothing saved")?;
    ensure!(saved["scenarios"].is_string() && saved["solved"].is_null(), "saved: {saved}");

    set_code(b, &starter("counter")?.replace("todo!(", "unknown_macro!(")).await?;
    let broken = check(b).await?;
    ensure!(
        broken.verdict == "failed" && broken.output.starts_with("Your code does not compile yet."),
        "a compile error on the published site: {broken:?}"
    );
    open_progress(b).await?;
    let (state, text) = progress_row(b, "counter").await?;
    ensure!(state == "started" && text.contains("the scenarios pass"), "the progress page's row: {state} {text:?}");
    ok(format!(
        "click to verdict, scenarios only (std): {} ms compiling, {} ms already compiled",
        first.ms, again.ms
    ))
}

async fn public_unavailable(b: &Browser) -> Result<Outcome> {
    open(b, "counter", "?playground=public").await?;
    // Stand-ins for the network: the public playground cannot be reached,
    // then it answers 429.
    js::<Value>(
        b,
        "const real = window.fetch;
         window.flRealFetch = real;
         window.fetch = (url, init) => String(url).includes('evaluate.json')
             ? Promise.reject(new TypeError('Failed to fetch')) : real(url, init);
         return null;",
        vec![],
    )
    .await?;
    let down = check(b).await?;
    ensure!(
        down.verdict == "unavailable"
            && down.output.contains("could not be reached")
            && down.output.contains("cargo xtask exercises counter")
            && down.output.contains("Nothing was checked"),
        "an unreachable playground: {down:?}"
    );
    js::<Value>(
        b,
        "window.fetch = (url, init) => String(url).includes('evaluate.json')
             ? Promise.resolve(new Response(JSON.stringify({result: 'Too many requests', error: 'Too many requests'}), {status: 429}))
             : window.flRealFetch(url, init);
         return null;",
        vec![],
    )
    .await?;
    let refused = check(b).await?;
    ensure!(
        refused.verdict == "unavailable" && refused.output.contains("refused the check (HTTP 429: Too many requests)"),
        "a refusing playground: {refused:?}"
    );
    ok("unreachable and HTTP 429 each get a message and the terminal command")
}

async fn bad_input(b: &Browser) -> Result<Outcome> {
    let starter = starter("counter")?;
    let todo = "    todo!(\"share a Mutex<usize> between the threads and return the total\")";
    ensure!(starter.contains(todo), "the counter starter changed: update this test");
    let body = |code: &str| starter.replace(todo, code);
    open(b, "counter", "").await?;
    let mut seen = Vec::new();
    let cases: [(&str, String, &[&str]); 5] = [
        ("no compile", body("    threads * \"per_thread\""), &["does not compile yet", "exercises/src/counter.rs:"]),
        ("no entry point", starter.replace("pub fn count(", "pub fn total("), &["checker's code", "Keep the signatures"]),
        ("busy loop", body("    loop {}"), &["busy loop"]),
        ("floods output", body("    loop {\n        println!(\"{threads}\");\n    }"), &["output limit"]),
        ("allocates without bound", body("    let mut v = Vec::new();\n    loop {\n        v.push(vec![1u8; 1 << 20]);\n    }"), &["memory"]),
    ];
    for (what, code, words) in cases {
        set_code(b, &code).await?;
        let done = check(b).await?;
        ensure!(done.verdict == "failed", "{what}: {done:?}");
        for word in words {
            ensure!(done.output.contains(word), "{what}: the report lacks {word:?}:\n{}", done.output);
        }
        seen.push(format!("{what} {} ms", done.ms));
    }

    // Two quick clicks send one check.
    js::<Value>(
        b,
        "window.flChecks = 0;
         const real = window.fetch;
         window.fetch = (url, init) => { if (String(url).includes('exercise/check')) window.flChecks += 1; return real(url, init); };
         return null;",
        vec![],
    )
    .await?;
    set_code(b, &body("    threads +")).await?;
    js::<Value>(b, "const c = document.querySelector('.fl-wb-check'); c.click(); c.click(); return null;", vec![]).await?;
    verdict(b).await?;
    let sent: u32 = js(b, "return window.flChecks;", vec![]).await?;
    ensure!(sent == 1, "two quick clicks sent {sent} checks");

    // A paste over the server's body limit is refused, saying the limit.
    set_code(b, &format!("{starter}\n// {}\n", "x".repeat(300 * 1024))).await?;
    let huge = check(b).await?;
    ensure!(
        huge.verdict == "unavailable" && huge.output.contains("too large (the limit is 256 KiB"),
        "a paste over the body limit: {huge:?}"
    );
    ok(format!("{}; two clicks, one check; 300 KiB refused", seen.join(", ")))
}

/// Presses keys on whatever has the focus.
async fn press(b: &Browser, keys: impl Into<thirtyfour::TypingData>) -> Result<()> {
    b.driver().action_chain().send_keys(keys).perform().await.context("pressing keys")
}

async fn focused(b: &Browser) -> Result<String> {
    js(
        b,
        "const a = document.activeElement; return a ? (a.className || a.tagName).toString() : '';",
        vec![],
    )
    .await
}

async fn keyboard(b: &Browser) -> Result<Outcome> {
    open(b, "counter", "").await?;
    let label: Option<String> = js(
        b,
        "const t = document.querySelector('.fl-wb-editor textarea'); return t && t.getAttribute('aria-label');",
        vec![],
    )
    .await?;
    ensure!(label.is_some_and(|l| l.contains("Escape")), "the workbench's editor has no accessible name");
    js::<Value>(b, "document.querySelector('.fl-workbench').workbench.editor.focus(); return null;", vec![]).await?;
    press(b, "    ").await?;
    // Escape, then Tab: out of the editor, onto Check.
    press(b, Key::Escape).await?;
    press(b, Key::Tab).await?;
    ensure!(focused(b).await?.contains("fl-wb-check"), "Escape, Tab from the editor lands on {}", focused(b).await?);
    js::<Value>(b, "document.querySelector('.fl-workbench').removeAttribute('data-verdict'); return null;", vec![]).await?;
    press(b, Key::Enter).await?;
    let done = verdict(b).await?;
    ensure!(done.verdict == "failed", "Enter on Check: {done:?}");
    ensure!(focused(b).await?.contains("fl-wb-check"), "after the check the focus is on {}", focused(b).await?);
    press(b, Key::Tab).await?;
    ensure!(focused(b).await?.contains("fl-wb-hint"), "Tab from Check lands on {}", focused(b).await?);
    press(b, Key::Enter).await?;
    let opened: bool = js(b, "const d = document.querySelector('main details.fl-hint'); return !d.hidden && d.open;", vec![]).await?;
    ensure!(opened, "Enter on the hint button did not open the first hint");
    ensure!(focused(b).await? == "SUMMARY", "after revealing a hint the focus is on {}, not the hint", focused(b).await?);
    js::<Value>(b, "document.querySelector('.fl-wb-show-solution').focus(); return null;", vec![]).await?;
    press(b, Key::Tab).await?;
    ensure!(focused(b).await?.contains("fl-wb-reset"), "Tab from Show the solution lands on {}", focused(b).await?);
    press(b, Key::Enter).await?;
    press(b, Key::Enter).await?;
    ensure!(code(b).await? == starter("counter")?, "Enter, Enter on Reset did not bring the starter back");
    ok("Escape+Tab leaves the editor onto Check; Enter checks (focus kept), reveals a hint, resets (twice)")
}

async fn accessible(b: &Browser) -> Result<Outcome> {
    let axe = tokio::task::block_in_place(super::axe::source)?;
    let mut findings = Vec::new();
    let mut lesser = 0;
    for theme in ["light", "navy", "coal", "ayu", "rust"] {
        js::<Value>(b, "localStorage.setItem('mdbook-theme', arguments[0]); return null;", vec![json!(theme)]).await?;
        open(b, "bank", "").await?;
        click(b, ".fl-wb-hint").await?;
        click(b, ".fl-wb-show-solution").await?;
        click(b, ".fl-wb-show-solution").await?;
        let done = check(b).await?;
        ensure!(done.verdict == "failed", "the starter of bank: {done:?}");
        for v in super::axe::run(b, &axe).await? {
            if ["critical", "serious"].contains(&v.impact.as_str()) {
                findings.push(format!("[{theme}] {} {}: `{}`: {}", v.impact, v.rule, v.target, v.summary));
            } else {
                lesser += 1;
            }
        }
    }
    ensure!(findings.is_empty(), "axe on the workbench:\n{}", findings.join("\n"));
    ok(format!("5 themes: 0 critical, 0 serious ({lesser} moderate or minor)"))
}
