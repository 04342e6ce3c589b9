//! `cargo xtask bench caches`: the shared maps of "Measuring contention".

use anyhow::Result;

use super::report::{self, Report};
use super::{Generated, Group};

/// Four maps × three read/write mixes; the table and plot sit beside the
/// JSON, nothing else.
pub const GROUP: Group = Group {
    name: "caches",
    binary_group: "caches",
    json: "src/beyond/measuring-caches.json",
    ops: 2_000_000,
    repeats: 5,
    plot: report::svg,
    extras,
};

fn extras(_: &Report, _: &str) -> Result<Vec<Generated>> {
    Ok(Vec::new())
}
