//! The browser tests' tiny harness: every test runs under its own time limit
//! in one shared Chromium session, with the book's storage cleared before
//! it; the run ends with `browser tests: N passed, M failed`.
//!
//! A test file (`browser/<topic>.rs`) exports `pub const TESTS: &[Test]`
//! and is registered with one line in `browser/mod.rs`.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use super::pages::js;
use super::{Browser, start_server};

/// A test's body: an async function of the shared browser.
pub type TestFn = for<'a> fn(&'a Browser) -> Pin<Box<dyn Future<Output = Result<Outcome>> + 'a>>;

/// One browser test.
pub struct Test {
    /// What it checks, as the report prints it.
    pub name: &'static str,
    /// Seconds it may take before it fails as hung.
    pub limit: u64,
    /// Write it as `|b| Box::pin(my_test(b))`.
    pub run: TestFn,
}

/// What a passing test has to say (shown after its name).
pub struct Outcome(pub String);

/// A passing test's note.
pub fn ok(note: impl Into<String>) -> Result<Outcome> {
    Ok(Outcome(note.into()))
}

/// Starts the server and the browser, runs `tests` (each with the file it
/// comes from) in order, and fails if any failed.
pub fn run(tests: &[(&'static str, &'static Test)]) -> Result<()> {
    if tests.is_empty() {
        bail!("no browser test matches (`cargo xtask browser --help` says how to pick tests)");
    }
    let server = start_server()?;
    let base = format!("http://{}", server.addr());
    println!("local server at {base}");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let started = Instant::now();
    let (passed, failed) = rt.block_on(async {
        let browser = Browser::start(base).await?;
        let mut passed = 0;
        let mut failed = Vec::new();
        for (file, test) in tests {
            let t = Instant::now();
            let result = match fresh_state(&browser).await {
                Ok(()) => {
                    match tokio::time::timeout(Duration::from_secs(test.limit), (test.run)(&browser)).await {
                        Ok(r) => r,
                        Err(_) => Err(anyhow!("did not finish in {} s", test.limit)),
                    }
                }
                Err(e) => Err(e.context("resetting the browser state")),
            };
            let secs = t.elapsed().as_secs_f64();
            let name = format!("{file}: {}", test.name);
            match result {
                Ok(Outcome(note)) => {
                    passed += 1;
                    println!(
                        "ok     {name} ({secs:.1} s){}",
                        if note.is_empty() { String::new() } else { format!(": {note}") }
                    );
                }
                Err(e) => {
                    println!("FAILED {name} ({secs:.1} s): {e:#}");
                    failed.push(name);
                }
            }
        }
        browser.quit().await;
        anyhow::Ok((passed, failed))
    })?;
    drop(server);
    println!("browser tests took {:.0} s", started.elapsed().as_secs_f64());
    println!("browser tests: {passed} passed, {} failed", failed.len());
    if !failed.is_empty() {
        bail!("browser tests failed: {}", failed.join("; "));
    }
    Ok(())
}

/// Empty localStorage on the book's origin and drop old log entries.
/// From index.html, not 404.html: the 404 page's `<base href>` is the
/// published site's path (`site-url`), so locally its favicon 404s, and that
/// error could land in the next test's log.
async fn fresh_state(b: &Browser) -> Result<()> {
    b.driver().goto(b.url("index.html")).await?;
    js::<Value>(b, "localStorage.clear(); sessionStorage.clear(); return null;", vec![]).await?;
    b.driver().handle().browser_log().await.context("reading the browser log")?;
    Ok(())
}

/// Severe browser-log entries (console errors, failed loads, uncaught
/// exceptions) since the last call.
pub async fn console_errors(b: &Browser) -> Result<Vec<String>> {
    let log = b.driver().handle().browser_log().await.context("reading the browser log")?;
    Ok(log.into_iter().filter(|e| e.level == "SEVERE").map(|e| e.message).collect())
}
