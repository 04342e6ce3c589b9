//! crossbeam-channel: many consumers of one queue, and `select!`.

use crossbeam_channel::{bounded, select, unbounded};
use std::thread;

// ANCHOR: main
pub fn main() {
    let (jobs_tx, jobs_rx) = bounded::<u64>(4);
    let (results_tx, results_rx) = unbounded::<u64>();
    let (stop_tx, stop_rx) = bounded::<()>(0);

    thread::scope(|s| {
        for _ in 0..3 {
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
        for n in 1..=10 {
            jobs_tx.send(n).unwrap();
        }
        drop(jobs_tx);
        let total: u64 = results_rx.iter().take(10).sum();
        println!("sum of squares 1..=10: {total}");
        drop(stop_tx);
    });
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    #[test]
    fn workers_finish() {
        super::main();
    }
}
