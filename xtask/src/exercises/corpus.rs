//! The fault corpus: realistic wrong solutions, each with the words its
//! diagnosis must contain, checked like a learner's file. Every wrong
//! solution must be rejected with the right words in every one of
//! [`REPETITIONS`] runs (a verdict must not depend on how the threads were
//! scheduled), every reference solution accepted in every run, and every
//! starter rejected.
//!
//! A case is one file, `exercises/corpus/<exercise id>/<case>.rs`: a whole
//! learner file whose first lines say what it is and what the checker must
//! say about it:
//!
//! ```text
//! //! The starter's lock order: `from`, then `to`.
//! //! expect: deadlock
//! //! never: lost update
//! ```
//!
//! `expect:` phrases must all appear in the verdict, `never:` phrases must
//! not (both ignore case).

use std::fs;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use playground::Runner;

use super::check::{self, Verdict};
use super::{Exercise, dir, list};
use crate::cmd;

/// Runs of each case: a wrong solution must be rejected in every one.
pub const REPETITIONS: usize = 5;
/// Cases checked at once (the machine has two cores; the scenarios' hang
/// timeout leaves room for that).
const WORKERS: usize = 2;
/// Wrong solutions each exercise needs at least.
pub const MIN_CASES: usize = 3;

/// What a case must get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Accepted: a reference solution.
    Pass,
    /// Rejected, with any words: a starter.
    Fail,
    /// Rejected, with these phrases and without those.
    Words { expect: Vec<String>, never: Vec<String> },
}

/// One file to check.
#[derive(Debug, Clone)]
pub struct Case {
    pub exercise: Exercise,
    /// Relative to the repository, for messages.
    pub label: String,
    pub path: PathBuf,
    pub expect: Expect,
    pub runs: usize,
}

/// The `expect:`/`never:` lines at the top of a corpus file.
pub fn parse_header(text: &str) -> Result<Expect> {
    let (mut expect, mut never) = (Vec::new(), Vec::new());
    for line in text.lines().take_while(|l| l.starts_with("//!")) {
        let line = line.trim_start_matches("//!").trim();
        if let Some(phrase) = line.strip_prefix("expect:") {
            expect.push(phrase.trim().to_string());
        } else if let Some(phrase) = line.strip_prefix("never:") {
            never.push(phrase.trim().to_string());
        }
    }
    if expect.is_empty() {
        bail!("no `//! expect: <words>` line at the top: say what the diagnosis must contain");
    }
    Ok(Expect::Words { expect, never })
}

/// The corpus cases of `exercise`, with their headers read.
pub fn cases_of(exercise: &Exercise) -> Result<Vec<Case>> {
    let folder = dir().join(exercise.corpus());
    let mut paths: Vec<PathBuf> = fs::read_dir(&folder)
        .with_context(|| format!("reading exercises/{}", exercise.corpus()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    paths.sort();
    let mut cases = Vec::new();
    for path in paths {
        let label = super::relative(&path);
        let text = fs::read_to_string(&path).with_context(|| format!("reading {label}"))?;
        let expect = parse_header(&text).with_context(|| label.clone())?;
        cases.push(Case { exercise: exercise.clone(), label, path, expect, runs: REPETITIONS });
    }
    Ok(cases)
}

/// Every case of `exercises`: each solution, each starter, each corpus file.
pub fn all_cases(exercises: &[Exercise], runs: usize) -> Result<Vec<Case>> {
    let mut cases = Vec::new();
    for e in exercises {
        let case = |file: String, expect: Expect, runs: usize| Case {
            exercise: e.clone(),
            label: format!("exercises/{file}"),
            path: dir().join(&file),
            expect,
            runs,
        };
        cases.push(case(e.solution(), Expect::Pass, runs));
        cases.push(case(e.starter(), Expect::Fail, 1));
        for mut c in cases_of(e)? {
            c.runs = runs;
            cases.push(c);
        }
    }
    Ok(cases)
}

/// Whether `verdict` is what `expect` asks; else what is wrong.
pub fn judge(expect: &Expect, verdict: &Verdict) -> Result<(), String> {
    let text = verdict.text.to_lowercase();
    match expect {
        Expect::Pass if verdict.passed => Ok(()),
        Expect::Pass => Err("the reference solution was rejected".into()),
        Expect::Fail | Expect::Words { .. } if verdict.passed => {
            Err("the wrong solution was accepted".into())
        }
        Expect::Fail => Ok(()),
        Expect::Words { expect, never } => {
            let missing: Vec<&String> = expect.iter().filter(|p| !text.contains(&p.to_lowercase())).collect();
            let unwanted: Vec<&String> = never.iter().filter(|p| text.contains(&p.to_lowercase())).collect();
            if missing.is_empty() && unwanted.is_empty() {
                Ok(())
            } else {
                let mut why = Vec::new();
                if !missing.is_empty() {
                    why.push(format!("the diagnosis lacks {missing:?}"));
                }
                if !unwanted.is_empty() {
                    why.push(format!("the diagnosis says {unwanted:?}"));
                }
                Err(why.join(" and "))
            }
        }
    }
}

/// The result of one case.
struct Outcome {
    label: String,
    problem: Option<(usize, String, String)>,
    took: Duration,
}

fn run_case(runner: &Runner, case: &Case) -> Result<Outcome> {
    let source = fs::read_to_string(&case.path).with_context(|| format!("reading {}", case.label))?;
    let started = Instant::now();
    for run in 1..=case.runs {
        let verdict = check::check_source(runner, &case.exercise, &case.label, &source, &mut |_| {})?;
        if let Err(problem) = judge(&case.expect, &verdict) {
            return Ok(Outcome {
                label: case.label.clone(),
                problem: Some((run, problem, verdict.text)),
                took: started.elapsed(),
            });
        }
    }
    Ok(Outcome { label: case.label.clone(), problem: None, took: started.elapsed() })
}

/// Checks `cases` on a few threads and reports each; fails if any is wrong.
pub fn run_cases(cases: &[Case]) -> Result<()> {
    let runner = check::runner()?;
    let started = Instant::now();
    let next = Mutex::new(0usize);
    let outcomes: Mutex<Vec<Result<Outcome>>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut next = next.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        let i = *next;
                        *next += 1;
                        i
                    };
                    let Some(case) = cases.get(i) else { break };
                    let outcome = run_case(&runner, case);
                    if let Ok(o) = &outcome {
                        let what = match &case.expect {
                            Expect::Pass => "accepted",
                            Expect::Fail | Expect::Words { .. } => "rejected",
                        };
                        match &o.problem {
                            None => println!(
                                "ok   {:<44} {what} {}/{} ({:.1} s)",
                                o.label,
                                case.runs,
                                case.runs,
                                o.took.as_secs_f64()
                            ),
                            Some((run, problem, _)) => println!("FAIL {:<44} run {run}: {problem}", o.label),
                        }
                    }
                    outcomes.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(outcome);
                }
            });
        }
    });
    let mut problems = Vec::new();
    for outcome in outcomes.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        let outcome = outcome?;
        if let Some((run, problem, text)) = outcome.problem {
            problems
                .push(format!("{} (run {run}): {problem}. What the checker said:\n\n{text}", outcome.label));
        }
    }
    println!("{} cases in {:.0} s", cases.len(), started.elapsed().as_secs_f64());
    if !problems.is_empty() {
        bail!("{} of {} corpus cases went wrong:\n\n{}", problems.len(), cases.len(), problems.join("\n\n"));
    }
    Ok(())
}

/// `cargo xtask exercises --corpus [id]`.
pub fn run(id: Option<&str>, runs: usize) -> Result<()> {
    let exercises: Vec<Exercise> = match id {
        Some(id) => vec![super::find(id)?],
        None => list()?,
    };
    cmd::step(&format!("Fault corpus: each case checked {runs} times"));
    run_cases(&all_cases(&exercises, runs)?)
}

/// The "fault corpus" step of `cargo xtask test`.
pub fn check() -> Result<()> {
    run(None, REPETITIONS)
}

/// Corpus folders and files that are not what they should be.
pub fn problems(exercises: &[Exercise]) -> Vec<String> {
    let mut out = Vec::new();
    for e in exercises {
        match cases_of(e) {
            Err(err) => out.push(format!("exercises/{}: {err:#}", e.corpus())),
            Ok(cases) if cases.len() < MIN_CASES => out.push(format!(
                "exercises/{} has {} wrong solutions; every exercise needs at least {MIN_CASES}",
                e.corpus(),
                cases.len()
            )),
            Ok(_) => {}
        }
    }
    let ids: Vec<&str> = exercises.iter().map(|e| e.id.as_str()).collect();
    for entry in fs::read_dir(dir().join("corpus")).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !ids.contains(&name.as_str()) {
            out.push(format!("exercises/corpus/{name} belongs to no exercise in exercises.toml"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(passed: bool, text: &str) -> Verdict {
        Verdict { passed, text: text.to_string(), timings: Vec::new() }
    }

    #[test]
    fn headers_list_the_words_to_expect_and_to_avoid() {
        let text = "//! A case.\n//! expect: deadlock\n//! expect: Lock order\n//! never: lost update\nfn main() {}\n";
        let expect = parse_header(text).unwrap();
        assert_eq!(
            expect,
            Expect::Words {
                expect: vec!["deadlock".into(), "Lock order".into()],
                never: vec!["lost update".into()]
            }
        );
        assert!(parse_header("//! no expectations\n").is_err());
    }

    #[test]
    fn a_case_passes_only_with_every_word_and_none_of_the_unwanted() {
        let expect = parse_header("//! expect: deadlock\n//! never: lost update\n").unwrap();
        assert!(judge(&expect, &verdict(false, "A DEADLOCK: …")).is_ok());
        assert!(judge(&expect, &verdict(true, "deadlock")).is_err(), "an accepted wrong solution");
        assert!(judge(&expect, &verdict(false, "a hang")).unwrap_err().contains("deadlock"));
        assert!(
            judge(&expect, &verdict(false, "deadlock, lost updates")).unwrap_err().contains("lost update")
        );
        assert!(judge(&Expect::Pass, &verdict(true, "")).is_ok());
        assert!(judge(&Expect::Pass, &verdict(false, "")).is_err());
    }
}
