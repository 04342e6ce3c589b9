//! `cargo xtask bench pages`: what a reader downloads per page, measured in
//! headless Chromium against the local server (which compresses like a
//! static host would), from the Resource Timing and Paint Timing APIs.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Deserialize;
use serde_json::json;

use crate::browser::pages::{BookPage, js, settled_requests};
use crate::browser::{self, Browser, start_server};
use crate::cmd;
use crate::course::Course;

/// Targets from issue 6 (bytes as transferred, i.e. compressed).
const BEFORE_PAINT_TARGET: u64 = 300 * 1024;
const QUIZ_PAGE_TARGET: u64 = 750 * 1024;
const NEXT_PAGE_TARGET: u64 = 60 * 1024;

#[derive(Deserialize)]
struct Resource {
    name: String,
    transfer: u64,
    end: f64,
}

#[derive(Deserialize)]
struct Load {
    fcp: Option<f64>,
    load: f64,
    resources: Vec<Resource>,
}

/// Waits for the load event and a quiet network, then reads the timings.
const TIMINGS_JS: &str = r#"
const nav = performance.getEntriesByType('navigation')[0];
const paint = performance.getEntriesByName('first-contentful-paint')[0];
const resources = [{name: location.href, transfer: nav.transferSize, end: nav.responseEnd}]
  .concat(performance.getEntriesByType('resource').map(e => ({name: e.name, transfer: e.transferSize, end: e.responseEnd})));
return {fcp: paint ? paint.startTime : null, load: nav.loadEventEnd, resources};
"#;

async fn measure(b: &Browser, path: &str) -> Result<Load> {
    BookPage::open(b, path).await?;
    // Let late requests (crate list, quiz styles, the idle-time prefetch of
    // the quiz bundle) finish: a reader stays on a page for more than a
    // second, so wait until no request has started for one second.
    settled_requests(b, Duration::from_secs(1), Duration::from_secs(15)).await?;
    js(b, TIMINGS_JS, vec![]).await
}

/// Where a byte went.
fn category(url: &str) -> &'static str {
    let file = url.split(['?', '#']).next().unwrap_or(url).rsplit('/').next().unwrap_or(url);
    if url.contains("/quiz/") {
        "quiz bundle"
    } else if url.contains("/fonts/") {
        "fonts"
    } else if file.ends_with(".html") || !file.contains('.') {
        "html"
    } else if file.starts_with("searchindex")
        || ["elasticlunr", "searcher", "mark"].iter().any(|s| file.starts_with(s))
    {
        "search"
    } else if ["ace", "mode-rust", "editor", "theme-"].iter().any(|s| file.starts_with(s)) {
        "editor (ace)"
    } else if file.starts_with("highlight") && file.ends_with(".js") {
        "highlight.js"
    } else if file.ends_with(".css") {
        "css"
    } else if file.ends_with(".js") {
        "other js"
    } else if url.contains("/meta/crates") {
        "playground API"
    } else {
        "other"
    }
}

fn kb(bytes: u64) -> String {
    format!("{:.0} KB", bytes as f64 / 1024.0)
}

/// Measures every page of SUMMARY.md and prints the report.
pub fn run() -> Result<()> {
    cmd::step("Bench: bytes per page in headless Chromium (cold cache, then the next page warm)");
    if !browser::ensure_installed()? {
        return Ok(());
    }
    let pages = Course::load()?.html_pages();
    let server = start_server()?;
    let base = format!("http://{}", server.addr());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    rt.block_on(async {
        let b = Browser::start(base).await?;
        let quiz_pages: Vec<bool> = pages
            .iter()
            .map(|p| {
                std::fs::read_to_string(crate::paths::root().join("book").join(p))
                    .is_ok_and(|h| h.contains("quiz-placeholder"))
            })
            .collect();
        println!(
            "{:<32} {:>9} {:>9} {:>7} {:>7} {:>10}",
            "page (cold cache)", "pre-paint", "total", "FCP", "load", "next warm"
        );
        let mut worst_paint = (0, String::new());
        let mut worst_quiz = (0, String::new());
        let mut worst_next = (0, String::new());
        let mut by_category: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for (i, path) in pages.iter().enumerate() {
            b.driver()
                .cdp()
                .send_raw("Network.clearBrowserCache", json!({}))
                .await
                .context("clearing the cache")?;
            let cold = measure(&b, path).await?;
            let fcp = cold.fcp.unwrap_or(cold.load);
            let total: u64 = cold.resources.iter().map(|r| r.transfer).sum();
            let pre_paint: u64 = cold.resources.iter().filter(|r| r.end <= fcp).map(|r| r.transfer).sum();
            for r in &cold.resources {
                let e = by_category.entry(category(&r.name)).or_default();
                e.0 += r.transfer;
                if r.end <= fcp {
                    e.1 += r.transfer;
                }
            }
            let next = &pages[(i + 1) % pages.len()];
            let warm = measure(&b, next).await?;
            let warm_total: u64 = warm.resources.iter().map(|r| r.transfer).sum();
            println!(
                "{:<32} {:>9} {:>9} {:>5.0}ms {:>5.0}ms {:>10}",
                path,
                kb(pre_paint),
                kb(total),
                fcp,
                cold.load,
                kb(warm_total)
            );
            if pre_paint > worst_paint.0 {
                worst_paint = (pre_paint, path.clone());
            }
            if quiz_pages[i] && total > worst_quiz.0 {
                worst_quiz = (total, path.clone());
            }
            if warm_total > worst_next.0 {
                worst_next = (warm_total, next.clone());
            }
        }
        println!("\nWhere the bytes go (all pages, cold cache; transferred / of it before first paint):");
        let mut cats: Vec<_> = by_category.into_iter().collect();
        cats.sort_by_key(|(_, (t, _))| std::cmp::Reverse(*t));
        for (cat, (total, pre)) in cats {
            println!("  {cat:<16} {:>9} / {:>9}", kb(total), kb(pre));
        }
        let verdict = |v: u64, t: u64| if v <= t { "ok" } else { "MISSED" };
        println!("\nTargets:");
        println!(
            "  before first paint ≤ {}: worst {} ({}) {}",
            kb(BEFORE_PAINT_TARGET),
            kb(worst_paint.0),
            worst_paint.1,
            verdict(worst_paint.0, BEFORE_PAINT_TARGET)
        );
        println!(
            "  quiz page total ≤ {}: worst {} ({}) {}",
            kb(QUIZ_PAGE_TARGET),
            kb(worst_quiz.0),
            worst_quiz.1,
            verdict(worst_quiz.0, QUIZ_PAGE_TARGET)
        );
        println!(
            "  next page (warm) ≤ {}: worst {} ({}) {}",
            kb(NEXT_PAGE_TARGET),
            kb(worst_next.0),
            worst_next.1,
            verdict(worst_next.0, NEXT_PAGE_TARGET)
        );
        b.quit().await;
        anyhow::Ok(())
    })?;
    drop(server);
    Ok(())
}
