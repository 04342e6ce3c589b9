//! The course in a real browser: Debian's `chromium` driven by its
//! `chromedriver` over WebDriver (thirtyfour), against the local server
//! (`playground::server`) on a free port.
//!
//! Everything this module starts it also stops: chromedriver runs in its own
//! process group (Chromium inherits it), and [`Browser`]'s `Drop` kills the
//! whole group and deletes the throw-away profile, on success, on error and
//! on panic alike.

mod axe;
mod harness;
pub mod pages;

/// Declares the browser-test files and lists their tests, in run order.
macro_rules! test_files {
    ($($file:ident),* $(,)?) => {
        $(mod $file;)*
        /// Every test file's name and its tests, in the order they run.
        const TEST_FILES: &[(&str, &[harness::Test])] = &[$((stringify!($file), $file::TESTS)),*];
    };
}

// The browser tests, one file per topic, run in this order. To add a file:
// write `browser/<topic>.rs` exporting `pub const TESTS: &[Test]` (see
// `harness.rs`; `run.rs` is a short example) and add its name here, one line.
test_files! {
    load,
    quiz,
    run,
    reader,
    search,
    themes,
    print,
    accessibility,
    underscores,
    keyboard,
    puzzles,
    deadlock,
    workbench,
}

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use playground::Limits;
use playground::server::{Config, Running};
use thirtyfour::{ChromiumLikeCapabilities, DesiredCapabilities, LoggingPrefsLogLevel, WebDriver};

use crate::wait::wait_timeout;
use crate::{book, cmd, snippets, tools};

/// How long a snippet may run in the browser tests. Short, so the
/// infinite-loop test costs seconds; long enough for every real snippet.
pub const SNIPPET_RUN_TIMEOUT: Duration = Duration::from_secs(4);

/// `cargo xtask test`'s "browser tests" step (the book is already built).
pub fn check() -> Result<()> {
    check_matching(None)
}

/// `cargo xtask browser [FILTER]`: build the book, then run the browser
/// tests of the file named `filter`, or whose name contains it (all without one).
pub fn build_and_check(filter: Option<&str>) -> Result<()> {
    book::mdbook_build()?;
    check_matching(filter)
}

fn check_matching(filter: Option<&str>) -> Result<()> {
    cmd::step("Browser tests (headless Chromium)");
    if !ensure_installed()? {
        return Ok(());
    }
    let tests: Vec<(&'static str, &'static harness::Test)> = TEST_FILES
        .iter()
        .flat_map(|(file, tests)| tests.iter().map(move |t| (*file, t)))
        .filter(|(file, t)| filter.is_none_or(|f| *file == f || t.name.contains(f)))
        .collect();
    harness::run(&tests)
}

/// Whether Chromium, chromedriver and npm (for axe-core) are there; see
/// [`tools::ensure_packages`]: installed as root, an error on CI when they
/// cannot be, skipped loudly elsewhere (`Ok(false)`).
pub fn ensure_installed() -> Result<bool> {
    tools::ensure_packages(
        &[&tools::CHROMIUM, &tools::CHROMEDRIVER, &tools::NODE, &tools::NPM],
        "the browser tests",
    )
}

/// Starts the local server (book + playground API) on a free loopback
/// port, with the short snippet timeout the browser tests use.
pub fn start_server() -> Result<Running> {
    let limits = Limits { run_timeout: SNIPPET_RUN_TIMEOUT, ..Limits::default() };
    let runner = snippets::runner(limits)?;
    let book_dir = crate::paths::root().join("book");
    if !book_dir.join("index.html").exists() {
        bail!("no built book in {} (run `cargo xtask build` first)", book_dir.display());
    }
    Running::start(Config::new(book_dir, 0), Arc::new(runner)).context("starting the local server")
}

/// A headless Chromium session. Dropping it quits the browser, kills
/// chromedriver's process group and removes the profile.
pub struct Browser {
    driver: Option<WebDriver>,
    chromedriver: Child,
    profile: PathBuf,
    /// `http://127.0.0.1:PORT` of the server under test.
    pub base: String,
}

impl Browser {
    /// Starts chromedriver on a free port and a fresh headless Chromium
    /// with its own profile directory, pointed at `base`.
    pub async fn start(base: String) -> Result<Browser> {
        let port = free_port()?;
        let profile = std::env::temp_dir().join(format!(
            "fearless-chromium-{}-{}",
            std::process::id(),
            SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&profile).with_context(|| format!("creating {}", profile.display()))?;
        let mut driver_cmd = Command::new(tools::CHROMEDRIVER.bin);
        driver_cmd
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so Drop can kill Chromium with it.
            .process_group(0);
        cmd::echo(&driver_cmd);
        let chromedriver =
            driver_cmd.spawn().with_context(|| format!("could not start {}", tools::CHROMEDRIVER.bin))?;
        // From here on, Drop cleans up whatever happens.
        let mut browser = Browser { driver: None, chromedriver, profile, base };
        wait_for_port(port, Duration::from_secs(15)).context("chromedriver did not start listening")?;

        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(tools::CHROMIUM.bin)?;
        for arg in [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--window-size=1280,900",
            // Pixels are CSS pixels: the underscore test needs scale 1.
            "--force-device-scale-factor=1",
        ] {
            caps.add_arg(arg)?;
        }
        caps.add_arg(&format!("--user-data-dir={}", browser.profile.display()))?;
        caps.set_browser_log_level(LoggingPrefsLogLevel::All)?;
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps)
            .await
            .context("could not start a Chromium session through chromedriver")?;
        browser.driver = Some(driver);
        Ok(browser)
    }

    /// The WebDriver session.
    pub fn driver(&self) -> &WebDriver {
        self.driver.as_ref().expect("the session exists until drop")
    }

    /// The absolute URL of a book path (`beyond/loom.html`).
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base, path.trim_start_matches('/'))
    }

    /// Ends the session politely, then lets Drop kill what is left.
    pub async fn quit(mut self) {
        if let Some(driver) = self.driver.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), driver.quit()).await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A session still open here (an error or a panic) is abandoned: the
        // processes behind it are killed below.
        std::mem::forget(self.driver.take());
        // chromedriver leads its process group (`process_group(0)`), so its
        // pid is the group's id.
        if let Ok(pgid) = libc::pid_t::try_from(self.chromedriver.id()) {
            // SAFETY: a plain syscall; the group is ours (we started its leader).
            unsafe { libc::kill(-pgid, libc::SIGKILL) };
        }
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A free loopback port (bound, read, released).
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

fn wait_for_port(port: u16, timeout: Duration) -> Result<()> {
    let listening = wait_timeout(timeout, Duration::from_millis(50), || {
        anyhow::Ok(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok().then_some(()))
    })?;
    listening.with_context(|| format!("nothing listens on 127.0.0.1:{port} after {} s", timeout.as_secs()))
}
