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
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use playground::{Edition, Limits, Request};
use toml::{Table, Value};

use crate::problems::Problems;
use crate::{cmd, parallel, snippets};

mod bias;

/// A question's location and text, for messages.
struct Question<'a> {
    file: &'a Path,
    id: String,
    table: &'a Table,
}

impl Question<'_> {
    fn err(&self, msg: impl std::fmt::Display) -> String {
        format!("{}: question `{}`: {msg}", self.file.display(), self.id)
    }
}

const QUESTION_KEYS: &[&str] = &["id", "type", "prompt", "answer", "context"];

/// Keys allowed in `prompt` and `answer` for each question type.
fn schema(kind: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    Some(match kind {
        "ShortAnswer" => (&["prompt"], &["answer", "alternatives"]),
        "MultipleChoice" => (&["prompt", "distractors", "answerIndex", "sortAnswers"], &["answer"]),
        "Tracing" => (&["program"], &["doesCompile", "stdout", "lineNumber"]),
        _ => return None,
    })
}

/// Every quiz file, relative to the workspace.
pub fn quiz_files() -> Result<Vec<PathBuf>> {
    let dir = crate::paths::root().join("src").join("quizzes");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

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
    let mut ids: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut tracing = Vec::new();
    errors.extend(draft_parents(
        &fs::read_to_string(root.join("src/SUMMARY.md")).context("reading src/SUMMARY.md")?,
    ));
    let embedded = embeds()?;
    let files = quiz_files()?;
    let mut parsed = Vec::new();
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
        let text = fs::read_to_string(path)?;
        match text.parse::<Table>() {
            Ok(table) => parsed.push((rel, table)),
            Err(e) => errors.push(format!("{}: not valid TOML: {e}", rel.display())),
        }
    }
    for (page, quizzes) in &embedded {
        if !page.exists() {
            for from in quizzes {
                errors.push(format!("{}: embeds {} which does not exist", from.display(), page.display()));
            }
        }
    }
    for (rel, table) in &parsed {
        let stem = rel.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        check_file(rel, &stem, table, &mut ids, &mut errors, &mut tracing);
    }
    // The bias check judges authoring, not correctness: it belongs to the full
    // check (`cargo xtask quizzes`, `cargo xtask test`), and never stops the
    // quick check that `cargo xtask build` and `serve` run before building.
    let mut bias_summary = None;
    if run_programs {
        let tallies: Vec<bias::FileTally> =
            parsed.iter().map(|(rel, table)| bias::tally(rel, table)).collect();
        match bias::verdict(&tallies) {
            Ok(summary) => bias_summary = Some(summary),
            Err(report) => errors.push(report),
        }
    }
    if run_programs {
        run_tracing(&tracing, &mut errors)?;
    }
    errors.fail_if_any(|n| format!("{n} quiz problem(s)"))?;
    let questions = ids.len();
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

fn check_file(
    rel: &Path,
    stem: &str,
    table: &Table,
    ids: &mut BTreeMap<String, PathBuf>,
    errors: &mut Problems,
    tracing: &mut Vec<Tracing>,
) {
    for key in table.keys().filter(|k| *k != "questions") {
        errors.push(format!("{}: unknown top-level key `{key}` (only [[questions]])", rel.display()));
    }
    let Some(questions) = table.get("questions").and_then(Value::as_array) else {
        errors.push(format!("{}: no [[questions]]", rel.display()));
        return;
    };
    if questions.is_empty() {
        errors.push(format!("{}: no questions", rel.display()));
    }
    for (n, q) in questions.iter().enumerate() {
        let Some(q) = q.as_table() else {
            errors.push(format!("{}: question {} is not a table", rel.display(), n + 1));
            continue;
        };
        let id = q.get("id").and_then(Value::as_str).map(str::to_string);
        let question =
            Question { file: rel, id: id.clone().unwrap_or_else(|| format!("#{} (no id)", n + 1)), table: q };
        let mut problem = |msg: String| errors.push(question.err(msg));
        match &id {
            None => problem("needs a stable `id`; mdbook-quiz would write a random one into the file".into()),
            Some(id) => {
                let valid = id.strip_prefix(stem).and_then(|r| r.strip_prefix('-')).is_some_and(|n| {
                    !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && !n.starts_with('0')
                });
                if !valid {
                    problem(format!("id should be `{stem}-<n>` (the file name and a number)"));
                }
                if let Some(other) = ids.insert(id.clone(), rel.to_path_buf()) {
                    problem(format!("duplicate id, also used in {}", other.display()));
                }
            }
        }
        for key in q.keys().filter(|k| !QUESTION_KEYS.contains(&k.as_str())) {
            problem(format!("unknown key `{key}` (known: {})", QUESTION_KEYS.join(", ")));
        }
        match q.get("context").and_then(Value::as_str) {
            Some(c) if !c.trim().is_empty() => {}
            _ => problem("needs a `context` that explains the answer".into()),
        }
        let kind = q.get("type").and_then(Value::as_str).unwrap_or("");
        let Some((prompt_keys, answer_keys)) = schema(kind) else {
            problem(format!("`type` is `{kind}`; use ShortAnswer, MultipleChoice or Tracing"));
            continue;
        };
        for (section, allowed) in [("prompt", prompt_keys), ("answer", answer_keys)] {
            let Some(t) = q.get(section).and_then(Value::as_table) else {
                problem(format!("missing [questions.{section}]"));
                continue;
            };
            for key in t.keys().filter(|k| !allowed.contains(&k.as_str())) {
                problem(format!("unknown key `{section}.{key}` for {kind} (known: {})", allowed.join(", ")));
            }
        }
        if let Err(msg) = check_values(kind, &question) {
            problem(msg);
        } else if kind == "Tracing" {
            let answer = &question.table["answer"];
            tracing.push(Tracing {
                label: question.err(""),
                program: question.table["prompt"]["program"].as_str().unwrap_or_default().to_string(),
                does_compile: answer["doesCompile"].as_bool().unwrap_or_default(),
                stdout: answer.get("stdout").and_then(Value::as_str).map(str::to_string),
                line_number: answer.get("lineNumber").and_then(Value::as_integer),
            });
        }
    }
}

/// Required values and their types.
fn check_values(kind: &str, q: &Question) -> Result<(), String> {
    let prompt = q.table.get("prompt").and_then(Value::as_table).ok_or("missing prompt")?;
    let answer = q.table.get("answer").and_then(Value::as_table).ok_or("missing answer")?;
    let string =
        |t: &Table, k: &str| t.get(k).and_then(Value::as_str).filter(|s| !s.trim().is_empty()).is_some();
    match kind {
        "ShortAnswer" if !string(prompt, "prompt") || !string(answer, "answer") => {
            return Err("ShortAnswer needs `prompt.prompt` and `answer.answer` strings".into());
        }
        "MultipleChoice" => {
            if !string(prompt, "prompt") {
                return Err("MultipleChoice needs `prompt.prompt`".into());
            }
            let distractors = prompt.get("distractors").and_then(Value::as_array);
            if distractors.is_none_or(|d| d.is_empty() || d.iter().any(|v| v.as_str().is_none())) {
                return Err("MultipleChoice needs `prompt.distractors`, a non-empty array of strings".into());
            }
            let ok = match answer.get("answer") {
                Some(Value::String(s)) => !s.trim().is_empty(),
                Some(Value::Array(a)) => !a.is_empty() && a.iter().all(Value::is_str),
                _ => false,
            };
            if !ok {
                return Err("MultipleChoice needs `answer.answer`, a string or an array of strings".into());
            }
        }
        "Tracing" => {
            if !string(prompt, "program") {
                return Err("Tracing needs `prompt.program`".into());
            }
            match answer.get("doesCompile").and_then(Value::as_bool) {
                None => return Err("Tracing needs `answer.doesCompile` (true or false)".into()),
                Some(true) if answer.get("stdout").and_then(Value::as_str).is_none() => {
                    return Err("a Tracing program that compiles needs `answer.stdout` (mdbook-quiz panics without it)".into());
                }
                Some(false) if answer.contains_key("stdout") => {
                    return Err("`answer.stdout` given for a program that does not compile".into());
                }
                _ => {}
            }
        }
        _ => {}
    }
    Ok(())
}

/// Draft entries (`- [Title]()`) with sub-chapters: mdbook-quiz 0.5.0 does not
/// descend below them, so quizzes in those sub-chapters would silently not render.
fn draft_parents(summary: &str) -> Vec<String> {
    let lines: Vec<&str> = summary.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if !(t.starts_with("- [") && t.ends_with("]()")) {
            continue;
        }
        let below =
            lines[i + 1..].iter().take_while(|next| next.trim().is_empty() || indent(next) > indent(line));
        if below.map(|l| l.trim()).any(|l| l.starts_with("- [") && !l.ends_with("]()")) {
            out.push(format!(
                "src/SUMMARY.md:{}: draft entry `{t}` has written sub-chapters; mdbook-quiz skips quizzes below a draft, so give it a page",
                i + 1
            ));
        }
    }
    out
}

/// Quiz path → pages that embed it.
fn embeds() -> Result<BTreeMap<PathBuf, Vec<PathBuf>>> {
    let mut out: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for page in snippets::pages()? {
        let text = fs::read_to_string(&page)?;
        for line in text.lines() {
            if let Some(rest) = line.trim().strip_prefix("{{#quiz ") {
                let rel = rest.trim_end_matches("}}").trim();
                let quiz = crate::paths::normalize(&page.parent().expect("page dir").join(rel));
                let from = page.strip_prefix(crate::paths::root()).unwrap_or(&page).to_path_buf();
                out.entry(quiz).or_default().push(from);
            }
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
        let label = program.label.trim_end_matches(": ");
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
    fn draft_parents_are_reported() {
        let summary = "- [Chapter]()\n    - [Page](ch/page.md)\n- [Later]()\n    - [Draft]()\n- [Done](done.md)\n    - [Sub](sub.md)\n";
        let errors = draft_parents(summary);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("src/SUMMARY.md:1:"), "{errors:?}");
    }

    #[test]
    fn finds_first_error_line() {
        let stderr = "warning: unused\n --> src/main.rs:1:5\nerror[E0382]: borrow of moved value\n --> src/main.rs:7:20\n";
        assert_eq!(first_error_line(stderr), Some(7));
    }

    #[test]
    fn schema_rejects_misspelled_keys() {
        let table: Table = r#"
            [[questions]]
            id = "demo-1"
            type = "MultipleChoice"
            prompt.prompt = "?"
            prompt.distractors = ["a"]
            prompt.answerindex = 0
            answer.answer = "b"
            context = "because"
        "#
        .parse()
        .unwrap();
        let (mut ids, mut errors, mut tracing) = (BTreeMap::new(), Problems::new(), Vec::new());
        check_file(Path::new("demo.toml"), "demo", &table, &mut ids, &mut errors, &mut tracing);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("prompt.answerindex"), "{errors:?}");
        assert!(errors[0].contains("demo-1"), "{errors:?}");
    }

    #[test]
    fn schema_requires_stdout_when_compiling() {
        let table: Table = r#"
            [[questions]]
            id = "demo-1"
            type = "Tracing"
            prompt.program = "fn main() {}"
            answer.doesCompile = true
            context = "because"
        "#
        .parse()
        .unwrap();
        let (mut ids, mut errors, mut tracing) = (BTreeMap::new(), Problems::new(), Vec::new());
        check_file(Path::new("demo.toml"), "demo", &table, &mut ids, &mut errors, &mut tracing);
        assert!(errors.iter().any(|e| e.contains("answer.stdout")), "{errors:?}");
    }
}
