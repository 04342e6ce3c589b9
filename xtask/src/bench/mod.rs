//! `cargo xtask bench <target>`: measurements that print a report. They are
//! not tests: nothing here fails because a number is high.

mod pages;

use anyhow::Result;
use clap::Subcommand;

/// What to measure.
#[derive(Subcommand)]
pub enum Target {
    /// Load every page in headless Chromium with a cold cache: bytes before
    /// first paint, total bytes, paint and load times, warm-cache bytes of
    /// the next page, and where the bytes go.
    Pages,
}

/// Runs one benchmark.
pub fn run(target: Target) -> Result<()> {
    match target {
        Target::Pages => pages::run(),
    }
}
