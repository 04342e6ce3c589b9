//! Exercise `bank` (medium): lock order.
//!
//! Chapter: Deadlocks (`src/mistakes/deadlocks.md`).
//! Check your work with `cargo xtask exercises bank`.

use crate::sync::Mutex;

// ANCHOR: api
/// Why a transfer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferError {
    /// The source account holds less than the amount.
    InsufficientFunds,
    /// An account number does not exist.
    NoSuchAccount,
}

/// A bank: numbered accounts, each behind its own lock, so transfers between
/// different accounts can run at the same time.
pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

impl Bank {
    /// A bank whose account `i` starts with `balances[i]`.
    pub fn new(balances: &[u64]) -> Self {
        Bank { accounts: balances.iter().map(|&b| Mutex::new(b)).collect() }
    }

    /// Account `id`'s balance.
    pub fn balance(&self, id: usize) -> Option<u64> {
        Some(*self.accounts.get(id)?.lock().unwrap())
    }

    /// Moves `amount` from account `from` to account `to`, all or nothing.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
        let (Some(source), Some(target)) = (self.accounts.get(from), self.accounts.get(to)) else {
            return Err(TransferError::NoSuchAccount);
        };
        // TODO: this deadlocks. A transfer 0 → 1 locks 0 then waits for 1,
        // while a transfer 1 → 0 locks 1 then waits for 0. Lock the two
        // accounts in one global order (the lower number first), whatever the
        // direction. And a transfer to the same account must not lock it twice.
        let mut source = source.lock().unwrap();
        let mut target = target.lock().unwrap();
        if *source < amount {
            return Err(TransferError::InsufficientFunds);
        }
        *source -= amount;
        *target += amount;
        Ok(())
    }

    /// The sum of all balances, as one consistent snapshot: while transfers
    /// run, money in flight must never be missed or counted twice.
    pub fn total(&self) -> u64 {
        // TODO: lock *every* account (in the same order `transfer` uses), and
        // only then add up the balances.
        todo!("hold all the locks, taken in the global order, while you sum")
    }
}
// ANCHOR_END: api
