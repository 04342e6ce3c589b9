//! `src/real-world/metrics.md`: counters, a registry, a consistent snapshot.

pub mod counter;
pub mod puzzle_one_lock;
pub mod puzzle_torn_read;
pub mod registry;
pub mod torn_read;
