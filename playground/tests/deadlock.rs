//! The deadlock detector on real programs, through the runner: every shape
//! the book shows is recognised and named, and programs that only wait for a
//! while are left alone.
//!
//! Limits are short (6 s runs) so a miss shows up as a time-out quickly; the
//! detector's verdict comes after about 1 s.

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
        let limits = Limits { run_timeout: Duration::from_secs(6), ..Limits::default() };
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
