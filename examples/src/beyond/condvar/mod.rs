//! `src/beyond/condvar.md`: waiting until a condition holds.

pub mod one_condvar;
pub mod queue;
pub mod timeout;
