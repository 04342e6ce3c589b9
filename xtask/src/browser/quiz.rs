//! A quiz in the browser: its review screen counts right and wrong answers.
//! The helpers that read a page's quiz and answer it serve the theme and
//! progress tests too.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use serde::Deserialize;
use serde_json::{Value, json};

use super::harness::{Outcome, Test, ok};
use super::pages::{Answer, BookPage, QuestionType, QuizPage, js, wait_for};
use super::{Browser, summary_pages};

pub const TESTS: &[Test] = &[Test {
    name: "quiz review counts right and wrong answers",
    limit: 30,
    run: |b| Box::pin(quiz_review(b)),
}];

#[derive(Deserialize)]
pub struct QuizFile {
    pub questions: Vec<QuizQuestion>,
}

#[derive(Deserialize)]
pub struct QuizQuestion {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    prompt: toml::Table,
    #[serde(default)]
    answer: toml::Table,
}

impl QuizQuestion {
    pub fn kind(&self) -> Result<QuestionType> {
        Ok(match self.kind.as_str() {
            "MultipleChoice" => QuestionType::MultipleChoice,
            "ShortAnswer" => QuestionType::ShortAnswer,
            "Tracing" => QuestionType::Tracing,
            other => bail!("{}: unknown type {other}", self.id),
        })
    }

    /// The right answer, or a wrong one.
    pub fn answer(&self, right: bool) -> Result<Answer> {
        let strings = |v: Option<&toml::Value>| -> Vec<String> {
            match v {
                Some(toml::Value::String(s)) => vec![s.clone()],
                Some(toml::Value::Array(a)) => {
                    a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()
                }
                _ => Vec::new(),
            }
        };
        Ok(match self.kind()? {
            QuestionType::MultipleChoice => {
                let choices = if right {
                    strings(self.answer.get("answer"))
                } else {
                    strings(self.prompt.get("distractors"))
                };
                let first =
                    choices.into_iter().next().with_context(|| format!("{}: no choice to pick", self.id))?;
                Answer::Choice(first)
            }
            QuestionType::ShortAnswer => Answer::Short(if right {
                strings(self.answer.get("answer")).into_iter().next().context("no answer")?
            } else {
                "certainly not the answer".into()
            }),
            QuestionType::Tracing => {
                let compiles = self.answer.get("doesCompile").and_then(toml::Value::as_bool).unwrap_or(false);
                let stdout =
                    self.answer.get("stdout").and_then(toml::Value::as_str).unwrap_or("").to_string();
                if right {
                    Answer::Tracing { compiles, stdout }
                } else if compiles {
                    Answer::Tracing { compiles: false, stdout: String::new() }
                } else {
                    Answer::Tracing { compiles: true, stdout: "0".into() }
                }
            }
        })
    }
}

/// The quiz that book page `page` embeds (`{{#quiz …}}`), if any: its file
/// stem (mdbook-quiz's storage key) and its questions.
pub fn page_quiz(page: &str) -> Result<Option<(String, QuizFile)>> {
    let embed = regex::Regex::new(r"\{\{#quiz ([^}\s]+)\}\}").expect("valid regex");
    let md = crate::paths::root().join("src").join(page.replace(".html", ".md"));
    let Ok(text) = fs::read_to_string(&md) else { return Ok(None) };
    let Some(c) = embed.captures(&text) else { return Ok(None) };
    let toml_path = md.parent().expect("a page has a folder").join(&c[1]);
    let quiz: QuizFile = toml::from_str(&fs::read_to_string(&toml_path)?)
        .with_context(|| format!("reading {}", toml_path.display()))?;
    let stem = Path::new(&c[1]).file_stem().unwrap_or_default().to_string_lossy().into_owned();
    Ok(Some((stem, quiz)))
}

/// The quiz with the most question types (ties: the first in SUMMARY order).
pub fn pick_quiz() -> Result<(String, String, QuizFile)> {
    let mut best: Option<(usize, String, String, QuizFile)> = None;
    for page in summary_pages()? {
        let Some((stem, quiz)) = page_quiz(&page)? else { continue };
        let kinds: BTreeSet<&str> = quiz.questions.iter().map(|q| q.kind.as_str()).collect();
        if best.as_ref().is_none_or(|(n, ..)| kinds.len() > *n) {
            best = Some((kinds.len(), page, stem, quiz));
        }
    }
    best.map(|(_, page, stem, quiz)| (page, stem, quiz)).context("no page embeds a quiz")
}

/// Starts the quiz of the page that is open and answers every question of
/// `quiz`: per type, its first question right, its second wrong, then
/// alternately. Returns the number answered right and what was exercised
/// ("Tracing right", …); the review screen is on show afterwards.
pub async fn take_quiz<'a>(b: &'a Browser, quiz: &QuizFile) -> Result<(QuizPage<'a>, usize, BTreeSet<String>)> {
    let q = QuizPage::find(b).await?;
    q.start().await?;
    let mut seen = std::collections::HashMap::new();
    let mut right_count = 0;
    let mut exercised = BTreeSet::new();
    for question in &quiz.questions {
        let kind = question.kind()?;
        let on_screen = q.current_type().await?;
        ensure!(
            on_screen == kind,
            "{}: expected a {kind:?} question on screen, found {on_screen:?}",
            question.id
        );
        let n = seen.entry(question.kind.clone()).or_insert(0usize);
        let right = *n % 2 == 0;
        *n += 1;
        exercised.insert(format!("{} {}", question.kind, if right { "right" } else { "wrong" }));
        right_count += usize::from(right);
        let before = q.prompt_text().await?;
        q.answer(&question.answer(right)?).await.with_context(|| format!("answering {}", question.id))?;
        // The next question (or the review) replaces this one.
        wait_for::<bool>(
            b,
            "the next question",
            Duration::from_secs(5),
            "const q = document.querySelector('.mdbook-quiz .question');
             return (!q || q.innerText !== arguments[0] || document.querySelector('.mdbook-quiz').innerText.includes('You answered')) ? true : null;",
            vec![json!(before)],
        )
        .await?;
    }
    Ok((q, right_count, exercised))
}

/// Checks that the review screen says `right`/`total` and returns that text.
pub async fn check_review(q: &QuizPage<'_>, right: usize, total: usize) -> Result<String> {
    let review = q.review_text().await?;
    let expected = format!("You answered {right}/{total} questions correctly");
    let flat = review.split_whitespace().collect::<Vec<_>>().join(" ");
    ensure!(flat.contains(&expected), "expected {expected:?} on the review screen, it says:\n{review}");
    Ok(expected)
}

async fn quiz_review(b: &Browser) -> Result<Outcome> {
    let (path, stem, quiz) = pick_quiz()?;
    BookPage::open(b, &path).await?;
    let (q, right_count, exercised) = take_quiz(b, &quiz).await?;
    let expected = check_review(&q, right_count, quiz.questions.len()).await?;
    let marks: (usize, usize) = js(
        b,
        "const q = document.querySelector('.mdbook-quiz');
         return [q.querySelectorAll('.correct').length, q.querySelectorAll('.incorrect').length];",
        vec![],
    )
    .await?;
    ensure!(marks.1 > 0, "the review marks no answer as incorrect (marks: {marks:?})");
    // cache_answers keeps the review; clearing localStorage (as between
    // tests) brings Start back.
    let key = format!("mdbook-quiz:{stem}");
    let stored: bool = js(b, "return localStorage.getItem(arguments[0]) !== null;", vec![json!(key)]).await?;
    ensure!(stored, "no localStorage entry {key} after finishing the quiz");
    js::<Value>(b, "localStorage.clear(); return null;", vec![]).await?;
    BookPage::open(b, &path).await?;
    wait_for::<bool>(
        b,
        "the Start button after clearing localStorage",
        Duration::from_secs(5),
        "return document.querySelector('.mdbook-quiz button.start') ? true : null;",
        vec![],
    )
    .await?;
    let mut note =
        format!("{path}: {expected}; answered {}", exercised.into_iter().collect::<Vec<_>>().join(", "));
    if !quiz.questions.iter().any(|q| q.kind == "ShortAnswer") {
        note.push_str(" (the book has no ShortAnswer question yet)");
    }
    ok(note)
}
