//! `cargo xtask bench locks`: the counters of "Correctness or throughput?" and
//! "Measuring contention".

use anyhow::Result;

use super::report::{self, Report};
use super::{Generated, Group};

/// The counters: the full table beside the throughput page, plus the std vs
/// parking_lot rows for the parking_lot page and the run-to-run spread for
/// the measuring page. 20 M increments × 8 passes take about a minute on a
/// 2-core machine.
pub const GROUP: Group = Group {
    name: "locks",
    binary_group: "counters",
    json: "src/real-world/throughput-counters.json",
    ops: 20_000_000,
    repeats: 7,
    plot: report::svg,
    extras,
};

fn extras(report: &Report, command: &str) -> Result<Vec<Generated>> {
    Ok(vec![
        (
            "src/beyond/parking-lot-counters.md",
            report::table_for_keys(report, command, &["mutex", "parking_lot"])?,
        ),
        ("src/beyond/measuring-spread.md", report::spread(report, command)),
    ])
}
