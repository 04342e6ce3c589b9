//! Reference solution for exercise `guard-scope`.

use crate::sync::Mutex;

// ANCHOR: solution
/// Runs `work` on every job waiting in `queue`, oldest first, and returns how
/// many jobs it ran. Jobs that other threads add while `work` runs stay in the
/// queue for next time.
///
/// `work` is slow (think: a network call). While it runs, other threads must
/// be able to lock `queue` to add jobs.
pub fn process_pending<T>(queue: &Mutex<Vec<T>>, work: impl FnMut(T)) -> usize {
    // The guard is a temporary: it is dropped at the end of this statement.
    let jobs = std::mem::take(&mut *queue.lock().unwrap());
    let count = jobs.len();
    jobs.into_iter().for_each(work); // No lock held here.
    count
}

/// Like [`process_pending`], but keeps going until the queue is empty, so jobs
/// added while `work` runs (even by `work` itself) are processed too, oldest
/// first. Returns how many jobs it ran.
pub fn process_until_empty<T>(queue: &Mutex<Vec<T>>, mut work: impl FnMut(T)) -> usize {
    let mut count = 0;
    loop {
        let jobs = std::mem::take(&mut *queue.lock().unwrap());
        if jobs.is_empty() {
            return count;
        }
        count += jobs.len();
        jobs.into_iter().for_each(&mut work);
    }
}
// ANCHOR_END: solution
