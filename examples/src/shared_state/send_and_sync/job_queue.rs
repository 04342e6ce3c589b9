//! A queue of boxed jobs: `dyn FnOnce() + Send` is `Send` but not `Sync`, yet a
//! `Mutex` around the queue can be shared by every worker.

use std::sync::Mutex;
use std::thread;

// ANCHOR: queue
/// A job: any closure that returns a `u64` and may be sent to another
/// thread. It need not be `Sync`: only one worker at a time will touch it.
type Job = Box<dyn FnOnce() -> u64 + Send>;

/// Runs every job on `workers` scoped threads and returns the sum of results.
pub fn run_all(jobs: Vec<Job>, workers: usize) -> u64 {
    let queue = Mutex::new(jobs); // Mutex<Vec<Job>>: Sync because Job: Send
    let total = Mutex::new(0);

    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    // The guard is a temporary: unlocked at the end of this line.
                    let next = queue.lock().unwrap().pop();
                    match next {
                        Some(job) => {
                            let result = job(); // runs with the queue unlocked
                            *total.lock().unwrap() += result;
                        }
                        None => break, // the queue is empty: this worker is done
                    }
                }
            });
        }
    });
    total.into_inner().unwrap()
}

pub fn main() {
    let mut jobs: Vec<Job> = Vec::new();
    for n in 1..=10 {
        jobs.push(Box::new(move || n * n));
    }
    println!("sum of squares 1..=10: {}", run_all(jobs, 3));
}
// ANCHOR_END: queue

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_runs_exactly_once() {
        let mut jobs: Vec<Job> = Vec::new();
        for n in 1..=100 {
            jobs.push(Box::new(move || n));
        }
        assert_eq!(run_all(jobs, 4), 5050);
    }

    #[test]
    fn no_jobs_no_work() {
        assert_eq!(run_all(Vec::new(), 2), 0);
    }
}
