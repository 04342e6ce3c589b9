//! The programs the course's commands need beyond Rust itself: pinned tools
//! from crates.io (their versions live here and nowhere else) and Debian
//! packages. `build` and `serve` install only the book tools; `test` installs
//! everything its checks call.

use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use crate::cmd;

/// What a pinned tool is for, so a command installs only what it runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Purpose {
    /// Builds the book: `build`, `serve` and `test` need it.
    Book,
    /// A linter only `cargo xtask test` runs.
    Lint,
}

/// A tool installed from crates.io.
pub struct Tool {
    /// The crate to `cargo install`.
    pub krate: &'static str,
    /// The binary it provides.
    pub bin: &'static str,
    /// The pinned version.
    pub version: &'static str,
    pub purpose: Purpose,
    /// How long `cargo install` took on a 2-core machine, in minutes (fastest
    /// and slowest of several runs, crates already downloaded): what the
    /// reader is told to expect when the install starts.
    pub minutes: (f64, f64),
}

/// Every pinned tool.
pub const TOOLS: &[Tool] = &[
    Tool { krate: "mdbook", bin: "mdbook", version: "0.5.4", purpose: Purpose::Book, minutes: (2.5, 3.0) },
    Tool {
        krate: "mdbook-quiz",
        bin: "mdbook-quiz",
        version: "0.5.0",
        purpose: Purpose::Book,
        minutes: (1.5, 2.25),
    },
    Tool { krate: "typos-cli", bin: "typos", version: "1.52.0", purpose: Purpose::Lint, minutes: (2.5, 3.5) },
    // 1.26.1 is the newest zizmor whose dependencies build with rustc 1.95
    // (1.28 needs 1.97). Its default features stay on: without `lsp` it does
    // not compile.
    Tool { krate: "zizmor", bin: "zizmor", version: "1.26.1", purpose: Purpose::Lint, minutes: (8.5, 9.0) },
];

/// Installs the tools `build` and `serve` use (mdbook, mdbook-quiz).
pub fn install_book_tools() -> Result<()> {
    install(Some(Purpose::Book))
}

/// Installs every pinned tool (`test`, `install-tools`).
pub fn install_all() -> Result<()> {
    install(None)
}

/// Installs each tool of `purpose` (all with `None`) whose binary on PATH is
/// missing or at another version, saying first how long that should take.
fn install(purpose: Option<Purpose>) -> Result<()> {
    cmd::step("Pinned tools");
    let wanted: Vec<&Tool> = TOOLS.iter().filter(|t| purpose.is_none_or(|p| t.purpose == p)).collect();
    let mut missing = Vec::new();
    for tool in wanted {
        match installed_version(tool.bin) {
            Some(v) if v == tool.version => println!("{} {} is installed", tool.bin, tool.version),
            Some(v) => {
                println!("{} is at {v}, the course pins {}: it will be installed", tool.bin, tool.version);
                missing.push(tool);
            }
            None => {
                println!("{} not found: {} {} will be installed", tool.bin, tool.krate, tool.version);
                missing.push(tool);
            }
        }
    }
    if missing.len() > 1 {
        let (low, high) = missing.iter().fold((0.0, 0.0), |(l, h), t| (l + t.minutes.0, h + t.minutes.1));
        println!(
            "Compiling {} tools once: expect about {} in all on a 2-core machine (less with more cores).",
            missing.len(),
            minutes(low, high)
        );
    }
    for tool in missing {
        println!(
            "\nInstalling {} {}: expect about {} on a 2-core machine, once.",
            tool.krate,
            tool.version,
            minutes(tool.minutes.0, tool.minutes.1)
        );
        let mut install = cmd::cargo();
        install.args(["install", "--locked", tool.krate, "--version", tool.version]);
        cmd::run(&mut install, &format!("installing {} {} failed", tool.krate, tool.version))?;
        if installed_version(tool.bin).as_deref() != Some(tool.version) {
            bail!(
                "installed {} {} but `{} --version` still reports another version: is ~/.cargo/bin first on PATH?",
                tool.krate,
                tool.version,
                tool.bin
            );
        }
    }
    Ok(())
}

/// `2.5, 3.0` → "2½–3 min".
fn minutes(low: f64, high: f64) -> String {
    let show = |m: f64| {
        let quarters = (m * 4.0).round() as u64;
        let frac = ["", "¼", "½", "¾"][(quarters % 4) as usize];
        match quarters / 4 {
            0 if frac.is_empty() => "0".to_string(),
            0 => frac.to_string(),
            whole => format!("{whole}{frac}"),
        }
    };
    format!("{}–{} min", show(low), show(high))
}

/// The version a binary reports: the first word of `bin --version` that
/// looks like a version (`mdbook v0.5.4` → `0.5.4`).
fn installed_version(bin: &str) -> Option<String> {
    let out = Command::new(bin).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .map(|w| w.trim_start_matches('v'))
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()) && w.contains('.'))
        .map(str::to_string)
}

/// A program from a Debian package (the course's CI runs on Debian, as
/// root). Installed with apt-get when xtask runs as root and it is missing.
pub struct Package {
    /// The Debian package.
    pub name: &'static str,
    /// The program it provides, as the checks call it.
    pub bin: &'static str,
}

/// Headless Chromium for the browser tests.
pub const CHROMIUM: Package = Package { name: "chromium", bin: "/usr/bin/chromium" };
/// The WebDriver server the browser tests drive Chromium through.
pub const CHROMEDRIVER: Package = Package { name: "chromium-driver", bin: "/usr/bin/chromedriver" };
/// Node.js for the reader scripts' unit tests (bookworm's is 18, enough).
pub const NODE: Package = Package { name: "nodejs", bin: "node" };
/// npm installs the pinned axe-core for the accessibility tests.
pub const NPM: Package = Package { name: "npm", bin: "npm" };

/// Every Debian package any check needs.
pub const PACKAGES: &[&Package] = &[&CHROMIUM, &CHROMEDRIVER, &NODE, &NPM];

/// Whether every program of `packages` is there; as root, apt-get installs
/// the missing ones first. Elsewhere a missing program is an error with
/// `CI=true` and `Ok(false)` otherwise, after saying loudly that `what`
/// is skipped and how to install them.
pub fn ensure_packages(packages: &[&Package], what: &str) -> Result<bool> {
    let missing: Vec<&Package> = packages.iter().copied().filter(|p| !present(p.bin)).collect();
    if missing.is_empty() {
        return Ok(true);
    }
    let names: Vec<&str> = missing.iter().map(|p| p.name).collect();
    let bins: Vec<&str> = missing.iter().map(|p| p.bin).collect();
    let apt = format!("apt-get install -y --no-install-recommends {}", names.join(" "));
    if playground::sandbox::is_root() {
        println!("{} missing: installing Debian's {} (a minute or two)", bins.join(", "), names.join(", "));
        cmd::run(Command::new("apt-get").arg("update"), "`apt-get update` failed")?;
        let mut install = Command::new("apt-get");
        install.args(apt.split_whitespace().skip(1)).env("DEBIAN_FRONTEND", "noninteractive");
        cmd::run(&mut install, &format!("installing {} failed", names.join(", ")))?;
        let still: Vec<&str> = missing.iter().filter(|p| !present(p.bin)).map(|p| p.bin).collect();
        if !still.is_empty() {
            bail!("apt-get installed {} but {} is still missing", names.join(", "), still.join(", "));
        }
        return Ok(true);
    }
    let how = format!("install them with: sudo {apt}");
    if on_ci() {
        bail!("{what} need {}, which are missing; {how}", bins.join(", "));
    }
    println!("\n!!! SKIPPING {what}: {} missing.", bins.join(", "));
    println!("!!! {how}");
    println!("!!! (with CI=true this is an error)\n");
    Ok(false)
}

/// Whether a program is there: an absolute path exists, or a bare name is
/// found on PATH.
pub fn present(bin: &str) -> bool {
    if bin.contains('/') {
        return Path::new(bin).exists();
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(bin).is_file()))
}

/// Whether this runs on CI (`CI=true`), where a skipped check is a failure.
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_times_read_as_minutes() {
        assert_eq!(minutes(2.5, 3.0), "2½–3 min");
        assert_eq!(minutes(1.5, 2.25), "1½–2¼ min");
        assert_eq!(minutes(0.25, 0.75), "¼–¾ min");
    }

    #[test]
    fn build_and_serve_install_only_the_book_tools() {
        let book: Vec<&str> = TOOLS.iter().filter(|t| t.purpose == Purpose::Book).map(|t| t.bin).collect();
        assert_eq!(book, ["mdbook", "mdbook-quiz"]);
    }

    /// theme/index.hbs is a copy of mdBook's template with one change: it
    /// must be re-copied when the pinned mdBook changes.
    #[test]
    fn the_template_override_matches_the_pinned_mdbook() {
        let mdbook = TOOLS.iter().find(|t| t.bin == "mdbook").expect("mdbook is pinned");
        let template = std::fs::read_to_string(crate::paths::root().join("theme/index.hbs")).unwrap();
        let header = format!("mdBook {}'s index.hbs", mdbook.version);
        assert!(
            template.contains(&header),
            "theme/index.hbs does not say it is {header:?}: copy mdBook {}'s index.hbs over it and re-apply the change its header describes",
            mdbook.version
        );
    }

    #[test]
    fn programs_are_found_on_path_or_by_absolute_path() {
        assert!(present("sh") || present("/bin/sh"));
        assert!(!present("/no/such/program"));
        assert!(!present("no-such-program-fearless"));
    }
}
