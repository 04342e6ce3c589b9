//! Slow work under a lock, and three ways to move it out: copy out,
//! compute outside, swap with `std::mem::take`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Mutex;

/// Lines waiting to be written, shared by every thread that logs.
#[derive(Default)]
pub struct Log {
    lines: Mutex<Vec<String>>,
}

impl Log {
    /// Adds one line; a short critical section.
    pub fn push(&self, line: impl Into<String>) {
        self.lines.lock().unwrap().push(line.into());
    }

    /// The number of lines waiting.
    pub fn pending(&self) -> usize {
        self.lines.lock().unwrap().len()
    }

    #[expect(clippy::significant_drop_tightening, reason = "the mistake this page is about")]
    // ANCHOR: flush_slow
    /// Writes every waiting line, holding the lock for the whole write:
    /// every thread that wants to log waits for the disk.
    pub fn flush_slow(&self, out: &mut impl Write) -> io::Result<usize> {
        let mut lines = self.lines.lock().unwrap();
        for line in lines.iter() {
            writeln!(out, "{line}")?; // I/O under the lock
        }
        let written = lines.len();
        lines.clear();
        Ok(written)
    }
    // ANCHOR_END: flush_slow

    // ANCHOR: flush
    /// Swaps the waiting lines out under the lock (a pointer swap), then
    /// writes them with the lock released.
    pub fn flush(&self, out: &mut impl Write) -> io::Result<usize> {
        let lines = std::mem::take(&mut *self.lines.lock().unwrap());
        for line in &lines {
            writeln!(out, "{line}")?; // other threads can push meanwhile
        }
        Ok(lines.len())
    }
    // ANCHOR_END: flush
}

// ANCHOR: copy_out
/// Formats a report of the hit counts. Only the `clone` happens under the
/// lock; sorting and formatting work on the private copy.
pub fn report(hits: &Mutex<HashMap<String, u64>>) -> String {
    let snapshot = hits.lock().unwrap().clone();
    let mut rows: Vec<_> = snapshot.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.iter().map(|(page, n)| format!("{page}: {n}\n")).collect()
}
// ANCHOR_END: copy_out

// ANCHOR: compute_outside
/// Renders a page and caches it. The rendering (slow) runs before the lock
/// is taken; the lock covers only the insert.
pub fn render_and_cache(cache: &Mutex<HashMap<u32, String>>, id: u32) {
    let page = render(id); // no lock held
    cache.lock().unwrap().insert(id, page);
}
// ANCHOR_END: compute_outside

/// Stands for expensive work: a few thousand string operations.
pub fn render(id: u32) -> String {
    (0..200).map(|i| format!("<p>{id}.{i}</p>")).collect()
}

// ANCHOR: main
pub fn main() {
    let log = Log::default();
    log.push("started");
    log.push("ready");
    let mut file = Vec::new(); // stands for a file or a socket
    let written = log.flush(&mut file).unwrap();
    println!("flushed {written} lines, {} waiting", log.pending());

    let hits = Mutex::new(HashMap::from([("/".to_string(), 7), ("/about".to_string(), 2)]));
    print!("{}", report(&hits));

    let cache = Mutex::new(HashMap::new());
    render_and_cache(&cache, 1);
    println!("cached page 1: {} bytes", cache.lock().unwrap()[&1].len());
}
// ANCHOR_END: main

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::thread;

    /// A writer that parks in its first `write` until the test lets it go,
    /// so the test can look at the lock while a flush is in the middle of I/O.
    struct Gate<'a> {
        reached: &'a Barrier,
        release: &'a Barrier,
        parked: bool,
        bytes: Vec<u8>,
    }

    impl Write for Gate<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if !self.parked {
                self.parked = true;
                self.reached.wait();
                self.release.wait();
            }
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Runs `flush` on another thread and returns whether the log's lock was
    /// free while that flush was writing, plus what it wrote.
    fn lock_free_during(flush: fn(&Log, &mut Gate<'_>) -> io::Result<usize>) -> (bool, usize, String) {
        let log = Log::default();
        log.push("a");
        log.push("b");
        let (reached, release) = (Barrier::new(2), Barrier::new(2));
        thread::scope(|s| {
            let writer = s.spawn(|| {
                let mut gate =
                    Gate { reached: &reached, release: &release, parked: false, bytes: Vec::new() };
                let n = flush(&log, &mut gate).unwrap();
                (n, String::from_utf8(gate.bytes).unwrap())
            });
            reached.wait();
            // The flush is inside `write` now. Can another thread log?
            let free = match log.lines.try_lock() {
                Ok(mut lines) => {
                    lines.push("during".into());
                    true
                }
                Err(_) => false,
            };
            release.wait();
            let (n, text) = writer.join().unwrap();
            (free, n, text)
        })
    }

    #[test]
    fn flush_slow_holds_the_lock_during_io() {
        let (free, n, text) = lock_free_during(|log, out| log.flush_slow(out));
        assert!(!free, "flush_slow should hold the lock while writing");
        assert_eq!((n, text.as_str()), (2, "a\nb\n"));
    }

    #[test]
    fn flush_releases_the_lock_before_io() {
        let (free, n, text) = lock_free_during(|log, out| log.flush(out));
        assert!(free, "flush should not hold the lock while writing");
        assert_eq!((n, text.as_str()), (2, "a\nb\n"));
    }

    #[test]
    fn a_line_logged_during_a_flush_waits_for_the_next_one() {
        let log = Log::default();
        log.push("a");
        let mut out = Vec::new();
        assert_eq!(log.flush(&mut out).unwrap(), 1);
        log.push("b");
        assert_eq!(log.pending(), 1);
        assert_eq!(log.flush(&mut out).unwrap(), 1);
        assert_eq!(out, b"a\nb\n");
    }

    #[test]
    fn report_sorts_by_hits_then_name() {
        let hits = Mutex::new(HashMap::from([("/b".into(), 2), ("/a".into(), 2), ("/".into(), 9)]));
        assert_eq!(report(&hits), "/: 9\n/a: 2\n/b: 2\n");
        assert_eq!(hits.lock().unwrap().len(), 3, "the report copies; the map is untouched");
    }

    #[test]
    fn render_and_cache_inserts_the_rendered_page() {
        let cache = Mutex::new(HashMap::new());
        render_and_cache(&cache, 4);
        assert_eq!(cache.lock().unwrap()[&4], render(4));
    }
}
