//! Building and serving the book.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use playground::Limits;
use playground::server::{Config, serve_until_ctrl_c};
use regex::Regex;

use crate::wait::wait_timeout;
use crate::{cmd, quizzes, snippets, takeaway, tools};

/// How long `mdbook build` may take. mdbook-quiz runs Tracing programs with
/// no timeout of its own, so a program that never ends would hang the build.
const BUILD_TIMEOUT: Duration = Duration::from_secs(600);

/// The book tools (not the linters: only `test` runs them), quiz schema
/// check, `mdbook build`.
pub fn build() -> Result<()> {
    tools::install_book_tools()?;
    quizzes::check(false)?;
    mdbook_build()
}

/// `mdbook build` under a timeout (after writing the exercises zip it publishes).
pub fn mdbook_build() -> Result<()> {
    takeaway::write_zip()?;
    cmd::step("Build the book (mdbook + quiz validation)");
    let mut build = cmd::in_root("mdbook");
    build.arg("build");
    cmd::echo(&build);
    let mut child = build.spawn().context("could not start mdbook")?;
    let started = Instant::now();
    let Some(status) = wait_timeout(BUILD_TIMEOUT, Duration::from_millis(50), || child.try_wait())? else {
        let _ = child.kill();
        let _ = child.wait();
        bail!(
            "`mdbook build` did not finish in {} s — most likely a quiz Tracing program that never ends; `cargo xtask quizzes` names it",
            BUILD_TIMEOUT.as_secs()
        );
    };
    if !status.success() {
        bail!("`mdbook build` failed ({status}); its messages above name the chapter or quiz file");
    }
    fix_print_page()?;
    println!("book built into book/ in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// mdbook-quiz links its script and stylesheet relative to each chapter
/// (`../quiz/…`). mdBook copies every chapter into `print.html`, at the
/// book's root, where `../` climbs out of the book when it is published under
/// a path (`/course/` on Pages). Point those links at the root's `quiz/`.
fn fix_print_page() -> Result<()> {
    let path = crate::paths::root().join("book").join("print.html");
    let Ok(html) = std::fs::read_to_string(&path) else { return Ok(()) };
    static RELATIVE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#""(?:\.\./)+quiz/"#).expect("valid regex"));
    let fixed = RELATIVE.replace_all(&html, "\"quiz/");
    if fixed != html {
        std::fs::write(&path, fixed.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Builds the book, prebuilds the snippet dependencies, then serves the book
/// and the local playground on 127.0.0.1 until Ctrl-C.
pub fn serve(port: u16) -> Result<()> {
    build()?;
    cmd::step("Prepare the local playground");
    let runner = snippets::runner(Limits::default())?;
    if runner.sandboxed() {
        println!("running as root: snippets run as throw-away uids, so process limits hold");
    }
    cmd::step("Serve the book");
    let config = Config::new(crate::paths::root().join("book"), port);
    serve_until_ctrl_c(config, std::sync::Arc::new(runner), |addr| {
        println!("Serving the course at http://{addr}/ (Ctrl-C stops)");
    })
    .context("the local server stopped with an error")
}
