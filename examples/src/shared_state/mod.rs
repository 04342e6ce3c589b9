//! Part 1, chapter 1: shared mutable state.

pub mod counter;
