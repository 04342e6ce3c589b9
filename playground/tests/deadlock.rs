//! The deadlock detector on real programs, through the runner: every shape
//! the book shows is recognised and named, and programs that only wait for a
//! while are left alone.
//!
//! Runs get the default 10 s, so a program that only waits has room even on
//! a loaded machine; the detector's verdict comes after about 1 s.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use playground::{DepSet, Edition, Exit, Limits, Report, Request, Runner, WaitKind};

fn runner() -> &'static Runner {
    static RUNNER: OnceLock<Runner> = OnceLock::new();
    RUNNER.get_or_init(|| {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let deps = DepSet::prebuild(workspace, "examples").expect("prebuilding the snippet dependencies");
        let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("playground-cache-deadlock");
        let limits = Limits { run_timeout: Duration::from_secs(10), ..Limits::default() };
        Runner::new(deps, limits, cache).expect("runner")
    })
}

fn run(code: &str) -> (Report, Duration) {
    let started = Instant::now();
    let report = runner().execute(&Request::new(code, Edition::E2021)).expect("the runner works");
    assert!(report.compile.exit.success(), "does not compile:\n{}", report.compile.stderr);
    (report, started.elapsed())
}

/// Runs `code` and returns its deadlock report, failing if it was not one.
fn deadlock(code: &str) -> playground::DeadlockReport {
    let (report, _) = run(code);
    let run = report.run.expect("it ran");
    match run.exit {
        Exit::Deadlock(report) => *report,
        other => panic!(
            "expected a deadlock, the program {other}\nstdout:\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        ),
    }
}

const AB_BA: &str = r#"use std::sync::{Arc, Barrier, Mutex};
use std::thread;

fn main() {
    let a = Arc::new(Mutex::new(0));
    let b = Arc::new(Mutex::new(0));
    let both = Arc::new(Barrier::new(2));
    let (a2, b2, both2) = (Arc::clone(&a), Arc::clone(&b), Arc::clone(&both));
    let t = thread::spawn(move || {
        let _a = a2.lock().unwrap();
        both2.wait();
        let _b = b2.lock().unwrap();
    });
    let _b = b.lock().unwrap();
    both.wait();
    let _a = a.lock().unwrap();
    t.join().unwrap();
}
"#;

#[test]
fn ab_ba_names_both_threads_and_their_lines() {
    let report = deadlock(AB_BA);
    println!("{report}");
    assert_eq!(report.threads.len(), 2, "{report}");
    let main = &report.threads[0];
    assert_eq!(main.name.as_deref(), Some("main"));
    assert_eq!(main.waits_for, WaitKind::Lock);
    assert_eq!(main.frames[0].line, 16, "{report}");
    assert_eq!(main.frames[0].code.as_deref(), Some("let _a = a.lock().unwrap();"));
    let other = &report.threads[1];
    assert_eq!(other.name, None);
    assert_eq!(other.waits_for, WaitKind::Lock);
    assert_eq!(other.frames[0].line, 12, "{report}");
    assert_eq!(report.no_stacks, None);
    let text = report.to_string();
    assert!(
        text.contains(
            "  main waits for a lock at src/main.rs:16, in `main`\n      let _a = a.lock().unwrap();\n"
        ),
        "{text}"
    );
    assert!(text.contains("  thread 1 waits for a lock at src/main.rs:12"), "{text}");
}

#[test]
fn relocking_on_one_thread_is_a_deadlock_of_one() {
    let report = deadlock(
        r#"use std::sync::Mutex;

fn main() {
    let total = Mutex::new(0);
    let mut first = total.lock().unwrap();
    *first += 1;
    let second = total.lock().unwrap();
    println!("{} {}", *first, *second);
}
"#,
    );
    assert_eq!(report.threads.len(), 1, "{report}");
    assert_eq!(report.threads[0].waits_for, WaitKind::Lock);
    assert_eq!(report.threads[0].frames[0].line, 7, "{report}");
    assert!(report.to_string().starts_with("Deadlock: the program's only thread is asleep"), "{report}");
}

#[test]
fn a_while_let_that_relocks_is_found() {
    let report = deadlock(
        r#"use std::sync::Mutex;

fn main() {
    let queue = Mutex::new(vec![3]);
    while let Some(job) = queue.lock().unwrap().pop() {
        for next in 0..job {
            queue.lock().unwrap().push(next);
        }
    }
}
"#,
    );
    assert_eq!(report.threads[0].waits_for, WaitKind::Lock);
    assert_eq!(report.threads[0].frames[0].line, 7, "{report}");
}

#[test]
fn a_condvar_nobody_notifies_is_found() {
    let report = deadlock(
        r#"use std::sync::{Condvar, Mutex};

fn main() {
    let ready = Mutex::new(false);
    let cv = Condvar::new();
    let mut guard = ready.lock().unwrap();
    while !*guard {
        guard = cv.wait(guard).unwrap();
    }
}
"#,
    );
    assert_eq!(report.threads[0].waits_for, WaitKind::Condvar, "{report}");
    assert_eq!(report.threads[0].frames[0].line, 8, "{report}");
}

#[test]
fn a_recv_whose_sender_is_kept_is_found() {
    let report = deadlock(
        r#"use std::sync::mpsc;

fn main() {
    let (tx, rx) = mpsc::channel::<u32>();
    let _keep = tx.clone();
    drop(tx);
    println!("{:?}", rx.recv());
}
"#,
    );
    assert_eq!(report.threads[0].waits_for, WaitKind::Channel, "{report}");
    assert_eq!(report.threads[0].frames[0].line, 7, "{report}");
}

#[test]
fn a_join_on_a_thread_blocked_on_our_lock_is_found() {
    let report = deadlock(
        r#"use std::sync::{Arc, Mutex};
use std::thread;

fn main() {
    let data = Arc::new(Mutex::new(0));
    let guard = data.lock().unwrap();
    let data2 = Arc::clone(&data);
    let worker = thread::Builder::new()
        .name("worker".into())
        .spawn(move || *data2.lock().unwrap() += 1)
        .unwrap();
    worker.join().unwrap();
    drop(guard);
}
"#,
    );
    let kinds: Vec<(Option<&str>, WaitKind)> =
        report.threads.iter().map(|t| (t.name.as_deref(), t.waits_for)).collect();
    assert_eq!(kinds, [(Some("main"), WaitKind::Join), (Some("worker"), WaitKind::Lock)], "{report}");
    assert_eq!(report.threads[0].frames[0].line, 12, "{report}");
    assert_eq!(report.threads[1].frames[0].line, 10, "{report}");
}

#[test]
fn a_deadlocked_test_is_found_in_test_mode() {
    let mut req = Request::new(
        "#[test]\nfn relocks() {\n    let m = std::sync::Mutex::new(1);\n    let _a = m.lock().unwrap();\n    let _b = m.lock().unwrap();\n}\n",
        Edition::E2021,
    );
    req.tests = true;
    let report = runner().execute(&req).unwrap();
    let run = report.run.unwrap();
    let Exit::Deadlock(report) = run.exit else {
        panic!("expected a deadlock: {}\n{}", run.exit, run.stdout)
    };
    let relocking =
        report.threads.iter().find(|t| t.name.as_deref() == Some("relocks")).expect("the test's thread");
    assert_eq!(relocking.frames[0].line, 5, "{report}");
    let harness =
        report.threads.iter().find(|t| t.name.as_deref() == Some("main")).expect("libtest's thread");
    assert_eq!(harness.waits_for, WaitKind::Channel, "{report}");
    assert!(harness.frames.is_empty(), "libtest's generated main is no code of the reader's: {report}");
}

/// Runs `code` and checks it finished normally with `stdout`, no report.
fn finishes(code: &str, stdout: &str) {
    let (report, _) = run(code);
    let run = report.run.expect("it ran");
    assert_eq!(run.exit, Exit::Code(0), "{}\nstdout:\n{}\nstderr:\n{}", run.exit, run.stdout, run.stderr);
    assert_eq!(run.stdout, stdout);
}

#[test]
fn a_program_that_sleeps_3_s_is_left_alone() {
    finishes(
        r#"fn main() {
    std::thread::sleep(std::time::Duration::from_secs(3));
    println!("awake");
}
"#,
        "awake\n",
    );
}

#[test]
fn a_recv_timeout_loop_is_left_alone() {
    finishes(
        r#"use std::sync::mpsc;
use std::time::Duration;

fn main() {
    let (tx, rx) = mpsc::channel::<u32>();
    let mut timeouts = 0;
    while timeouts < 3 {
        if rx.recv_timeout(Duration::from_millis(800)).is_err() {
            timeouts += 1;
        }
    }
    drop(tx);
    println!("{timeouts} timeouts");
}
"#,
        "3 timeouts\n",
    );
}

#[test]
fn a_wait_timeout_that_is_eventually_notified_is_left_alone() {
    finishes(
        r#"use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

fn main() {
    let pair = Arc::new((Mutex::new(false), Condvar::new()));
    let pair2 = Arc::clone(&pair);
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(2500));
        *pair2.0.lock().unwrap() = true;
        pair2.1.notify_one();
    });
    let (lock, cv) = &*pair;
    let mut ready = lock.lock().unwrap();
    while !*ready {
        ready = cv.wait_timeout(ready, Duration::from_secs(5)).unwrap().0;
    }
    println!("notified");
}
"#,
        "notified\n",
    );
}

#[test]
fn a_join_on_a_sleeping_worker_is_left_alone() {
    finishes(
        r#"fn main() {
    let worker = std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_millis(2500)));
    worker.join().unwrap();
    println!("joined");
}
"#,
        "joined\n",
    );
}

#[test]
fn a_recv_whose_sender_sends_after_2_5_s_is_left_alone() {
    finishes(
        r#"use std::sync::mpsc;
use std::thread;
use std::time::Duration;

fn main() {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(2500));
        tx.send(42).unwrap();
    });
    println!("{}", rx.recv().unwrap());
}
"#,
        "42\n",
    );
}

#[test]
fn two_seconds_of_work_under_a_lock_others_wait_on_is_left_alone() {
    finishes(
        r#"use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

fn main() {
    let total = Arc::new(Mutex::new(0u64));
    let guard = total.lock().unwrap();
    let waiters: Vec<_> = (0..2)
        .map(|_| {
            let total = Arc::clone(&total);
            thread::spawn(move || *total.lock().unwrap() += 1)
        })
        .collect();
    let started = Instant::now();
    let mut x = 0u64;
    while started.elapsed() < Duration::from_secs(2) {
        x = x.wrapping_mul(31).wrapping_add(7);
    }
    std::hint::black_box(x);
    drop(guard);
    for w in waiters {
        w.join().unwrap();
    }
    println!("total {}", total.lock().unwrap());
}
"#,
        "total 2\n",
    );
}

#[test]
fn a_busy_loop_is_stopped_at_the_limit_and_called_busy() {
    let (report, _) = run("fn main() { let mut x = 0u64; loop { x = std::hint::black_box(x + 1); } }");
    let run = report.run.clone().unwrap();
    assert_eq!(
        run.exit,
        Exit::TimedOut { limit: Duration::from_secs(10), activity: playground::Activity::Busy }
    );
    assert!(report.explanation().contains("infinite loop or a spin"), "{}", report.explanation());
    assert!(report.explanation().contains("time limit (10 s)"), "{}", report.explanation());
}

#[test]
fn a_partial_deadlock_is_reported_at_the_limit() {
    let (report, _) = run(r#"use std::sync::{Arc, Barrier, Mutex};
use std::thread;

fn main() {
    let a = Arc::new(Mutex::new(0));
    let b = Arc::new(Mutex::new(0));
    let both = Arc::new(Barrier::new(2));
    let spawn = |first: Arc<Mutex<i32>>, second: Arc<Mutex<i32>>, both: Arc<Barrier>| {
        thread::spawn(move || {
            let _f = first.lock().unwrap();
            both.wait();
            let _s = second.lock().unwrap();
        })
    };
    spawn(Arc::clone(&a), Arc::clone(&b), Arc::clone(&both));
    spawn(b, a, both);
    let mut x = 0u64;
    loop {
        x = std::hint::black_box(x + 1);
    }
}
"#);
    let run = report.run.clone().unwrap();
    let partly = playground::Activity::PartlyBlocked { blocked: 2, threads: 3 };
    assert_eq!(run.exit, Exit::TimedOut { limit: Duration::from_secs(10), activity: partly });
    assert!(report.explanation().contains("2 of its 3 threads were blocked"), "{}", report.explanation());
}

#[test]
fn a_program_sleeping_past_the_limit_is_called_idle() {
    let (report, _) = run("fn main() { std::thread::sleep(std::time::Duration::from_secs(60)); }");
    let run = report.run.unwrap();
    assert_eq!(
        run.exit,
        Exit::TimedOut { limit: Duration::from_secs(10), activity: playground::Activity::Idle }
    );
}

#[test]
fn callers_in_the_readers_code_are_listed_with_their_names() {
    let report = deadlock(
        r#"use std::sync::Mutex;

fn report(total: &Mutex<u64>) {
    println!("total is now {}", total.lock().unwrap()); // locks again
}

fn add(total: &Mutex<u64>, n: u64) {
    let mut guard = total.lock().unwrap();
    *guard += n;
    report(total); // `guard` is still alive here
}

fn main() {
    let total = Mutex::new(0);
    add(&total, 5);
    println!("done");
}
"#,
    );
    let frames: Vec<(&str, u32)> =
        report.threads[0].frames.iter().map(|f| (f.function.as_str(), f.line)).collect();
    assert_eq!(frames, [("report", 4), ("add", 10), ("main", 15)], "{report}");
}

#[test]
fn deadlocks_are_found_when_programs_run_as_the_runners_own_user() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let deps = DepSet::prebuild(workspace, "examples").unwrap();
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("playground-cache-deadlock-own-user");
    let limits = Limits {
        run_timeout: Duration::from_secs(10),
        run_as: playground::RunAs::CurrentUser,
        ..Limits::default()
    };
    let runner = Runner::new(deps, limits, cache).unwrap();
    assert!(!runner.sandboxed());
    let report = runner.execute(&Request::new(AB_BA, Edition::E2021)).unwrap();
    let Some(Exit::Deadlock(report)) = report.run.map(|r| r.exit) else { panic!("expected a deadlock") };
    assert_eq!(report.threads.len(), 2, "{report}");
    assert_eq!(report.threads[0].frames[0].line, 16, "{report}");
    assert_eq!(report.no_stacks, None);
}

#[test]
fn without_stacks_the_report_still_says_deadlock_and_why() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let deps = DepSet::prebuild(workspace, "examples").unwrap();
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("playground-cache-deadlock-no-stacks");
    let config = playground::deadlock::DetectorConfig { stacks: false, ..Default::default() };
    let runner = Runner::new(deps, Limits::default(), cache).unwrap().with_detector(Some(config));
    let report = runner.execute(&Request::new(AB_BA, Edition::E2021)).unwrap();
    let Some(Exit::Deadlock(report)) = report.run.map(|r| r.exit) else { panic!("expected a deadlock") };
    assert_eq!(report.threads.len(), 2, "{report}");
    assert!(report.threads.iter().all(|t| t.frames.is_empty()));
    let text = report.to_string();
    assert!(text.starts_with("Deadlock: all 2 threads are asleep"), "{text}");
    assert!(text.contains("(Where they wait is unknown: taking stacks is turned off.)"), "{text}");
}
