//! `src/beyond/condvar.md`: waiting until a condition holds.

pub mod one_condvar;
pub mod puzzle_if_wait;
pub mod puzzle_one_condvar;
pub mod puzzle_while_wait;
pub mod queue;
pub mod timeout;
