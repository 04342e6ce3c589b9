//! `src/shared-state/send-and-sync.md`: how the compiler knows what may cross
//! or be shared between threads.

pub mod job_queue;
pub mod markers;
