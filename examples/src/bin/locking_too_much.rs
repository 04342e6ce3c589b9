//! Measures what slow work under a lock costs, for `src/mistakes/locking-too-much.md`.
//!
//! Run with `cargo run --release -p examples --bin locking_too_much`.
//! Each case runs 5 times; the median wall-clock time is printed.

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

const RUNS: usize = 5;

/// Median wall-clock time of `RUNS` runs of `f`.
fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

/// `threads` threads each handle `requests` requests that wait `io` (a stand-in
/// for a disk or network call) and then record the request in a shared map.
fn io_case(threads: usize, requests: usize, io: Duration, under_lock: bool) -> Duration {
    median(|| {
        let seen = Mutex::new(HashMap::new());
        thread::scope(|s| {
            for t in 0..threads {
                let seen = &seen;
                s.spawn(move || {
                    for r in 0..requests {
                        if under_lock {
                            let mut seen = seen.lock().unwrap();
                            thread::sleep(io);
                            seen.insert((t, r), ());
                        } else {
                            thread::sleep(io);
                            seen.lock().unwrap().insert((t, r), ());
                        }
                    }
                });
            }
        });
        assert_eq!(seen.into_inner().unwrap().len(), threads * requests);
    })
}

/// Pure CPU work, no allocation: a few microseconds of xorshift.
fn work(seed: u32) -> u64 {
    let mut x = u64::from(seed) | 1;
    for _ in 0..5_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

/// `threads` threads each compute `pages` results (CPU work) into a shared map.
fn cpu_case(threads: usize, pages: u32, under_lock: bool) -> Duration {
    median(|| {
        let cache = Mutex::new(HashMap::new());
        thread::scope(|s| {
            for t in 0..threads as u32 {
                let cache = &cache;
                s.spawn(move || {
                    for p in 0..pages {
                        let id = t * pages + p;
                        if under_lock {
                            let mut cache = cache.lock().unwrap();
                            cache.insert(id, work(black_box(id)));
                        } else {
                            let page = work(black_box(id));
                            cache.lock().unwrap().insert(id, page);
                        }
                    }
                });
            }
        });
        assert_eq!(cache.into_inner().unwrap().len(), threads * pages as usize);
    })
}

fn row(case: &str, threads: usize, locked: Duration, outside: Duration) {
    println!(
        "{case:<28} {threads:>7} {:>14.1} {:>14.1} {:>8.1}x",
        locked.as_secs_f64() * 1e3,
        outside.as_secs_f64() * 1e3,
        locked.as_secs_f64() / outside.as_secs_f64()
    );
}

fn main() {
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    println!("available parallelism: {cpus}; median of {RUNS} runs, wall-clock ms");
    println!("{:<28} {:>7} {:>14} {:>14} {:>9}", "case", "threads", "under lock", "outside", "ratio");
    let io = Duration::from_millis(1);
    for threads in [1, 2, 4, 8] {
        row(
            "1 ms I/O x 50 per thread",
            threads,
            io_case(threads, 50, io, true),
            io_case(threads, 50, io, false),
        );
    }
    for threads in [1, 2, 4] {
        row(
            "CPU work x 2000 per thread",
            threads,
            cpu_case(threads, 2000, true),
            cpu_case(threads, 2000, false),
        );
    }
}
