//! The loom twin of the scheduler puzzle `src/puzzles/mistakes-deadlocks-1.toml`:
//! two transfers in opposite directions, each locking `from` and then `to`.
//! loom and the puzzle's engine both find the deadlock (`cargo xtask
//! puzzles` checks they agree).

// `std::sync::Arc` even under loom: a deadlock found by loom unwinds every
// thread, and loom's own `Arc` panics when dropped during that unwinding.
use std::sync::Arc;

#[cfg(loom)]
use ::loom::{sync::Mutex, thread};
#[cfg(not(loom))]
use std::{sync::Mutex, thread};

/// Locks `from`, then `to`, and moves `amount`.
#[expect(clippy::significant_drop_tightening, reason = "both guards are held on purpose")]
pub fn transfer(from: &Mutex<i64>, to: &Mutex<i64>, amount: i64) {
    let mut from_balance = from.lock().unwrap();
    let mut to_balance = to.lock().unwrap();
    *from_balance -= amount;
    *to_balance += amount;
} // the guards drop: to_balance, then from_balance

/// The puzzle: `a` moves 10 from alice to bob while `b` moves 3 back.
pub fn run() {
    let alice = Arc::new(Mutex::new(100));
    let bob = Arc::new(Mutex::new(100));
    let a = {
        let (alice, bob) = (Arc::clone(&alice), Arc::clone(&bob));
        thread::spawn(move || transfer(&alice, &bob, 10))
    };
    let b = {
        let (alice, bob) = (Arc::clone(&alice), Arc::clone(&bob));
        thread::spawn(move || transfer(&bob, &alice, 3))
    };
    a.join().unwrap();
    b.join().unwrap();
    assert_eq!(*alice.lock().unwrap() + *bob.lock().unwrap(), 200, "money vanished");
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn one_after_the_other_both_transfers_happen() {
        let (alice, bob) = (Mutex::new(100), Mutex::new(100));
        transfer(&alice, &bob, 10);
        transfer(&bob, &alice, 3);
        assert_eq!((*alice.lock().unwrap(), *bob.lock().unwrap()), (93, 107));
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    #[should_panic(expected = "deadlock")]
    fn opposite_transfers_can_deadlock() {
        ::loom::model(super::run);
    }
}
