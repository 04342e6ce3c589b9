//! `process_until_empty` takes the jobs once and never looks again.
//! expect: [3, 2, 1, 0]

use crate::sync::Mutex;

pub fn process_pending<T>(queue: &Mutex<Vec<T>>, work: impl FnMut(T)) -> usize {
    let jobs = std::mem::take(&mut *queue.lock().unwrap());
    let count = jobs.len();
    jobs.into_iter().for_each(work);
    count
}

pub fn process_until_empty<T>(queue: &Mutex<Vec<T>>, work: impl FnMut(T)) -> usize {
    process_pending(queue, work)
}
