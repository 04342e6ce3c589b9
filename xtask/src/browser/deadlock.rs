//! Browser test: ▶ Run on the book's AB-BA example shows the deadlock
//! detector's report, with every line the page shows, well before the time
//! limit.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use serde_json::json;

use super::pages::{BookPage, js};
use super::{Browser, SNIPPET_RUN_TIMEOUT};

/// The page and the block: the transfer example whose barrier makes the
/// AB-BA deadlock happen on every run.
const PAGE: &str = "mistakes/deadlocks.html";
const NEEDLES: &[&str] = &["both_hold_one.wait()", "fn transfer"];

/// Runs the block and compares; the note says how long the report took.
pub async fn ab_ba_report(b: &Browser) -> Result<String> {
    let page = BookPage::open(b, PAGE).await?;
    let n = page.block_containing(NEEDLES).await?;
    let shown: Option<String> = js(
        b,
        "let el = document.querySelectorAll('pre.playground')[arguments[0]].nextElementSibling;
         while (el && el.tagName !== 'PRE') el = el.nextElementSibling;
         const code = el && el.querySelector('code.output');
         return code ? code.textContent : null;",
        vec![json!(n)],
    )
    .await?;
    let shown = shown.context("no `text,output` block follows the AB-BA example")?;
    let started = Instant::now();
    page.run(n).await?;
    let got = page.output(n, SNIPPET_RUN_TIMEOUT + Duration::from_secs(20)).await?;
    let took = started.elapsed();
    ensure!(
        got.contains("Deadlock: all 2 threads are asleep"),
        "expected the deadlock report, Run printed\n{got}"
    );
    for line in shown.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()) {
        ensure!(got.lines().any(|l| l.trim_end() == line), "Run printed\n{got}\nwithout the line {line:?}");
    }
    ensure!(
        !got.contains("time limit"),
        "the report should come from the detector, not the time limit:\n{got}"
    );
    Ok(format!("{PAGE} block {n}: report after {:.1} s", took.as_secs_f64()))
}
