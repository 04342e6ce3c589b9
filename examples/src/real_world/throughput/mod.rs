//! `src/real-world/throughput.md`: four ways to count from many threads, and
//! the timed workloads `cargo xtask bench locks` runs (through `src/bin/bench.rs`).

pub mod counters;
pub mod workload;
