//! The checks of exercise `id-allocator`: scenarios on real threads (one of
//! them starts a few ids below `u64::MAX`, where a counter that keeps adding
//! wraps around to 0), and loom models that race two threads and `main` for
//! the last ids in every interleaving.

use crate::exercise::IdAllocator;
use crate::harness::{fail, models, scenarios};
use std::ops::Range;

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
                 whenever another thread changed `next` first."
            } else {
                "The range ends *before* `end`: hand out `next` only while `next < end`."
            };
            fail(format!(
                "{what}: `next_id` returned Some({}), past the end of {range} (the last id is {}).\n\n{why}",
                show(id),
                show(ids.end - 1)
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
            "{what}: only {} of {} calls got an id, though {} ids were there to hand out: {}.\n\n\
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

/// `calls` calls of `next_id` on one thread.
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
        use std::sync::Barrier;
        const THREADS: usize = 4;
        const EACH: usize = 750;
        let ids = IdAllocator::new(1_000..4_000);
        let start = Barrier::new(THREADS);
        let mut got: Vec<Option<u64>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..THREADS)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        take(&ids, EACH)
                    })
                })
                .collect();
            workers.into_iter().flat_map(|w| w.join().expect("a thread panicked")).collect()
        });
        expect_ids("4 threads × 750 calls on `IdAllocator::new(1000..4000)`", 1_000..4_000, &got, true);
        got.push(ids.next_id());
        expect_ids("one more call after every id was taken", 1_000..4_000, &got, true);
    }

    /// Four threads ask 4 times each for the last 8 ids below `u64::MAX`.
    Threads fn four_threads_drain_the_top_of_u64() {
        use std::sync::Barrier;
        const THREADS: usize = 4;
        let ids = IdAllocator::new(u64::MAX - 8..u64::MAX);
        let start = Barrier::new(THREADS);
        let got: Vec<Option<u64>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..THREADS)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        take(&ids, 4)
                    })
                })
                .collect();
            workers.into_iter().flat_map(|w| w.join().expect("a thread panicked")).collect()
        });
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
