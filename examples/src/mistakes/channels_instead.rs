//! A worker thread that owns its state, fed by `std::sync::mpsc`.

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};

// ANCHOR: request
/// What clients can ask the inventory. A question carries the sender half
/// of a channel for the answer.
pub enum Request {
    Add { item: String, count: u32 },
    Take { item: String, count: u32, reply: Sender<Result<u32, String>> },
    Count { item: String, reply: Sender<u32> },
}
// ANCHOR_END: request

// ANCHOR: worker
/// The only owner of the stock: no lock, because no one else can reach it.
fn run(requests: Receiver<Request>) -> HashMap<String, u32> {
    let mut stock: HashMap<String, u32> = HashMap::new();
    // The loop ends when every `Sender` is dropped: no clients, no work.
    for request in requests {
        match request {
            Request::Add { item, count } => *stock.entry(item).or_default() += count,
            Request::Take { item, count, reply } => {
                let have = stock.entry(item.clone()).or_default();
                let answer = if *have >= count {
                    *have -= count;
                    Ok(*have)
                } else {
                    Err(format!("{item}: only {have} left"))
                };
                let _ = reply.send(answer); // the client may have given up
            }
            Request::Count { item, reply } => {
                let _ = reply.send(stock.get(&item).copied().unwrap_or(0));
            }
        }
    }
    stock
}
// ANCHOR_END: worker

// ANCHOR: handle
/// A cheap, cloneable handle that clients use like an object.
#[derive(Clone)]
pub struct Inventory {
    requests: Sender<Request>,
}

impl Inventory {
    /// Starts the worker. Join the handle (after dropping every `Inventory`)
    /// to get the final stock back.
    pub fn start() -> (Inventory, JoinHandle<HashMap<String, u32>>) {
        let (requests, inbox) = mpsc::channel();
        (Inventory { requests }, thread::spawn(move || run(inbox)))
    }

    pub fn add(&self, item: &str, count: u32) {
        self.requests.send(Request::Add { item: item.into(), count }).expect("worker stopped");
    }

    /// Takes `count` if there are enough, atomically: check and update happen
    /// in one request, so no other client can slip in between.
    pub fn take(&self, item: &str, count: u32) -> Result<u32, String> {
        let (reply, answer) = mpsc::channel();
        self.requests.send(Request::Take { item: item.into(), count, reply }).expect("worker stopped");
        answer.recv().expect("worker stopped")
    }

    pub fn count(&self, item: &str) -> u32 {
        let (reply, answer) = mpsc::channel();
        self.requests.send(Request::Count { item: item.into(), reply }).expect("worker stopped");
        answer.recv().expect("worker stopped")
    }
}
// ANCHOR_END: handle

// ANCHOR: main
pub fn main() {
    let (inventory, worker) = Inventory::start();
    inventory.add("apple", 10);

    // Four clients, each taking 2 apples, on their own threads.
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let inventory = inventory.clone();
            thread::spawn(move || inventory.take("apple", 2))
        })
        .collect();
    let ok = clients.into_iter().map(|c| c.join().unwrap()).filter(Result::is_ok).count();

    println!("{ok} clients got apples, {} left", inventory.count("apple"));
    println!("one more 5: {:?}", inventory.take("apple", 5));

    drop(inventory); // the last sender: the worker's loop ends
    let stock = worker.join().unwrap();
    println!("final stock: {stock:?}");
}
// ANCHOR_END: main

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn concurrent_takes_never_oversell() {
        let (inventory, worker) = Inventory::start();
        inventory.add("pear", 7);
        let clients: Vec<_> = (0..10)
            .map(|_| {
                let inventory = inventory.clone();
                thread::spawn(move || inventory.take("pear", 1).is_ok())
            })
            .collect();
        let granted = clients.into_iter().map(|c| c.join().unwrap()).filter(|&ok| ok).count();
        assert_eq!(granted, 7);
        assert_eq!(inventory.count("pear"), 0);
        drop(inventory);
        assert_eq!(worker.join().unwrap()["pear"], 0);
    }

    #[test]
    fn taking_too_much_is_refused_and_changes_nothing() {
        let (inventory, _worker) = Inventory::start();
        inventory.add("fig", 1);
        assert_eq!(inventory.take("fig", 2), Err("fig: only 1 left".into()));
        assert_eq!(inventory.count("fig"), 1);
    }

    #[test]
    fn the_worker_stops_when_the_last_handle_is_dropped() {
        let (inventory, worker) = Inventory::start();
        let other = inventory.clone();
        other.add("kiwi", 3);
        drop(inventory);
        drop(other);
        assert_eq!(worker.join().unwrap(), HashMap::from([("kiwi".to_string(), 3)]));
    }
}
