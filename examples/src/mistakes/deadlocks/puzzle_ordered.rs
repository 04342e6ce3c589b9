//! The loom twin of the scheduler puzzle `src/puzzles/mistakes-deadlocks-2.toml`:
//! the same opposite transfers, but every transfer locks the account with
//! the smaller id first. loom and the puzzle's engine both find no deadlock
//! and no lost money (`cargo xtask puzzles` checks they agree).

use std::sync::Arc;

#[cfg(loom)]
use ::loom::{sync::Mutex, thread};
#[cfg(not(loom))]
use std::{sync::Mutex, thread};

/// An account with a fixed id: the lock order is the order of ids.
pub struct Account {
    pub id: u32,
    pub balance: Mutex<i64>,
}

/// Locks the account with the smaller id first, whichever way the money goes.
#[expect(clippy::significant_drop_tightening, reason = "both guards are held on purpose")]
pub fn transfer(from: &Account, to: &Account, amount: i64) {
    let (first, second) = if from.id < to.id { (from, to) } else { (to, from) };
    let mut first_balance = first.balance.lock().unwrap();
    let mut second_balance = second.balance.lock().unwrap();
    // What moves from `first` to `second`: negative when the money goes back.
    let flow = if first.id == from.id { amount } else { -amount };
    *first_balance -= flow;
    *second_balance += flow;
} // the guards drop: second_balance, then first_balance

/// The puzzle: `a` moves 10 from alice to bob while `b` moves 3 back.
pub fn run() {
    let alice = Arc::new(Account { id: 1, balance: Mutex::new(100) });
    let bob = Arc::new(Account { id: 2, balance: Mutex::new(100) });
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
    assert_eq!(*alice.balance.lock().unwrap() + *bob.balance.lock().unwrap(), 200, "money vanished");
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn money_moves_both_ways() {
        let alice = Account { id: 1, balance: Mutex::new(100) };
        let bob = Account { id: 2, balance: Mutex::new(100) };
        transfer(&alice, &bob, 10);
        transfer(&bob, &alice, 3);
        assert_eq!((*alice.balance.lock().unwrap(), *bob.balance.lock().unwrap()), (93, 107));
    }

    #[test]
    fn opposite_transfers_finish() {
        // Safe on every schedule; a hang would be a deadlock, reported as one.
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for _ in 0..100 {
                run();
            }
            tx.send(()).unwrap();
        });
        rx.recv_timeout(Duration::from_secs(20)).expect("did not finish in 20 s: likely a deadlock");
    }
}

#[cfg(all(test, loom))]
mod loom {
    #[test]
    fn ordered_locks_never_deadlock() {
        ::loom::model(super::run);
    }
}
