//! The checks of exercise `queue`: scenarios on real threads, and loom
//! models that run your `push` and `pop` in every interleaving, where a
//! missing notify, a wait that does not re-check, or a spin cannot hide.

use crate::exercise::BoundedQueue;
use crate::harness::{fail, models, scenarios};

#[track_caller]
fn expect_at_most(queue_len: usize, capacity: usize, when: &str) {
    if queue_len > capacity {
        fail(format!(
            "A queue of capacity {capacity} held {queue_len} items {when}.\n\n\
             `push` must wait while the queue is full, and check again after every wake-up: another \
             producer may have filled the free place first. `wait_while` re-checks for you; a plain `wait` \
             under `if` does not."
        ));
    }
}

#[track_caller]
fn expect_items(what: &str, mut got: Vec<u32>, mut expected: Vec<u32>, ordered: bool) {
    if !ordered {
        got.sort_unstable();
        expected.sort_unstable();
    }
    if got != expected {
        let order = if ordered { ", first in, first out" } else { ", each exactly once" };
        fail(format!("{what}: popped {got:?}; expected {expected:?}{order}."));
    }
}

scenarios! {
    /// Push 1, 2, 3 into a queue of capacity 3, then pop three times.
    Single fn items_come_out_in_order() {
        let queue = BoundedQueue::new(3);
        queue.push(1);
        queue.push(2);
        queue.push(3);
        assert_eq!(queue.len(), 3, "len() after three pushes");
        let out = vec![queue.pop(), queue.pop(), queue.pop()];
        expect_items("push 1, 2, 3, then pop three times", out, vec![1, 2, 3], true);
        assert!(queue.is_empty(), "the queue must be empty after popping everything");
    }

    /// A consumer pops from an empty queue; the main thread then pushes.
    Threads fn pop_waits_for_a_push() {
        use std::sync::Arc;
        let queue = Arc::new(BoundedQueue::new(1));
        let consumer = {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || queue.pop())
        };
        queue.push(7);
        let got = consumer.join().expect("the consumer panicked");
        expect_items("one push while a consumer waits", vec![got], vec![7], true);
    }

    /// A producer pushes into a full queue of capacity 1 while the main
    /// thread pops.
    Threads fn push_waits_while_full() {
        use std::sync::Arc;
        let queue = Arc::new(BoundedQueue::new(1));
        queue.push(0);
        let producer = {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || (1..=3).for_each(|i| queue.push(i)))
        };
        let mut popped = Vec::new();
        for _ in 0..4 {
            expect_at_most(queue.len(), 1, "while a producer pushed into it");
            popped.push(queue.pop());
        }
        producer.join().expect("the producer panicked");
        expect_items("push 0, then 1, 2, 3 from another thread into a full queue", popped, vec![0, 1, 2, 3], true);
    }

    /// Four producers and four consumers through a queue of capacity 2.
    Threads fn many_producers_and_consumers_lose_nothing_and_never_overfill() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::{Arc, Barrier};
        const PRODUCERS: usize = 4;
        const PER_PRODUCER: u64 = 2_000;
        let queue = Arc::new(BoundedQueue::new(2));
        let overfull = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(Barrier::new(2 * PRODUCERS));
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|_| {
                let (queue, start) = (Arc::clone(&queue), Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    (1..=PER_PRODUCER).for_each(|i| queue.push(i));
                })
            })
            .collect();
        let consumers: Vec<_> = (0..PRODUCERS)
            .map(|_| {
                let (queue, start, overfull) = (Arc::clone(&queue), Arc::clone(&start), Arc::clone(&overfull));
                std::thread::spawn(move || {
                    start.wait();
                    let mut sum = 0;
                    for _ in 0..PER_PRODUCER {
                        overfull.fetch_max(queue.len(), Ordering::Relaxed);
                        sum += queue.pop();
                    }
                    sum
                })
            })
            .collect();
        producers.into_iter().for_each(|p| p.join().expect("a producer panicked"));
        let sum: u64 = consumers.into_iter().map(|c| c.join().expect("a consumer panicked")).sum();
        let expected = PRODUCERS as u64 * PER_PRODUCER * (PER_PRODUCER + 1) / 2;
        if sum != expected {
            fail(format!(
                "The popped items add up to {sum}, not {expected}: items were lost or popped twice.\n\n\
                 `push` and `pop` must change the queue under the lock, each item going in once and coming \
                 out once."
            ));
        }
        let left = queue.len();
        if left != 0 {
            fail(format!("Every pushed item was popped, but len() says {left} are left."));
        }
        expect_at_most(overfull.load(Ordering::Relaxed), 2, "while 4 producers and 4 consumers used it");
    }
}

models! {
    /// Capacity 1: a producer pushes 1 and 2, the main thread pops twice.
    Interleavings fn one_producer_one_consumer() {
        use crate::sync::{Arc, thread};
        let queue = Arc::new(BoundedQueue::new(1));
        let other = Arc::clone(&queue);
        let producer = thread::spawn(move || {
            other.push(1);
            other.push(2);
        });
        let got = vec![queue.pop(), queue.pop()];
        producer.join().expect("the producer panicked");
        expect_items("a producer pushed 1 and 2 into a queue of capacity 1", got, vec![1, 2], true);
    }

    /// Capacity 1: two consumers pop one item each, the main thread pushes two.
    Interleavings fn two_consumers_one_producer() {
        use crate::sync::{Arc, thread};
        let queue = Arc::new(BoundedQueue::new(1));
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || queue.pop())
            })
            .collect();
        queue.push(1);
        queue.push(2);
        let got: Vec<u32> = consumers.into_iter().map(|c| c.join().expect("a consumer panicked")).collect();
        expect_items("two consumers each popped once while 1 and 2 were pushed", got, vec![1, 2], false);
    }

    /// Capacity 1: two producers push one item each, the main thread pops two.
    Interleavings fn two_producers_one_consumer() {
        use crate::sync::{Arc, thread};
        let queue = Arc::new(BoundedQueue::new(1));
        let producers: Vec<_> = [1, 2]
            .into_iter()
            .map(|item| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || queue.push(item))
            })
            .collect();
        let first = queue.pop();
        expect_at_most(queue.len(), 1, "after one pop, with two producers pushing");
        let second = queue.pop();
        producers.into_iter().for_each(|p| p.join().expect("a producer panicked"));
        expect_items("two producers pushed 1 and 2", vec![first, second], vec![1, 2], false);
    }
}
