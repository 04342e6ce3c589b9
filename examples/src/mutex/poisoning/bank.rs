//! A transfer that panics halfway: the lock is released during unwinding,
//! and the mutex is marked poisoned so the next user knows.

use std::sync::Mutex;
use std::thread;

// ANCHOR: bank
/// Account balances. The invariant: transfers never change the total.
pub struct Bank {
    pub balances: Mutex<Vec<i64>>,
}

impl Bank {
    /// Moves `amount` from account `from` to account `to`.
    pub fn transfer(&self, from: usize, to: usize, amount: i64) {
        let mut balances = self.balances.lock().unwrap();
        balances[from] -= amount;
        balances[to] += amount; // panics if `to` does not exist: `from` has already paid
    }
}

pub fn main() {
    let bank = Bank { balances: Mutex::new(vec![100, 100]) };

    let result = thread::scope(|s| s.spawn(|| bank.transfer(0, 7, 30)).join());
    println!("the transfer thread panicked: {}", result.is_err());
    println!("the mutex is poisoned: {}", bank.balances.is_poisoned());

    match bank.balances.lock() {
        Ok(balances) => println!("balances: {balances:?}"),
        Err(poisoned) => {
            // `into_inner` gives the guard anyway; copy the data out of it.
            let balances = poisoned.into_inner().clone();
            let total: i64 = balances.iter().sum();
            println!("balances: {balances:?}, total {total} (was 200)");
        }
    }
}
// ANCHOR_END: bank

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_transfer_keeps_the_total() {
        let bank = Bank { balances: Mutex::new(vec![100, 100]) };
        bank.transfer(0, 1, 30);
        assert_eq!(*bank.balances.lock().unwrap(), [70, 130]);
        assert!(!bank.balances.is_poisoned());
    }

    #[test]
    fn a_panicking_transfer_poisons_and_leaves_half_the_work() {
        let bank = Bank { balances: Mutex::new(vec![100, 100]) };
        let result = thread::scope(|s| s.spawn(|| bank.transfer(0, 7, 30)).join());
        assert!(result.is_err());
        assert!(bank.balances.is_poisoned());
        let balances = bank.balances.lock().unwrap_err().into_inner().clone();
        assert_eq!(balances, [70, 100]);
    }
}
