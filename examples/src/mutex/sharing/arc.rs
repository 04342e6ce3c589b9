//! `Arc<Mutex<T>>`: threads that may outlive the function share ownership.

use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

// ANCHOR: arc
/// Starts a background thread that records `count` events into `events`,
/// and returns at once: the caller decides when to wait for it.
fn start_recorder(events: Arc<Mutex<Vec<u32>>>, count: u32) -> JoinHandle<()> {
    thread::spawn(move || {
        for n in 0..count {
            events.lock().unwrap().push(n);
        }
    })
}

pub fn main() {
    let events = Arc::new(Mutex::new(Vec::new()));
    let recorder = start_recorder(Arc::clone(&events), 1000);

    recorder.join().unwrap();
    println!("events recorded: {}", events.lock().unwrap().len());
    println!("handles alive: {}", Arc::strong_count(&events));
}
// ANCHOR_END: arc

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorder_records_every_event_and_lets_go() {
        let events = Arc::new(Mutex::new(Vec::new()));
        let a = start_recorder(Arc::clone(&events), 100);
        let b = start_recorder(Arc::clone(&events), 100);
        a.join().unwrap();
        b.join().unwrap();
        assert_eq!(events.lock().unwrap().len(), 200);
        // The threads dropped their clones when they finished.
        assert_eq!(Arc::strong_count(&events), 1);
    }
}
