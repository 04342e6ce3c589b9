//! `OnceLock`: initialised once, at run time, by the first caller.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_initialises_once() {
        main();
        assert_eq!(INITS.load(Ordering::Relaxed), 1);
        assert_eq!(config(), "workers=4");
        assert_eq!(INITS.load(Ordering::Relaxed), 1);
    }
}
