//! Part 1, chapter "Real world": a cache, shared metrics, and the
//! correctness-or-throughput question with its benchmark.

pub mod cache;
pub mod metrics;
pub mod throughput;
