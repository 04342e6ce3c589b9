//! `src/real-world/cache.md`: a cache type that owns its lock, and two variants.

pub mod mutex;
pub mod puzzle_check_then_insert;
pub mod puzzle_entry;
pub mod rwlock;
pub mod sharded;
