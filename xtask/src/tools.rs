//! The pinned tools the book needs. Their versions live here and nowhere else.

use std::process::Command;

use anyhow::{Result, bail};

use crate::cmd;

/// A tool installed from crates.io.
pub struct Tool {
    /// The crate to `cargo install`.
    pub krate: &'static str,
    /// The binary it provides.
    pub bin: &'static str,
    /// The pinned version.
    pub version: &'static str,
}

/// Every pinned tool.
pub const TOOLS: &[Tool] = &[
    Tool { krate: "mdbook", bin: "mdbook", version: "0.5.4" },
    Tool { krate: "mdbook-quiz", bin: "mdbook-quiz", version: "0.5.0" },
    Tool { krate: "typos-cli", bin: "typos", version: "1.52.0" },
    // 1.26.1 is the newest zizmor whose dependencies build with rustc 1.95
    // (1.28 needs 1.97). Its default features stay on: without `lsp` it does
    // not compile.
    Tool { krate: "zizmor", bin: "zizmor", version: "1.26.1" },
];

/// Installs every tool whose binary on PATH is missing or at another version.
pub fn install_all() -> Result<()> {
    cmd::step("Pinned tools");
    for tool in TOOLS {
        match installed_version(tool.bin) {
            Some(v) if v == tool.version => {
                println!("{} {} is installed", tool.bin, tool.version);
                continue;
            }
            Some(v) => println!("{} is at {v}, the course pins {}: installing", tool.bin, tool.version),
            None => println!(
                "{} not found: installing {} {} (this takes a few minutes once)",
                tool.bin, tool.krate, tool.version
            ),
        }
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

/// The version a binary reports (the last word of `bin --version` that
/// looks like a version, without a leading `v`).
fn installed_version(bin: &str) -> Option<String> {
    let out = Command::new(bin).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .map(|w| w.trim_start_matches('v'))
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()) && w.contains('.'))
        .map(str::to_string)
}
