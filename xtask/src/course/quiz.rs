//! The quiz files, `src/quizzes/<chapter>-<page>.toml`, as typed questions.
//!
//! mdbook-quiz's own schema ignores keys it does not know, so a misspelt
//! `answerindex` silently does nothing. [`QuizReader`] reads the TOML with
//! the course's stricter rules — known keys only, a stable id
//! `<file stem>-<n>` unique in the book, a `context` — and names every
//! problem with its file and question id instead of stopping at the first.
//! A question whose values are usable becomes a typed [`Question`] even when
//! it has other problems, so one run reports everything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use toml::{Table, Value};

use crate::problems::Problems;

/// The folder of the quiz files, under `src/`.
pub const QUIZ_DIR: &str = "quizzes";

/// One quiz file.
#[derive(Debug, Clone)]
pub struct QuizFile {
    /// Relative to the workspace (`src/quizzes/mutex-guards.toml`).
    pub file: PathBuf,
    /// Its questions in file order (those usable enough to type).
    pub questions: Vec<Question>,
}

/// One question.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// `<file stem>-<n>`; `#<n> (no id)` when the file gives none.
    pub id: String,
    pub kind: Kind,
}

/// What each type of question asks and expects.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// The reader types the answer.
    ShortAnswer { answer: String },
    /// The reader picks the answers (one or several) among the distractors.
    MultipleChoice { answers: Vec<String>, distractors: Vec<String> },
    /// "Does it compile, and what does it print?"
    Tracing { program: String, does_compile: bool, stdout: Option<String>, line_number: Option<i64> },
}

impl Kind {
    /// mdbook-quiz's name for the type (`type = "…"`).
    pub fn name(&self) -> &'static str {
        match self {
            Kind::ShortAnswer { .. } => "ShortAnswer",
            Kind::MultipleChoice { .. } => "MultipleChoice",
            Kind::Tracing { .. } => "Tracing",
        }
    }
}

impl QuizFile {
    /// The file stem: mdbook-quiz's name for the quiz and its storage key.
    pub fn stem(&self) -> String {
        self.file.file_stem().unwrap_or_default().to_string_lossy().into_owned()
    }

    /// Reads one quiz file, `rel` below `root`, failing with every problem
    /// it has (`cargo xtask quizzes` explains them all).
    pub fn load(root: &Path, rel: &Path) -> Result<QuizFile> {
        let text =
            std::fs::read_to_string(root.join(rel)).with_context(|| format!("reading {}", rel.display()))?;
        let mut reader = QuizReader::default();
        let quiz = reader.read(rel, &text);
        reader
            .problems
            .fail_if_any(|n| format!("{n} quiz problem(s) (`cargo xtask quizzes` checks them all)"))?;
        Ok(quiz)
    }
}

/// Every quiz file, sorted, as absolute paths.
pub fn files() -> Result<Vec<PathBuf>> {
    crate::paths::files_with_extension(&super::src().join(QUIZ_DIR), "toml")
}

/// The top-level keys of a question.
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

/// Reads quiz files one after another, collecting every problem; ids must
/// be unique across all the files it reads.
#[derive(Debug, Default)]
pub struct QuizReader {
    /// Every problem so far, each naming its file (and question).
    pub problems: Problems,
    /// Each id seen, with the file that has it.
    ids: BTreeMap<String, PathBuf>,
}

impl QuizReader {
    /// How many distinct question ids the files read so far have.
    pub fn ids(&self) -> usize {
        self.ids.len()
    }

    /// Reads one quiz file's text; `rel` (relative to the workspace) names
    /// it in problems.
    pub fn read(&mut self, rel: &Path, text: &str) -> QuizFile {
        let mut quiz = QuizFile { file: rel.to_path_buf(), questions: Vec::new() };
        let table = match text.parse::<Table>() {
            Ok(table) => table,
            Err(e) => {
                self.problems.push(format!("{}: not valid TOML: {e}", rel.display()));
                return quiz;
            }
        };
        for key in table.keys().filter(|k| *k != "questions") {
            self.problems
                .push(format!("{}: unknown top-level key `{key}` (only [[questions]])", rel.display()));
        }
        let Some(questions) = table.get("questions").and_then(Value::as_array) else {
            self.problems.push(format!("{}: no [[questions]]", rel.display()));
            return quiz;
        };
        if questions.is_empty() {
            self.problems.push(format!("{}: no questions", rel.display()));
        }
        let stem = quiz.stem();
        for (n, q) in questions.iter().enumerate() {
            let Some(q) = q.as_table() else {
                self.problems.push(format!("{}: question {} is not a table", rel.display(), n + 1));
                continue;
            };
            if let Some(question) = self.question(rel, &stem, n, q) {
                quiz.questions.push(question);
            }
        }
        quiz
    }

    /// One question: its problems recorded, and the typed question when its
    /// values can be read.
    fn question(&mut self, rel: &Path, stem: &str, n: usize, q: &Table) -> Option<Question> {
        let id = q.get("id").and_then(Value::as_str).map(str::to_string);
        let shown = id.clone().unwrap_or_else(|| format!("#{} (no id)", n + 1));
        let mut problems = Vec::new();
        match &id {
            None => problems
                .push("needs a stable `id`; mdbook-quiz would write a random one into the file".into()),
            Some(id) => {
                let valid = id.strip_prefix(stem).and_then(|r| r.strip_prefix('-')).is_some_and(|n| {
                    !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && !n.starts_with('0')
                });
                if !valid {
                    problems.push(format!("id should be `{stem}-<n>` (the file name and a number)"));
                }
                if let Some(other) = self.ids.insert(id.clone(), rel.to_path_buf()) {
                    problems.push(format!("duplicate id, also used in {}", other.display()));
                }
            }
        }
        for key in q.keys().filter(|k| !QUESTION_KEYS.contains(&k.as_str())) {
            problems.push(format!("unknown key `{key}` (known: {})", QUESTION_KEYS.join(", ")));
        }
        match q.get("context").and_then(Value::as_str) {
            Some(c) if !c.trim().is_empty() => {}
            _ => problems.push("needs a `context` that explains the answer".into()),
        }
        let kind = q.get("type").and_then(Value::as_str).unwrap_or("");
        let typed = match schema(kind) {
            None => {
                problems.push(format!("`type` is `{kind}`; use ShortAnswer, MultipleChoice or Tracing"));
                None
            }
            Some((prompt_keys, answer_keys)) => {
                for (section, allowed) in [("prompt", prompt_keys), ("answer", answer_keys)] {
                    let Some(t) = q.get(section).and_then(Value::as_table) else {
                        problems.push(format!("missing [questions.{section}]"));
                        continue;
                    };
                    for key in t.keys().filter(|k| !allowed.contains(&k.as_str())) {
                        problems.push(format!(
                            "unknown key `{section}.{key}` for {kind} (known: {})",
                            allowed.join(", ")
                        ));
                    }
                }
                typed_kind(kind, q).map_err(|msg| problems.push(msg)).ok()
            }
        };
        for problem in problems {
            self.problems.push(format!("{}: question `{shown}`: {problem}", rel.display()));
        }
        Some(Question { id: shown, kind: typed? })
    }
}

/// The question's values as their type requires them, or what is missing.
fn typed_kind(kind: &str, q: &Table) -> Result<Kind, String> {
    let prompt = q.get("prompt").and_then(Value::as_table).ok_or("missing prompt")?;
    let answer = q.get("answer").and_then(Value::as_table).ok_or("missing answer")?;
    let text = |t: &Table, k: &str| {
        t.get(k).and_then(Value::as_str).filter(|s| !s.trim().is_empty()).map(str::to_string)
    };
    Ok(match kind {
        "ShortAnswer" => match (text(prompt, "prompt"), text(answer, "answer")) {
            (Some(_), Some(answer)) => Kind::ShortAnswer { answer },
            _ => return Err("ShortAnswer needs `prompt.prompt` and `answer.answer` strings".into()),
        },
        "MultipleChoice" => {
            if text(prompt, "prompt").is_none() {
                return Err("MultipleChoice needs `prompt.prompt`".into());
            }
            let strings =
                |v: &Vec<Value>| v.iter().map(|s| s.as_str().map(str::to_string)).collect::<Option<Vec<_>>>();
            let distractors = prompt
                .get("distractors")
                .and_then(Value::as_array)
                .and_then(strings)
                .filter(|d| !d.is_empty())
                .ok_or("MultipleChoice needs `prompt.distractors`, a non-empty array of strings")?;
            let answers = match answer.get("answer") {
                Some(Value::String(s)) if !s.trim().is_empty() => Some(vec![s.clone()]),
                Some(Value::Array(a)) if !a.is_empty() => strings(a),
                _ => None,
            }
            .ok_or("MultipleChoice needs `answer.answer`, a string or an array of strings")?;
            Kind::MultipleChoice { answers, distractors }
        }
        "Tracing" => {
            let program = text(prompt, "program").ok_or("Tracing needs `prompt.program`")?;
            let stdout = answer.get("stdout").and_then(Value::as_str).map(str::to_string);
            let does_compile = match answer.get("doesCompile").and_then(Value::as_bool) {
                None => return Err("Tracing needs `answer.doesCompile` (true or false)".into()),
                Some(true) if stdout.is_none() => {
                    return Err("a Tracing program that compiles needs `answer.stdout` (mdbook-quiz panics without it)".into());
                }
                Some(false) if answer.contains_key("stdout") => {
                    return Err("`answer.stdout` given for a program that does not compile".into());
                }
                Some(compiles) => compiles,
            };
            let line_number = answer.get("lineNumber").and_then(Value::as_integer);
            Kind::Tracing { program, does_compile, stdout, line_number }
        }
        other => return Err(format!("`type` is `{other}`")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (QuizFile, Vec<String>) {
        let mut reader = QuizReader::default();
        let quiz = reader.read(Path::new("src/quizzes/demo.toml"), text);
        (quiz, reader.problems.into_iter().collect())
    }

    #[test]
    fn a_valid_file_becomes_typed_questions() {
        let (quiz, problems) = read(
            r#"
            [[questions]]
            id = "demo-1"
            type = "MultipleChoice"
            prompt.prompt = "Which?"
            prompt.distractors = ["a", "b"]
            answer.answer = "c"
            context = "because"

            [[questions]]
            id = "demo-2"
            type = "Tracing"
            prompt.program = "fn main() { println!(\"hi\"); }"
            answer.doesCompile = true
            answer.stdout = "hi"
            context = "because"

            [[questions]]
            id = "demo-3"
            type = "ShortAnswer"
            prompt.prompt = "Name it"
            answer.answer = "guard"
            answer.alternatives = ["MutexGuard"]
            context = "because"
            "#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(quiz.stem(), "demo");
        assert_eq!(
            quiz.questions,
            [
                Question {
                    id: "demo-1".into(),
                    kind: Kind::MultipleChoice {
                        answers: vec!["c".into()],
                        distractors: vec!["a".into(), "b".into()]
                    }
                },
                Question {
                    id: "demo-2".into(),
                    kind: Kind::Tracing {
                        program: "fn main() { println!(\"hi\"); }".into(),
                        does_compile: true,
                        stdout: Some("hi".into()),
                        line_number: None
                    }
                },
                Question { id: "demo-3".into(), kind: Kind::ShortAnswer { answer: "guard".into() } },
            ]
        );
    }

    #[test]
    fn misspelt_keys_are_named_with_file_and_question() {
        let (quiz, problems) = read(
            r#"
            [[questions]]
            id = "demo-1"
            type = "MultipleChoice"
            prompt.prompt = "?"
            prompt.distractors = ["a"]
            prompt.answerindex = 0
            answer.answer = "b"
            context = "because"
            "#,
        );
        assert_eq!(
            problems,
            [
                "src/quizzes/demo.toml: question `demo-1`: unknown key `prompt.answerindex` for MultipleChoice (known: prompt, distractors, answerIndex, sortAnswers)"
            ]
        );
        assert_eq!(quiz.questions.len(), 1, "still typed: its values are fine");
    }

    #[test]
    fn every_problem_of_a_question_is_reported() {
        let (quiz, problems) = read(
            r#"
            [[questions]]
            id = "other-01"
            type = "Tracing"
            prompt.program = "fn main() {}"
            answer.doesCompile = true
            hint = "?"
            "#,
        );
        let expected = [
            "id should be `demo-<n>`",
            "unknown key `hint`",
            "needs a `context`",
            "needs `answer.stdout` (mdbook-quiz panics without it)",
        ];
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
        for (problem, words) in problems.iter().zip(expected) {
            assert!(problem.starts_with("src/quizzes/demo.toml: question `other-01`: "), "{problem}");
            assert!(problem.contains(words), "{problem} should say {words}");
        }
        assert!(quiz.questions.is_empty(), "a compiling Tracing program without stdout cannot be typed");
    }

    #[test]
    fn file_level_problems_and_duplicate_ids_across_files() {
        assert_eq!(read("questions = 3\n").1, ["src/quizzes/demo.toml: no [[questions]]"]);
        assert!(read("[[questions]\n").1[0].starts_with("src/quizzes/demo.toml: not valid TOML"));
        assert!(
            read("title = \"x\"\nquestions = []\n")
                .1
                .iter()
                .any(|p| p.contains("unknown top-level key `title`"))
        );

        let q = "[[questions]]\nid = \"demo-1\"\ntype = \"ShortAnswer\"\nprompt.prompt = \"?\"\nanswer.answer = \"a\"\ncontext = \"c\"\n";
        let mut reader = QuizReader::default();
        reader.read(Path::new("src/quizzes/demo.toml"), q);
        reader.read(Path::new("src/quizzes/demo.toml"), q);
        assert_eq!(reader.ids(), 1);
        assert_eq!(
            reader.problems[..],
            ["src/quizzes/demo.toml: question `demo-1`: duplicate id, also used in src/quizzes/demo.toml"]
        );
    }

    #[test]
    fn every_quiz_of_the_book_reads_cleanly() {
        let mut reader = QuizReader::default();
        let mut questions = 0;
        for path in files().unwrap() {
            let rel = path.strip_prefix(crate::paths::root()).unwrap();
            questions += reader.read(rel, &std::fs::read_to_string(&path).unwrap()).questions.len();
        }
        assert!(reader.problems.is_empty(), "{:#?}", reader.problems);
        assert_eq!(questions, reader.ids());
    }
}
