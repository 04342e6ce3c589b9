//! `cargo xtask bench caches`: the shared maps of "Measuring contention".

use std::time::Instant;

use anyhow::Result;

use crate::cmd;

/// Runs the cache benchmark (four maps × three read/write mixes) and
/// regenerates src/beyond/measuring-caches.{json,svg,md}.
pub fn run(ops: u64, repeats: u32, render_only: bool) -> Result<()> {
    let started = Instant::now();
    cmd::step("Benchmark: caches (release build of examples/src/bin/bench.rs)");
    let json = crate::paths::root().join("src/beyond/measuring-caches.json");
    let extra = ["--ops".to_string(), ops.to_string(), "--repeats".to_string(), repeats.to_string()];
    if !render_only {
        super::run_group("caches", &json, &extra)?;
    }
    super::render(&json, "cargo xtask bench caches")?;
    println!("\nbench caches finished in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
