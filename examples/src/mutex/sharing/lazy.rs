//! A `static` `Mutex<HashMap>`: `HashMap::new` is not `const`, so the map is
//! built on first use by `LazyLock` (stable since Rust 1.80).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::thread;

// ANCHOR: lazy
/// How many times each route was hit, for the whole program.
static HITS: LazyLock<Mutex<HashMap<&'static str, u64>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Records one hit on `route`.
pub fn record_hit(route: &'static str) {
    *HITS.lock().unwrap().entry(route).or_insert(0) += 1;
}

/// How many hits `route` has had so far.
pub fn hits(route: &str) -> u64 {
    HITS.lock().unwrap().get(route).copied().unwrap_or(0)
}

pub fn main() {
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..250 {
                    record_hit("/home");
                }
                record_hit("/about");
            });
        }
    });
    println!("/home: {}, /about: {}, /missing: {}", hits("/home"), hits("/about"), hits("/missing"));
}
// ANCHOR_END: lazy

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hit_is_counted() {
        // A route of its own, so other tests' hits cannot interfere.
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| (0..50).for_each(|_| record_hit("/test-only")));
            }
        });
        assert_eq!(hits("/test-only"), 200);
        assert_eq!(hits("/never"), 0);
    }
}
