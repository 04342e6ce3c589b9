//! `src/real-world/metrics.md`: counters, a registry, a consistent snapshot.

pub mod counter;
pub mod registry;
pub mod torn_read;
