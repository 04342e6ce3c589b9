//! `src/shared-state/counter.md`: the seed's counter in Rust.

pub mod arc_mutex;
pub mod scoped;
