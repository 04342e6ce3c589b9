//! Page objects: everything the browser tests and the pages bench know about
//! mdBook's and mdbook-quiz's DOM lives here, so a theme or tool upgrade
//! changes this file only.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use thirtyfour::By;

use super::Browser;
use crate::wait::wait_timeout_async;

/// How long a page object waits for the page to react.
pub const UI_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a wait looks at the page again.
const POLL: Duration = Duration::from_millis(100);

/// Runs `script` (a function body; `arguments[i]` are `args`) and converts
/// its return value.
pub async fn js<T: DeserializeOwned>(b: &Browser, script: &str, args: Vec<Value>) -> Result<T> {
    let ret = b.driver().execute(script, args).await.with_context(|| format!("running script:\n{script}"))?;
    serde_json::from_value(ret.json().clone()).with_context(|| format!("unexpected result {}", ret.json()))
}

/// Polls `script` until it returns a non-null value, or fails after `timeout`
/// saying `what` it waited for.
pub async fn wait_for<T: DeserializeOwned>(
    b: &Browser,
    what: &str,
    timeout: Duration,
    script: &str,
    args: Vec<Value>,
) -> Result<T> {
    let found = wait_timeout_async(timeout, POLL, async || {
        let v: Value = js(b, script, args.clone()).await?;
        anyhow::Ok((!v.is_null()).then_some(v))
    })
    .await?
    .with_context(|| format!("timed out after {} s waiting for {what}", timeout.as_secs()))?;
    serde_json::from_value(found).with_context(|| format!("waiting for {what}"))
}

/// Waits until the open page has started no new request for `quiet`
/// (book.js and the quiz fetch things after the load event), for at most
/// `max`, then returns every URL it requested — the page first — from the
/// Resource Timing API.
pub async fn settled_requests(b: &Browser, quiet: Duration, max: Duration) -> Result<Vec<String>> {
    const URLS: &str =
        "return [location.href, ...performance.getEntriesByType('resource').map(e => e.name)];";
    let mut last: Vec<String> = Vec::new();
    let mut quiet_since = Instant::now();
    let settled = wait_timeout_async(max, POLL, async || {
        let urls: Vec<String> = js(b, URLS, vec![]).await?;
        if urls.len() != last.len() {
            quiet_since = Instant::now();
        } else if quiet_since.elapsed() >= quiet {
            return anyhow::Ok(Some(urls));
        }
        last = urls;
        Ok(None)
    })
    .await?;
    // Still busy after `max`: what it requested so far.
    Ok(settled.unwrap_or(last))
}

/// A book page: its code blocks, Run buttons and editors.
pub struct BookPage<'a> {
    b: &'a Browser,
    /// The book path (`beyond/loom.html`).
    pub path: String,
}

impl<'a> BookPage<'a> {
    /// Navigates to `path` and waits for the load event.
    pub async fn open(b: &'a Browser, path: &str) -> Result<BookPage<'a>> {
        b.driver().goto(b.url(path)).await.with_context(|| format!("opening {path}"))?;
        wait_for::<bool>(
            b,
            &format!("{path} to load"),
            UI_TIMEOUT,
            "return document.readyState === 'complete' ? true : null;",
            vec![],
        )
        .await?;
        Ok(BookPage { b, path: path.to_string() })
    }

    /// The page's `<h1>` text.
    pub async fn title(&self) -> Result<String> {
        js(
            self.b,
            "const h = document.querySelector('main h1'); return h ? h.textContent.trim() : '';",
            vec![],
        )
        .await
    }

    /// Index of the first runnable block (`pre.playground`) whose code
    /// contains every one of `needles`.
    pub async fn block_containing(&self, needles: &[&str]) -> Result<usize> {
        let found: Option<usize> = js(
            self.b,
            "const blocks = [...document.querySelectorAll('pre.playground')];
             const i = blocks.findIndex(pre => arguments[0].every(n => pre.querySelector('code').textContent.includes(n)));
             return i < 0 ? null : i;",
            vec![json!(needles)],
        )
        .await?;
        found.ok_or_else(|| anyhow!("{}: no runnable block contains {needles:?}", self.path))
    }

    /// Index of the first editable block, if the page has one.
    pub async fn first_editable_block(&self) -> Result<Option<usize>> {
        js(
            self.b,
            "const i = [...document.querySelectorAll('pre.playground')].findIndex(pre => pre.querySelector('code.editable, .ace_editor'));
             return i < 0 ? null : i;",
            vec![],
        )
        .await
    }

    /// Waits for block `n`'s ▶ Run button (it appears once the playground's
    /// crate list has arrived) and clicks it.
    pub async fn run(&self, n: usize) -> Result<()> {
        wait_for::<bool>(
            self.b,
            &format!("the Run button of block {n} on {}", self.path),
            UI_TIMEOUT,
            "const pre = document.querySelectorAll('pre.playground')[arguments[0]];
             const btn = pre && pre.querySelector('.play-button');
             if (!btn || btn.hidden || btn.classList.contains('hidden')) return null;
             btn.scrollIntoView({block: 'center'});
             return true;",
            vec![json!(n)],
        )
        .await?;
        let blocks = self.b.driver().find_all(By::Css("pre.playground")).await?;
        let pre = blocks.get(n).with_context(|| format!("no block {n}"))?;
        // The buttons show while the pointer is over the block, as for a reader.
        let button = pre.find(By::Css(".play-button")).await?;
        self.b
            .driver()
            .action_chain()
            .move_to_element_center(pre)
            .click_element(&button)
            .perform()
            .await
            .context("hovering the block and clicking Run")?;
        Ok(())
    }

    /// Clicks block `n`'s Run button from script, for a block the test made
    /// editable itself: Ace's layers, added after book.js placed the buttons,
    /// cover them for a pointer.
    pub async fn run_by_script(&self, n: usize) -> Result<()> {
        js::<Value>(
            self.b,
            "document.querySelectorAll('pre.playground')[arguments[0]].querySelector('.play-button').click(); return null;",
            vec![json!(n)],
        )
        .await?;
        Ok(())
    }

    /// The output shown under block `n` once the run has finished.
    pub async fn output(&self, n: usize, timeout: Duration) -> Result<String> {
        let out = wait_for(
            self.b,
            &format!("the output of block {n} on {}", self.path),
            timeout,
            "const pre = document.querySelectorAll('pre.playground')[arguments[0]];
             const out = pre && pre.querySelector('.result');
             if (!out || out.innerText === '' || out.innerText === 'Running...') return null;
             return out.innerText;",
            vec![json!(n)],
        )
        .await;
        if out.is_err() {
            // Say what the block shows instead.
            let state: String = js(
                self.b,
                "const pre = document.querySelectorAll('pre.playground')[arguments[0]];
                 const out = pre && pre.querySelector('.result');
                 return out ? 'its output area says: ' + out.innerText : 'it has no output area (Run was not pressed?)';",
                vec![json!(n)],
            )
            .await?;
            return out.with_context(|| state);
        }
        out
    }

    /// Replaces the code of editable block `n`, as a reader's edit would.
    pub async fn set_editor_text(&self, n: usize, src: &str) -> Result<()> {
        js::<Value>(
            self.b,
            "const pre = document.querySelectorAll('pre.playground')[arguments[0]];
             const el = pre.querySelector('.ace_editor, code.editable');
             ace.edit(el).setValue(arguments[1], 1);
             return null;",
            vec![json!(n), json!(src)],
        )
        .await?;
        Ok(())
    }
}

/// What saved-edits.js shows for one editable block: the note under it
/// ("Edited — saved in this browser. [Reset to original]") and the mark on
/// its `<pre>`.
#[derive(Debug, Clone, Deserialize)]
pub struct EditNote {
    /// The note is there and not `[hidden]`.
    pub shown: bool,
    /// The block's localStorage key (`fearless-edit:<page>:<hash>[:n]`).
    pub key: String,
    /// The block's `<pre>` has the class `fl-edited`.
    pub marked: bool,
}

/// The Ace editor of block `n` (`arguments[0]`), as mdBook's editor.js made
/// it (`ace.edit` returns the existing editor, `originalCode` included).
const EDITOR_JS: &str = "const pre = document.querySelectorAll('pre.playground')[arguments[0]];
     const el = pre && pre.querySelector('.ace_editor, code.editable');
     if (!el) throw new Error('block ' + arguments[0] + ' has no editor');
     const editor = ace.edit(el);";

impl BookPage<'_> {
    /// Reloads the page and waits for the load event (the theme's scripts
    /// have run by then).
    pub async fn reload(&self) -> Result<()> {
        self.b.driver().refresh().await.with_context(|| format!("reloading {}", self.path))?;
        wait_for::<bool>(
            self.b,
            &format!("{} to reload", self.path),
            UI_TIMEOUT,
            "return document.readyState === 'complete' && Array.isArray(window.editors) ? true : null;",
            vec![],
        )
        .await?;
        Ok(())
    }

    /// The code editable block `n` shows.
    pub async fn editor_text(&self, n: usize) -> Result<String> {
        js(self.b, &format!("{EDITOR_JS} return editor.getValue();"), vec![json!(n)]).await
    }

    /// The code editable block `n` had when the page loaded, before any
    /// saved edit was restored (editor.js's `originalCode`).
    pub async fn editor_original(&self, n: usize) -> Result<String> {
        js(self.b, &format!("{EDITOR_JS} return editor.originalCode;"), vec![json!(n)]).await
    }

    /// The indexes (in `window.editors`) of the editors whose code is not
    /// their original code.
    pub async fn changed_editors(&self) -> Result<Vec<usize>> {
        js(
            self.b,
            "return window.editors.flatMap((e, i) => e.getValue() === e.originalCode ? [] : [i]);",
            vec![],
        )
        .await
    }

    /// The saved-edit note of editable block `n` (saved-edits.js puts it
    /// right after the block's `<pre>`).
    pub async fn edit_note(&self, n: usize) -> Result<EditNote> {
        let note: Option<EditNote> = js(
            self.b,
            "const pre = document.querySelectorAll('pre.playground')[arguments[0]];
             const note = pre && pre.nextElementSibling;
             if (!note || !note.classList.contains('fl-edit-note')) return null;
             return {shown: !note.hidden && note.offsetParent !== null,
                     key: note.getAttribute('data-edit-key') || '',
                     marked: pre.classList.contains('fl-edited')};",
            vec![json!(n)],
        )
        .await?;
        note.ok_or_else(|| anyhow!("{}: block {n} has no saved-edit note (.fl-edit-note)", self.path))
    }

    /// Clicks "Reset to original" in block `n`'s note, as a reader would
    /// (fails if the note is hidden).
    pub async fn reset_edit(&self, n: usize) -> Result<()> {
        let blocks = self.b.driver().find_all(By::Css("pre.playground")).await?;
        let pre = blocks.get(n).with_context(|| format!("no block {n}"))?;
        let button = pre
            .find(By::XPath(
                "following-sibling::*[1][contains(concat(' ', @class, ' '), ' fl-edit-note ')]//button[contains(concat(' ', @class, ' '), ' fl-edit-reset ')]",
            ))
            .await
            .with_context(|| format!("block {n} has no Reset to original button"))?;
        button.scroll_into_view().await?;
        button.click().await.context("clicking Reset to original")?;
        Ok(())
    }
}

/// The book's origin's localStorage, and the keys the reader features use.
pub struct LocalStorage<'a> {
    b: &'a Browser,
}

impl<'a> LocalStorage<'a> {
    /// Where saved-edits.js keeps edits (`fearless-edit:<page>:<hash>[:n]`).
    pub const EDIT_PREFIX: &'static str = "fearless-edit:";
    /// Where mdbook-quiz keeps a finished quiz's answers.
    pub const QUIZ_PREFIX: &'static str = "mdbook-quiz:";

    /// The storage of the page that is open.
    pub fn new(b: &'a Browser) -> LocalStorage<'a> {
        LocalStorage { b }
    }

    /// mdbook-quiz's key for the quiz in `<stem>.toml`.
    pub fn quiz_key(stem: &str) -> String {
        format!("{}{stem}", Self::QUIZ_PREFIX)
    }

    /// Every key starting with `prefix`, sorted.
    pub async fn keys(&self, prefix: &str) -> Result<Vec<String>> {
        js(
            self.b,
            "return Object.keys(localStorage).filter(k => k.startsWith(arguments[0])).sort();",
            vec![json!(prefix)],
        )
        .await
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>> {
        js(self.b, "return localStorage.getItem(arguments[0]);", vec![json!(key)]).await
    }

    pub async fn set(&self, key: &str, value: &str) -> Result<()> {
        js::<Value>(
            self.b,
            "localStorage.setItem(arguments[0], arguments[1]); return null;",
            vec![json!(key), json!(value)],
        )
        .await?;
        Ok(())
    }

    /// Waits until `key` is stored (a debounced save has happened).
    pub async fn wait_for_key_with_prefix(&self, prefix: &str) -> Result<String> {
        wait_for(
            self.b,
            &format!("a localStorage key starting with {prefix:?}"),
            Duration::from_secs(5),
            "return Object.keys(localStorage).find(k => k.startsWith(arguments[0])) || null;",
            vec![json!(prefix)],
        )
        .await
    }
}

/// One quiz's row on the progress page.
#[derive(Debug, Clone, Deserialize)]
pub struct ProgressRow {
    /// `none`, `done`, `changed` or `unreadable`.
    pub state: String,
    pub text: String,
    /// The row has its Reset button.
    pub resettable: bool,
}

/// The progress page (`progress.html`, rendered by theme/progress.js).
pub struct ProgressPage<'a> {
    b: &'a Browser,
}

impl<'a> ProgressPage<'a> {
    pub const PATH: &'static str = "progress.html";

    /// Opens the progress page and waits for progress.js to render it.
    pub async fn open(b: &'a Browser) -> Result<ProgressPage<'a>> {
        BookPage::open(b, Self::PATH).await?;
        let page = ProgressPage { b };
        page.summary().await?;
        Ok(page)
    }

    /// The headline (`#fl-progress-summary`), once rendered.
    pub async fn summary(&self) -> Result<String> {
        wait_for(
            self.b,
            "the progress summary (#fl-progress-summary)",
            UI_TIMEOUT,
            "const p = document.getElementById('fl-progress-summary'); return p ? p.innerText.trim() : null;",
            vec![],
        )
        .await
    }

    /// The row of the quiz in `<stem>.toml`.
    pub async fn row(&self, stem: &str) -> Result<ProgressRow> {
        let row: Option<ProgressRow> = js(
            self.b,
            "const tr = document.querySelector(`#fl-progress tr[data-quiz=\"${CSS.escape(arguments[0])}\"]`);
             return tr ? {state: tr.getAttribute('data-state') || '',
                          text: tr.innerText.replace(/\\s+/g, ' ').trim(),
                          resettable: !!tr.querySelector('button.fl-reset-quiz')} : null;",
            vec![json!(stem)],
        )
        .await?;
        row.ok_or_else(|| anyhow!("the progress page has no row for the quiz {stem:?}"))
    }

    /// The quizzes the page lists (their file stems), in page order.
    pub async fn stems(&self) -> Result<Vec<String>> {
        js(
            self.b,
            "return [...document.querySelectorAll('#fl-progress tr[data-quiz]')].map(tr => tr.getAttribute('data-quiz'));",
            vec![],
        )
        .await
    }

    /// Waits until the quiz's row has `data-state` `state`.
    pub async fn wait_for_state(&self, stem: &str, state: &str) -> Result<ProgressRow> {
        let mut last = None;
        let found = wait_timeout_async(Duration::from_secs(5), POLL, async || {
            let row = self.row(stem).await?;
            if row.state == state {
                return anyhow::Ok(Some(row));
            }
            last = Some(row);
            Ok(None)
        })
        .await?;
        found.ok_or_else(|| match last {
            Some(row) => anyhow!("the row of {stem:?} stays {:?} ({:?}), not {state:?}", row.state, row.text),
            None => anyhow!("the row of {stem:?} never became {state:?}"),
        })
    }

    /// Clicks the Reset button of one quiz's row.
    pub async fn reset_quiz(&self, stem: &str) -> Result<()> {
        self.b
            .driver()
            .find(By::Css(format!("button.fl-reset-quiz[data-quiz=\"{stem}\"]")))
            .await
            .with_context(|| format!("no Reset button for {stem:?}"))?
            .click()
            .await
            .context("clicking Reset")?;
        Ok(())
    }

    /// Clicks "Reset all quizzes" once (the first click arms it, a second
    /// within 5 s forgets every answer).
    pub async fn click_reset_all(&self) -> Result<()> {
        self.b
            .driver()
            .find(By::Id("fl-reset-all"))
            .await
            .context("no Reset all button (#fl-reset-all)")?
            .click()
            .await
            .context("clicking Reset all")?;
        Ok(())
    }
}

/// One question's type, as mdbook-quiz names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionType {
    MultipleChoice,
    ShortAnswer,
    Tracing,
}

/// An answer to give.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The choice whose text starts with this.
    Choice(String),
    Short(String),
    /// Does it compile, and (if it does) its stdout.
    Tracing {
        compiles: bool,
        stdout: String,
    },
}

/// The quiz at the end of a page (mdbook-quiz's `div.mdbook-quiz`).
pub struct QuizPage<'a> {
    b: &'a Browser,
}

impl<'a> QuizPage<'a> {
    /// The quiz of the page that is open (waits for it to render).
    pub async fn find(b: &'a Browser) -> Result<QuizPage<'a>> {
        wait_for::<bool>(
            b,
            "the quiz to render",
            UI_TIMEOUT,
            "return document.querySelector('.mdbook-quiz') ? true : null;",
            vec![],
        )
        .await?;
        Ok(QuizPage { b })
    }

    /// Clicks Start.
    pub async fn start(&self) -> Result<()> {
        js::<Value>(self.b, "document.querySelector('.mdbook-quiz').scrollIntoView(); return null;", vec![])
            .await?;
        self.b
            .driver()
            .find(By::Css(".mdbook-quiz button.start"))
            .await?
            .click()
            .await
            .context("clicking Start")?;
        self.current_type().await.map(|_| ())
    }

    /// The type of the question on screen.
    pub async fn current_type(&self) -> Result<QuestionType> {
        let kind: String = wait_for(
            self.b,
            "a quiz question",
            UI_TIMEOUT,
            "const q = document.querySelector('.mdbook-quiz .question');
             if (!q) return null;
             for (const k of ['multiple-choice', 'short-answer', 'tracing']) if (q.classList.contains(k)) return k;
             return null;",
            vec![],
        )
        .await?;
        Ok(match kind.as_str() {
            "multiple-choice" => QuestionType::MultipleChoice,
            "short-answer" => QuestionType::ShortAnswer,
            _ => QuestionType::Tracing,
        })
    }

    /// The prompt text of the question on screen.
    pub async fn prompt_text(&self) -> Result<String> {
        js(self.b, "return document.querySelector('.mdbook-quiz .question').innerText;", vec![]).await
    }

    /// Fills in `answer` on the question on screen and submits it.
    pub async fn answer(&self, answer: &Answer) -> Result<()> {
        let d = self.b.driver();
        match answer {
            Answer::Choice(start) => {
                let inputs = d.find_all(By::Css(".mdbook-quiz .question input[name=answer]")).await?;
                let mut clicked = false;
                for input in inputs {
                    let value = input.attr("value").await?.unwrap_or_default();
                    if value.trim_start().starts_with(start.as_str()) {
                        input.click().await?;
                        clicked = true;
                        break;
                    }
                }
                if !clicked {
                    bail!("no choice starts with {start:?}");
                }
            }
            Answer::Short(text) => {
                d.find(By::Css(".mdbook-quiz .question input[name=answer]")).await?.send_keys(text).await?;
            }
            Answer::Tracing { compiles, stdout } => {
                d.find(By::Css(format!(
                    ".mdbook-quiz .question input[name=doesCompile][value=\"{compiles}\"]"
                )))
                .await?
                .click()
                .await?;
                if *compiles {
                    d.find(By::Css(".mdbook-quiz .question textarea[name=stdout]"))
                        .await?
                        .send_keys(stdout)
                        .await?;
                }
            }
        }
        d.find(By::Css(".mdbook-quiz .question input[type=submit]"))
            .await?
            .click()
            .await
            .context("submitting")?;
        Ok(())
    }

    /// Waits for the review screen and returns its text.
    pub async fn review_text(&self) -> Result<String> {
        wait_for(
            self.b,
            "the quiz review screen",
            UI_TIMEOUT,
            "const q = document.querySelector('.mdbook-quiz');
             return q && q.innerText.includes('You answered') ? q.innerText : null;",
            vec![],
        )
        .await
    }
}

/// The search bar.
pub struct SearchBar<'a> {
    b: &'a Browser,
}

impl<'a> SearchBar<'a> {
    /// The search bar of the page that is open.
    pub fn new(b: &'a Browser) -> SearchBar<'a> {
        SearchBar { b }
    }

    /// Opens the bar, types `term` and returns the results' link targets.
    pub async fn search(&self, term: &str) -> Result<Vec<String>> {
        let d = self.b.driver();
        d.find(By::Id("mdbook-search-toggle")).await?.click().await.context("opening search")?;
        let input = d.find(By::Id("mdbook-searchbar")).await?;
        wait_for::<bool>(
            self.b,
            "the search bar to show",
            UI_TIMEOUT,
            "return document.getElementById('mdbook-searchbar').offsetParent ? true : null;",
            vec![],
        )
        .await?;
        input.send_keys(term).await?;
        wait_for(
            self.b,
            &format!("search results for {term:?}"),
            UI_TIMEOUT,
            "const links = [...document.querySelectorAll('#mdbook-searchresults a')].map(a => a.href);
             return links.length ? links : null;",
            vec![],
        )
        .await
    }

    /// Clicks result `n` and waits for the new page.
    pub async fn open_result(&self, n: usize) -> Result<()> {
        let d = self.b.driver();
        let results = d.find_all(By::Css("#mdbook-searchresults a")).await?;
        results.get(n).with_context(|| format!("no search result {n}"))?.click().await?;
        wait_for::<bool>(
            self.b,
            "the result page to load",
            UI_TIMEOUT,
            "return document.readyState === 'complete' && !location.href.includes('about:') ? true : null;",
            vec![],
        )
        .await?;
        Ok(())
    }
}

/// The theme menu.
pub struct ThemePicker<'a> {
    b: &'a Browser,
}

impl<'a> ThemePicker<'a> {
    /// The theme menu of the page that is open.
    pub fn new(b: &'a Browser) -> ThemePicker<'a> {
        ThemePicker { b }
    }

    /// Picks a theme by its id (`light`, `rust`, `coal`, `navy`, `ayu`).
    pub async fn choose(&self, theme: &str) -> Result<()> {
        let d = self.b.driver();
        d.find(By::Id("mdbook-theme-toggle")).await?.click().await.context("opening the theme menu")?;
        d.find(By::Id(format!("mdbook-theme-{theme}"))).await?.click().await.context("choosing the theme")?;
        wait_for::<bool>(
            self.b,
            &format!("theme {theme} to apply"),
            UI_TIMEOUT,
            "return document.documentElement.classList.contains(arguments[0]) ? true : null;",
            vec![json!(theme)],
        )
        .await?;
        Ok(())
    }

    /// The theme the page shows.
    pub async fn current(&self) -> Result<String> {
        js(
            self.b,
            "return ['light', 'rust', 'coal', 'navy', 'ayu'].find(t => document.documentElement.classList.contains(t)) || '';",
            vec![],
        )
        .await
    }
}
