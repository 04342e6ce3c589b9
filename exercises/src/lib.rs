//! The Fearless Locking exercises.
//!
//! Each module is one exercise: a starter you complete (in `src/`), checked by
//! `cargo xtask exercises <id>` with the scenarios and models in `checks/`
//! (`cargo test` runs them too, through `tests/`). The list, with chapters
//! and hints, is `exercises.toml`. With the `solutions` feature each module
//! is swapped for its reference solution in `solutions/`, which is how CI
//! proves that every exercise can be solved.

// Starters are half-written on purpose: until you finish one, some of its
// parameters, imports and fields are not used yet. And two starters hold a
// guard too long on purpose (in `guard_scope` that is the exercise): clippy's
// `significant_drop_tightening` would point straight at the answer.
#![cfg_attr(
    not(feature = "solutions"),
    allow(unused_variables, unused_mut, unused_imports, dead_code, unreachable_code),
    allow(clippy::significant_drop_tightening)
)]

/// The locks and threads exercise code uses: std's, or loom's under `--cfg loom`.
pub mod sync;

// generated-begin: written by `cargo xtask exercises --sync` from exercises/exercises.toml; do not edit
#[cfg_attr(feature = "solutions", path = "../solutions/bank.rs")]
pub mod bank;
#[cfg_attr(feature = "solutions", path = "../solutions/counter.rs")]
pub mod counter;
#[cfg_attr(feature = "solutions", path = "../solutions/guard_scope.rs")]
pub mod guard_scope;
#[cfg_attr(feature = "solutions", path = "../solutions/id_allocator.rs")]
pub mod id_allocator;
#[cfg_attr(feature = "solutions", path = "../solutions/loom_model.rs")]
pub mod loom_model;
#[cfg_attr(feature = "solutions", path = "../solutions/queue.rs")]
pub mod queue;
#[cfg_attr(feature = "solutions", path = "../solutions/sharded.rs")]
pub mod sharded;
#[cfg_attr(feature = "solutions", path = "../solutions/spin_lock.rs")]
pub mod spin_lock;
#[cfg_attr(feature = "solutions", path = "../solutions/store.rs")]
pub mod store;
#[cfg_attr(feature = "solutions", path = "../solutions/word_count.rs")]
pub mod word_count;
// generated-end
