//! `src/mistakes/deadlocks.md`: re-locking, lock-order cycles and their fixes.

pub mod lock_order;
pub mod puzzle_ordered;
pub mod puzzle_transfers;
pub mod relock;
