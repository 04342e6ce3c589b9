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

// ANCHOR: try_update
/// The same rule with `try_update` (stable since Rust 1.95), which runs the
/// `compare_exchange` loop for you: the closure returns the new value, or
/// `None` to give up, and may run more than once if other threads win.
pub fn take_ticket_with_try_update(sold: &AtomicU32, limit: u32) -> Option<u32> {
    sold.try_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < limit).then_some(n + 1))
        .ok()
        .map(|previous| previous + 1)
}
// ANCHOR_END: try_update

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

    fn sell_concurrently(take: fn(&AtomicU32, u32) -> Option<u32>) -> Vec<u32> {
        let sold = AtomicU32::new(0);
        let mut tickets: Vec<u32> = thread::scope(|s| {
            let hs: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..100).filter_map(|_| take(&sold, 150)).collect::<Vec<_>>()))
                .collect();
            hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        tickets.sort_unstable();
        assert_eq!(sold.load(Ordering::Relaxed), 150);
        tickets
    }

    #[test]
    fn never_oversells_and_numbers_are_unique() {
        assert_eq!(sell_concurrently(take_ticket), (1..=150).collect::<Vec<_>>());
    }

    #[test]
    fn try_update_sells_the_same_tickets() {
        assert_eq!(sell_concurrently(take_ticket_with_try_update), (1..=150).collect::<Vec<_>>());
    }
}
