//! Part 3: underneath the lock — interior mutability, happens-before,
//! store buffering, and two locks built from atomics (one that spins, one
//! that parks), compared with std's own futex mutex.

pub mod happens_before;
pub mod interior_mutability;
#[cfg(loom)]
mod loom_cell;
pub mod parking_lock;
pub mod spin_lock;
pub mod std_mutex;
pub mod store_buffering;
