//! arc-swap: readers load a snapshot without a lock; a writer swaps it.

use std::sync::Arc;

use arc_swap::ArcSwap;

// ANCHOR: arc_swap
/// Settings that readers load constantly and an admin changes rarely.
#[derive(Debug)]
pub struct Settings {
    pub max_connections: u32,
}

pub fn main() {
    let current = ArcSwap::from_pointee(Settings { max_connections: 10 });

    let snapshot: Arc<Settings> = current.load_full(); // a reader keeps its copy
    current.store(Arc::new(Settings { max_connections: 50 })); // a writer swaps

    println!("old snapshot: {}", snapshot.max_connections);
    println!("new readers see: {}", current.load().max_connections);
}
// ANCHOR_END: arc_swap

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_outlives_the_swap() {
        let current = ArcSwap::from_pointee(1);
        let old = current.load_full();
        current.store(Arc::new(2));
        assert_eq!((*old, **current.load()), (1, 2));
    }
}
