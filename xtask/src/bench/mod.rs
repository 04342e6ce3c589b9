//! `cargo xtask bench …`: performance reports (not tests: they print figures
//! and say whether each target is met, and fail only if the measurement fails).

mod playground;

use anyhow::Result;
use clap::Subcommand;

/// What to measure.
#[derive(Subcommand)]
pub enum Target {
    /// Round-trip latency of the local playground's /evaluate.json against a
    /// bare rustc compile + run, for std, parking_lot and loom snippets, plus
    /// an unchanged re-run (binary cache hit).
    Playground {
        /// Runs per measurement (p50/p95 need at least 20).
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
}

/// Runs the benchmark `target`.
pub fn run(target: Target) -> Result<()> {
    match target {
        Target::Playground { runs } => playground::run(runs),
    }
}
