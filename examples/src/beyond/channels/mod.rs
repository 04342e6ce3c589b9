//! `src/beyond/channels.md`: message passing in depth.

pub mod actor;
pub mod backpressure;
pub mod crossbeam;
