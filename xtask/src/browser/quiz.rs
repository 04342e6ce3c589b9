//! A quiz in the browser: its review screen counts right and wrong answers.
//! The helpers that read a page's quiz and answer it serve the theme and
//! progress tests too.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};

use super::Browser;
use super::harness::{Outcome, Test, ok};
use super::pages::{Answer, BookPage, QuestionType, QuizPage, js, wait_for};
use crate::course::Course;
use crate::course::quiz::{Kind, Question, QuizFile};

pub const TESTS: &[Test] = &[Test {
    name: "quiz review counts right and wrong answers",
    limit: 30,
    run: |b| Box::pin(quiz_review(b)),
}];

/// The type the page shows for `question`.
pub fn question_type(question: &Question) -> QuestionType {
    match question.kind {
        Kind::MultipleChoice { .. } => QuestionType::MultipleChoice,
        Kind::ShortAnswer { .. } => QuestionType::ShortAnswer,
        Kind::Tracing { .. } => QuestionType::Tracing,
    }
}

/// The right answer to `question`, or a wrong one.
pub fn answer(question: &Question, right: bool) -> Result<Answer> {
    Ok(match &question.kind {
        Kind::MultipleChoice { answers, distractors } => {
            let choices = if right { answers } else { distractors };
            let first = choices.first().with_context(|| format!("{}: no choice to pick", question.id))?;
            Answer::Choice(first.clone())
        }
        Kind::ShortAnswer { answer } => {
            Answer::Short(if right { answer.clone() } else { "certainly not the answer".into() })
        }
        Kind::Tracing { does_compile, stdout, .. } => {
            if right {
                Answer::Tracing { compiles: *does_compile, stdout: stdout.clone().unwrap_or_default() }
            } else if *does_compile {
                Answer::Tracing { compiles: false, stdout: String::new() }
            } else {
                Answer::Tracing { compiles: true, stdout: "0".into() }
            }
        }
    })
}

/// The quiz that book page `page` (`mutex/guards.html`) embeds, if any.
pub fn page_quiz(page: &str) -> Result<Option<QuizFile>> {
    let course = Course::load()?;
    let Some(page) = course.pages().find(|p| p.html() == page) else { return Ok(None) };
    let Some(embed) = page.quiz_embeds().into_iter().next() else { return Ok(None) };
    QuizFile::load(crate::paths::root(), &Path::new("src").join(embed.resolve(page.path))).map(Some)
}

/// The quiz with the most question types (ties: the first in SUMMARY
/// order), and the page it is on.
pub fn pick_quiz() -> Result<(String, QuizFile)> {
    let mut best: Option<(usize, String, QuizFile)> = None;
    for page in Course::load()?.html_pages() {
        let Some(quiz) = page_quiz(&page)? else { continue };
        let kinds: BTreeSet<&str> = quiz.questions.iter().map(|q| q.kind.name()).collect();
        if best.as_ref().is_none_or(|(n, ..)| kinds.len() > *n) {
            best = Some((kinds.len(), page, quiz));
        }
    }
    best.map(|(_, page, quiz)| (page, quiz)).context("no page embeds a quiz")
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
        let kind = question_type(question);
        let on_screen = q.current_type().await?;
        ensure!(
            on_screen == kind,
            "{}: expected a {kind:?} question on screen, found {on_screen:?}",
            question.id
        );
        let n = seen.entry(question.kind.name()).or_insert(0usize);
        let right = *n % 2 == 0;
        *n += 1;
        exercised.insert(format!("{} {}", question.kind.name(), if right { "right" } else { "wrong" }));
        right_count += usize::from(right);
        let before = q.prompt_text().await?;
        q.answer(&answer(question, right)?).await.with_context(|| format!("answering {}", question.id))?;
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
    let (path, quiz) = pick_quiz()?;
    let stem = quiz.stem();
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
    if !quiz.questions.iter().any(|q| matches!(q.kind, Kind::ShortAnswer { .. })) {
        note.push_str(" (the book has no ShortAnswer question yet)");
    }
    ok(note)
}
