//! A `static` mutex: one for the whole program, no `Arc`, no passing around.

use std::sync::Mutex;
use std::thread;

// ANCHOR: statics
/// The next id to hand out. `Mutex::new` is a `const fn` (since Rust 1.63),
/// so a mutex can be built at compile time and live in a `static`.
static NEXT_ID: Mutex<u64> = Mutex::new(1);

/// Returns a fresh id, never the same twice in this process.
pub fn next_id() -> u64 {
    let mut next = NEXT_ID.lock().unwrap();
    let id = *next;
    *next += 1;
    id
}

pub fn main() {
    let mut ids: Vec<u64> = thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| [next_id(), next_id()])).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    ids.sort();
    println!("{ids:?}");
}
// ANCHOR_END: statics

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_across_threads() {
        // Other tests may take ids from the same static, so check uniqueness
        // rather than exact values.
        let mut ids: Vec<u64> = thread::scope(|s| {
            let handles: Vec<_> =
                (0..4).map(|_| s.spawn(|| (0..100).map(|_| next_id()).collect::<Vec<_>>())).collect();
            handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 400);
    }
}
