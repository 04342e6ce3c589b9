//! A bounded blocking queue: `push` waits while it is full, `pop` waits
//! while it is empty. One `Mutex`, two `Condvar`s.

use std::collections::VecDeque;

#[cfg(loom)]
use ::loom::sync::{Condvar, Mutex, MutexGuard};
#[cfg(not(loom))]
use std::sync::{Condvar, Mutex, MutexGuard};

// ANCHOR: queue
/// A queue of at most `capacity` items that blocks producers and consumers.
pub struct BoundedQueue<T> {
    items: Mutex<VecDeque<T>>,
    not_empty: Condvar, // signalled after a push
    not_full: Condvar,  // signalled after a pop
    capacity: usize,
}

impl<T> BoundedQueue<T> {
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "a queue of capacity 0 could never accept an item");
        BoundedQueue {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity,
        }
    }

    /// Adds `item`, waiting while the queue is full.
    pub fn push(&self, item: T) {
        let full = |q: &mut VecDeque<T>| q.len() == self.capacity;
        let mut items = wait_while(&self.not_full, self.items.lock().unwrap(), full);
        items.push_back(item);
        drop(items); // Unlock first, so the woken consumer can lock at once.
        self.not_empty.notify_one();
    }

    /// Removes the oldest item, waiting while the queue is empty.
    pub fn pop(&self) -> T {
        let mut items = wait_while(&self.not_empty, self.items.lock().unwrap(), |q| q.is_empty());
        let item = items.pop_front().expect("not empty: we just checked, under the lock");
        drop(items);
        self.not_full.notify_one();
        item
    }
}
// ANCHOR_END: queue

// ANCHOR: wait_while
/// std's `Condvar::wait_while`: sleep until `condition` is false.
#[cfg(not(loom))]
fn wait_while<'a, T>(
    cv: &Condvar,
    guard: MutexGuard<'a, T>,
    condition: impl FnMut(&mut T) -> bool,
) -> MutexGuard<'a, T> {
    cv.wait_while(guard, condition).unwrap()
}
// ANCHOR_END: wait_while

// ANCHOR: wait_loop
/// loom's `Condvar` has no `wait_while`, so we write the loop it hides.
#[cfg(loom)]
fn wait_while<'a, T>(
    cv: &Condvar,
    mut guard: MutexGuard<'a, T>,
    mut condition: impl FnMut(&mut T) -> bool,
) -> MutexGuard<'a, T> {
    // Check, sleep, check again: a wake-up is a hint, not a promise.
    while condition(&mut *guard) {
        guard = cv.wait(guard).unwrap(); // unlocks while asleep, relocks on waking
    }
    guard
}
// ANCHOR_END: wait_loop

// ANCHOR: main
pub fn main() {
    let queue = BoundedQueue::new(2);
    let total = std::thread::scope(|s| {
        s.spawn(|| {
            for job in 1..=100 {
                queue.push(job); // blocks whenever 2 jobs are waiting
            }
            queue.push(0); // 0 means "no more jobs"
        });
        let consumer = s.spawn(|| {
            let mut total = 0;
            loop {
                match queue.pop() {
                    0 => break total,
                    job => total += job,
                }
            }
        });
        consumer.join().unwrap()
    });
    println!("consumed jobs 1..=100, total {total}");
}
// ANCHOR_END: main

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::thread;
    use std::time::Duration;

    #[test]
    fn items_come_out_in_order_through_a_tiny_queue() {
        let queue = BoundedQueue::new(1);
        let got: Vec<i32> = thread::scope(|s| {
            s.spawn(|| (0..200).for_each(|i| queue.push(i)));
            s.spawn(|| (0..200).map(|_| queue.pop()).collect()).join().unwrap()
        });
        assert_eq!(got, (0..200).collect::<Vec<_>>());
    }

    #[test]
    fn push_blocks_while_full() {
        let queue = BoundedQueue::new(1);
        queue.push(1);
        let (done_tx, done_rx) = mpsc::channel();
        thread::scope(|s| {
            s.spawn(|| {
                queue.push(2); // must wait for the pop below
                done_tx.send(()).unwrap();
            });
            // The second push cannot finish while the queue is full.
            assert!(done_rx.recv_timeout(Duration::from_millis(200)).is_err());
            assert_eq!(queue.pop(), 1);
            done_rx.recv_timeout(Duration::from_secs(10)).expect("push should finish after a pop");
            assert_eq!(queue.pop(), 2);
        });
    }

    #[test]
    fn main_sums_all_jobs() {
        main();
    }
}

/// A producer and a consumer through a queue of capacity 1: in every
/// interleaving both finish (no lost wake-up) and order is kept.
#[cfg(all(test, loom))]
mod loom {
    use super::BoundedQueue;
    use ::loom::sync::Arc;
    use ::loom::thread;

    #[test]
    fn producer_and_consumer_never_hang() {
        ::loom::model(|| {
            let queue = Arc::new(BoundedQueue::<u32>::new(1));
            let producer = {
                let queue = Arc::clone(&queue);
                thread::spawn(move || {
                    queue.push(1);
                    queue.push(2);
                })
            };
            assert_eq!(queue.pop(), 1);
            assert_eq!(queue.pop(), 2);
            producer.join().unwrap();
        });
    }
}
