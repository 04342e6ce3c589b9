//! Does sharding beat one lock? Run it:
//!
//! ```sh
//! cargo run --release -p exercises --example sharded_bench
//! ```
//!
//! Threads increment keys in a tight loop, first in one
//! `Mutex<HashMap<String, u64>>`, then in your `ShardedCounter`, and the bench
//! prints nanoseconds per increment for each: the median of five runs, the
//! two variants taking turns. Only increments are timed; each thread reuses
//! its own key strings.

use std::collections::HashMap;
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use exercises::sharded::ShardedCounter;

const PER_THREAD: usize = 200_000;
const KEYS: usize = 64;

/// Timed runs per variant; the median is reported.
const RUNS: usize = 5;

/// The median of `RUNS` runs of each of `variants` (nanoseconds per
/// increment), with the variants interleaved: run 1 of every variant, then
/// run 2 of every variant, … so a slow moment on the machine hits all of
/// them alike. The median ignores an unlucky run without picking a lucky one
/// (the fastest run says how lucky the machine was, not how fast the code is).
fn medians(threads: usize, variants: &[&(dyn Fn(&str) + Sync)]) -> Vec<f64> {
    let mut runs = vec![Vec::with_capacity(RUNS); variants.len()];
    for _ in 0..RUNS {
        for (variant, increment) in variants.iter().enumerate() {
            runs[variant].push(ns_per_op(time_once(threads, *increment), threads));
        }
    }
    runs.into_iter()
        .map(|mut r| {
            r.sort_by(f64::total_cmp);
            r[r.len() / 2]
        })
        .collect()
}

/// Runs `increment` on `threads` threads, `PER_THREAD` times each, and
/// returns the wall-clock time from the common start to the last finish.
fn time_once(threads: usize, increment: &(dyn Fn(&str) + Sync)) -> Duration {
    let keys: Vec<String> = (0..KEYS).map(|k| format!("key-{k}")).collect();
    let start = Barrier::new(threads + 1);
    thread::scope(|s| {
        for t in 0..threads {
            let (keys, start) = (&keys, &start);
            s.spawn(move || {
                start.wait();
                for i in 0..PER_THREAD {
                    increment(&keys[(i + t * 7) % KEYS]);
                }
            });
        }
        start.wait();
        Instant::now()
    })
    .elapsed()
}

fn ns_per_op(elapsed: Duration, threads: usize) -> f64 {
    elapsed.as_nanos() as f64 / (threads * PER_THREAD) as f64
}

fn main() {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{cores} cores; {PER_THREAD} increments per thread over {KEYS} keys (wall-clock ns per increment, median of {RUNS}, interleaved)"
    );
    println!("{:>7}  {:>12}  {:>12}  {:>8}", "threads", "one lock", "16 shards", "speed-up");
    for threads in [1, 2, 4, 8] {
        let single = Mutex::new(HashMap::<String, u64>::new());
        let one_lock = |key: &str| {
            // The same work as the sharded counter: no allocation for known keys.
            let mut map = single.lock().unwrap();
            match map.get_mut(key) {
                Some(count) => *count += 1,
                None => {
                    map.insert(key.to_string(), 1);
                }
            }
        };
        let sharded = ShardedCounter::new(16);
        let shards = |key: &str| sharded.increment(key);
        let [a, b] = medians(threads, &[&one_lock, &shards])[..] else { unreachable!("two variants") };
        let expected = (RUNS * threads * PER_THREAD) as u64;
        assert_eq!(sharded.total(), expected, "the sharded counter lost updates");
        println!("{threads:>7}  {a:>12.1}  {b:>12.1}  {:>7.2}x", a / b);
    }
}
