//! `process_pending` takes one job per critical section, so it also runs jobs added meanwhile.
//! expect: next round

use crate::sync::Mutex;

pub fn process_pending<T>(queue: &Mutex<Vec<T>>, mut work: impl FnMut(T)) -> usize {
    let mut count = 0;
    loop {
        let job = {
            let mut jobs = queue.lock().unwrap();
            if jobs.is_empty() {
                break;
            }
            jobs.remove(0)
        };
        work(job);
        count += 1;
    }
    count
}

pub fn process_until_empty<T>(queue: &Mutex<Vec<T>>, work: impl FnMut(T)) -> usize {
    process_pending(queue, work)
}
