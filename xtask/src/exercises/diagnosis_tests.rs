//! Tests of the words a learner reads, fed by output captured from the
//! programs they parse (in `fixtures/`): rustc's errors for a bundle, loom's
//! deadlock panic, the harness's report cut off by the runner. The harness
//! (`exercises/checks/harness.rs`) is compiled in here as a module, so its
//! explanations and the strings it shares with `playground::diagnosis` are
//! tested where both are visible.

use std::panic;

use playground::diagnosis::{self, SourceMap};
use playground::{Activity, Exit, ProcessOutput};

use super::harness::{self, Kind, PanicRecord, Place};

const LEARNER_ERROR: &str = include_str!("fixtures/rustc_learner_error.txt");
const CHECKS_ERROR: &str = include_str!("fixtures/rustc_checks_error.txt");
const STOPPED: &str = include_str!("fixtures/harness_stopped_mid_scenario.txt");
const LOOM_DEADLOCK: &str = include_str!("fixtures/loom_deadlock.txt");

/// A map like a bank bundle's: the learner's file has 100 lines, then the
/// checks, whose line 1 is bundle line 1281.
fn bank_map() -> SourceMap {
    let mut code = String::new();
    for _ in 0..100 {
        code.push_str("// learner\n");
    }
    code.push_str(&format!("{}exercises/src/bank.rs\n", diagnosis::LEARNER_MARKER));
    for _ in 0..1178 {
        code.push_str("// harness\n");
    }
    code.push_str(&format!("{}exercises/checks/bank.rs\n", diagnosis::FILE_MARKER));
    SourceMap::of_bundle(&code)
}

fn record(file: &str, line: u32, message: &str) -> PanicRecord {
    PanicRecord { thread: "<unnamed>".into(), place: Some(Place::of(file, line, 9)), message: message.into() }
}

#[test]
fn the_strings_the_harness_shares_with_the_runner_side_agree() {
    assert_eq!(harness::RUNNING, diagnosis::RUNNING, "the unfinished-line marker");
    assert_eq!(harness::DETECTOR_ENV, playground::deadlock::DETECTOR_ENV, "the detector's variable");
}

#[test]
fn a_compile_error_in_the_learners_file_is_shown_at_the_learners_line() {
    let text = diagnosis::compile_errors(LEARNER_ERROR, &bank_map());
    assert!(text.contains("--> exercises/src/bank.rs:58:20"), "{text}");
    assert!(text.contains("expected `u64`, found `i64`"), "{text}");
    assert!(!text.contains("src/main.rs"), "every bundle location is mapped: {text}");
    assert!(!text.contains("cannot subtract-assign"), "only the first error is shown: {text}");
    assert!(text.contains("(3 more errors; fix the first one first"), "{text}");
    assert!(!text.contains("checker's code"), "{text}");
}

#[test]
fn a_compile_error_in_the_checks_points_at_the_changed_signature() {
    let text = diagnosis::compile_errors(CHECKS_ERROR, &bank_map());
    assert!(text.contains("--> exercises/checks/bank.rs:11:49"), "{text}");
    assert!(
        text.contains("--> exercises/src/bank.rs:37:12"),
        "the note points into the learner's file: {text}"
    );
    assert!(text.contains("checker's code (exercises/checks/bank.rs)"), "{text}");
    assert!(text.contains("Keep the signatures"), "{text}");
    assert!(!text.contains("more error"), "{text}");
}

#[test]
fn the_check_that_was_running_when_the_runner_stopped_the_program_is_named() {
    assert_eq!(diagnosis::running_check(STOPPED), Some("a transfer to the same account changes nothing"));
    assert_eq!(diagnosis::running_check("  done … ok\n"), None, "a finished line names nothing");
    let stopped = |activity| ProcessOutput {
        exit: Exit::TimedOut { limit: std::time::Duration::from_secs(30), activity },
        stdout: STOPPED.to_string(),
        stderr: String::new(),
    };
    let busy =
        diagnosis::unexplained_exit(&stopped(Activity::Busy), &bank_map()).expect("words for the limit");
    assert!(busy.starts_with("✗ a transfer to the same account changes nothing\n"), "{busy}");
    assert!(busy.contains("time limit (30 s)") && busy.contains("busy loop"), "{busy}");
    let partly = Activity::PartlyBlocked { blocked: 2, threads: 3 };
    let partial = diagnosis::unexplained_exit(&stopped(partly), &bank_map()).expect("words for the limit");
    assert!(
        partial.contains("2 of its 3 threads were blocked") && partial.contains("busy loop"),
        "{partial}"
    );
}

#[test]
fn a_report_the_program_explained_gets_no_second_explanation() {
    let run = ProcessOutput {
        exit: Exit::Signal(6),
        stdout: "  opposite transfers … FAILED\n\n✗ opposite transfers\n  loom found a deadlock\n".into(),
        stderr: "thread caused non-unwinding panic. aborting.\n".into(),
    };
    assert_eq!(diagnosis::unexplained_exit(&run, &bank_map()), None);
}

#[test]
fn a_check_stopped_after_an_explained_failure_is_explained_too() {
    let run = ProcessOutput {
        exit: Exit::TimedOut { limit: std::time::Duration::from_secs(10), activity: Activity::Busy },
        stdout: "  first … FAILED\n\n✗ first\n  wrong total\n\n  second … ".into(),
        stderr: String::new(),
    };
    let text = diagnosis::unexplained_exit(&run, &bank_map()).expect("the second check needs words");
    assert!(text.starts_with("✗ second\n") && text.contains("busy loop"), "{text}");
}

#[test]
fn a_deadlock_report_says_who_waits_where_and_what_the_pattern_means() {
    use playground::deadlock::{BlockedThread, DeadlockReport, Frame, WaitKind};
    let thread = |tid, waits_for, line| BlockedThread {
        tid,
        name: None,
        waits_for,
        frames: vec![Frame { function: "transfer".into(), file: "src/main.rs".into(), line, code: None }],
    };
    let report = DeadlockReport {
        threads: vec![
            thread(1, WaitKind::Join, 1290),
            thread(2, WaitKind::Lock, 45),
            thread(3, WaitKind::Lock, 46),
        ],
        blocked_for: std::time::Duration::from_millis(800),
        no_stacks: None,
    };
    let text = diagnosis::explain_deadlock(&report, &bank_map());
    assert!(text.contains("thread 2 waits for a lock at exercises/src/bank.rs:45"), "{text}");
    assert!(!text.contains("src/main.rs"), "every frame is mapped: {text}");
    assert!(text.contains("exercises/checks/bank.rs:10"), "{text}");
    assert!(text.contains("lock-order deadlock"), "{text}");
    let one = DeadlockReport { threads: vec![thread(1, WaitKind::Lock, 45)], ..report };
    assert!(diagnosis::explain_deadlock(&one, &bank_map()).contains("already holds it"));
}

#[test]
fn the_checkers_own_waiting_thread_is_left_out_of_a_deadlock_report() {
    use playground::deadlock::{BlockedThread, DeadlockReport, Frame, WaitKind};
    // 10 learner lines, then the harness (internal) from bundle line 13,
    // then the checks from line 113.
    let mut code = "// learner\n".repeat(10);
    code.push_str(&format!("{}exercises/src/bank.rs\n", diagnosis::LEARNER_MARKER));
    code.push_str(&format!("{}exercises/checks/harness.rs{}\n", diagnosis::FILE_MARKER, diagnosis::INTERNAL));
    code.push_str(&"// harness\n".repeat(99));
    code.push_str(&format!("{}exercises/checks/bank.rs\n", diagnosis::FILE_MARKER));
    let map = SourceMap::of_bundle(&code);
    let frame = |function: &str, line| Frame {
        function: function.into(),
        file: "src/main.rs".into(),
        line,
        code: None,
    };
    let report = DeadlockReport {
        threads: vec![
            BlockedThread {
                tid: 1,
                name: Some("main".into()),
                waits_for: WaitKind::Channel,
                frames: vec![frame("run_scenario", 50), frame("main_scenarios", 60)],
            },
            BlockedThread {
                tid: 2,
                name: Some("scenario".into()),
                waits_for: WaitKind::Lock,
                frames: vec![
                    frame("lock", 5),
                    frame("transfer", 7),
                    frame("expect_transfer", 120),
                    frame("run_scenario", 55),
                ],
            },
        ],
        blocked_for: std::time::Duration::from_secs(1),
        no_stacks: None,
    };
    let text = diagnosis::explain_deadlock(&report, &map);
    assert!(text.starts_with("Deadlock: the thread running your code is asleep"), "{text}");
    assert!(
        !text.contains("harness.rs") && !text.contains("main waits"),
        "the checker's thread is left out: {text}"
    );
    assert!(text.contains("scenario waits for a lock at exercises/src/bank.rs:5"), "{text}");
    assert!(text.contains("called at exercises/checks/bank.rs:8"), "{text}");
    assert!(text.contains("already holds it"), "{text}");
}

#[test]
fn cargos_lines_around_rustcs_errors_are_no_errors_of_their_own() {
    // play.rust-lang.org builds with cargo: its stderr adds a progress line
    // before rustc's errors and a summary after them.
    let cargo = format!(
        "   Compiling playground v0.0.1 (/playground)\n{}warning: `playground` (bin \"playground\") generated 1 warning\nerror: could not compile `playground` (bin \"playground\") due to 1 previous error; 1 warning emitted\n",
        CHECKS_ERROR.replace("error: aborting due to 1 previous error\n\n", "")
    );
    assert_eq!(
        diagnosis::compile_errors(&cargo, &bank_map()),
        diagnosis::compile_errors(CHECKS_ERROR, &bank_map())
    );
}

#[test]
fn loom_deadlocks_are_read_back_into_who_waits_where() {
    let threads = LOOM_DEADLOCK.trim().strip_prefix("deadlock; threads = ").expect("loom's prefix");
    let text = harness::explain_loom_deadlock(threads);
    assert!(text.contains("the model's main thread"), "{text}");
    assert!(
        text.contains("at d.rs:13:58") && text.contains("thread 1") && text.contains("at d.rs:12:90"),
        "{text}"
    );
    let record = PanicRecord { thread: "main".into(), place: None, message: LOOM_DEADLOCK.trim().into() };
    assert!(harness::model_failure("opposite_transfers", &record).starts_with("✗ opposite transfers\n"));
}

#[test]
fn a_busy_hang_is_a_busy_loop_and_a_single_threaded_hang_is_a_lock_taken_twice() {
    let busy = harness::explain_hang(Kind::Threads, Some(true));
    assert!(busy.contains("busy loop") && !busy.contains("used no CPU"), "{busy}");
    let single = harness::explain_hang(Kind::Single, Some(false));
    assert!(single.contains("already") && !single.contains("global order"), "{single}");
    let many = harness::explain_hang(Kind::Threads, Some(false));
    assert!(many.contains("deadlock") && many.contains("global order") && many.contains("Condvar"), "{many}");
}

#[test]
fn assert_eq_messages_read_as_expected_and_got() {
    let text =
        harness::assertion("assertion `left == right` failed: the count\n  left: 1\n right: 2").unwrap();
    assert_eq!(text, "the count\n  expected: 2\n  got:      1");
    assert_eq!(harness::assertion("something else"), None);
}

/// The message `expect_total` fails with.
fn total_message(expected: u64, actual: u64, threads: u64, per_thread: u64) -> String {
    let result =
        panic::catch_unwind(|| harness::expect_total("count", expected, actual, threads, per_thread));
    let payload = result.expect_err("a wrong total fails");
    payload.downcast_ref::<String>().cloned().unwrap_or_default()
}

#[test]
fn a_wrong_total_is_explained_by_what_its_value_says() {
    let none = total_message(160_000, 0, 8, 20_000);
    assert!(!none.contains("lost update") && none.contains("its own copy"), "{none}");
    let short = total_message(160_000, 129_766, 8, 20_000);
    assert!(short.contains("lost updates") && short.contains("join"), "both causes: {short}");
    let whole = total_message(160_000, 60_000, 8, 20_000);
    assert!(whole.contains("exactly 3 of the 8 threads' work") && whole.contains("lost updates"), "{whole}");
    let more = total_message(20, 40, 2, 10);
    assert!(more.contains("static"), "{more}");
    harness::expect_total("count", 5, 5, 1, 5);
}

#[test]
fn the_learners_own_panic_comes_first_and_poison_is_explained_with_its_cause() {
    let panics = vec![
        record("exercises/src/queue.rs", 52, "attempt to subtract with overflow"),
        record(
            "exercises/src/queue.rs",
            32,
            "called `Result::unwrap()` on an `Err` value: PoisonError { .. }",
        ),
        record("exercises/checks/queue.rs", 80, "a consumer panicked: Any { .. }"),
    ];
    let text = harness::explain_panics(&panics);
    assert!(text.starts_with("A lock is poisoned"), "{text}");
    assert!(text.contains("\"attempt to subtract with overflow\" at exercises/src/queue.rs:52:9"), "{text}");
    assert!(!text.contains("Any { .. }"), "the test's own unwrap is not the story: {text}");
    let own = harness::explain_panics(&panics[..1]);
    assert!(own.starts_with("Your code panicked at exercises/src/queue.rs:52:9"), "{own}");
    let todo = harness::explain_panics(&[record("exercises/src/bank.rs", 57, "not yet implemented: sum it")]);
    assert!(todo.starts_with("Not implemented yet: sum it"), "{todo}");
    let finding = harness::explain_panics(&[record("exercises/checks/bank.rs", 3, "total() returned 3")]);
    assert_eq!(finding, "total() returned 3");
}

#[test]
fn code_that_bypasses_the_facade_is_named_with_its_line() {
    let text =
        harness::bypasses_facade("// std::sync in a comment is fine\nuse std::sync::Mutex;\n").unwrap();
    assert!(text.contains("line 2") && text.contains("crate::sync"), "{text}");
    assert_eq!(harness::bypasses_facade("use crate::sync::Mutex;\n"), None);
}

#[test]
fn code_that_bypasses_the_facades_cell_or_spin_loop_is_named() {
    let cell = harness::bypasses_facade("use crate::sync::atomic::AtomicBool;\nuse std::cell::UnsafeCell;\n")
        .expect("std's UnsafeCell is named");
    assert!(cell.contains("line 2") && cell.contains("crate::sync::cell::UnsafeCell"), "{cell}");
    let grouped =
        harness::bypasses_facade("use std::{cell::UnsafeCell, ops::Deref};\n").expect("grouped import");
    assert!(grouped.contains("`UnsafeCell`"), "{grouped}");
    let spin =
        harness::bypasses_facade("fn f() {\n    std::hint::spin_loop();\n}\n").expect("std's spin_loop");
    assert!(spin.contains("line 2") && spin.contains("crate::sync::hint::spin_loop"), "{spin}");
    let facade =
        "use crate::sync::cell::UnsafeCell;\nuse crate::sync::hint::spin_loop;\nuse std::ops::Deref;\n";
    assert_eq!(harness::bypasses_facade(facade), None);
}

/// loom 0.7.3's panic for two unordered accesses to a checked cell, as its
/// `PanicBuilder::fire` writes it (captured from the examples' relaxed spin
/// lock model).
const LOOM_DATA_RACE: &str = "\nCausality violation: Concurrent write accesses to `UnsafeCell`.\n      \
                              created: src/main.rs:16:20\n    write one: thread #0 @ src/main.rs:85:40\n    \
                              write two: thread #1 @ src/main.rs:85:40\n";

#[test]
fn a_loom_data_race_names_both_accesses_and_the_orderings() {
    let text = harness::explain_data_race(LOOM_DATA_RACE);
    assert!(text.starts_with("loom found a data race"), "{text}");
    assert!(text.contains("the model's main thread touches the value at src/main.rs:85:40"), "{text}");
    assert!(text.contains("thread 1 touches the value at src/main.rs:85:40"), "{text}");
    assert!(!text.contains("16:20"), "where the cell was made is not an access: {text}");
    assert!(text.contains("`Acquire`") && text.contains("`Release`"), "{text}");
    let model = harness::model_failure(
        "a_thread_and_main_each_add_one",
        &PanicRecord { thread: "main".into(), place: None, message: LOOM_DATA_RACE.into() },
    );
    assert!(model.starts_with("✗ a thread and main each add one") && model.contains("data race"), "{model}");
}

#[test]
fn every_explanation_the_harness_prints_is_one_the_runner_side_recognises() {
    // The harness marks a failed check with `✗ `; `unexplained_exit` looks for
    // `diagnosis::FAILED_MARK` to know the program explained itself. If the two
    // drift, every failure gets a second, wrong explanation from the runner.
    let scenario = harness::Scenario { name: "two_threads_add_one_each", kind: Kind::Threads, run: || {} };
    let panicked = harness::Outcome::Failed(vec![record("exercises/src/bank.rs", 12, "boom")]);
    let hung = harness::Outcome::Hung { busy: Some(false), panics: Vec::new() };
    for outcome in [panicked, hung] {
        let text = harness::explain_outcome(&scenario, &outcome).expect("a failure is explained");
        assert!(text.starts_with(diagnosis::FAILED_MARK), "{text}");
        let run = ProcessOutput {
            exit: Exit::Code(1),
            stdout: format!("  two threads add one each … FAILED\n\n{text}\n"),
            stderr: String::new(),
        };
        assert_eq!(diagnosis::unexplained_exit(&run, &bank_map()), None, "{text}");
    }
    assert!(harness::explain_outcome(&scenario, &harness::Outcome::Passed).is_none());
}
