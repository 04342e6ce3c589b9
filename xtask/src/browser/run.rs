//! ▶ Run: a snippet's output matches what the page shows (std, parking_lot,
//! loom), an edit runs as edited, and a compile error or an endless loop says
//! so.

use std::fs;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};

use super::harness::{Outcome, Test, ok};
use super::pages::{BookPage, js};
use super::{Browser, SNIPPET_RUN_TIMEOUT};
use crate::course::Course;

pub const TESTS: &[Test] = &[
    Test { name: "std snippet", limit: 30, run: |b| Box::pin(run_std(b)) },
    Test { name: "parking_lot snippet", limit: 30, run: |b| Box::pin(run_parking_lot(b)) },
    Test { name: "loom snippet", limit: 30, run: |b| Box::pin(run_loom(b)) },
    Test { name: "an edited snippet runs the edit", limit: 40, run: |b| Box::pin(run_edited(b)) },
    Test { name: "compile error shows rustc's message", limit: 30, run: |b| Box::pin(run_compile_error(b)) },
    Test { name: "infinite loop shows the timeout", limit: 30, run: |b| Box::pin(run_infinite_loop(b)) },
];

/// The text of the `text,output` block that follows runnable block `n`.
async fn shown_output(b: &Browser, n: usize) -> Result<String> {
    let out: Option<String> = js(
        b,
        "let el = document.querySelectorAll('pre.playground')[arguments[0]].nextElementSibling;
         while (el && !(el.tagName === 'PRE')) el = el.nextElementSibling;
         const code = el && el.querySelector('code.output');
         return code ? code.textContent : null;",
        vec![json!(n)],
    )
    .await?;
    out.context("no `text,output` block follows the snippet")
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim_end().to_string()).filter(|l| !l.trim().is_empty()).collect()
}

/// Runs the block of `path` containing all `needles`; checks that every line
/// of the output the page shows appears in what Run printed (all of it, in
/// order, when `exact`).
async fn run_and_compare(b: &Browser, path: &str, needles: &[&str], exact: bool) -> Result<Outcome> {
    let page = BookPage::open(b, path).await?;
    let n = page.block_containing(needles).await?;
    let shown = shown_output(b, n).await?;
    page.run(n).await?;
    let got = page.output(n, SNIPPET_RUN_TIMEOUT + Duration::from_secs(15)).await?;
    if exact {
        ensure!(lines(&got) == lines(&shown), "the page shows\n{shown}\nbut Run printed\n{got}");
    } else {
        for line in lines(&shown) {
            ensure!(
                got.lines().any(|l| l.trim_end() == line),
                "Run printed\n{got}\nwithout the line {line:?}"
            );
        }
    }
    ok(format!("{path} block {n}: {:?}", lines(&got).first().cloned().unwrap_or_default()))
}

async fn run_std(b: &Browser) -> Result<Outcome> {
    run_and_compare(b, "shared-state/counter.html", &["Arc::new(Mutex::new(", "thread::spawn"], true).await
}

async fn run_parking_lot(b: &Browser) -> Result<Outcome> {
    run_and_compare(b, "beyond/parking-lot.html", &["parking_lot::Mutex", "after the crash"], true).await
}

async fn run_loom(b: &Browser) -> Result<Outcome> {
    run_and_compare(b, "beyond/loom.html", &["loom::model", "assert_eq!"], false).await
}

async fn run_compile_error(b: &Browser) -> Result<Outcome> {
    let page = BookPage::open(b, "shared-state/counter.html").await?;
    let n = page.block_containing(&["counter += 1", "thread::spawn(||"]).await?;
    page.run(n).await?;
    let got = page.output(n, Duration::from_secs(30)).await?;
    ensure!(got.contains("error[E0373]"), "expected rustc's error E0373, Run printed\n{got}");
    ok("error[E0373] shown")
}

/// An editable block on `path`. The book marks none `editable` yet, so
/// failing that, block 0 is made editable exactly as mdBook's editor.js does
/// for an `editable` block (class + Ace editor); the Run path is unchanged.
async fn editable_block<'a>(
    b: &'a Browser,
    path: &str,
) -> Result<(BookPage<'a>, usize, Option<&'static str>)> {
    if let Some((page, n)) = find_editable(b).await? {
        return Ok((page, n, None));
    }
    let page = BookPage::open(b, path).await?;
    js::<Value>(
        b,
        "const code = document.querySelector('pre.playground code');
         code.classList.add('editable');
         const editor = ace.edit(code);
         editor.getSession().setMode('ace/mode/rust');
         return null;",
        vec![],
    )
    .await?;
    Ok((page, 0, Some("no block is marked `editable`: block 0 made editable as editor.js does")))
}

async fn find_editable(b: &Browser) -> Result<Option<(BookPage<'_>, usize)>> {
    for path in Course::load()?.html_pages() {
        let html = fs::read_to_string(crate::paths::root().join("book").join(&path)).unwrap_or_default();
        if !html.contains(" editable") {
            continue;
        }
        let page = BookPage::open(b, &path).await?;
        if let Some(n) = page.first_editable_block().await? {
            return Ok(Some((page, n)));
        }
    }
    Ok(None)
}

async fn run_edited(b: &Browser) -> Result<Outcome> {
    let (page, n, how) = editable_block(b, "shared-state/counter.html").await?;
    let marker = format!("edited {}", std::process::id());
    let src = format!(
        "use std::sync::{{Arc, Mutex}};\nfn main() {{\n    let m = Arc::new(Mutex::new(40));\n    *m.lock().unwrap() += 2;\n    println!(\"{marker}: {{}}\", m.lock().unwrap());\n}}\n"
    );
    page.set_editor_text(n, &src).await?;
    press_run(&page, n, how).await?;
    let got = page.output(n, Duration::from_secs(30)).await?;
    ensure!(
        got.trim() == format!("{marker}: 42"),
        "Run printed\n{got}\ninstead of the edited program's output"
    );
    ok(how.unwrap_or("an `editable` block"))
}

async fn run_infinite_loop(b: &Browser) -> Result<Outcome> {
    let (page, n, how) = editable_block(b, "shared-state/counter.html").await?;
    page.set_editor_text(n, "fn main() {\n    let mut n: u64 = 0;\n    loop {\n        n = n.wrapping_add(1);\n        std::hint::black_box(n);\n    }\n}\n").await?;
    press_run(&page, n, how).await?;
    let got = page.output(n, SNIPPET_RUN_TIMEOUT + Duration::from_secs(20)).await?;
    ensure!(got.contains("did not finish"), "expected the timeout message, Run printed\n{got}");
    ok(format!(
        "{}; {}",
        lines(&got).last().cloned().unwrap_or_default(),
        how.unwrap_or("an `editable` block")
    ))
}

/// A reader's click on a real editable block; a script click on one the
/// test made editable.
async fn press_run(page: &BookPage<'_>, n: usize, made_editable: Option<&str>) -> Result<()> {
    if made_editable.is_some() { page.run_by_script(n).await } else { page.run(n).await }
}
