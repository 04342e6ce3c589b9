//! `cargo xtask bench spin`: Part 3's spin lock against locks that park, at
//! 1 thread, as many threads as cores, and 2, 4 and 8 times as many —
//! the "Spinning when threads outnumber cores" section of "Measuring
//! contention".

use anyhow::Result;

use super::report::{self, Metric, Report};
use super::{Generated, Group};

/// Four locks × two critical sections × five thread counts. Each point
/// does the same 1 M increments; on the busy 2-core machine the spin lock
/// with the longer critical section at 16 threads takes seconds per run,
/// and the whole group (6 passes) about a minute and a half.
pub const GROUP: Group = Group {
    name: "spin",
    binary_group: "spin",
    json: "src/beyond/measuring-spin.json",
    ops: 1_000_000,
    repeats: 5,
    plot,
    extras,
};

/// Room above the highest point for the legend: the lines of this group
/// end high on both sides of the plot.
const HEADROOM: f64 = 1.45;

fn plot(report: &Report) -> Result<String> {
    report::svg_of(report, &Metric { headroom: HEADROOM, ..Metric::throughput(report) })
}

/// The plot and the table of CPU time per increment, beside the throughput ones.
fn extras(report: &Report, command: &str) -> Result<Vec<Generated>> {
    let cpu = Metric {
        title: "CPU time per increment".into(),
        y_desc: "CPU nanoseconds per increment (all threads)".into(),
        value: |p| p.cpu_ns_per_op,
        headroom: HEADROOM,
    };
    Ok(vec![
        ("src/beyond/measuring-spin-cpu.svg", report::svg_of(report, &cpu)?),
        ("src/beyond/measuring-spin-cpu.md", report::cpu_table(report, command)?),
    ])
}
