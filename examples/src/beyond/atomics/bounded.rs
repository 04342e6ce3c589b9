//! A `compare_exchange` loop: hand out at most `limit` tickets.

use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;

// ANCHOR: take
/// Takes one ticket if any are left; never goes past `limit`.
pub fn take_ticket(sold: &AtomicU32, limit: u32) -> Option<u32> {
    let mut current = sold.load(Ordering::Relaxed);
    loop {
        if current == limit {
            return None; // sold out
        }
        // "If it is still `current`, make it `current + 1`."
        match sold.compare_exchange(current, current + 1, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return Some(current + 1), // we won: ticket number current + 1
            Err(actual) => current = actual,   // someone beat us: retry with their value
        }
    }
}
// ANCHOR_END: take

// ANCHOR: main
pub fn main() {
    let sold = AtomicU32::new(0);
    let won: u32 = thread::scope(|s| {
        let buyers: Vec<_> = (0..8)
            .map(|_| s.spawn(|| (0..10).filter(|_| take_ticket(&sold, 50).is_some()).count() as u32))
            .collect();
        buyers.into_iter().map(|b| b.join().unwrap()).sum()
    });
    println!("80 attempts, {won} tickets sold, counter = {}", sold.load(Ordering::Relaxed));
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_oversells_and_numbers_are_unique() {
        let sold = AtomicU32::new(0);
        let mut tickets: Vec<u32> = thread::scope(|s| {
            let hs: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..100).filter_map(|_| take_ticket(&sold, 150)).collect::<Vec<_>>()))
                .collect();
            hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        tickets.sort_unstable();
        assert_eq!(tickets, (1..=150).collect::<Vec<_>>());
    }
}
