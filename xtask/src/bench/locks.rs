//! `cargo xtask bench locks`: the counters of "Correctness or throughput?".

use std::time::Instant;

use anyhow::Result;

use crate::cmd;

/// Runs the counter benchmark and regenerates its plot and table.
pub fn run(ops: u64, repeats: u32) -> Result<()> {
    let started = Instant::now();
    cmd::step("Benchmark: counters (release build of examples/src/bin/bench.rs)");
    let json = crate::root().join("src/real-world/throughput-counters.json");
    let extra = ["--ops".to_string(), ops.to_string(), "--repeats".to_string(), repeats.to_string()];
    super::run_group("counters", &json, &extra)?;
    super::render(&json, "cargo xtask bench locks")?;
    println!("\nbench locks finished in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
