//! `src/mistakes/async.md`: locks in async code.

use std::sync::{Arc, Mutex};

// ANCHOR: scoped
/// Counts a request, then does async work. The std guard lives only inside
/// the block, so it is gone before the `.await` and the future is `Send`.
pub async fn handle_request(hits: Arc<Mutex<u64>>) -> u64 {
    let seen = {
        let mut hits = hits.lock().unwrap();
        *hits += 1;
        *hits
    }; // guard dropped here, before any `.await`
    tokio::task::yield_now().await; // stands for a database call
    seen
}
// ANCHOR_END: scoped

// ANCHOR: connection
/// An I/O resource: sending a message takes several awaited steps, and two
/// messages must never interleave on the wire.
#[derive(Default)]
pub struct Connection {
    pub wire: Vec<String>,
}

impl Connection {
    pub async fn send(&mut self, from: usize, parts: usize) {
        for part in 0..parts {
            self.wire.push(format!("{from}.{part}"));
            tokio::task::yield_now().await; // a write that may suspend
        }
    }
}

/// Several tasks share one connection. The guard must be held across the
/// `.await`s of `send`: that is the job of `tokio::sync::Mutex`.
pub async fn send_all(tasks: usize, parts: usize) -> Vec<String> {
    let conn = Arc::new(tokio::sync::Mutex::new(Connection::default()));
    let mut handles = Vec::new();
    for from in 0..tasks {
        let conn = Arc::clone(&conn);
        handles.push(tokio::spawn(async move {
            conn.lock().await.send(from, parts).await;
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    std::mem::take(&mut conn.lock().await.wire)
}
// ANCHOR_END: connection

/// Whether each sender's parts arrived together, in order.
pub fn messages_intact(wire: &[String], parts: usize) -> bool {
    wire.chunks(parts).all(|message| {
        let from = message[0].split('.').next();
        message.iter().enumerate().all(|(i, p)| p.split('.').next() == from && p.ends_with(&format!(".{i}")))
    })
}

// ANCHOR: main
#[tokio::main]
pub async fn main() {
    let hits = Arc::new(Mutex::new(0));
    let mut handles = Vec::new();
    for _ in 0..10 {
        handles.push(tokio::spawn(handle_request(Arc::clone(&hits))));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    println!("hits: {}", hits.lock().unwrap());

    let wire = send_all(4, 3).await;
    println!("{} parts sent, messages intact: {}", wire.len(), messages_intact(&wire, 3));
}
// ANCHOR_END: main

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_request_is_counted_once() {
        let hits = Arc::new(Mutex::new(0));
        let handles: Vec<_> = (0..50).map(|_| tokio::spawn(handle_request(Arc::clone(&hits)))).collect();
        let mut seen = Vec::new();
        for handle in handles {
            seen.push(handle.await.unwrap());
        }
        seen.sort_unstable();
        assert_eq!(seen, (1..=50).collect::<Vec<u64>>());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn messages_never_interleave() {
        let wire = send_all(8, 4).await;
        assert_eq!(wire.len(), 32);
        assert!(messages_intact(&wire, 4), "{wire:?}");
    }

    #[test]
    fn interleaved_messages_are_detected() {
        let wire: Vec<String> = ["0.0", "1.0", "0.1", "1.1"].map(String::from).into();
        assert!(!messages_intact(&wire, 2));
    }
}
