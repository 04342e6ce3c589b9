//! `thread::scope`: threads that finish inside the function may borrow.

use std::sync::Mutex;
use std::thread;

// ANCHOR: scoped
/// Scans each log on its own scoped thread and collects the lines that
/// mention an error. The lines are borrowed from `logs`, not copied.
pub fn error_lines<'a>(logs: &[&'a str]) -> Vec<&'a str> {
    let found = Mutex::new(Vec::new()); // on this function's stack

    thread::scope(|s| {
        for log in logs {
            s.spawn(|| {
                for line in log.lines().filter(|line| line.contains("ERROR")) {
                    found.lock().unwrap().push(line);
                }
            });
        }
    });

    let mut found = found.into_inner().unwrap();
    found.sort_unstable(); // the threads pushed in whatever order they ran
    found
}

pub fn main() {
    let web = "INFO start\nERROR disk full\nINFO retry";
    let db = "ERROR timeout\nINFO ok";
    println!("{:?}", error_lines(&[web, db]));
}
// ANCHOR_END: scoped

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_error_line_from_every_log() {
        let logs = ["ERROR a\nok\nERROR b", "ok", "", "ERROR c"];
        assert_eq!(error_lines(&logs), ["ERROR a", "ERROR b", "ERROR c"]);
    }

    #[test]
    fn the_lines_are_borrowed_not_copied() {
        let log = String::from("ERROR here");
        let found = error_lines(&[log.as_str()]);
        assert!(std::ptr::eq(found[0], log.as_str()), "the result points into the input");
    }
}
