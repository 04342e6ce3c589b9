//! A panicking initialiser: `OnceLock` can retry, `LazyLock` is poisoned.

use std::panic;
use std::sync::{LazyLock, OnceLock};

// ANCHOR: poison
pub fn main() {
    panic::set_hook(Box::new(|_| {})); // keep the demo's output quiet

    let once = OnceLock::new();
    let first = panic::catch_unwind(|| *once.get_or_init(|| -> u32 { panic!("disk full") }));
    let second = once.get_or_init(|| 7);
    println!("OnceLock: first init panicked = {}, retry gives {second}", first.is_err());

    let lazy = LazyLock::new(|| -> u32 { panic!("disk full") });
    let first = panic::catch_unwind(|| *lazy);
    let second = panic::catch_unwind(|| *lazy);
    println!("LazyLock: first panicked = {}, second panicked = {}", first.is_err(), second.is_err());

    let _ = panic::take_hook();
}
// ANCHOR_END: poison

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_lock_retries_lazy_lock_stays_poisoned() {
        let once = OnceLock::new();
        assert!(panic::catch_unwind(|| *once.get_or_init(|| -> u8 { panic!("x") })).is_err());
        assert_eq!(*once.get_or_init(|| 1), 1);
        let lazy = LazyLock::new(|| -> u8 { panic!("x") });
        assert!(panic::catch_unwind(|| *lazy).is_err());
        assert!(panic::catch_unwind(|| *lazy).is_err());
    }
}
