//! The actor pattern: one thread owns the state; others send it messages.

use std::collections::HashMap;
use std::sync::mpsc::{self, Sender};
use std::thread::{self, JoinHandle};

// ANCHOR: actor
/// What the actor can be asked to do.
enum Command {
    Add { word: String },
    Count { word: String, reply: Sender<usize> },
}

/// A cheap, cloneable handle: all it holds is a `Sender`.
#[derive(Clone)]
pub struct WordCounter {
    tx: Sender<Command>,
}

impl WordCounter {
    /// Starts the actor thread, which owns the map. No lock anywhere.
    pub fn start() -> (WordCounter, JoinHandle<usize>) {
        let (tx, rx) = mpsc::channel();
        let actor = thread::spawn(move || {
            let mut counts: HashMap<String, usize> = HashMap::new();
            for command in rx {
                match command {
                    Command::Add { word } => *counts.entry(word).or_default() += 1,
                    Command::Count { word, reply } => {
                        let _ = reply.send(counts.get(&word).copied().unwrap_or(0));
                    }
                }
            }
            counts.len() // every handle is gone: report and stop
        });
        (WordCounter { tx }, actor)
    }

    pub fn add(&self, word: &str) {
        self.tx.send(Command::Add { word: word.to_string() }).expect("actor stopped");
    }

    /// Asks and waits for the answer on a one-off reply channel.
    pub fn count(&self, word: &str) -> usize {
        let (reply, answer) = mpsc::channel();
        self.tx.send(Command::Count { word: word.to_string(), reply }).expect("actor stopped");
        answer.recv().expect("actor stopped")
    }
}
// ANCHOR_END: actor

// ANCHOR: main
pub fn main() {
    let (counter, actor) = WordCounter::start();
    thread::scope(|s| {
        for text in ["the cat", "the dog", "the end"] {
            let counter = counter.clone();
            s.spawn(move || text.split(' ').for_each(|w| counter.add(w)));
        }
    });
    println!("\"the\" seen {} times", counter.count("the"));
    drop(counter);
    println!("distinct words: {}", actor.join().unwrap());
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_from_many_handles() {
        let (c, actor) = WordCounter::start();
        thread::scope(|s| {
            for _ in 0..4 {
                let c = c.clone();
                s.spawn(move || (0..25).for_each(|_| c.add("x")));
            }
        });
        assert_eq!(c.count("x"), 100);
        assert_eq!(c.count("y"), 0);
        drop(c);
        assert_eq!(actor.join().unwrap(), 1);
    }
}
