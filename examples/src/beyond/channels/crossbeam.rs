//! crossbeam-channel: many consumers of one queue, and `select!`.

use crossbeam_channel::{bounded, select, unbounded};
use std::thread;

// ANCHOR: main
pub fn main() {
    println!("sum of squares 1..=10: {}", sum_of_squares(10, 3));
}

/// Squares `1..=n` on `workers` threads that share one job queue.
pub fn sum_of_squares(n: u64, workers: usize) -> u64 {
    let (jobs_tx, jobs_rx) = bounded::<u64>(4);
    let (results_tx, results_rx) = unbounded::<u64>();
    let (stop_tx, stop_rx) = bounded::<()>(0);

    thread::scope(|s| {
        for _ in 0..workers {
            // A crossbeam Receiver is Clone: three workers share one queue.
            let (jobs_rx, results_tx, stop_rx) = (jobs_rx.clone(), results_tx.clone(), stop_rx.clone());
            s.spawn(move || {
                loop {
                    select! {
                        recv(jobs_rx) -> job => match job {
                            Ok(n) => results_tx.send(n * n).unwrap(),
                            Err(_) => break, // queue closed and empty
                        },
                        recv(stop_rx) -> _ => break, // stop_tx dropped: stop now
                    }
                }
            });
        }
        for job in 1..=n {
            jobs_tx.send(job).unwrap();
        }
        drop(jobs_tx);
        let total = results_rx.iter().take(n as usize).sum();
        drop(stop_tx); // every worker's `select!` sees the stop channel close
        total
    })
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    #[test]
    fn every_job_is_done_exactly_once() {
        assert_eq!(super::sum_of_squares(10, 3), 385);
        assert_eq!(super::sum_of_squares(100, 4), 338_350);
        assert_eq!(super::sum_of_squares(0, 2), 0);
    }
}
