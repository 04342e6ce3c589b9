//! Running independent checks side by side: the snippets and the quizzes'
//! Tracing programs each compile and run dozens of small programs.

use std::sync::Mutex;
use std::thread;

/// How many checks run at once: one per core, at most 4 (each one is a
/// rustc and a program; more would only make them queue for the CPU).
pub fn workers() -> usize {
    thread::available_parallelism().map_or(2, |n| n.get()).min(4)
}

/// `f` applied to every item, on [`workers`] threads that take the items in
/// order from one queue (a slow item does not hold up the others); the
/// results come back in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let queue = Mutex::new(items.iter().enumerate());
    let results = Mutex::new(Vec::with_capacity(items.len()));
    thread::scope(|s| {
        for _ in 0..workers().min(items.len()) {
            s.spawn(|| {
                loop {
                    // The queue's guard is dropped at the end of this
                    // statement, before the work.
                    let Some((i, item)) = queue.lock().unwrap_or_else(|e| e.into_inner()).next() else {
                        break;
                    };
                    let result = f(item);
                    results.lock().unwrap_or_else(|e| e.into_inner()).push((i, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Condvar;
    use std::time::Duration;

    #[test]
    fn results_keep_the_items_order() {
        let items: Vec<u32> = (0..50).collect();
        // Early items finish last: order must not depend on finishing order.
        let out = map(&items, |n| {
            if *n < 3 {
                std::thread::yield_now();
            }
            n * 2
        });
        assert_eq!(out, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert!(map(&[] as &[u32], |n| *n).is_empty());
    }

    #[test]
    fn items_run_side_by_side() {
        let n = workers();
        if n < 2 {
            return;
        }
        // Each item waits (at most 10 s) until all `n` are running: they see
        // each other only if `n` items really run at once.
        let running = Mutex::new(0);
        let all_in = Condvar::new();
        let out = map(&vec![(); n], |()| {
            *running.lock().unwrap() += 1;
            all_in.notify_all();
            let waited =
                all_in.wait_timeout_while(running.lock().unwrap(), Duration::from_secs(10), |c| *c < n);
            !waited.unwrap().1.timed_out()
        });
        assert_eq!(out, vec![true; n], "{n} items did not run at once");
    }
}
