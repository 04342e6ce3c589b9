//! Refuses a transfer of exactly the balance (`<=` where `<` belongs).
//! expect: was refused with InsufficientFunds

use crate::sync::{Mutex, MutexGuard};

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

    fn lock(&self, id: usize) -> MutexGuard<'_, u64> {
        self.accounts[id].lock().unwrap()
    }

    /// Moves `amount` from account `from` to account `to`, all or nothing.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
        if from >= self.accounts.len() || to >= self.accounts.len() {
            return Err(TransferError::NoSuchAccount);
        }
        if from == to {
            // Locking one mutex twice on one thread never returns.
            return if *self.lock(from) >= amount { Ok(()) } else { Err(TransferError::InsufficientFunds) };
        }
        // One global order: the lower account number is always locked first,
        // so two transfers can never each hold the lock the other waits for.
        let (mut source, mut target) = if from < to {
            let source = self.lock(from);
            (source, self.lock(to))
        } else {
            let target = self.lock(to);
            (self.lock(from), target)
        };
        if *source <= amount {
            return Err(TransferError::InsufficientFunds);
        }
        *source -= amount;
        *target += amount;
        Ok(())
    }

    /// The sum of all balances, as one consistent snapshot: while transfers
    /// run, money in flight must never be missed or counted twice.
    pub fn total(&self) -> u64 {
        // Every lock, in account order (the same order `transfer` uses).
        let guards: Vec<MutexGuard<'_, u64>> = self.accounts.iter().map(|a| a.lock().unwrap()).collect();
        guards.iter().map(|g| **g).sum()
    }
}
