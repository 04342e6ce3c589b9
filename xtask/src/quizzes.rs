//! Quiz checks that mdbook-quiz does not make: its schema silently ignores
//! unknown keys, and its validator runs Tracing programs with no timeout.
//!
//! Every `src/quizzes/*.toml` must be embedded by exactly one page, use only
//! known keys, give each question a stable id `<file-stem>-<n>` and a
//! `context`, and (with `run_programs`) each Tracing program must terminate
//! and match its stated answer, compiled like mdbook-quiz does (edition 2015).
//! Across the book, the correct answer of a MultipleChoice question may be
//! strictly the longest option in at most 30 % of them ([`bias`]).

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use playground::{Edition, Limits, Request};

use crate::course::quiz::{self, Kind, QuizReader};
use crate::course::{self, Course, QuizEmbed};
use crate::problems::Problems;
use crate::{cmd, parallel, snippets};

mod bias;

/// Checks every quiz; with `run_programs` (the full check), also compiles and
/// runs each Tracing program under a timeout and checks answer-length bias.
pub fn check(run_programs: bool) -> Result<()> {
    cmd::step(if run_programs {
        "Check quizzes (schema, ids, Tracing programs)"
    } else {
        "Check quizzes (schema, ids)"
    });
    let root = crate::paths::root();
    let mut errors = Problems::new();
    let summary = fs::read_to_string(course::src().join("SUMMARY.md")).context("reading src/SUMMARY.md")?;
    errors.extend(draft_parents(&summary, &Course::parse_summary(&summary)?));
    let embedded = embeds(&mut errors)?;
    let files = quiz::files()?;
    let mut texts = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        match embedded.get(path).map(Vec::len).unwrap_or(0) {
            1 => {}
            0 => errors
                .push(format!("{}: no page embeds this quiz (`{{{{#quiz ../quizzes/…}}}}`)", rel.display())),
            n => {
                errors.push(format!("{}: embedded by {n} pages; one quiz belongs to one page", rel.display()))
            }
        }
        texts.push((rel, fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?));
    }
    for (quiz, pages) in &embedded {
        if !quiz.exists() {
            for from in pages {
                let rel = quiz.strip_prefix(root).unwrap_or(quiz);
                errors.push(format!("{}: embeds {}, which does not exist", from.display(), rel.display()));
            }
        }
    }
    let mut reader = QuizReader::default();
    let quizzes: Vec<quiz::QuizFile> = texts.iter().map(|(rel, text)| reader.read(rel, text)).collect();
    let questions = reader.ids();
    errors.extend(reader.problems);
    let tracing: Vec<Tracing> = quizzes
        .iter()
        .flat_map(|q| q.questions.iter().map(move |question| (q, question)))
        .filter_map(|(q, question)| match &question.kind {
            Kind::Tracing { program, does_compile, stdout, line_number } => Some(Tracing {
                label: format!("{}: question `{}`", q.file.display(), question.id),
                program: program.clone(),
                does_compile: *does_compile,
                stdout: stdout.clone(),
                line_number: *line_number,
            }),
            _ => None,
        })
        .collect();
    // The bias check judges authoring, not correctness: it belongs to the full
    // check (`cargo xtask quizzes`, `cargo xtask test`), and never stops the
    // quick check that `cargo xtask build` and `serve` run before building.
    let mut bias_summary = None;
    if run_programs {
        let tallies: Vec<bias::FileTally> = quizzes.iter().map(bias::tally).collect();
        match bias::verdict(&tallies) {
            Ok(summary) => bias_summary = Some(summary),
            Err(report) => errors.push(report),
        }
        run_tracing(&tracing, &mut errors)?;
    }
    errors.fail_if_any(|n| format!("{n} quiz problem(s)"))?;
    println!("{} quiz files, {questions} questions, {} Tracing programs: ok", files.len(), tracing.len());
    if let Some(summary) = bias_summary {
        println!("{summary}");
    }
    Ok(())
}

/// A Tracing program to run: where it is, the code, the stated answer.
struct Tracing {
    label: String,
    program: String,
    does_compile: bool,
    stdout: Option<String>,
    line_number: Option<i64>,
}

/// Draft entries (`- [Title]()`) with written pages nested below them:
/// mdbook-quiz 0.5.0 does not descend below them, so quizzes in those pages
/// would silently not render. Named with their line in SUMMARY.md.
fn draft_parents(summary: &str, course: &Course) -> Vec<String> {
    // The n-th draft entry of the model is the n-th draft line of the text.
    let draft_lines: Vec<(usize, &str)> = summary
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| l.trim_start_matches("- ").starts_with('[') && l.ends_with("]()"))
        .collect();
    let drafts: Vec<&course::Entry> = course.entries.iter().filter(|e| e.path.is_none()).collect();
    course
        .draft_parents()
        .into_iter()
        .map(|parent| {
            let n = drafts.iter().position(|d| std::ptr::eq(*d, parent));
            let at = match n.and_then(|n| draft_lines.get(n)).filter(|_| drafts.len() == draft_lines.len()) {
                Some((line, text)) => format!("src/SUMMARY.md:{line}: draft entry `{text}`"),
                None => format!("src/SUMMARY.md: draft entry `{}`", parent.title),
            };
            format!(
                "{at} has written sub-chapters; mdbook-quiz skips quizzes below a draft, so give it a page"
            )
        })
        .collect()
}

/// Quiz path → pages that embed it, from every Markdown file under `src/`;
/// a directive that is not alone on its line is a problem (the progress
/// link goes on the line below it).
fn embeds(errors: &mut Problems) -> Result<BTreeMap<PathBuf, Vec<PathBuf>>> {
    let root = crate::paths::root();
    let src = course::src();
    let mut out: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for page in course::markdown_files()? {
        let text = fs::read_to_string(&page).with_context(|| format!("reading {}", page.display()))?;
        let in_src = page.strip_prefix(&src).unwrap_or(&page).to_string_lossy().into_owned();
        let from = page.strip_prefix(root).unwrap_or(&page).to_path_buf();
        for embed in QuizEmbed::find(&text) {
            if !embed.own_line {
                errors.push(format!(
                    "{}:{}: write `{{{{#quiz {}}}}}` on a line of its own (the progress link goes below it)",
                    from.display(),
                    embed.line,
                    embed.file
                ));
            }
            out.entry(src.join(embed.resolve(&in_src))).or_default().push(from.clone());
        }
    }
    Ok(out)
}

/// Runs Tracing programs as mdbook-quiz compiles them (edition 2015), with a timeout.
fn run_tracing(programs: &[Tracing], errors: &mut Problems) -> Result<()> {
    if programs.is_empty() {
        return Ok(());
    }
    let limits = Limits { run_timeout: Duration::from_secs(10), ..Limits::default() };
    let runner = snippets::runner(limits)?;
    let results = parallel::map(programs, |t| check_tracing(&runner, t));
    for (program, result) in programs.iter().zip(results) {
        let label = &program.label;
        match result {
            Ok(None) => {}
            Ok(Some(problem)) => errors.push(format!("{label}: {problem}")),
            Err(e) => errors.push(format!("{label}: could not run the program: {e:#}")),
        }
    }
    Ok(())
}

fn check_tracing(runner: &playground::Runner, t: &Tracing) -> Result<Option<String>> {
    let mut req = Request::new(t.program.clone(), Edition::E2015);
    req.run = t.does_compile;
    let report = runner.execute(&req)?;
    let compiled = report.compile.exit.success();
    if compiled != t.does_compile {
        return Ok(Some(if compiled {
            "the answer says it does not compile, but it compiles (as edition 2015, like mdbook-quiz)".into()
        } else {
            format!("the answer says it compiles, but rustc (edition 2015) says:\n{}", report.compile.stderr)
        }));
    }
    if !compiled {
        if let Some(line) = t.line_number {
            let first = first_error_line(&report.compile.stderr);
            if first != Some(line) {
                return Ok(Some(format!(
                    "answer.lineNumber is {line}, but rustc's first error is at line {first:?}"
                )));
            }
        }
        return Ok(None);
    }
    let run = report.run.as_ref().expect("compiled programs run");
    match &run.exit {
        playground::Exit::TimedOut { .. } => {
            return Ok(Some(format!("the program {}; Tracing programs must terminate", run.exit)));
        }
        playground::Exit::Deadlock(report) => {
            return Ok(Some(format!("the program deadlocks; Tracing programs must terminate:\n{report}")));
        }
        _ => {}
    }
    let expected = t.stdout.as_deref().unwrap_or_default().trim();
    if run.stdout.trim() != expected {
        return Ok(Some(format!(
            "answer.stdout is\n{expected}\nbut the program printed\n{}",
            run.stdout.trim()
        )));
    }
    Ok(None)
}

/// Line of the first `error` in rustc's output (` --> src/main.rs:LINE:COL`).
fn first_error_line(stderr: &str) -> Option<i64> {
    let mut after_error = false;
    for line in stderr.lines() {
        if line.starts_with("error") {
            after_error = true;
        } else if after_error && let Some(loc) = line.trim().strip_prefix("--> ") {
            return loc.split(':').nth(1)?.parse().ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_parents_are_reported_with_their_line() {
        let summary = "- [Chapter]()\n    - [Page](ch/page.md)\n- [Later]()\n    - [Draft]()\n- [Done](done.md)\n    - [Sub](sub.md)\n";
        let errors = draft_parents(summary, &Course::parse_summary(summary).unwrap());
        assert_eq!(
            errors,
            [
                "src/SUMMARY.md:1: draft entry `- [Chapter]()` has written sub-chapters; mdbook-quiz skips quizzes below a draft, so give it a page"
            ]
        );
        let summary =
            "- [Done](done.md)\n- [Later]()\n    - [Draft]()\n- [Chapter]()\n    - [Page](ch/page.md)\n";
        let errors = draft_parents(summary, &Course::parse_summary(summary).unwrap());
        assert!(errors[0].starts_with("src/SUMMARY.md:4: draft entry `- [Chapter]()`"), "{errors:?}");
    }

    #[test]
    fn finds_first_error_line() {
        let stderr = "warning: unused\n --> src/main.rs:1:5\nerror[E0382]: borrow of moved value\n --> src/main.rs:7:20\n";
        assert_eq!(first_error_line(stderr), Some(7));
    }

    #[test]
    fn first_error_line_reads_rustcs_real_output() {
        // Captured from rustc 1.95 (`--edition 2015 --color never`): the
        // error's snippet quotes other lines (6, 7) and a help suggests line
        // 7, a warning follows with its own `-->`; the answer is the first
        // error's primary line.
        let moved = include_str!("quizzes/fixtures/rustc-moved-value.stderr");
        assert_eq!(first_error_line(moved), Some(8));
        let warning_only = include_str!("quizzes/fixtures/rustc-warning-only.stderr");
        assert_eq!(first_error_line(warning_only), None, "a warning's `-->` is not an error's");
    }
}
