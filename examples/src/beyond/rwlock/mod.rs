//! `src/beyond/rwlock.md`: many readers or one writer.

pub mod cache;
pub mod downgrade;
pub mod poisoning;
pub mod puzzle_upgrade;
pub mod writer_preference;
