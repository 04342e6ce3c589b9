//! Sizes of std's and parking_lot's locks on the machine that runs this.

use std::mem::size_of;

// ANCHOR: sizes
pub fn main() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parking_lot_mutex_is_one_byte() {
        assert_eq!(size_of::<parking_lot::Mutex<()>>(), 1);
        assert!(size_of::<std::sync::Mutex<()>>() > 1);
    }
}
