//! Tests for exercise `bank`.

mod common;

use std::sync::{Arc, Barrier};
use std::thread;

use common::{assert_total, within};
use exercises::bank::{Bank, TransferError};

#[test]
fn a_transfer_moves_money_or_is_refused() {
    within("single-threaded transfers", || {
        let bank = Bank::new(&[100, 50]);
        assert_eq!(bank.transfer(0, 1, 30), Ok(()));
        assert_eq!((bank.balance(0), bank.balance(1)), (Some(70), Some(80)), "balances after 0 → 1 of 30");
        assert_eq!(bank.transfer(1, 0, 500), Err(TransferError::InsufficientFunds));
        assert_eq!(
            (bank.balance(0), bank.balance(1)),
            (Some(70), Some(80)),
            "a refused transfer changes nothing"
        );
        assert_eq!(bank.transfer(0, 7, 1), Err(TransferError::NoSuchAccount));
    });
}

#[test]
fn a_transfer_to_the_same_account_changes_nothing() {
    within("transfer(0, 0, 10)", || {
        let bank = Bank::new(&[100]);
        assert_eq!(bank.transfer(0, 0, 10), Ok(()));
        assert_eq!(bank.balance(0), Some(100), "moving money to itself keeps the balance");
    });
}

#[test]
fn opposite_transfers_run_concurrently_without_deadlock() {
    let (a, b) = within("opposite transfers 0 → 1 and 1 → 0", || {
        // Enough money that no transfer is ever refused.
        let bank = Arc::new(Bank::new(&[100_000, 100_000]));
        let start = Arc::new(Barrier::new(2));
        let handles: Vec<_> = [(0, 1), (1, 0)]
            .into_iter()
            .map(|(from, to)| {
                let (bank, start) = (Arc::clone(&bank), Arc::clone(&start));
                thread::spawn(move || {
                    start.wait();
                    for _ in 0..100_000 {
                        bank.transfer(from, to, 1).unwrap();
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        (bank.balance(0).unwrap(), bank.balance(1).unwrap())
    });
    assert_eq!((a, b), (100_000, 100_000), "as many transfers each way: balances end where they started");
}

#[test]
fn total_stays_exact_while_transfers_run() {
    let totals = within("total() during transfers", || {
        let bank = Arc::new(Bank::new(&[500, 500, 500, 500]));
        let start = Arc::new(Barrier::new(4));
        let movers: Vec<_> = [(0, 3), (3, 0), (1, 2)]
            .into_iter()
            .map(|(from, to)| {
                let (bank, start) = (Arc::clone(&bank), Arc::clone(&start));
                thread::spawn(move || {
                    start.wait();
                    for _ in 0..20_000 {
                        // Refusals are fine here; only the total matters.
                        let _ = bank.transfer(from, to, 7);
                    }
                })
            })
            .collect();
        start.wait();
        let totals: Vec<u64> = (0..2_000).map(|_| bank.total()).collect();
        for mover in movers {
            mover.join().unwrap();
        }
        totals
    });
    for total in totals {
        assert_total("total() while transfers run (a torn snapshot?)", 2_000u64, total);
    }
}
