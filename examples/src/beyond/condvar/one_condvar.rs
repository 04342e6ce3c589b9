//! One `Condvar` for two different conditions — consumers wait for "not
//! empty", producers for "not full" — and why `notify_one` is then wrong:
//! it can wake a waiter of the other kind, who goes back to sleep while the
//! right one sleeps on. `notify_all` makes every waiter re-check its own
//! condition. The loom models below find the hang and prove the fix.

use std::collections::VecDeque;

#[cfg(loom)]
use ::loom::sync::{Condvar, Mutex};
#[cfg(not(loom))]
use std::sync::{Condvar, Mutex};

/// How a change is announced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// `notify_one`: wrong here, since it may pick a waiter of the other kind.
    One,
    /// `notify_all`: every waiter wakes and re-checks its own condition.
    All,
}

/// A bounded queue with a single `Condvar` shared by producers and consumers.
pub struct OneCondvarQueue<T> {
    items: Mutex<VecDeque<T>>,
    changed: Condvar,
    capacity: usize,
    wake: Wake,
}

impl<T> OneCondvarQueue<T> {
    pub fn new(capacity: usize, wake: Wake) -> Self {
        assert!(capacity > 0, "a queue of capacity 0 could never accept an item");
        OneCondvarQueue { items: Mutex::new(VecDeque::new()), changed: Condvar::new(), capacity, wake }
    }

    /// Adds `item`, waiting while the queue is full.
    pub fn push(&self, item: T) {
        let mut items = self.items.lock().unwrap();
        while items.len() == self.capacity {
            items = self.changed.wait(items).unwrap();
        }
        items.push_back(item);
        drop(items);
        self.announce();
    }

    /// Removes the oldest item, waiting while the queue is empty.
    pub fn pop(&self) -> T {
        let mut items = self.items.lock().unwrap();
        while items.is_empty() {
            items = self.changed.wait(items).unwrap();
        }
        let item = items.pop_front().expect("not empty: checked under the lock");
        drop(items);
        self.announce();
        item
    }

    fn announce(&self) {
        match self.wake {
            Wake::One => self.changed.notify_one(),
            Wake::All => self.changed.notify_all(),
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    /// With `notify_all`, two consumers and a producer through a queue of
    /// capacity 1 always finish; a hang fails after 10 s instead of hanging.
    #[test]
    fn notify_all_moves_every_item() {
        let (done_tx, done_rx) = mpsc::channel();
        thread::spawn(move || {
            let queue = OneCondvarQueue::new(1, Wake::All);
            let sum: u32 = thread::scope(|s| {
                let consumers: Vec<_> =
                    (0..2).map(|_| s.spawn(|| (0..500).map(|_| queue.pop()).sum::<u32>())).collect();
                (1..=1000).for_each(|i| queue.push(i));
                consumers.into_iter().map(|c| c.join().unwrap()).sum()
            });
            done_tx.send(sum).unwrap();
        });
        let sum = done_rx.recv_timeout(Duration::from_secs(10)).expect("the queue hung with notify_all");
        assert_eq!(sum, 500_500);
    }
}

/// Two consumers wait; the producer (the model's main thread) pushes two
/// items through a queue of capacity 1.
#[cfg(all(test, loom))]
mod loom {
    use super::{OneCondvarQueue, Wake};
    use ::loom::thread;

    fn two_consumers_one_producer(wake: Wake) {
        ::loom::model(move || {
            // Leaked rather than shared through a loom `Arc`: when loom finds
            // the deadlock it panics in a blocked thread, and dropping a loom
            // `Arc` while no thread is active would abort the test binary.
            let queue: &'static OneCondvarQueue<u32> = Box::leak(Box::new(OneCondvarQueue::new(1, wake)));
            let consumers: Vec<_> = (0..2).map(|_| thread::spawn(move || queue.pop())).collect();
            queue.push(1);
            queue.push(2);
            let mut got: Vec<u32> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
            got.sort_unstable();
            assert_eq!(got, [1, 2]);
        });
    }

    /// Consumer A pops and its `notify_one` wakes consumer B instead of the
    /// producer waiting for room; B finds nothing and sleeps again: nobody
    /// is left to notify anyone. loom reports it as a deadlock.
    #[test]
    #[should_panic(expected = "deadlock")]
    fn notify_one_can_wake_the_wrong_waiter_and_hang() {
        two_consumers_one_producer(Wake::One);
    }

    #[test]
    fn notify_all_never_hangs() {
        two_consumers_one_producer(Wake::All);
    }
}
