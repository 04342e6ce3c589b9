//! Part 1, chapter 3: common mistakes.

pub mod r#async;
pub mod channels_instead;
pub mod deadlocks;
pub mod holding_too_long;
pub mod locking_too_much;
