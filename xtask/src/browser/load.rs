//! Every page of SUMMARY.md loads: it renders, logs no console error and
//! requests nothing off 127.0.0.1.

use std::time::Duration;

use anyhow::{Result, ensure};

use super::harness::{Outcome, Test, console_errors, ok};
use super::pages::{BookPage, settled_requests};
use super::Browser;
use crate::course::Course;

pub const TESTS: &[Test] =
    &[Test { name: "every page loads cleanly", limit: 120, run: |b| Box::pin(pages_load_cleanly(b)) }];

async fn pages_load_cleanly(b: &Browser) -> Result<Outcome> {
    let pages = Course::load()?.html_pages();
    let mut problems = Vec::new();
    let mut requests = 0;
    for path in &pages {
        let page = BookPage::open(b, path).await?;
        let title = page.title().await?;
        if title.is_empty() {
            problems.push(format!("{path}: no <h1> (did the page render?)"));
        }
        let urls = settled_requests(b, Duration::from_millis(500), Duration::from_secs(8)).await?;
        requests += urls.len();
        for url in urls.iter().filter(|u| !is_loopback(u)) {
            problems.push(format!("{path}: request to a non-loopback host: {url}"));
        }
        for e in console_errors(b).await? {
            problems.push(format!("{path}: console error: {e}"));
        }
    }
    ensure!(problems.is_empty(), "{}", problems.join("\n"));
    ok(format!("{} pages, {requests} requests, all to 127.0.0.1, no console errors", pages.len()))
}

/// Whether a request stays on this machine: a loopback host, or an inline
/// resource (`data:`, whose SVG text may itself contain `http://`).
fn is_loopback(url: &str) -> bool {
    if ["data:", "blob:", "about:"].iter().any(|scheme| url.starts_with(scheme)) {
        return true;
    }
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let name = host.rsplit_once(':').map_or(host, |(n, _)| n);
    matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_and_inline_urls_stay_local() {
        assert!(is_loopback("http://127.0.0.1:3000/index.html"));
        assert!(is_loopback("http://localhost:8/a"));
        assert!(is_loopback("http://[::1]:8/a"));
        assert!(is_loopback(r#"data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"/>"#));
        assert!(!is_loopback("https://play.rust-lang.org/meta/crates"));
        assert!(!is_loopback("http://127.0.0.1.evil.example/"));
        assert!(!is_loopback("mailto:someone@example.com"));
    }
}
