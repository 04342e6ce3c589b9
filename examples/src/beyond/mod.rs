//! Part 2: beyond `Mutex` — the other primitives, and loom.

pub mod atomics;
pub mod channels;
pub mod condvar;
pub mod loom_models;
pub mod measuring;
pub mod measuring_spin;
pub mod once;
pub mod parking_lot;
pub mod rwlock;
