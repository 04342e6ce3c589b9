//! `process_until_empty` pops jobs from the back: newest first.
//! expect: oldest first

use crate::sync::Mutex;

pub fn process_pending<T>(queue: &Mutex<Vec<T>>, work: impl FnMut(T)) -> usize {
    let jobs = std::mem::take(&mut *queue.lock().unwrap());
    let count = jobs.len();
    jobs.into_iter().for_each(work);
    count
}

pub fn process_until_empty<T>(queue: &Mutex<Vec<T>>, mut work: impl FnMut(T)) -> usize {
    let mut count = 0;
    loop {
        let job = queue.lock().unwrap().pop();
        match job {
            Some(job) => {
                work(job);
                count += 1;
            }
            None => return count,
        }
    }
}
