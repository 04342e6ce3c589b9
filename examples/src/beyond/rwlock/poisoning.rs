//! A panic poisons an `RwLock` only if the thread held it in write mode.

use std::sync::RwLock;
use std::thread;

#[allow(clippy::significant_drop_tightening, reason = "the demo panics while holding the guard, on purpose")]
// ANCHOR: main
pub fn main() {
    let lock = RwLock::new(vec![1, 2, 3]);
    thread::scope(|s| {
        let reader = s.spawn(|| {
            let v = lock.read().unwrap();
            panic!("reader gives up while reading {} items", v.len());
        });
        assert!(reader.join().is_err());
    });
    println!("after a panicking reader: poisoned = {}", lock.is_poisoned());

    thread::scope(|s| {
        let writer = s.spawn(|| {
            let mut v = lock.write().unwrap();
            v.push(4);
            panic!("writer gives up halfway");
        });
        assert!(writer.join().is_err());
    });
    println!("after a panicking writer: poisoned = {}", lock.is_poisoned());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use std::sync::RwLock;
    use std::thread;

    #[test]
    fn only_write_mode_panics_poison() {
        let lock = RwLock::new(0);
        let _ = thread::scope(|s| {
            s.spawn(|| {
                let _g = lock.read().unwrap();
                panic!("read");
            })
            .join()
        });
        assert!(!lock.is_poisoned());
        let _ = thread::scope(|s| {
            s.spawn(|| {
                let _g = lock.write().unwrap();
                panic!("write");
            })
            .join()
        });
        assert!(lock.is_poisoned());
    }
}
