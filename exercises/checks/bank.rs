//! The checks of exercise `bank`: scenarios on real threads, and loom models
//! that run your `transfer` and `total` in every interleaving.

use crate::exercise::Bank;
#[cfg(not(loom))]
use crate::exercise::TransferError;
use crate::harness::{fail, models, scenarios};

/// Every balance of `bank`'s first `accounts` accounts.
fn balances(bank: &Bank, accounts: usize) -> Vec<u64> {
    (0..accounts).map(|id| bank.balance(id).unwrap_or_default()).collect()
}

/// A transfer that must succeed; a refusal names the call and the balances.
#[track_caller]
fn expect_transfer(bank: &Bank, accounts: usize, from: usize, to: usize, amount: u64) {
    if let Err(error) = bank.transfer(from, to, amount) {
        let now = balances(bank, accounts);
        fail(format!(
            "transfer({from}, {to}, {amount}) was refused with {error:?}, but account {from} holds {} \
             (balances after the refusal: {now:?}).\n\n\
             A transfer is refused only when the source holds less than the amount, or an account \
             does not exist.",
            now[from]
        ));
    }
}

#[track_caller]
fn expect_balances(bank: &Bank, when: &str, expected: &[u64]) {
    let actual = balances(bank, expected.len());
    if actual != expected {
        fail(format!("The balances {when} are {actual:?}; they should be {expected:?}."));
    }
}

/// A total that must equal `expected` while transfers may be running.
#[track_caller]
fn expect_total_during_transfers(total: u64, expected: u64) {
    if total != expected {
        let gap = if total < expected {
            format!("{} short", expected - total)
        } else {
            format!("{} too much", total - expected)
        };
        fail(format!(
            "total() returned {total} while transfers ran; the bank holds {expected} ({gap}: money in \
             flight seen twice or not at all).\n\n\
             total() saw one account before a transfer changed it and the other after. Either total() \
             reads the accounts one lock at a time (hold every account's lock, taken in the same global \
             order as transfer, while you add up), or transfer() releases a lock between the debit and \
             the credit (keep both locks until the money has moved)."
        ));
    }
}

scenarios! {
    /// One thread: money moves, a transfer over the balance is refused and
    /// changes nothing, a missing account is refused.
    Single fn a_transfer_moves_money_or_is_refused() {
        let bank = Bank::new(&[100, 50]);
        expect_transfer(&bank, 2, 0, 1, 30);
        expect_balances(&bank, "after transfer(0, 1, 30)", &[70, 80]);
        match bank.transfer(1, 0, 500) {
            Err(TransferError::InsufficientFunds) => {}
            other => fail(format!(
                "transfer(1, 0, 500) returned {other:?} with 80 in account 1.\n\n\
                 It must be refused with Err(InsufficientFunds): the source holds less than the amount."
            )),
        }
        expect_balances(&bank, "after the refused transfer(1, 0, 500)", &[70, 80]);
        match bank.transfer(0, 7, 1) {
            Err(TransferError::NoSuchAccount) => {}
            other => fail(format!("transfer(0, 7, 1) returned {other:?}; there is no account 7: Err(NoSuchAccount).")),
        }
        expect_transfer(&bank, 2, 0, 1, 70);
        expect_balances(&bank, "after transfer(0, 1, 70), the whole balance", &[0, 150]);
    }

    /// `transfer(0, 0, 10)`: money to the same account.
    Single fn a_transfer_to_the_same_account_changes_nothing() {
        let bank = Bank::new(&[100]);
        expect_transfer(&bank, 1, 0, 0, 10);
        expect_balances(&bank, "after transfer(0, 0, 10)", &[100]);
    }

    /// `total()` on one thread.
    Single fn total_adds_up_every_account() {
        let bank = Bank::new(&[1, 20, 300]);
        let total = bank.total();
        if total != 321 {
            fail(format!("total() of a bank holding [1, 20, 300] returned {total}, not 321."));
        }
    }

    /// Two threads transfer in opposite directions at the same time.
    Threads fn opposite_transfers_run_at_the_same_time() {
        use std::sync::{Arc, Barrier};
        let bank = Arc::new(Bank::new(&[100_000, 100_000]));
        let start = Arc::new(Barrier::new(2));
        let handles: Vec<_> = [(0, 1), (1, 0)]
            .into_iter()
            .map(|(from, to)| {
                let (bank, start) = (Arc::clone(&bank), Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    for _ in 0..20_000 {
                        expect_transfer(&bank, 2, from, to, 1);
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().expect("a transfer thread panicked");
        }
        expect_balances(&bank, "after 20000 transfers each way", &[100_000, 100_000]);
    }

    /// `total()` runs again and again while three threads move money.
    Threads fn total_stays_exact_while_transfers_run() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Barrier};
        let bank = Arc::new(Bank::new(&[500, 500, 500, 500]));
        let start = Arc::new(Barrier::new(4));
        let stop = Arc::new(AtomicBool::new(false));
        let movers: Vec<_> = [(0, 3), (1, 2), (2, 0)]
            .into_iter()
            .map(|(a, b)| {
                let (bank, start, stop) = (Arc::clone(&bank), Arc::clone(&start), Arc::clone(&stop));
                std::thread::spawn(move || {
                    start.wait();
                    // There and back again: balances stay near 500, so no transfer is refused.
                    while !stop.load(Ordering::Relaxed) {
                        let _ = bank.transfer(a, b, 7);
                        let _ = bank.transfer(b, a, 7);
                    }
                })
            })
            .collect();
        start.wait();
        let totals: Vec<u64> = (0..3_000).map(|_| bank.total()).collect();
        stop.store(true, Ordering::Relaxed);
        for mover in movers {
            mover.join().expect("a transfer thread panicked");
        }
        for total in totals {
            expect_total_during_transfers(total, 2_000);
        }
    }
}

models! {
    /// Two threads: `transfer(0, 1, 1)` and `transfer(1, 0, 1)`.
    Interleavings fn opposite_transfers() {
        use crate::sync::{Arc, thread};
        let bank = Arc::new(Bank::new(&[2, 2]));
        let other = Arc::clone(&bank);
        let there = thread::spawn(move || expect_transfer(&other, 2, 0, 1, 1));
        expect_transfer(&bank, 2, 1, 0, 1);
        there.join().expect("the other transfer panicked");
        expect_balances(&bank, "after transfer(0, 1, 1) and transfer(1, 0, 1)", &[2, 2]);
    }

    /// `total()` while `transfer(0, 1, 3)` runs on another thread.
    Interleavings fn total_during_a_transfer() {
        use crate::sync::{Arc, thread};
        let bank = Arc::new(Bank::new(&[5, 5]));
        let other = Arc::clone(&bank);
        let mover = thread::spawn(move || expect_transfer(&other, 2, 0, 1, 3));
        expect_total_during_transfers(bank.total(), 10);
        mover.join().expect("the transfer panicked");
        expect_balances(&bank, "after transfer(0, 1, 3)", &[2, 8]);
    }

    /// Three threads: 0 → 1, 1 → 2 and 2 → 0, a cycle of three locks.
    Interleavings fn three_transfers_in_a_cycle() {
        use crate::sync::{Arc, thread};
        let bank = Arc::new(Bank::new(&[1, 1, 1]));
        let handles: Vec<_> = [(0, 1), (1, 2)]
            .into_iter()
            .map(|(from, to)| {
                let bank = Arc::clone(&bank);
                thread::spawn(move || expect_transfer(&bank, 3, from, to, 1))
            })
            .collect();
        expect_transfer(&bank, 3, 2, 0, 1);
        for handle in handles {
            handle.join().expect("a transfer panicked");
        }
        expect_balances(&bank, "after three transfers of 1 around the cycle", &[1, 1, 1]);
    }
}
