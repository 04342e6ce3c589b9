//! Turning compiler errors and test failures into plain words.

use std::fmt::Write;
use std::fs;

use super::Exercise;
use super::run::{Failure, Panic, RUN_TIMEOUT, Report, TestRun};

/// What a failing check means, for the learner.
pub fn report(exercise: &Exercise, report: &Report) -> String {
    let mut out = String::new();
    if let Some(first) = report.compile_errors.first() {
        let _ = writeln!(out, "Your code does not compile yet. rustc's first error:\n");
        let _ = writeln!(out, "{}", indent(first.trim_end(), "    "));
        if report.compile_errors.len() > 1 {
            let _ = writeln!(
                out,
                "\n({} more errors; fix the first one first, it often causes the rest. All of them: \
                 `cargo test -p exercises --features check --test {}`)",
                report.compile_errors.len() - 1,
                exercise.module()
            );
        }
        return out;
    }
    for (what, run) in &report.runs {
        if !run.success {
            explain_run(&mut out, what, run);
        }
    }
    out
}

fn explain_run(out: &mut String, what: &str, run: &TestRun) {
    let failed = run.failures.len();
    let _ = writeln!(out, "{} of {} {what} failed:", failed, failed + run.passed.len());
    let mut seen = Vec::new();
    for failure in &run.failures {
        let _ = writeln!(out, "\n✗ {}", human(&failure.test));
        let text = explain_failure(failure);
        if seen.contains(&text) {
            let _ = writeln!(out, "  The same as above.");
        } else {
            let _ = writeln!(out, "{}", indent(&text, "  "));
            seen.push(text);
        }
    }
    if run.timed_out {
        let _ = writeln!(
            out,
            "\nThe tests did not finish in {} s and were stopped — likely a deadlock (check lock order / guard scope).",
            RUN_TIMEOUT.as_secs()
        );
    } else if run.failures.is_empty() {
        // A crash (abort, stack overflow) leaves no libtest summary to read.
        let tail: Vec<&str> = run.output.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        let _ = writeln!(
            out,
            "\nThe test program failed without a test failure. Its last lines:\n{}",
            indent(&tail.join("\n"), "    ")
        );
    }
}

/// `many_threads_lose_no_update` → "many threads lose no update".
fn human(test: &str) -> String {
    let name = test.rsplit("::").next().unwrap_or(test);
    name.replace('_', " ")
}

fn explain_failure(failure: &Failure) -> String {
    let pick = |f: &dyn Fn(&Panic) -> bool| failure.panics.iter().find(|p| f(p));
    if let Some(p) = pick(&|p| p.message.contains("did not finish in")) {
        return format!(
            "It hung: {}.\nA thread is waiting forever: for a lock another thread holds while that one waits \
             for yours (lock order), for a lock it already holds (locking twice), for a guard that is never \
             dropped (guard scope), or on a Condvar that nobody notifies (a lost wake-up).",
            p.message.trim_end_matches('.')
        );
    }
    if let Some(p) =
        pick(&|p| p.message.starts_with("not yet implemented") || p.message.starts_with("not implemented"))
    {
        let todo = todo_text(&p.location).unwrap_or_else(|| {
            p.message.split_once(": ").map(|(_, m)| m.to_string()).unwrap_or_else(|| p.message.clone())
        });
        return format!("Not implemented yet: {todo}\n(the `todo!()` at {})", p.location);
    }
    // Prefer the test's own assertion over the `unwrap`s it caused elsewhere.
    let Some(p) = pick(&|p| p.location.contains("/tests/")).or(failure.panics.first()) else {
        return "It failed without a panic message; run its tests with `cargo test` to see why.".into();
    };
    if let Some(text) = assertion(&p.message) {
        return text;
    }
    if p.location.contains("/tests/") {
        // The tests' own checks say what they expected.
        return format!("Wrong result: {}", p.message);
    }
    let mut text = format!("It panicked at {}:\n{}", p.location, p.message);
    if p.message.contains("PoisonError") {
        text.push_str(
            "\n(A poisoned lock: another thread panicked while holding it. Look for that panic first.)",
        );
    }
    text
}

/// `assert_eq!`'s "left/right" as "expected/got" (the tests put the actual
/// value on the left); a plain `assert!` message as it is.
fn assertion(message: &str) -> Option<String> {
    let rest = message.strip_prefix("assertion ")?;
    let (kind, rest) = rest.split_once(" failed")?;
    let rest = rest.trim_start_matches(':').trim_start();
    let mut what = Vec::new();
    let (mut left, mut right) = (None, None);
    for line in rest.lines() {
        match line.trim_start() {
            l if l.starts_with("left: ") => left = Some(l["left: ".len()..].to_string()),
            l if l.starts_with("right: ") => right = Some(l["right: ".len()..].to_string()),
            l => what.push(l.to_string()),
        }
    }
    let what = if what.is_empty() { format!("the check `{kind}` failed") } else { what.join("\n") };
    Some(match (left, right) {
        (Some(got), Some(expected)) => {
            format!("Wrong result: {what}\n  expected: {expected}\n  got:      {got}")
        }
        _ => format!("Wrong result: {what}"),
    })
}

/// The `// TODO` comment above the `todo!()` at `location`, in the same
/// function, as one line.
fn todo_text(location: &str) -> Option<String> {
    let mut parts = location.rsplitn(3, ':');
    let (_col, line, file) = (parts.next()?, parts.next()?, parts.next()?);
    let line: usize = line.parse().ok()?;
    let source = fs::read_to_string(crate::paths::root().join(file)).ok()?;
    let lines: Vec<&str> = source.lines().collect();
    let start = (0..line.saturating_sub(1).min(lines.len()))
        .rev()
        .take_while(|&i| !lines[i].contains("fn "))
        .find(|&i| lines[i].trim_start().starts_with("// TODO"))?;
    let text: Vec<&str> = lines[start..]
        .iter()
        .map(|l| l.trim_start())
        .take_while(|l| l.starts_with("//"))
        .map(|l| l.trim_start_matches('/').trim())
        .collect();
    Some(text.join(" ").trim_start_matches("TODO:").trim().to_string())
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|l| if l.is_empty() { String::new() } else { format!("{prefix}{l}") })
        .collect::<Vec<_>>()
        .join("\n")
}
