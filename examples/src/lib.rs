//! Every program the Fearless Locking book shows, with its tests.
//!
//! Modules follow the book: `shared_state::counter` holds the code of
//! `src/shared-state/counter.md`. A file the book includes with
//! `{{#rustdoc_include}}` is a whole program (it has a `main` and uses only
//! std and this crate's dependencies), so the reader can run it as shown.
//! Loom model checks live in `#[cfg(all(test, loom))]` modules whose path
//! contains `loom` (they import the crate as `::loom`); run them with `cargo xtask test` (or `RUSTFLAGS="--cfg loom" cargo test
//! --release -p examples --target-dir target/loom -- loom`).

pub mod beyond;
pub mod mistakes;
pub mod mutex;
pub mod real_world;
pub mod shared_state;
pub mod underneath;
