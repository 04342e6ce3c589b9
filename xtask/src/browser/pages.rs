//! Page objects: everything the browser tests and the pages bench know about
//! mdBook's and mdbook-quiz's DOM lives here, so a theme or tool upgrade
//! changes this file only.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use thirtyfour::By;

use super::Browser;

/// How long a page object waits for the page to react.
pub const UI_TIMEOUT: Duration = Duration::from_secs(10);

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
    let started = Instant::now();
    loop {
        let v: Value = js(b, script, args.clone()).await?;
        if !v.is_null() {
            return serde_json::from_value(v).with_context(|| format!("waiting for {what}"));
        }
        if started.elapsed() > timeout {
            bail!("timed out after {} s waiting for {what}", timeout.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
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
