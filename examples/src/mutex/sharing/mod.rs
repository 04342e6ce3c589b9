//! `src/mutex/sharing.md`: four ways to let many threads reach one mutex.

pub mod arc;
pub mod lazy;
pub mod scoped;
pub mod statics;
