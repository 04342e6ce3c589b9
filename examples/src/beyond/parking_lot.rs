//! `src/beyond/parking-lot.md`: sizes of std and parking_lot locks, and
//! arc-swap snapshots.

use std::mem::size_of;
use std::sync::Arc;

use arc_swap::ArcSwap;

// ANCHOR: sizes
pub fn sizes() {
    println!("{:<22} {:>4} {:>12}", "type", "std", "parking_lot");
    println!(
        "{:<22} {:>4} {:>12}",
        "Mutex<()>",
        size_of::<std::sync::Mutex<()>>(),
        size_of::<parking_lot::Mutex<()>>()
    );
    println!(
        "{:<22} {:>4} {:>12}",
        "Mutex<u64>",
        size_of::<std::sync::Mutex<u64>>(),
        size_of::<parking_lot::Mutex<u64>>()
    );
    println!(
        "{:<22} {:>4} {:>12}",
        "RwLock<()>",
        size_of::<std::sync::RwLock<()>>(),
        size_of::<parking_lot::RwLock<()>>()
    );
    println!(
        "{:<22} {:>4} {:>12}",
        "Condvar",
        size_of::<std::sync::Condvar>(),
        size_of::<parking_lot::Condvar>()
    );
}
// ANCHOR_END: sizes

// ANCHOR: no_poison
pub fn no_poison() {
    let counter = parking_lot::Mutex::new(0);
    std::thread::scope(|s| {
        let crashed = s.spawn(|| {
            let mut n = counter.lock(); // no Result: nothing to unwrap
            *n += 1;
            panic!("crash while holding the lock");
        });
        assert!(crashed.join().is_err());
    });
    // The lock was released during unwinding and is usable as if nothing happened.
    *counter.lock() += 1;
    println!("after the crash: {}", *counter.lock());
}
// ANCHOR_END: no_poison

// ANCHOR: arc_swap
/// Settings that readers load constantly and an admin changes rarely.
#[derive(Debug)]
pub struct Settings {
    pub max_connections: u32,
}

pub fn snapshots() {
    let current = ArcSwap::from_pointee(Settings { max_connections: 10 });

    let snapshot: Arc<Settings> = current.load_full(); // a reader keeps its copy
    current.store(Arc::new(Settings { max_connections: 50 })); // a writer swaps

    println!("old snapshot: {}", snapshot.max_connections);
    println!("new readers see: {}", current.load().max_connections);
}
// ANCHOR_END: arc_swap

pub fn main() {
    sizes();
    no_poison();
    snapshots();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parking_lot_mutex_is_one_byte() {
        assert_eq!(size_of::<parking_lot::Mutex<()>>(), 1);
        assert!(size_of::<std::sync::Mutex<()>>() > 1);
    }

    #[test]
    fn snapshot_outlives_the_swap() {
        let current = ArcSwap::from_pointee(1);
        let old = current.load_full();
        current.store(Arc::new(2));
        assert_eq!((*old, **current.load()), (1, 2));
    }
}
