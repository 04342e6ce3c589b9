//! `src/beyond/condvar.md`: waiting until a condition holds.

pub mod queue;
pub mod timeout;
