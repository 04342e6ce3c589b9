//! `cargo xtask bench …`: the course's benchmarks. `locks` runs a release
//! build of `examples/src/bin/bench.rs` and turns its JSON into the plots and
//! tables the book includes; `playground` measures the local playground and
//! `pages` what a reader's browser downloads.
//! Benchmarks are reports, not tests: nothing in `cargo xtask test` depends
//! on their timings.
//!
//! Each target is a small module; to add one, add a variant to [`Target`]
//! and a match arm in [`run`].

mod locks;
mod pages;
mod playground;
pub mod report;

use std::path::Path;

use anyhow::{Context, Result};
use clap::Subcommand;

use crate::cmd;

/// What to benchmark.
#[derive(Subcommand)]
pub enum Target {
    /// Counters under contention (Mutex, atomic, sharded, per-thread) across
    /// 1..=2×cores threads; writes src/real-world/throughput-counters.{json,svg,md}
    /// (under 2 minutes on 2 cores).
    Locks {
        /// Increments per data point (split over the threads).
        #[arg(long, default_value_t = 20_000_000)]
        ops: u64,
        /// Timed runs per data point (after one warm-up run); the median is reported.
        #[arg(long, default_value_t = 7)]
        repeats: u32,
    },
    /// Round-trip latency of the local playground's /evaluate.json against a
    /// bare rustc compile + run, for std, parking_lot and loom snippets, plus
    /// an unchanged re-run (binary cache hit).
    Playground {
        /// Runs per measurement (p50/p95 need at least 20).
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// Load every page in headless Chromium with a cold cache: bytes before
    /// first paint, total bytes, paint and load times, warm-cache bytes of
    /// the next page, and where the bytes go.
    Pages,
}

/// Runs one benchmark target.
pub fn run(target: Target) -> Result<()> {
    match target {
        Target::Locks { ops, repeats } => locks::run(ops, repeats),
        Target::Playground { runs } => playground::run(runs),
        Target::Pages => pages::run(),
    }
}

/// The toolchain that builds the benchmarks, as `rustc -V` prints it.
fn toolchain() -> Result<String> {
    let output = cmd::in_root("rustc").arg("-V").output().context("could not run `rustc -V`")?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Runs the release-mode bench binary for `group`, writing its JSON to `out`.
fn run_group(group: &str, out: &Path, extra: &[String]) -> Result<()> {
    let toolchain = toolchain()?;
    let mut command = cmd::cargo();
    command
        .args(["run", "--release", "--locked", "--package", "examples", "--bin", "bench", "--"])
        .arg(group)
        .arg("--toolchain")
        .arg(&toolchain)
        .arg("--out")
        .arg(out)
        .args(extra);
    cmd::run(&mut command, &format!("the `{group}` benchmark failed"))
}

/// Reads a bench JSON file and writes the SVG plot and markdown table beside it.
fn render(json: &Path, command: &str) -> Result<()> {
    let text = std::fs::read_to_string(json).with_context(|| format!("reading {}", json.display()))?;
    let report: report::Report =
        serde_json::from_str(&text).with_context(|| format!("{} is not a bench report", json.display()))?;
    let svg = json.with_extension("svg");
    std::fs::write(&svg, report::svg(&report)?).with_context(|| format!("writing {}", svg.display()))?;
    let table = json.with_extension("md");
    std::fs::write(&table, report::table(&report, command))
        .with_context(|| format!("writing {}", table.display()))?;
    println!("wrote {} and {}", svg.display(), table.display());
    Ok(())
}
