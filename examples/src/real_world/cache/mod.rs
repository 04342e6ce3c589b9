//! `src/real-world/cache.md`: a cache type that owns its lock, and two variants.

pub mod mutex;
pub mod rwlock;
pub mod sharded;
