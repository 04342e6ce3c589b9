//! Tests for exercise `queue`. A hang here usually means a lost wake-up: a
//! thread waits for a notification that was never sent.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use common::{assert_total, within};
use exercises::queue::BoundedQueue;

#[test]
fn items_come_out_in_order() {
    let out = within("push 1, 2, 3 then pop three times", || {
        let queue = BoundedQueue::new(3);
        queue.push(1);
        queue.push(2);
        queue.push(3);
        assert_eq!(queue.len(), 3);
        [queue.pop(), queue.pop(), queue.pop()]
    });
    assert_eq!(out, [1, 2, 3], "first in, first out");
}

#[test]
fn pop_waits_for_a_push() {
    let got = within("pop on an empty queue, then a push from another thread", || {
        let queue = Arc::new(BoundedQueue::new(1));
        let consumer = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || queue.pop())
        };
        queue.push("hello");
        consumer.join().unwrap()
    });
    assert_eq!(got, "hello");
}

#[test]
fn push_waits_while_full() {
    let (first, rest) = within("push on a full queue, then pops", || {
        let queue = Arc::new(BoundedQueue::new(1));
        queue.push(0);
        // The queue is full: these pushes can only finish as the main thread pops.
        let producer = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || (1..=3).for_each(|i| queue.push(i)))
        };
        let mut popped = Vec::new();
        for _ in 0..4 {
            assert!(queue.len() <= 1, "a queue of capacity 1 held {} items", queue.len());
            popped.push(queue.pop());
        }
        producer.join().unwrap();
        (popped[0], popped[1..].to_vec())
    });
    assert_eq!(first, 0);
    assert_eq!(rest, [1, 2, 3], "items pushed while full come out in order");
}

#[test]
fn many_producers_and_consumers_lose_nothing_and_never_overfill() {
    const PRODUCERS: usize = 4;
    const PER_PRODUCER: usize = 5_000;
    const CAPACITY: usize = 2;
    let (sum, count, overfull) = within("4 producers, 4 consumers, capacity 2", || {
        let queue = Arc::new(BoundedQueue::new(CAPACITY));
        let overfull = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(Barrier::new(2 * PRODUCERS));
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|_| {
                let (queue, start) = (Arc::clone(&queue), Arc::clone(&start));
                thread::spawn(move || {
                    start.wait();
                    (1..=PER_PRODUCER).for_each(|i| queue.push(i));
                })
            })
            .collect();
        let consumers: Vec<_> = (0..PRODUCERS)
            .map(|_| {
                let (queue, start, overfull) =
                    (Arc::clone(&queue), Arc::clone(&start), Arc::clone(&overfull));
                thread::spawn(move || {
                    start.wait();
                    let mut sum = 0;
                    for _ in 0..PER_PRODUCER {
                        if queue.len() > CAPACITY {
                            overfull.fetch_add(1, Ordering::Relaxed);
                        }
                        sum += queue.pop();
                    }
                    sum
                })
            })
            .collect();
        producers.into_iter().for_each(|p| p.join().unwrap());
        let sum: usize = consumers.into_iter().map(|c| c.join().unwrap()).sum();
        (sum, queue.len(), overfull.load(Ordering::Relaxed))
    });
    let expected = PRODUCERS * PER_PRODUCER * (PER_PRODUCER + 1) / 2;
    assert_total("sum of every popped item (items lost or duplicated?)", expected as u64, sum as u64);
    assert_eq!(count, 0, "every pushed item was popped, but {count} are left");
    assert_eq!(
        overfull, 0,
        "the queue held more than {CAPACITY} items {overfull} times: push must wait while full"
    );
}
