//! Keeps the guard alive through the loop, so `work` runs with the queue locked.
//! expect: still locked while `work` ran

use crate::sync::Mutex;

pub fn process_pending<T>(queue: &Mutex<Vec<T>>, mut work: impl FnMut(T)) -> usize {
    let mut jobs = queue.lock().unwrap();
    let count = jobs.len();
    for job in jobs.drain(..) {
        work(job);
    }
    count
}

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
