//! A bounded `sync_channel`: a fast producer waits for a slow consumer.

use std::sync::mpsc::{self, TrySendError};
use std::thread;

// ANCHOR: main
pub fn main() {
    let (tx, rx) = mpsc::sync_channel::<u32>(2); // room for 2 messages

    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    match tx.try_send(3) {
        Err(TrySendError::Full(n)) => println!("buffer full, {n} not sent"),
        other => panic!("expected a full buffer, got {other:?}"),
    }

    let consumer = thread::spawn(move || rx.iter().sum::<u32>());
    for n in 3..=10 {
        tx.send(n).unwrap(); // blocks while the buffer is full
    }
    drop(tx); // no more senders: the consumer's loop ends
    println!("consumer got a total of {}", consumer.join().unwrap());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn send_waits_for_room() {
        let (tx, rx) = mpsc::sync_channel(1);
        tx.send(1).unwrap();
        let (done_tx, done_rx) = mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(|| {
                tx.send(2).unwrap();
                done_tx.send(()).unwrap();
            });
            assert!(done_rx.recv_timeout(Duration::from_millis(200)).is_err(), "send should block");
            assert_eq!(rx.recv().unwrap(), 1);
            done_rx.recv_timeout(Duration::from_secs(10)).expect("send should finish after a recv");
            assert_eq!(rx.recv().unwrap(), 2);
        });
    }
}
