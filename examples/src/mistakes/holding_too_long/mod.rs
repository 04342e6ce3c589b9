//! `src/mistakes/holding-too-long.md`: guards that live longer than they should.

pub mod named_guard;
pub mod puzzle_while_let;
