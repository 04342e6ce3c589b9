//! `src/beyond/once.md`: `OnceLock` and `LazyLock` for one-time setup.

pub mod lazy_lock;
pub mod once_lock;
pub mod poison;
