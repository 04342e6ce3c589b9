//! Two accounts, two locks, and transfers in opposite directions.

// `std::sync::Arc` even under loom: a deadlock found by loom unwinds every
// thread, and loom's own `Arc` panics when dropped during that unwinding.
use std::sync::{Arc, TryLockError};

#[cfg(loom)]
use ::loom::{sync::Mutex, thread};
#[cfg(not(loom))]
use std::{sync::Mutex, thread};

// ANCHOR: account
/// A bank account with its own lock.
pub struct Account {
    /// Unique and fixed: the lock order is the order of ids.
    pub id: u32,
    pub balance: Mutex<i64>,
}

impl Account {
    pub fn new(id: u32, balance: i64) -> Account {
        Account { id, balance: Mutex::new(balance) }
    }
}
// ANCHOR_END: account

#[expect(clippy::significant_drop_tightening, reason = "both guards are held on purpose")]
// ANCHOR: naive
/// Locks `from`, then `to`. Two opposite transfers can each hold one lock
/// and wait forever for the other.
pub fn transfer_naive(from: &Account, to: &Account, amount: i64) {
    let mut from_balance = from.balance.lock().unwrap();
    let mut to_balance = to.balance.lock().unwrap();
    *from_balance -= amount;
    *to_balance += amount;
}
// ANCHOR_END: naive

// ANCHOR: ordered
/// Always locks the account with the smaller id first, whatever the
/// direction of the transfer: every thread takes the locks in one global
/// order, so no cycle of waiting threads can form.
pub fn transfer(from: &Account, to: &Account, amount: i64) {
    assert_ne!(from.id, to.id, "a transfer needs two different accounts");
    let (first, second) = if from.id < to.id { (from, to) } else { (to, from) };
    let mut first_balance = first.balance.lock().unwrap();
    let mut second_balance = second.balance.lock().unwrap();
    let (from_balance, to_balance) = if from.id < to.id {
        (&mut *first_balance, &mut *second_balance)
    } else {
        (&mut *second_balance, &mut *first_balance)
    };
    *from_balance -= amount;
    *to_balance += amount;
}
// ANCHOR_END: ordered

// ANCHOR: backoff
/// Takes the first lock, then only *tries* the second. If it is taken, lets
/// go of the first, steps aside and starts over, so a thread never waits
/// while holding a lock.
pub fn transfer_backoff(from: &Account, to: &Account, amount: i64) {
    // One account would be "taken" by our own first lock on every try.
    assert_ne!(from.id, to.id, "a transfer needs two different accounts");
    loop {
        let mut from_balance = from.balance.lock().unwrap();
        match to.balance.try_lock() {
            Ok(mut to_balance) => {
                *from_balance -= amount;
                *to_balance += amount;
                return;
            }
            Err(TryLockError::WouldBlock) => {} // taken: back off, try again
            // Poisoned is not "busy": retrying would never succeed. Let go
            // of `from` first, so our panic does not poison it too.
            Err(TryLockError::Poisoned(poisoned)) => {
                drop(from_balance);
                panic!("{poisoned}")
            }
        }
        drop(from_balance);
        thread::yield_now(); // back off: give the other thread a chance
    }
}
// ANCHOR_END: backoff

/// Runs two threads transferring `rounds` times in opposite directions
/// between two accounts of 10 000, and returns the balances.
pub fn opposite_transfers(transfer: fn(&Account, &Account, i64), rounds: usize) -> (i64, i64) {
    let a = Arc::new(Account::new(1, 10_000));
    let b = Arc::new(Account::new(2, 10_000));
    let (a2, b2) = (Arc::clone(&a), Arc::clone(&b));
    let t = thread::spawn(move || {
        for _ in 0..rounds {
            transfer(&a2, &b2, 10);
        }
    });
    for _ in 0..rounds {
        transfer(&b, &a, 3);
    }
    t.join().unwrap();
    (*a.balance.lock().unwrap(), *b.balance.lock().unwrap())
}

// ANCHOR: main
pub fn main() {
    let (a, b) = opposite_transfers(transfer, 1000);
    println!("ordered: a = {a}, b = {b}, total = {}", a + b);
    let (a, b) = opposite_transfers(transfer_backoff, 1000);
    println!("backoff: a = {a}, b = {b}, total = {}", a + b);
}
// ANCHOR_END: main

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Runs `f` on a helper thread and fails, instead of hanging, if it does
    /// not finish in 20 s: that is a deadlock.
    fn within_deadline<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || tx.send(f()).unwrap());
        rx.recv_timeout(Duration::from_secs(20)).expect("did not finish in 20 s: likely a deadlock")
    }

    #[test]
    fn ordered_transfers_finish_and_keep_the_total() {
        let (a, b) = within_deadline(|| opposite_transfers(transfer, 1_000));
        assert_eq!((a, b), (3_000, 17_000));
    }

    #[test]
    fn backoff_transfers_finish_and_keep_the_total() {
        let (a, b) = within_deadline(|| opposite_transfers(transfer_backoff, 1_000));
        assert_eq!((a, b), (3_000, 17_000));
    }

    #[test]
    fn transfer_moves_money_in_either_direction() {
        let (a, b) = (Account::new(1, 50), Account::new(2, 50));
        transfer(&a, &b, 20);
        transfer(&b, &a, 5);
        assert_eq!((*a.balance.lock().unwrap(), *b.balance.lock().unwrap()), (35, 65));
    }

    #[test]
    #[should_panic(expected = "two different accounts")]
    fn transfer_to_itself_is_refused() {
        let a = Account::new(1, 50);
        transfer(&a, &a, 1);
    }

    #[test]
    fn backoff_transfer_to_itself_is_refused_not_retried_forever() {
        let refused = within_deadline(|| {
            let a = Account::new(1, 50);
            std::panic::catch_unwind(|| transfer_backoff(&a, &a, 1)).unwrap_err()
        });
        assert_eq!(
            refused.downcast_ref::<String>().unwrap(),
            "assertion `left != right` failed: a transfer needs two different accounts\n  left: 1\n right: 1"
        );
    }

    #[test]
    fn backoff_transfer_to_a_poisoned_account_panics_instead_of_spinning() {
        let message = within_deadline(|| {
            let (a, b) = (Account::new(1, 50), Account::new(2, 50));
            let _ = std::panic::catch_unwind(|| {
                let _guard = b.balance.lock().unwrap();
                panic!("a panic while b is locked poisons it");
            });
            let err = std::panic::catch_unwind(|| transfer_backoff(&a, &b, 1)).unwrap_err();
            // The money stayed where it was, and `a` is not poisoned.
            assert_eq!(*a.balance.lock().unwrap(), 50);
            err.downcast_ref::<String>().cloned().unwrap()
        });
        assert_eq!(message, "poisoned lock: another task failed inside");
    }
}

/// Loom tries every interleaving of two opposite transfers.
#[cfg(all(test, loom))]
mod loom {
    use super::*;

    // ANCHOR: loom_tests
    #[test]
    #[should_panic(expected = "deadlock")]
    fn naive_lock_order_deadlocks() {
        ::loom::model(|| {
            opposite_transfers(transfer_naive, 1);
        });
    }

    #[test]
    fn ordered_locks_never_deadlock() {
        ::loom::model(|| assert_eq!(opposite_transfers(transfer, 1), (9_993, 10_007)));
    }
    // ANCHOR_END: loom_tests
}
