//! The browser tests (issues 6 and 8) and their tiny harness: each test runs under
//! a timeout in one shared Chromium session, with localStorage cleared before
//! it; the run ends with `browser tests: N passed, M failed`.

use std::collections::BTreeSet;
use std::fs;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use serde::Deserialize;
use serde_json::{Value, json};

use super::pages::{
    Answer, BookPage, LocalStorage, ProgressPage, QuestionType, QuizPage, SearchBar, ThemePicker, js,
    wait_for,
};
use super::{Browser, SNIPPET_RUN_TIMEOUT, start_server, summary_pages};

type TestFn = for<'a> fn(&'a Browser) -> Pin<Box<dyn Future<Output = Result<Outcome>> + 'a>>;

/// What a passing test has to say (shown after its name).
pub struct Outcome(String);

fn ok(note: impl Into<String>) -> Result<Outcome> {
    Ok(Outcome(note.into()))
}

/// Every test, in the order they run, with its time limit.
const TESTS: &[(&str, u64, TestFn)] = &[
    ("every page loads cleanly", 60, |b| Box::pin(pages_load_cleanly(b))),
    ("quiz review counts right and wrong answers", 30, |b| Box::pin(quiz_review(b))),
    ("run: std snippet", 30, |b| Box::pin(run_std(b))),
    ("run: parking_lot snippet", 30, |b| Box::pin(run_parking_lot(b))),
    ("run: loom snippet", 30, |b| Box::pin(run_loom(b))),
    ("run: an edited snippet runs the edit", 40, |b| Box::pin(run_edited(b))),
    ("run: compile error shows rustc's message", 30, |b| Box::pin(run_compile_error(b))),
    ("run: infinite loop shows the timeout", 30, |b| Box::pin(run_infinite_loop(b))),
    ("run: the AB-BA example shows the deadlock report", 40, |b| {
        Box::pin(async move { super::deadlock::ab_ba_report(b).await.map(Outcome) })
    }),
    ("progress page shows and resets a finished quiz", 40, |b| Box::pin(progress_page(b))),
    ("saved edit survives a reload and resets", 20, |b| Box::pin(saved_edit_restored(b))),
    ("saved edit for other code is not restored", 20, |b| Box::pin(stale_edit_ignored(b))),
    ("empty or malformed saved edit is ignored", 20, |b| Box::pin(malformed_edit_ignored(b))),
    ("search finds a term and opens its page", 20, |b| Box::pin(search_opens_page(b))),
    ("dark theme is readable and persists", 30, |b| Box::pin(dark_theme(b))),
    ("print.html has every quiz", 30, |b| Box::pin(print_page(b))),
];

/// Starts the server and the browser, runs every test, and fails if any did.
pub fn run() -> Result<()> {
    let server = start_server()?;
    let base = format!("http://{}", server.addr());
    println!("local server at {base}");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let started = Instant::now();
    let (passed, failed) = rt.block_on(async {
        let browser = Browser::start(base).await?;
        let mut passed = 0;
        let mut failed = Vec::new();
        for (name, limit, test) in TESTS {
            let t = Instant::now();
            let result = match fresh_state(&browser).await {
                Ok(()) => match tokio::time::timeout(Duration::from_secs(*limit), test(&browser)).await {
                    Ok(r) => r,
                    Err(_) => Err(anyhow!("did not finish in {limit} s")),
                },
                Err(e) => Err(e.context("resetting the browser state")),
            };
            let secs = t.elapsed().as_secs_f64();
            match result {
                Ok(Outcome(note)) => {
                    passed += 1;
                    println!(
                        "ok     {name} ({secs:.1} s){}",
                        if note.is_empty() { String::new() } else { format!(": {note}") }
                    );
                }
                Err(e) => {
                    println!("FAILED {name} ({secs:.1} s): {e:#}");
                    failed.push(*name);
                }
            }
        }
        browser.quit().await;
        anyhow::Ok((passed, failed))
    })?;
    drop(server);
    println!("browser tests took {:.0} s", started.elapsed().as_secs_f64());
    println!("browser tests: {passed} passed, {} failed", failed.len());
    if !failed.is_empty() {
        bail!("browser tests failed: {}", failed.join("; "));
    }
    Ok(())
}

/// Empty localStorage on the book's origin and drop old log entries.
/// From index.html, not 404.html: the 404 page's `<base href>` is the
/// published site's path (`site-url`), so locally its favicon 404s, and that
/// error could land in the next test's log.
async fn fresh_state(b: &Browser) -> Result<()> {
    b.driver().goto(b.url("index.html")).await?;
    js::<Value>(b, "localStorage.clear(); sessionStorage.clear(); return null;", vec![]).await?;
    b.driver().handle().browser_log().await.context("reading the browser log")?;
    Ok(())
}

/// Severe browser-log entries (console errors, failed loads, uncaught
/// exceptions) since the last call.
async fn console_errors(b: &Browser) -> Result<Vec<String>> {
    let log = b.driver().handle().browser_log().await.context("reading the browser log")?;
    Ok(log.into_iter().filter(|e| e.level == "SEVERE").map(|e| e.message).collect())
}

/// Waits until the page has made no new request for a moment (book.js and
/// the quiz fetch things after the load event), then returns every URL the
/// page requested, from the Resource Timing API.
async fn settled_requests(b: &Browser) -> Result<Vec<String>> {
    let mut last = usize::MAX;
    let mut quiet_since = Instant::now();
    let started = Instant::now();
    loop {
        let urls: Vec<String> = js(
            b,
            "return [location.href, ...performance.getEntriesByType('resource').map(e => e.name)];",
            vec![],
        )
        .await?;
        if urls.len() != last {
            last = urls.len();
            quiet_since = Instant::now();
        } else if quiet_since.elapsed() > Duration::from_millis(500)
            || started.elapsed() > Duration::from_secs(8)
        {
            return Ok(urls);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn is_loopback(url: &str) -> bool {
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else {
        return url.starts_with("data:") || url.starts_with("blob:") || url.starts_with("about:");
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let name = host.rsplit_once(':').map_or(host, |(n, _)| n);
    matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

// ---- 1. pages -------------------------------------------------------------

async fn pages_load_cleanly(b: &Browser) -> Result<Outcome> {
    let pages = summary_pages()?;
    let mut problems = Vec::new();
    let mut requests = 0;
    for path in &pages {
        let page = BookPage::open(b, path).await?;
        let title = page.title().await?;
        if title.is_empty() {
            problems.push(format!("{path}: no <h1> (did the page render?)"));
        }
        let urls = settled_requests(b).await?;
        requests += urls.len();
        for url in urls.iter().filter(|u| !is_loopback(u)) {
            problems.push(format!("{path}: request to a non-loopback host: {url}"));
        }
        for e in console_errors(b).await? {
            problems.push(format!("{path}: console error: {e}"));
        }
    }
    ensure!(problems.is_empty(), "{}", problems.join("\n"));
    ok(format!("{} pages, {requests} requests, all to 127.0.0.1, no console errors", pages.len()))
}

// ---- 2. quizzes -----------------------------------------------------------

#[derive(Deserialize)]
struct QuizFile {
    questions: Vec<QuizQuestion>,
}

#[derive(Deserialize)]
struct QuizQuestion {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    prompt: toml::Table,
    #[serde(default)]
    answer: toml::Table,
}

impl QuizQuestion {
    fn kind(&self) -> Result<QuestionType> {
        Ok(match self.kind.as_str() {
            "MultipleChoice" => QuestionType::MultipleChoice,
            "ShortAnswer" => QuestionType::ShortAnswer,
            "Tracing" => QuestionType::Tracing,
            other => bail!("{}: unknown type {other}", self.id),
        })
    }

    /// The right answer, or a wrong one.
    fn answer(&self, right: bool) -> Result<Answer> {
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
fn page_quiz(page: &str) -> Result<Option<(String, QuizFile)>> {
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
fn pick_quiz() -> Result<(String, String, QuizFile)> {
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
async fn take_quiz<'a>(b: &'a Browser, quiz: &QuizFile) -> Result<(QuizPage<'a>, usize, BTreeSet<String>)> {
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
async fn check_review(q: &QuizPage<'_>, right: usize, total: usize) -> Result<String> {
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

// ---- 3. Run ---------------------------------------------------------------

/// The text of the `text,output` block that follows runnable block `n`.
async fn shown_output(b: &Browser, n: usize) -> Result<String> {
    let out: Option<String> = js(
        b,
        "let el = document.querySelectorAll('pre.playground')[arguments[0]].nextElementSibling;
         while (el && !(el.tagName === 'PRE')) el = el.nextElementSibling;
         const code = el && el.querySelector('code.output');
         return code ? code.textContent : null;",
        vec![json!(n)],
    )
    .await?;
    out.context("no `text,output` block follows the snippet")
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim_end().to_string()).filter(|l| !l.trim().is_empty()).collect()
}

/// Runs the block of `path` containing all `needles`; checks that every line
/// of the output the page shows appears in what Run printed (all of it, in
/// order, when `exact`).
async fn run_and_compare(b: &Browser, path: &str, needles: &[&str], exact: bool) -> Result<Outcome> {
    let page = BookPage::open(b, path).await?;
    let n = page.block_containing(needles).await?;
    let shown = shown_output(b, n).await?;
    page.run(n).await?;
    let got = page.output(n, SNIPPET_RUN_TIMEOUT + Duration::from_secs(15)).await?;
    if exact {
        ensure!(lines(&got) == lines(&shown), "the page shows\n{shown}\nbut Run printed\n{got}");
    } else {
        for line in lines(&shown) {
            ensure!(
                got.lines().any(|l| l.trim_end() == line),
                "Run printed\n{got}\nwithout the line {line:?}"
            );
        }
    }
    ok(format!("{path} block {n}: {:?}", lines(&got).first().cloned().unwrap_or_default()))
}

async fn run_std(b: &Browser) -> Result<Outcome> {
    run_and_compare(b, "shared-state/counter.html", &["Arc::new(Mutex::new(", "thread::spawn"], true).await
}

async fn run_parking_lot(b: &Browser) -> Result<Outcome> {
    run_and_compare(b, "beyond/parking-lot.html", &["parking_lot::Mutex", "after the crash"], true).await
}

async fn run_loom(b: &Browser) -> Result<Outcome> {
    run_and_compare(b, "beyond/loom.html", &["loom::model", "assert_eq!"], false).await
}

async fn run_compile_error(b: &Browser) -> Result<Outcome> {
    let page = BookPage::open(b, "shared-state/counter.html").await?;
    let n = page.block_containing(&["counter += 1", "thread::spawn(||"]).await?;
    page.run(n).await?;
    let got = page.output(n, Duration::from_secs(30)).await?;
    ensure!(got.contains("error[E0373]"), "expected rustc's error E0373, Run printed\n{got}");
    ok("error[E0373] shown")
}

/// An editable block on `path`. The book marks none `editable` yet, so
/// failing that, block 0 is made editable exactly as mdBook's editor.js does
/// for an `editable` block (class + Ace editor); the Run path is unchanged.
async fn editable_block<'a>(
    b: &'a Browser,
    path: &str,
) -> Result<(BookPage<'a>, usize, Option<&'static str>)> {
    if let Some((page, n)) = find_editable(b).await? {
        return Ok((page, n, None));
    }
    let page = BookPage::open(b, path).await?;
    js::<Value>(
        b,
        "const code = document.querySelector('pre.playground code');
         code.classList.add('editable');
         const editor = ace.edit(code);
         editor.getSession().setMode('ace/mode/rust');
         return null;",
        vec![],
    )
    .await?;
    Ok((page, 0, Some("no block is marked `editable`: block 0 made editable as editor.js does")))
}

async fn find_editable(b: &Browser) -> Result<Option<(BookPage<'_>, usize)>> {
    for path in summary_pages()? {
        let html = fs::read_to_string(crate::paths::root().join("book").join(&path)).unwrap_or_default();
        if !html.contains(" editable") {
            continue;
        }
        let page = BookPage::open(b, &path).await?;
        if let Some(n) = page.first_editable_block().await? {
            return Ok(Some((page, n)));
        }
    }
    Ok(None)
}

async fn run_edited(b: &Browser) -> Result<Outcome> {
    let (page, n, how) = editable_block(b, "shared-state/counter.html").await?;
    let marker = format!("edited {}", std::process::id());
    let src = format!(
        "use std::sync::{{Arc, Mutex}};\nfn main() {{\n    let m = Arc::new(Mutex::new(40));\n    *m.lock().unwrap() += 2;\n    println!(\"{marker}: {{}}\", m.lock().unwrap());\n}}\n"
    );
    page.set_editor_text(n, &src).await?;
    press_run(&page, n, how).await?;
    let got = page.output(n, Duration::from_secs(30)).await?;
    ensure!(
        got.trim() == format!("{marker}: 42"),
        "Run printed\n{got}\ninstead of the edited program's output"
    );
    ok(how.unwrap_or("an `editable` block"))
}

async fn run_infinite_loop(b: &Browser) -> Result<Outcome> {
    let (page, n, how) = editable_block(b, "shared-state/counter.html").await?;
    page.set_editor_text(n, "fn main() {\n    let mut n: u64 = 0;\n    loop {\n        n = n.wrapping_add(1);\n        std::hint::black_box(n);\n    }\n}\n").await?;
    press_run(&page, n, how).await?;
    let got = page.output(n, SNIPPET_RUN_TIMEOUT + Duration::from_secs(20)).await?;
    ensure!(got.contains("did not finish"), "expected the timeout message, Run printed\n{got}");
    ok(format!(
        "{}; {}",
        lines(&got).last().cloned().unwrap_or_default(),
        how.unwrap_or("an `editable` block")
    ))
}

/// A reader's click on a real editable block; a script click on one the
/// test made editable.
async fn press_run(page: &BookPage<'_>, n: usize, made_editable: Option<&str>) -> Result<()> {
    if made_editable.is_some() { page.run_by_script(n).await } else { page.run(n).await }
}

// ---- 4. search ------------------------------------------------------------

async fn search_opens_page(b: &Browser) -> Result<Outcome> {
    let term = "poison";
    BookPage::open(b, "index.html").await?;
    let search = SearchBar::new(b);
    let results = search.search(term).await?;
    let first = results[0].clone();
    search.open_result(0).await?;
    let at: String = js(b, "return location.href;", vec![]).await?;
    let target = first.split('#').next().unwrap_or_default().to_string();
    ensure!(at.starts_with(&target), "clicked the result {first} but the browser is at {at}");
    let text: String =
        js(b, "return document.querySelector('main').innerText.toLowerCase();", vec![]).await?;
    ensure!(text.contains(term), "the page {at} the search opened does not mention {term:?}");
    let marked: usize = js(b, "return document.querySelectorAll('main mark').length;", vec![]).await?;
    ensure!(marked > 0, "the opened page does not highlight {term:?}");
    ok(format!(
        "{} results; opened {} with {marked} highlights",
        results.len(),
        target.rsplit('/').next().unwrap_or("")
    ))
}

// ---- 5. themes ------------------------------------------------------------

/// Contrast ratios (WCAG) of text against its effective background, for
/// the elements matched by `selector`; diagrams (`.diagram`) are measured by
/// their most common ink colour against the page background.
const CONTRAST_JS: &str = r#"
const parse = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
const lum = ({r, g, b}) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const ratio = (x, y) => { const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p); return (a + 0.05) / (b + 0.05); };
const bgOf = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; } return parse(getComputedStyle(document.body).backgroundColor); };
const out = [];
for (const el of document.querySelectorAll(arguments[0])) {
  if (!el.offsetParent || !el.innerText.trim()) continue;
  out.push({what: el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' "' + el.innerText.trim().slice(0, 30) + '"', ratio: ratio(parse(getComputedStyle(el).color), bgOf(el))});
}
for (const img of document.querySelectorAll('img.diagram')) {
  const bg = bgOf(img);
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth || img.width; canvas.height = img.naturalHeight || img.height;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = `rgb(${bg.r},${bg.g},${bg.b})`; ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const counts = new Map();
  for (let i = 0; i < data.length; i += 4) {
    const px = {r: data[i], g: data[i + 1], b: data[i + 2]};
    if (Math.abs(px.r - bg.r) + Math.abs(px.g - bg.g) + Math.abs(px.b - bg.b) < 30) continue;
    const k = px.r + ',' + px.g + ',' + px.b; counts.set(k, (counts.get(k) || 0) + 1);
  }
  const top = [...counts.entries()].sort((x, y) => y[1] - x[1])[0];
  if (!top) { out.push({what: 'img.diagram ' + img.getAttribute('src') + ' (draws nothing visible)', ratio: 1}); continue; }
  const [r, g, b] = top[0].split(',').map(Number);
  out.push({what: 'img.diagram ' + img.getAttribute('src'), ratio: ratio({r, g, b}, bg)});
}
for (const t of document.querySelectorAll('svg.diagram text, .diagram svg text')) {
  out.push({what: 'svg text "' + t.textContent.trim().slice(0, 30) + '"', ratio: ratio(parse(getComputedStyle(t).fill.startsWith('rgb') ? getComputedStyle(t).fill : getComputedStyle(t).color), bgOf(t.closest('svg')))});
}
return out;
"#;

#[derive(Deserialize)]
struct Contrast {
    what: String,
    ratio: f64,
}

async fn dark_theme(b: &Browser) -> Result<Outcome> {
    let theme = "navy";
    let (path, _, _) = pick_quiz()?;
    BookPage::open(b, &path).await?;
    let picker = ThemePicker::new(b);
    picker.choose(theme).await?;
    let quiz = QuizPage::find(b).await?;
    quiz.start().await?;
    let selector = "main p, main li, main h1, .mdbook-quiz .question, .mdbook-quiz label, .mdbook-quiz pre";
    let mut measured: Vec<Contrast> = js(b, CONTRAST_JS, vec![json!(selector)]).await?;
    // Diagrams live on other pages: measure every page that has one.
    let mut diagram_pages = 0;
    for page in summary_pages()? {
        let html = fs::read_to_string(crate::paths::root().join("book").join(&page)).unwrap_or_default();
        if html.contains("diagram") && page != path {
            diagram_pages += 1;
            BookPage::open(b, &page).await?;
            let found: Vec<Contrast> = js(b, CONTRAST_JS, vec![json!(".diagram-frame")]).await?;
            measured.extend(
                found.into_iter().map(|c| Contrast { what: format!("{page}: {}", c.what), ratio: c.ratio }),
            );
        }
    }
    let quiz_count =
        measured.iter().filter(|c| c.what.contains("question") || c.what.starts_with("label")).count();
    ensure!(quiz_count > 0, "measured no quiz text in the {theme} theme");
    let low: Vec<String> = measured
        .iter()
        .filter(|c| c.ratio < 4.5)
        .map(|c| format!("{} has contrast {:.2} (< 4.5)", c.what, c.ratio))
        .collect();
    ensure!(low.is_empty(), "unreadable in the {theme} theme:\n{}", low.join("\n"));
    // The choice persists across a reload and onto another page.
    BookPage::open(b, &path).await?;
    let now = picker.current().await?;
    ensure!(now == theme, "after a reload the theme is {now:?}, not {theme:?}");
    BookPage::open(b, "index.html").await?;
    let now = picker.current().await?;
    ensure!(now == theme, "on another page the theme is {now:?}, not {theme:?}");
    let min = measured.iter().map(|c| c.ratio).fold(f64::INFINITY, f64::min);
    let diagrams =
        measured.iter().filter(|c| c.what.contains("diagram") || c.what.contains("svg text")).count();
    ok(format!(
        "{} elements ({quiz_count} quiz, {diagrams} diagram parts on {diagram_pages} pages), lowest contrast {min:.1}",
        measured.len()
    ))
}

// ---- 6. print.html --------------------------------------------------------

async fn print_page(b: &Browser) -> Result<Outcome> {
    let embed = regex::Regex::new(r"\{\{#quiz [^}]+\}\}").expect("valid regex");
    let mut expected = 0;
    for page in summary_pages()? {
        let md = crate::paths::root().join("src").join(page.replace(".html", ".md"));
        expected += embed.find_iter(&fs::read_to_string(&md).unwrap_or_default()).count();
    }
    BookPage::open(b, "print.html").await?;
    let counts: (usize, usize) = wait_for(
        b,
        "every quiz on print.html to render",
        Duration::from_secs(15),
        "const p = document.querySelectorAll('.quiz-placeholder').length;
         const q = document.querySelectorAll('.quiz-placeholder .mdbook-quiz').length;
         return p > 0 && p === q ? [p, q] : null;",
        vec![],
    )
    .await
    .map_err(|e| anyhow!("{e:#} (expected {expected} quizzes)"))?;
    ensure!(
        counts.0 == expected,
        "print.html has {} quiz placeholders, the pages embed {expected}",
        counts.0
    );
    let errors = console_errors(b).await?;
    ensure!(errors.is_empty(), "console errors on print.html:\n{}", errors.join("\n"));
    ok(format!("{expected} quizzes rendered"))
}

// ---- 7. reader features (issue 8) -----------------------------------------

/// The page whose quiz the progress test takes, and whose `editable` blocks
/// the saved-edit tests edit.
const READER_PAGE: &str = "shared-state/counter.html";

async fn progress_page(b: &Browser) -> Result<Outcome> {
    let (stem, quiz) = page_quiz(READER_PAGE)?.with_context(|| format!("{READER_PAGE} has no quiz"))?;
    let storage = LocalStorage::new(b);
    let key = LocalStorage::quiz_key(&stem);

    let progress = ProgressPage::open(b).await?;
    let summary = progress.summary().await?;
    ensure!(
        summary.starts_with("Nothing saved yet"),
        "with empty storage the progress page says {summary:?}"
    );
    let row = progress.row(&stem).await?;
    ensure!(row.state == "none" && !row.resettable, "before the quiz its row is {row:?}");

    BookPage::open(b, READER_PAGE).await?;
    let (q, right, _) = take_quiz(b, &quiz).await?;
    let total = quiz.questions.len();
    ensure!(0 < right && right < total, "the answers should be some right, some wrong ({right}/{total})");
    check_review(&q, right, total).await?;
    let saved = storage.get(&key).await?.with_context(|| format!("finishing the quiz stored no {key}"))?;

    let progress = ProgressPage::open(b).await?;
    let row = progress.row(&stem).await?;
    ensure!(row.state == "done", "after the quiz its row is {row:?}, not done");
    ensure!(
        row.text.contains(&format!("{right}/{total}")),
        "the row says {:?}, not {right}/{total}",
        row.text
    );
    let summary = progress.summary().await?;
    ensure!(!summary.starts_with("Nothing saved yet"), "after the quiz the summary says {summary:?}");
    progress.reset_quiz(&stem).await?;
    progress.wait_for_state(&stem, "none").await?;
    ensure!(storage.get(&key).await?.is_none(), "Reset left {key} in localStorage");

    // Reset all: the real answers back, and a copy under a second quiz.
    let other = progress
        .stems()
        .await?
        .into_iter()
        .find(|s| *s != stem)
        .context("the progress page lists only one quiz")?;
    storage.set(&key, &saved).await?;
    storage.set(&LocalStorage::quiz_key(&other), &saved).await?;
    let progress = ProgressPage::open(b).await?;
    for s in [&stem, &other] {
        let row = progress.row(s).await?;
        ensure!(row.state != "none", "with answers stored, the row of {s} is {row:?}");
    }
    progress.click_reset_all().await?;
    let armed = storage.keys(LocalStorage::QUIZ_PREFIX).await?;
    ensure!(armed.len() == 2, "one click on Reset all already forgot answers (left: {armed:?})");
    progress.click_reset_all().await?;
    progress.wait_for_state(&stem, "none").await?;
    progress.wait_for_state(&other, "none").await?;
    let left = storage.keys(LocalStorage::QUIZ_PREFIX).await?;
    ensure!(left.is_empty(), "Reset all left {left:?} in localStorage");
    let summary = progress.summary().await?;
    ensure!(summary.starts_with("Nothing saved yet"), "after Reset all the summary says {summary:?}");
    ok(format!("{stem}: done {right}/{total}, reset; Reset all cleared 2 quizzes"))
}

/// `READER_PAGE`, open, and its first editable block.
async fn reader_editable(b: &Browser) -> Result<(BookPage<'_>, usize)> {
    let page = BookPage::open(b, READER_PAGE).await?;
    let n =
        page.first_editable_block().await?.with_context(|| format!("{READER_PAGE} has no editable block"))?;
    Ok((page, n))
}

async fn saved_edit_restored(b: &Browser) -> Result<Outcome> {
    let (page, n) = reader_editable(b).await?;
    let storage = LocalStorage::new(b);
    let original = page.editor_original(n).await?;
    let note = page.edit_note(n).await?;
    ensure!(!note.shown && !note.marked, "an unedited block shows as edited: {note:?}");
    let edit = format!("fn main() {{\n    println!(\"saved edit {}\");\n}}\n", std::process::id());
    page.set_editor_text(n, &edit).await?;
    let key = storage.wait_for_key_with_prefix(LocalStorage::EDIT_PREFIX).await?;
    ensure!(key == note.key, "the edit was saved under {key}, the block's note says {}", note.key);

    page.reload().await?;
    let shown = page.editor_text(n).await?;
    ensure!(shown == edit, "after a reload block {n} shows\n{shown}\ninstead of the edit");
    let note = page.edit_note(n).await?;
    ensure!(note.shown && note.marked, "a restored edit shows no note or mark: {note:?}");

    page.reset_edit(n).await?;
    ensure!(page.editor_text(n).await? == original, "Reset to original did not bring back the original code");
    // Past the save debounce (300 ms): nothing is saved again.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let left = storage.keys(LocalStorage::EDIT_PREFIX).await?;
    ensure!(left.is_empty(), "after Reset to original localStorage still has {left:?}");
    let note = page.edit_note(n).await?;
    ensure!(!note.shown && !note.marked, "after Reset to original the block still shows as edited: {note:?}");
    ok(format!("{READER_PAGE} block {n}: restored, then reset"))
}

async fn stale_edit_ignored(b: &Browser) -> Result<Outcome> {
    let (page, n) = reader_editable(b).await?;
    let storage = LocalStorage::new(b);
    page.set_editor_text(n, "fn main() {\n    println!(\"fresh\");\n}\n").await?;
    storage.wait_for_key_with_prefix(LocalStorage::EDIT_PREFIX).await?;
    let key = page.edit_note(n).await?.key;
    ensure!(storage.get(&key).await?.is_some(), "the edit is not stored under its note's key {key}");
    // As if the block's code had changed since the edit was saved.
    let stale =
        json!({"v": 1, "original": "123abc", "code": "fn main() { println!(\"stale\"); }"}).to_string();
    storage.set(&key, &stale).await?;
    page.reload().await?;
    let changed = page.changed_editors().await?;
    ensure!(changed.is_empty(), "an edit saved for other code was restored into editors {changed:?}");
    let note = page.edit_note(n).await?;
    ensure!(!note.shown, "the block shows as edited after a stale edit: {note:?}");
    ok(format!("{key}: stale edit not restored"))
}

async fn malformed_edit_ignored(b: &Browser) -> Result<Outcome> {
    let (page, n) = reader_editable(b).await?;
    let storage = LocalStorage::new(b);
    let key = page.edit_note(n).await?.key;
    let hash = key.split(':').nth(2).with_context(|| format!("no hash in the key {key}"))?;
    let value = |code: &str| json!({"v": 1, "original": hash, "code": code}).to_string();
    // The control: a well-formed value under this key is restored.
    let good = "fn main() {\n    println!(\"well-formed\");\n}\n";
    storage.set(&key, &value(good)).await?;
    page.reload().await?;
    ensure!(
        page.editor_text(n).await? == good,
        "a well-formed saved edit under {key} was not restored (is the key right?)"
    );
    let bad = ["".to_string(), "\"\"".to_string(), value(""), "{broken".to_string()];
    for stored in &bad {
        storage.set(&key, stored).await?;
        page.reload().await?;
        let changed = page.changed_editors().await?;
        ensure!(
            changed.is_empty(),
            "with {stored:?} stored, editors {changed:?} do not show their original code"
        );
        let errors = console_errors(b).await?;
        ensure!(errors.is_empty(), "with {stored:?} stored, console errors:\n{}", errors.join("\n"));
    }
    ok(format!("{} bad values ignored, no console errors", bad.len()))
}
