//! Counts the jobs under one lock and takes them under another: a push in between is run but not counted.
//! expect: return how many jobs ran

use crate::sync::Mutex;

pub fn process_pending<T>(queue: &Mutex<Vec<T>>, work: impl FnMut(T)) -> usize {
    let count = queue.lock().unwrap().len();
    let jobs = std::mem::take(&mut *queue.lock().unwrap());
    jobs.into_iter().for_each(work);
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
