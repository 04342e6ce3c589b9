//! `src/beyond/once.md`: `OnceLock` and `LazyLock` for one-time setup.

use std::collections::HashMap;
use std::panic;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, OnceLock};
use std::thread;

// ANCHOR: once_lock
/// Set once, at run time, by whoever gets there first.
static CONFIG: OnceLock<String> = OnceLock::new();
static INITS: AtomicUsize = AtomicUsize::new(0);

fn config() -> &'static str {
    CONFIG.get_or_init(|| {
        INITS.fetch_add(1, Ordering::Relaxed);
        String::from("workers=4") // imagine reading a file here
    })
}

pub fn main() {
    thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| assert_eq!(config(), "workers=4"));
        }
    });
    println!("8 threads read {:?}; initialised {} time(s)", config(), INITS.load(Ordering::Relaxed));
}
// ANCHOR_END: once_lock

// ANCHOR: lazy_lock
/// Initialised on first use, by the closure given here.
static STATUS: LazyLock<HashMap<u16, &str>> =
    LazyLock::new(|| HashMap::from([(200, "OK"), (404, "Not Found")]));

pub fn lookup() {
    println!("404 is {}", STATUS[&404]);
}
// ANCHOR_END: lazy_lock

// ANCHOR: poison
pub fn poisoning() {
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
    fn config_initialises_once() {
        main();
        assert_eq!(INITS.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn lazy_map_works() {
        assert_eq!(STATUS[&200], "OK");
    }

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
