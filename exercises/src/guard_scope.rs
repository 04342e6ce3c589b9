//! Exercise `guard-scope` (medium): don't hold the guard during slow work.
//!
//! Chapter: Holding the guard too long (`src/mistakes/holding-too-long.md`).
//! Check your work with `cargo xtask exercises guard-scope`.

use crate::sync::Mutex;

// ANCHOR: api
/// Runs `work` on every job waiting in `queue`, oldest first, and returns how
/// many jobs it ran. Jobs that other threads add while `work` runs stay in the
/// queue for next time.
///
/// `work` is slow (think: a network call). While it runs, other threads must
/// be able to lock `queue` to add jobs.
pub fn process_pending<T>(queue: &Mutex<Vec<T>>, mut work: impl FnMut(T)) -> usize {
    let mut jobs = queue.lock().unwrap();
    // TODO: `jobs` is the guard, and it stays alive until the end of the
    // function, so the queue is locked for the whole loop, during every
    // slow `work`. Take the jobs out in a short critical section
    // (`std::mem::take`), let the guard go, *then* run `work` on each.
    let count = jobs.len();
    for job in jobs.drain(..) {
        work(job);
    }
    count
}

/// Like [`process_pending`], but keeps going until the queue is empty, so jobs
/// added while `work` runs (even by `work` itself) are processed too, oldest
/// first. Returns how many jobs it ran.
pub fn process_until_empty<T>(queue: &Mutex<Vec<T>>, mut work: impl FnMut(T)) -> usize {
    // TODO: loop: take the waiting jobs out under the lock (guard dropped at
    // once), stop if there were none, else run `work` on each with no lock held.
    todo!("repeat short take-out critical sections until the queue is empty")
}
// ANCHOR_END: api
