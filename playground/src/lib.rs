//! Runs reader code: the snippet runner shared by the local server and by
//! `cargo xtask test`, so the code path a reader uses is the one CI proves.

pub mod deadlock;
pub mod deps;
pub mod diagnosis;
pub mod runner;
pub mod sandbox;
pub mod server;

pub use deadlock::DeadlockReport;
pub use deps::DepSet;
pub use runner::{Edition, Exit, Limits, Mode, ProcessOutput, Report, Request, RunAs, Runner};
pub use sandbox::UidRange;
