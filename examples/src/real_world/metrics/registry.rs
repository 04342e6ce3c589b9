//! A small metrics registry: named counters and a latency histogram behind
//! one lock, so a snapshot of all of them is consistent.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::thread;

use serde_json::{Value, json};

// ANCHOR: registry
/// Upper bounds (inclusive) of the latency buckets, in milliseconds; one
/// more bucket counts everything slower.
const BUCKETS_MS: [u64; 4] = [10, 50, 100, 500];

#[derive(Default)]
struct Inner {
    counters: BTreeMap<&'static str, u64>,
    latency_counts: [u64; BUCKETS_MS.len() + 1],
    latency_sum_ms: u64,
}

/// Shared by every request handler; the only way in is its methods.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    /// Adds `n` to the counter `name` (created at 0 on first use).
    pub fn add(&self, name: &'static str, n: u64) {
        *self.inner.lock().unwrap().counters.entry(name).or_insert(0) += n;
    }

    /// Records one finished request: its counters and its latency change
    /// together, under one lock, so no snapshot sees half of it.
    pub fn record_request(&self, ok: bool, latency_ms: u64) {
        let bucket = BUCKETS_MS.iter().position(|&b| latency_ms <= b).unwrap_or(BUCKETS_MS.len());
        let mut inner = self.inner.lock().unwrap();
        *inner.counters.entry("requests").or_insert(0) += 1;
        if !ok {
            *inner.counters.entry("errors").or_insert(0) += 1;
        }
        inner.latency_counts[bucket] += 1;
        inner.latency_sum_ms += latency_ms;
    }
}
// ANCHOR_END: registry

// ANCHOR: snapshot
impl Metrics {
    /// Every metric as JSON, as it was at one instant.
    pub fn snapshot(&self) -> Value {
        // Copy out under the lock; build the JSON after it is released.
        let (counters, counts, sum_ms) = {
            let inner = self.inner.lock().unwrap();
            (inner.counters.clone(), inner.latency_counts, inner.latency_sum_ms)
        };
        let mut buckets: Vec<Value> =
            BUCKETS_MS.iter().zip(counts).map(|(le, count)| json!({ "le_ms": le, "count": count })).collect();
        buckets.push(json!({ "le_ms": "inf", "count": counts[BUCKETS_MS.len()] }));
        json!({
            "counters": counters,
            "latency": { "count": counts.iter().sum::<u64>(), "sum_ms": sum_ms, "buckets": buckets },
        })
    }
}
// ANCHOR_END: snapshot

// ANCHOR: main
pub fn main() {
    let metrics = Metrics::default();
    thread::scope(|s| {
        for worker in 0..4 {
            let metrics = &metrics;
            s.spawn(move || {
                for i in 0..25 {
                    // Every tenth request fails; latencies cycle 5, 30, 80, 300, 900 ms.
                    let latency = [5, 30, 80, 300, 900][(worker + i) % 5];
                    metrics.record_request(i % 10 != 9, latency);
                }
                metrics.add("workers_done", 1);
            });
        }
    });
    println!("{}", serde_json::to_string_pretty(&metrics.snapshot()).unwrap());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_inclusive_upper_bounds() {
        let metrics = Metrics::default();
        for ms in [0, 10, 11, 50, 100, 101, 500, 501] {
            metrics.record_request(true, ms);
        }
        let snap = metrics.snapshot();
        let counts: Vec<u64> = snap["latency"]["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .collect();
        assert_eq!(counts, [2, 2, 1, 2, 1]);
        assert_eq!(snap["latency"]["sum_ms"], 1273);
        assert_eq!(snap["counters"]["requests"], 8);
        assert!(snap["counters"].get("errors").is_none());
    }

    #[test]
    fn every_snapshot_is_consistent_while_writers_run() {
        let metrics = Metrics::default();
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    for i in 0..2000 {
                        metrics.record_request(i % 4 != 0, i % 700);
                    }
                });
            }
            s.spawn(|| {
                for _ in 0..500 {
                    let snap = metrics.snapshot();
                    let requests = snap["counters"].get("requests").and_then(Value::as_u64).unwrap_or(0);
                    let errors = snap["counters"].get("errors").and_then(Value::as_u64).unwrap_or(0);
                    assert_eq!(snap["latency"]["count"], requests, "histogram and counter disagree");
                    assert!(errors <= requests, "more errors than requests: {snap}");
                }
            });
        });
        assert_eq!(metrics.snapshot()["counters"]["requests"], 6000);
        assert_eq!(metrics.snapshot()["counters"]["errors"], 1500);
    }
}
