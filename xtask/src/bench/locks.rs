//! `cargo xtask bench locks`: the counters of "Correctness or throughput?" and
//! "Measuring contention".

use std::time::Instant;

use anyhow::{Context, Result};

use crate::cmd;

const COMMAND: &str = "cargo xtask bench locks";

/// Runs the counter benchmark and regenerates its plot and tables: the full
/// table beside the throughput page, the std vs parking_lot rows for the
/// parking_lot page, and the run-to-run spread for the measuring page.
pub fn run(ops: u64, repeats: u32, render_only: bool) -> Result<()> {
    let started = Instant::now();
    cmd::step("Benchmark: counters (release build of examples/src/bin/bench.rs)");
    let root = crate::paths::root();
    let json = root.join("src/real-world/throughput-counters.json");
    let extra = ["--ops".to_string(), ops.to_string(), "--repeats".to_string(), repeats.to_string()];
    if !render_only {
        super::run_group("counters", &json, &extra)?;
    }
    let report = super::render(&json, COMMAND)?;
    let parking_lot = root.join("src/beyond/parking-lot-counters.md");
    let rows = super::report::table_for_keys(&report, COMMAND, &["mutex", "parking_lot"])?;
    std::fs::write(&parking_lot, rows).with_context(|| format!("writing {}", parking_lot.display()))?;
    let spread = root.join("src/beyond/measuring-spread.md");
    std::fs::write(&spread, super::report::spread(&report, COMMAND))
        .with_context(|| format!("writing {}", spread.display()))?;
    println!("wrote {} and {}", parking_lot.display(), spread.display());
    println!("\nbench locks finished in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
