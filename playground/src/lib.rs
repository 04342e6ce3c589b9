//! Runs reader code: the snippet runner shared by the local server and by
//! `cargo xtask test`, so the code path a reader uses is the one CI proves.
//!
//! - [`types`]: requests, exits and reports; [`limits`]: the limits and
//!   their explanations;
//! - [`runner`]: compile, cache, run; [`process`]: supervising one process;
//!   [`sandbox`]: who a program runs as and where; [`cache`]: the bounded
//!   binary cache; [`deadlock`]: the deadlock detector; [`wait`]: bounded
//!   polling (xtask's waits use it too);
//! - [`exercise`]: checking an exercise's bundle, half by half;
//!   [`diagnosis`]: what only the runner knows about it, in words;
//! - [`server`]: the local playground server.

pub mod cache;
pub mod deadlock;
pub mod deps;
pub mod diagnosis;
pub mod exercise;
pub mod limits;
pub mod process;
pub mod runner;
pub mod sandbox;
mod scratch;
pub mod server;
pub mod types;
pub mod wait;

pub use deadlock::{BlockedThread, DETECTOR_ENV, DeadlockReport, Frame, WaitKind};
pub use deps::DepSet;
pub use limits::{Limits, RunAs};
pub use runner::{Execute, Runner};
pub use sandbox::UidRange;
pub use types::{Activity, Edition, Exit, LimitHit, Mode, ProcessOutput, Report, Request};
