//! Part 1, chapter 1: shared mutable state.

pub mod counter;
pub mod lost_updates;
pub mod send_and_sync;
