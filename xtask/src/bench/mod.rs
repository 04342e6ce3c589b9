//! `cargo xtask bench …`: the course's benchmarks. `locks` and `caches` run a
//! release build of `examples/src/bin/bench.rs` and turn its JSON into the
//! plots and tables the book includes; `all` (or no target) runs both.
//! `playground` measures the local playground and `pages` what a reader's
//! browser downloads (neither is part of `all`).
//! Benchmarks are reports, not tests: nothing in `cargo xtask test` depends
//! on their timings.
//!
//! Each target is a small module; to add one, add a variant to [`Target`]
//! and a match arm in [`run`].

mod caches;
mod locks;
mod pages;
mod playground;
pub mod report;

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Subcommand;

use crate::cmd;

/// What to benchmark.
#[derive(Subcommand)]
pub enum Target {
    /// Everything the book includes: `locks`, then `caches`, with their
    /// default settings (what `cargo xtask bench` with no target runs).
    All,
    /// Counters under contention (Mutex, RwLock, parking_lot, atomic, sharded
    /// with and without padding, per-thread) across 1..=2×cores threads;
    /// writes src/real-world/throughput-counters.{json,svg,md},
    /// src/beyond/parking-lot-counters.md and src/beyond/measuring-spread.md.
    Locks {
        /// Increments per data point (split over the threads).
        #[arg(long, default_value_t = LOCKS_OPS)]
        ops: u64,
        /// Timed runs per data point (after one warm-up run); the median is reported.
        #[arg(long, default_value_t = LOCKS_REPEATS)]
        repeats: u32,
        /// Do not run anything: redraw the plot and tables from the committed JSON.
        #[arg(long)]
        render_only: bool,
    },
    /// Shared maps (Mutex<HashMap>, RwLock<HashMap>, padded shards, DashMap)
    /// under 100 %, 90 % and 50 % reads across 1..=2×cores threads; writes
    /// src/beyond/measuring-caches.{json,svg,md}.
    Caches {
        /// Map operations per data point (split over the threads).
        #[arg(long, default_value_t = CACHES_OPS)]
        ops: u64,
        /// Timed runs per data point (after one warm-up run); the median is reported.
        #[arg(long, default_value_t = CACHES_REPEATS)]
        repeats: u32,
        /// Do not run anything: redraw the plot and tables from the committed JSON.
        #[arg(long)]
        render_only: bool,
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

// Defaults sized so that `all` stays under 5 minutes on a 2-core machine.
const LOCKS_OPS: u64 = 20_000_000;
const LOCKS_REPEATS: u32 = 7;
const CACHES_OPS: u64 = 2_000_000;
const CACHES_REPEATS: u32 = 5;

/// Runs one benchmark target (`None`: all of the book's).
pub fn run(target: Option<Target>) -> Result<()> {
    match target.unwrap_or(Target::All) {
        Target::All => {
            let started = Instant::now();
            locks::run(LOCKS_OPS, LOCKS_REPEATS, false)?;
            caches::run(CACHES_OPS, CACHES_REPEATS, false)?;
            println!("\nbench (all) finished in {:.0} s", started.elapsed().as_secs_f64());
            Ok(())
        }
        Target::Locks { ops, repeats, render_only } => locks::run(ops, repeats, render_only),
        Target::Caches { ops, repeats, render_only } => caches::run(ops, repeats, render_only),
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

/// Reads a bench JSON file and writes the SVG plot and markdown table beside
/// it; returns the report for further tables.
fn render(json: &Path, command: &str) -> Result<report::Report> {
    let text = std::fs::read_to_string(json).with_context(|| format!("reading {}", json.display()))?;
    let report: report::Report =
        serde_json::from_str(&text).with_context(|| format!("{} is not a bench report", json.display()))?;
    let svg = json.with_extension("svg");
    std::fs::write(&svg, report::svg(&report)?).with_context(|| format!("writing {}", svg.display()))?;
    let table = json.with_extension("md");
    std::fs::write(&table, report::table(&report, command))
        .with_context(|| format!("writing {}", table.display()))?;
    println!("wrote {} and {}", svg.display(), table.display());
    Ok(report)
}
