//! No lock needed: when the borrow checker already proves you are alone.

use std::sync::Mutex;
use std::thread;

// ANCHOR: ownership
/// Collects scores: one written without locking, two by threads that lock.
pub fn collect_scores() -> Vec<u32> {
    let mut scores = Mutex::new(Vec::new());

    // `&mut` to the mutex proves nobody else can hold it: no locking at all.
    scores.get_mut().unwrap().push(10);

    thread::scope(|s| {
        for points in [20, 30] {
            let scores = &scores;
            s.spawn(move || scores.lock().unwrap().push(points));
        }
    }); // the threads are done, and so are their borrows

    // Owning the mutex proves it too: take the data out for good.
    let mut scores = scores.into_inner().unwrap();
    scores.sort();
    scores
}

pub fn main() {
    println!("{:?}", collect_scores());
}
// ANCHOR_END: ownership

#[cfg(test)]
mod tests {
    #[test]
    fn every_score_is_kept() {
        assert_eq!(super::collect_scores(), [10, 20, 30]);
    }
}
