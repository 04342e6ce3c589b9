//! The checks of exercise `id-allocator`: scenarios on real threads (one of
//! them starts a few ids below `u64::MAX`, where a counter that keeps adding
//! wraps around to 0), and loom models that race two threads and `main` for
//! the last ids in every interleaving.

use crate::exercise::IdAllocator;
use crate::harness::{fail, models, scenarios};
use std::ops::Range;
#[cfg(not(loom))]
use std::sync::mpsc::{self, RecvTimeoutError};
#[cfg(not(loom))]
use std::sync::{Arc, Barrier};
#[cfg(not(loom))]
use std::time::{Duration, Instant};

/// What the checker says when loom gives up on a model of this exercise.
const RETRYING: &str = "A `compare_exchange` loop must retry with the value that \
     `compare_exchange` returned in `Err(actual)`, not with the one it read before the loop: once \
     another thread has moved `next` on, the old value never matches again, and the loop retries \
     for ever. `try_update` retries with the fresh value for you.";

/// `id` as a reader can compare it: ids near the top of `u64` are written
/// from `u64::MAX`.
fn show(id: u64) -> String {
    match u64::MAX - id {
        0 => "u64::MAX".to_string(),
        below if below < 1_000 => format!("u64::MAX - {below}"),
        _ => id.to_string(),
    }
}

fn show_range(ids: &Range<u64>) -> String {
    format!("{}..{}", show(ids.start), show(ids.end))
}

fn show_all(got: &[Option<u64>]) -> String {
    let items: Vec<String> = got
        .iter()
        .map(|id| match id {
            Some(id) => format!("Some({})", show(*id)),
            None => "None".to_string(),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// Checks what `got.len()` calls of `next_id` on `IdAllocator::new(ids)`
/// returned: every id in the range, none twice, as many as there were calls
/// (or ids). From one thread (`threads == false`) they must also come in
/// order, then `None` for ever. Explains the first thing wrong.
#[track_caller]
fn expect_ids(what: &str, ids: Range<u64>, got: &[Option<u64>], threads: bool) {
    let range = show_range(&ids);
    let handed: Vec<u64> = got.iter().flatten().copied().collect();
    for &id in &handed {
        if id < ids.start {
            fail(format!(
                "{what}: `next_id` returned Some({}), which is not in {range}. The counter went past \
                 the end and wrapped around to 0.\n\n\
                 `fetch_add` adds whatever the value is, and an `AtomicU64` at `u64::MAX` plus one is 0 \
                 — atomics wrap silently, in debug builds too. (Undoing the addition afterwards with \
                 `fetch_sub` is too late: another thread can take the wrapped value in between.) Only \
                 move `next` on while an id is left, in one step that can refuse: `try_update`, or a \
                 `compare_exchange` loop.",
                show(id)
            ));
        }
        if id >= ids.end {
            let why = if threads {
                "Two threads both saw an id left and both took one: checking `next < end` and taking \
                 `next` were two steps, and another thread took the last id between them. Decide and \
                 take in one atomic step: `try_update` (or a `compare_exchange` loop) decides again \
                 whenever another thread changed `next` first. (Or, if this happens on one thread \
                 too: the range ends *before* `end`.)"
            } else {
                "The range ends *before* `end`: hand out `next` only while `next < end`."
            };
            let last = if ids.is_empty() {
                "the range is empty".to_string()
            } else {
                format!("the last id is {}", show(ids.end - 1))
            };
            fail(format!(
                "{what}: `next_id` returned Some({}), past the end of {range} ({last}).\n\n{why}",
                show(id)
            ));
        }
    }
    let mut sorted = handed.clone();
    sorted.sort_unstable();
    if let Some(twice) = sorted.windows(2).find(|pair| pair[0] == pair[1]) {
        let why = if threads {
            "Two threads read the same `next` and both handed it out: reading `next` and moving it on \
             were two steps (a `load`, then a `store`), and the second thread read before the first \
             one wrote. Make them one atomic step: `try_update`, or `compare_exchange`, which fails \
             when another thread changed `next` in between."
        } else {
            "Move `next` on by one every time you hand it out."
        };
        fail(format!("{what}: `next_id` handed out {} twice: {}.\n\n{why}", show(twice[0]), show_all(got)));
    }
    let available = ids.end.saturating_sub(ids.start);
    let expected = (got.len() as u64).min(available);
    if (handed.len() as u64) < expected {
        fail(format!(
            "{what}: only {} of {} calls got an id, though {available} ids ({}) were there to hand out: {}.\n\n\
             A call returned `None` while ids were left. A `compare_exchange` that fails means \
             another thread changed `next` first, not that the ids are gone: try again with the value \
             it returned (`try_update` does that for you, and gives up only when your closure \
             returns `None`).",
            handed.len(),
            got.len(),
            show_range(&ids),
            show_all(got)
        ));
    }
    if !threads {
        let in_order: Vec<Option<u64>> =
            (0..got.len() as u64).map(|n| (n < available).then(|| ids.start + n)).collect();
        if got != in_order {
            fail(format!(
                "{what}: expected {}, got {}.\n\nFrom one thread, ids come out in order from `ids.start`, \
                 then `None` for every call after the last one.",
                show_all(&in_order),
                show_all(got)
            ));
        }
    }
}

/// How long [`race`] waits for its threads. The reference solution needs a
/// few milliseconds; this stays below the harness's own hang timeout, so
/// that a retry loop that never ends gets this exercise's explanation.
#[cfg(not(loom))]
const STUCK_AFTER: Duration = Duration::from_millis(2_500);

/// `threads` threads, started together, each make `calls` calls of
/// `next_id` on one `IdAllocator::new(range)`; returns the allocator and
/// every result. A call that never returns (a retry loop that cannot
/// succeed) fails the check after [`STUCK_AFTER`] instead of hanging: the
/// stuck threads are left spinning, and the program ends after the checks.
#[cfg(not(loom))]
fn race(range: Range<u64>, threads: usize, calls: usize) -> (Arc<IdAllocator>, Vec<Option<u64>>) {
    let ids = Arc::new(IdAllocator::new(range));
    let start = Arc::new(Barrier::new(threads));
    let (done, results) = mpsc::channel();
    for _ in 0..threads {
        let (ids, start, done) = (Arc::clone(&ids), Arc::clone(&start), done.clone());
        std::thread::spawn(move || {
            start.wait();
            let _ = done.send(take(&ids, calls));
        });
    }
    drop(done);
    let deadline = Instant::now() + STUCK_AFTER;
    let mut got = Vec::new();
    for finished in 0..threads {
        match results.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(theirs) => got.extend(theirs),
            Err(RecvTimeoutError::Disconnected) => fail("a thread panicked (its panic is above)"),
            Err(RecvTimeoutError::Timeout) => fail(format!(
                "{} of the {threads} threads {} still inside `next_id` after {:.1} s, while {finished} \
                 had made all {calls} of their calls: a call that never returns keeps retrying.\n\n\
                 {RETRYING}",
                threads - finished,
                if threads - finished == 1 { "was" } else { "were" },
                STUCK_AFTER.as_secs_f64()
            )),
        }
    }
    (ids, got)
}

/// `calls` calls of `next_id` on one thread.
#[cfg(not(loom))]
fn take(ids: &IdAllocator, calls: usize) -> Vec<Option<u64>> {
    (0..calls).map(|_| ids.next_id()).collect()
}

scenarios! {
    /// Three ids, five calls: the ids in order, then `None`.
    Single fn hands_out_each_id_in_order_then_none() {
        let ids = IdAllocator::new(10..13);
        expect_ids("5 calls on `IdAllocator::new(10..13)`", 10..13, &take(&ids, 5), false);
    }

    /// An empty range (and a reversed one, which is empty too) has no id to give.
    Single fn an_empty_range_hands_out_nothing() {
        let ids = IdAllocator::new(7..7);
        expect_ids("3 calls on `IdAllocator::new(7..7)`", 7..7, &take(&ids, 3), false);
        let (start, end) = (5, 3);
        let ids = IdAllocator::new(start..end);
        expect_ids("3 calls on `IdAllocator::new(5..3)`", start..end, &take(&ids, 3), false);
    }

    /// Two ids just below `u64::MAX`, then keep asking: `None` for ever, no wrap.
    Single fn never_wraps_at_the_top_of_u64() {
        let ids = IdAllocator::new(u64::MAX - 2..u64::MAX);
        expect_ids(
            "6 calls on `IdAllocator::new(u64::MAX - 2..u64::MAX)`",
            u64::MAX - 2..u64::MAX,
            &take(&ids, 6),
            false,
        );
    }

    /// Four threads take 750 ids each from a range of 3000, all at once.
    Threads fn four_threads_share_the_ids() {
        let (ids, mut got) = race(1_000..4_000, 4, 750);
        expect_ids("4 threads × 750 calls on `IdAllocator::new(1000..4000)`", 1_000..4_000, &got, true);
        got.push(ids.next_id());
        expect_ids("one more call after every id was taken", 1_000..4_000, &got, true);
    }

    /// Four threads ask 4 times each for the last 8 ids below `u64::MAX`.
    Threads fn four_threads_drain_the_top_of_u64() {
        let (_, got) = race(u64::MAX - 8..u64::MAX, 4, 4);
        expect_ids(
            "4 threads × 4 calls on `IdAllocator::new(u64::MAX - 8..u64::MAX)`",
            u64::MAX - 8..u64::MAX,
            &got,
            true,
        );
    }
}

models! {
    /// One id left: two threads and `main` ask for it at once. Exactly one
    /// gets it; the others get `None`.
    Interleavings fn two_threads_and_main_race_for_the_last_id() {
        use crate::sync::{Arc, thread};
        crate::harness::when_a_model_spins(RETRYING);
        let ids = Arc::new(IdAllocator::new(u64::MAX - 1..u64::MAX));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let ids = Arc::clone(&ids);
                thread::spawn(move || ids.next_id())
            })
            .collect();
        let mut got = vec![ids.next_id()];
        got.extend(threads.into_iter().map(|t| t.join().expect("a thread panicked")));
        expect_ids(
            "two threads and main each called `next_id` once on `IdAllocator::new(u64::MAX - 1..u64::MAX)`",
            u64::MAX - 1..u64::MAX,
            &got,
            true,
        );
    }

    /// Three ids: two threads and `main` each ask once. Each gets a
    /// different one.
    Interleavings fn two_threads_and_main_each_get_an_id() {
        use crate::sync::{Arc, thread};
        crate::harness::when_a_model_spins(RETRYING);
        let ids = Arc::new(IdAllocator::new(0..3));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let ids = Arc::clone(&ids);
                thread::spawn(move || ids.next_id())
            })
            .collect();
        let mut got = vec![ids.next_id()];
        got.extend(threads.into_iter().map(|t| t.join().expect("a thread panicked")));
        expect_ids("two threads and main each called `next_id` once on `IdAllocator::new(0..3)`", 0..3, &got, true);
    }
}
