//! Accessibility: axe-core finds no critical or serious violation on any
//! page in the light and navy themes, on a sample of pages in rust, coal
//! and ayu, and on a quiz's question and review screens.

use std::collections::BTreeMap;
use std::fs;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Result, ensure};
use serde_json::{Value, json};

use super::axe::{self, Violation};
use super::harness::{Outcome, Test, ok};
use super::pages::{BookPage, LocalStorage, QuizPage, js, wait_for};
use super::quiz::{page_quiz, take_quiz};
use super::Browser;
use crate::course::Course;

pub const TESTS: &[Test] = &[
    Test { name: "light theme: every page", limit: 300, run: |b| Box::pin(every_page(b, "light")) },
    Test { name: "navy theme: every page", limit: 300, run: |b| Box::pin(every_page(b, "navy")) },
    Test { name: "rust, coal and ayu: sample pages", limit: 240, run: |b| Box::pin(sample_pages(b)) },
    Test { name: "quiz question and review screens", limit: 90, run: |b| Box::pin(quiz_screens(b)) },
];

/// The impacts that fail the tests; `moderate` and `minor` are reported.
const FAILING: &[&str] = &["critical", "serious"];

/// The page whose quiz the quiz-screen audit takes (it also has editable
/// blocks, saved-edit notes and play links).
const QUIZ_PAGE: &str = "shared-state/counter.html";

/// axe-core's script, installed once per run.
fn axe_source() -> Result<&'static str> {
    static AXE: OnceLock<String> = OnceLock::new();
    if let Some(s) = AXE.get() {
        return Ok(s);
    }
    let source = tokio::task::block_in_place(axe::source)?;
    Ok(AXE.get_or_init(|| source))
}

/// What an audit found, per impact and per page.
#[derive(Default)]
struct Audit {
    loads: usize,
    by_impact: BTreeMap<String, usize>,
    failures: Vec<String>,
}

impl Audit {
    fn add(&mut self, page: &str, theme: &str, found: Vec<Violation>) {
        self.loads += 1;
        for v in found {
            *self.by_impact.entry(v.impact.clone()).or_default() += 1;
            if FAILING.contains(&v.impact.as_str()) {
                self.failures
                    .push(format!("{page} [{theme}]: {} {}: `{}`: {}", v.impact, v.rule, v.target, v.summary));
            }
        }
    }

    /// Fails listing every critical or serious violation; else says what
    /// was audited and the counts of the lesser impacts.
    fn verdict(self, what: &str) -> Result<Outcome> {
        let counts: Vec<String> = ["critical", "serious", "moderate", "minor"]
            .iter()
            .map(|i| format!("{} {i}", self.by_impact.get(*i).copied().unwrap_or(0)))
            .collect();
        ensure!(
            self.failures.is_empty(),
            "{what}: {} ({} page loads); every critical or serious one:\n{}",
            counts.join(", "),
            self.loads,
            self.failures.join("\n")
        );
        ok(format!("{what}: {} page loads, {}", self.loads, counts.join(", ")))
    }
}

/// Makes `theme` the reader's choice, as the theme menu would store it.
async fn use_theme(b: &Browser, theme: &str) -> Result<()> {
    BookPage::open(b, "index.html").await?;
    js::<Value>(b, "localStorage.setItem('mdbook-theme', arguments[0]); return null;", vec![json!(theme)]).await?;
    Ok(())
}

/// Opens `path` and waits until what scripts add is there: quizzes
/// rendered, editors created, Run buttons placed.
async fn open_settled<'a>(b: &'a Browser, path: &str, theme: &str) -> Result<BookPage<'a>> {
    let page = BookPage::open(b, path).await?;
    wait_for::<bool>(
        b,
        &format!("{path} to render its quizzes and editors in the {theme} theme"),
        Duration::from_secs(15),
        "if (!document.documentElement.classList.contains(arguments[0])) return null;
         const quizzes = document.querySelectorAll('.quiz-placeholder').length;
         if (document.querySelectorAll('.quiz-placeholder .mdbook-quiz').length < quizzes) return null;
         if (document.querySelector('code.editable') && !document.querySelector('.ace_editor')) return null;
         const blocks = document.querySelectorAll('pre.playground').length;
         if (blocks && document.querySelectorAll('pre.playground .buttons').length < blocks) return null;
         return true;",
        vec![json!(theme)],
    )
    .await?;
    Ok(page)
}

async fn audit_pages(b: &Browser, theme: &str, pages: &[String], audit: &mut Audit) -> Result<()> {
    let axe = axe_source()?;
    use_theme(b, theme).await?;
    for path in pages {
        open_settled(b, path, theme).await?;
        let found = axe::run(b, axe).await?;
        audit.add(path, theme, found);
    }
    Ok(())
}

async fn every_page(b: &Browser, theme: &str) -> Result<Outcome> {
    let pages = Course::load()?.html_pages();
    let mut audit = Audit::default();
    audit_pages(b, theme, &pages, &mut audit).await?;
    audit.verdict(&format!("{} pages in {theme}", pages.len()))
}

/// One page of each kind: the first page, one with a quiz and editable
/// blocks, one with a diagram, one with a table, the progress page and an
/// exercise page.
fn sample() -> Result<Vec<String>> {
    let pages = Course::load()?.html_pages();
    let html = |p: &str| fs::read_to_string(crate::paths::root().join("book").join(p)).unwrap_or_default();
    let mut picked = vec![pages.first().cloned().unwrap_or_else(|| "index.html".into()), QUIZ_PAGE.into()];
    for needle in ["class=\"diagram", "<table", "fl-progress-data"] {
        if let Some(p) = pages.iter().find(|p| html(p).contains(needle)) {
            picked.push(p.clone());
        }
    }
    if let Some(p) = pages.iter().find(|p| p.starts_with("exercises/") && !p.ends_with("index.html")) {
        picked.push(p.clone());
    }
    picked.dedup();
    let mut seen = std::collections::BTreeSet::new();
    picked.retain(|p| seen.insert(p.clone()));
    Ok(picked)
}

async fn sample_pages(b: &Browser) -> Result<Outcome> {
    let pages = sample()?;
    let mut audit = Audit::default();
    for theme in ["rust", "coal", "ayu"] {
        audit_pages(b, theme, &pages, &mut audit).await?;
    }
    audit.verdict(&format!("{} pages ({}) in rust, coal and ayu", pages.len(), pages.join(", ")))
}

/// A quiz in progress and finished, in light and navy: the start screen is
/// audited with every page, but its questions and review only appear on use.
async fn quiz_screens(b: &Browser) -> Result<Outcome> {
    let axe = axe_source()?;
    let quiz = page_quiz(QUIZ_PAGE)?.ok_or_else(|| anyhow::anyhow!("{QUIZ_PAGE} has no quiz"))?;
    let stem = quiz.stem();
    let mut audit = Audit::default();
    for theme in ["light", "navy"] {
        use_theme(b, theme).await?;
        js::<Value>(b, "localStorage.removeItem(arguments[0]); return null;", vec![json!(LocalStorage::quiz_key(&stem))])
            .await?;
        open_settled(b, QUIZ_PAGE, theme).await?;
        let q = QuizPage::find(b).await?;
        q.start().await?;
        audit.add(&format!("{QUIZ_PAGE} (first question)"), theme, axe::run(b, axe).await?);
        BookPage::open(b, QUIZ_PAGE).await?;
        let (q, _, _) = take_quiz(b, &quiz).await?;
        q.review_text().await?;
        audit.add(&format!("{QUIZ_PAGE} (review)"), theme, axe::run(b, axe).await?);
    }
    audit.verdict(&format!("{QUIZ_PAGE}'s quiz, question and review screens, in light and navy"))
}
