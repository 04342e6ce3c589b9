//! `src/mutex/poisoning.md`: what a panic under a lock leaves behind.

pub mod bank;
pub mod recover;
