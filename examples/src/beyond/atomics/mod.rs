//! `src/beyond/atomics.md`: counters and flags without a lock.

pub mod bounded;
pub mod fetch_add;
pub mod publish;
pub mod sharded;
