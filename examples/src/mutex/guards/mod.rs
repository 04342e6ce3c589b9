//! `src/mutex/guards.md`: the guard is the key and the unlock.

pub mod ownership;
pub mod scope;
pub mod try_lock;
