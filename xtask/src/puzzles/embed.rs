//! `cargo xtask puzzles-data`, the mdBook preprocessor of the puzzles
//! (`[preprocessor.puzzles]` in book.toml):
//!
//! - `{{#puzzle <id>}}`, on a line of its own in the page the level is named
//!   after, becomes the level: its prose as Markdown, the program as a
//!   listing (what a reader without JavaScript sees), the hidden "you won"
//!   text and fix link, and the level's JSON for the engine;
//! - `{{#puzzles}}` (the puzzles page) becomes every level, grouped by the
//!   page it teaches, in book order;
//! - the progress page's marker becomes the list of levels;
//! - every page with a puzzle gets the puzzle styles and a loader for
//!   `scheduler.js` and `puzzles.js`, which it copies from `theme/` into
//!   `src/scheduler/` (gitignored), so no other page loads them.
//!
//! A page that names a missing level, a level named after another page, a
//! level embedded twice or nowhere: the build fails, saying which.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::sync::LazyLock;

use anyhow::{Context, Result, bail};
use regex::Regex;
use serde_json::{Value, json};

use super::level::{self, Level};
use crate::course::{Course, Page};
use crate::preprocessor;

/// The line of `src/progress.md` that becomes the list of levels.
pub const PROGRESS_MARKER: &str =
    "<!-- puzzle-data: filled in at build time by `cargo xtask puzzles-data` -->";
const PROGRESS_PAGE: &str = "progress.md";
/// Where the scripts are copied, under `src/` (and so under `book/`).
pub const ASSET_DIR: &str = "scheduler";
/// The scripts a page with a puzzle loads, from `theme/`, in order.
const SCRIPTS: [&str; 2] = ["scheduler.js", "puzzles.js"];
/// The puzzles' styles, from `theme/`, inlined once per page with a puzzle.
const STYLES: &str = "puzzles.css";

/// Where the levels are embedded.
#[derive(Debug)]
pub struct Embeddings {
    /// Level id → the page that embeds it (index into the pages).
    pub page_of: BTreeMap<String, usize>,
    /// The page with `{{#puzzles}}`, if any.
    pub all_page: Option<usize>,
}

/// `{{#puzzle <id>}}` on a line of its own.
static PUZZLE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\{\{#puzzle[ \t]+([^\s}]+)[ \t]*\}\}[ \t]*$").expect("valid regex"));
/// `{{#puzzles}}` on a line of its own.
static ALL_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^\{\{#puzzles\}\}[ \t]*$").expect("valid regex"));

/// `shared-state/lost-updates.md` → `shared-state-lost-updates`: what the
/// page's levels are named after (like its quiz).
pub fn page_name(path: &str) -> String {
    path.trim_end_matches(".md").replace('/', "-")
}

/// Finds every `{{#puzzle}}` and `{{#puzzles}}`, and checks them against the levels.
pub fn embeddings(pages: &[Page], levels: &[Level]) -> Result<Embeddings> {
    let mut page_of = BTreeMap::new();
    let mut all_page = None;
    for (i, page) in pages.iter().enumerate() {
        let src = format!("src/{}", page.path);
        let good = PUZZLE_LINE.find_iter(&page.content).count() + ALL_LINE.find_iter(&page.content).count();
        if page.content.matches("{{#puzzle").count() != good {
            bail!("{src}: write `{{{{#puzzle <id>}}}}` or `{{{{#puzzles}}}}` on a line of its own");
        }
        for caps in PUZZLE_LINE.captures_iter(&page.content) {
            let id = &caps[1];
            if !levels.iter().any(|l| l.id == id) {
                bail!(
                    "{src} embeds the puzzle `{id}`, but there is no src/{}/{id}.toml (levels: {})",
                    level::LEVEL_DIR,
                    levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(", ")
                );
            }
            let name = page_name(page.path);
            let named_here = id.strip_prefix(&name).and_then(|n| n.strip_prefix('-'));
            if !named_here.is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())) {
                bail!(
                    "{src} embeds the puzzle `{id}`: a page embeds only its own levels, named `{name}-<n>`"
                );
            }
            if let Some(other) = page_of.insert(id.to_string(), i) {
                bail!(
                    "the puzzle `{id}` is embedded twice (src/{} and {src}): once on its page is enough; the puzzles page lists it too",
                    pages[other].path
                );
            }
        }
        if ALL_LINE.is_match(&page.content)
            && let Some(other) = all_page.replace(i)
        {
            bail!("`{{{{#puzzles}}}}` is on two pages (src/{} and {src})", pages[other].path);
        }
    }
    for level in levels {
        if !page_of.contains_key(&level.id) {
            bail!(
                "src/{}/{}.toml is on no page: add the line `{{{{#puzzle {}}}}}` to the page it is named after",
                level::LEVEL_DIR,
                level.id,
                level.id
            );
        }
    }
    Ok(Embeddings { page_of, all_page })
}

/// `../` once per folder of `page` (a path relative to `src/`).
fn to_root(page: &str) -> String {
    "../".repeat(Path::new(page).components().count().saturating_sub(1))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// JSON that is safe inside `<script>`: no `<` at all.
pub fn script_json(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

/// One level as the page's Markdown: prose mdBook renders, the program as a
/// listing, the hidden win text and fix link, and the engine's JSON. `id`
/// is the element id (unique on the page, and on print.html).
fn level_markdown(level: &Level, page: &str, element_id: &str) -> Result<String> {
    let mut listing = String::new();
    for thread in &level.threads {
        let spawn = thread.spawn.as_deref().map(|s| format!(": {s}")).unwrap_or_default();
        writeln!(listing, "// thread {}{spawn}", thread.name)?;
        for line in level.lines_of(thread) {
            writeln!(listing, "{}", line.code)?;
        }
    }
    if !level.finally.is_empty() {
        writeln!(listing, "// main, once every thread has finished")?;
        for f in &level.finally {
            writeln!(listing, "{}", f.code)?;
        }
    }
    let data = script_json(&level.engine_json()?);
    let one_line = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(format!(
        "\n<div class=\"fl-puzzle\" id=\"{element_id}\" data-level=\"{id}\">\n<div class=\"fl-puzzle-title\">\n\n\
         **Be the scheduler:** {title}\n\n</div>\n<div class=\"fl-puzzle-goal\">\n\n**Goal:** {goal}\n\n</div>\n\
         <div class=\"fl-puzzle-intro\">\n\n{intro}\n\n</div>\n\
         <pre class=\"fl-puzzle-program\"><code>{listing}</code></pre>\n\
         <p class=\"fl-puzzle-nojs\">This puzzle plays in the browser, with JavaScript. Without it, here is the program to think about.</p>\n\
         <div class=\"fl-puzzle-won\" hidden>\n\n{won}\n\n</div>\n<div class=\"fl-puzzle-fix\" hidden>\n\n\
         **Read on:** [{fix_text}]({root}{fix_href})\n\n</div>\n\
         <script type=\"application/json\" class=\"fl-puzzle-data\">{data}</script>\n</div>\n\n",
        id = level.id,
        title = one_line(&level.title),
        goal = one_line(&level.goal),
        intro = level.intro.trim(),
        listing = escape(&listing),
        won = level.won.trim(),
        fix_text = one_line(&level.fix.text),
        root = to_root(page),
        fix_href = level.fix.href,
    ))
}

/// The styles and the loader a page with puzzles ends with. The loader runs
/// once per document (print.html has many pages) and resolves the scripts
/// from `path_to_root`, so it works at any depth and under any site path.
fn loader(root: &Path) -> Result<String> {
    let css = fs::read_to_string(root.join("theme").join(STYLES))
        .with_context(|| format!("reading theme/{STYLES}"))?;
    let mut version = 0xcbf2_9ce4_8422_2325_u64;
    for script in SCRIPTS {
        let text =
            fs::read(root.join("theme").join(script)).with_context(|| format!("reading theme/{script}"))?;
        for byte in text {
            version = (version ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let files: Vec<String> = SCRIPTS.iter().map(|s| format!("'{ASSET_DIR}/{s}?v={version:x}'")).collect();
    Ok(format!(
        "\n<style>\n{css}</style>\n<script>\n(function () {{\n  'use strict';\n  if (window.FearlessPuzzleLoader) return;\n  \
         window.FearlessPuzzleLoader = true;\n  var root = typeof path_to_root === 'string' ? path_to_root : '';\n  \
         [{files}].forEach(function (file) {{\n    var script = document.createElement('script');\n    \
         script.src = root + file;\n    script.async = false;\n    document.head.appendChild(script);\n  }});\n}})();\n</script>\n",
        files = files.join(", ")
    ))
}

/// Copies the scripts into `src/scheduler/`, writing only what changed (a
/// rewrite would wake `mdbook serve`'s watcher).
fn copy_scripts(root: &Path, src: &Path) -> Result<()> {
    let dir = src.join(ASSET_DIR);
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for script in SCRIPTS {
        let from = root.join("theme").join(script);
        let text = fs::read(&from).with_context(|| format!("reading {}", from.display()))?;
        let to = dir.join(script);
        if fs::read(&to).ok().as_deref() != Some(&text[..]) {
            fs::write(&to, &text).with_context(|| format!("writing {}", to.display()))?;
        }
    }
    Ok(())
}

/// The progress page's data: the puzzles page and every level, in book order.
fn progress_data(pages: &[Page], levels: &[Level], found: &Embeddings) -> Value {
    let mut listed: Vec<(usize, &Level)> = levels.iter().map(|l| (found.page_of[&l.id], l)).collect();
    listed.sort_by_key(|(page, l)| (*page, l.id.clone()));
    json!({
        "page": found.all_page.map(|i| pages[i].path.replace(".md", ".html")),
        "levels": listed.iter().map(|(page, l)| json!({
            "id": l.id,
            "title": l.title.trim(),
            "chapter": pages[*page].title,
            "page": pages[*page].path.replace(".md", ".html"),
            "anchor": format!("puzzle-{}", l.id),
        })).collect::<Vec<_>>(),
    })
}

/// The new content of every page that changes, by path.
pub fn expand(root: &Path, pages: &[Page], levels: &[Level]) -> Result<BTreeMap<String, String>> {
    let found = embeddings(pages, levels)?;
    let by_id: BTreeMap<&str, &Level> = levels.iter().map(|l| (l.id.as_str(), l)).collect();
    let tail = loader(root)?;
    let mut out = BTreeMap::new();
    let mut progress_filled = false;
    for (i, page) in pages.iter().enumerate() {
        let mut content = page.content.clone();
        let mut has_puzzle = false;
        if PUZZLE_LINE.is_match(&content) {
            let mut failure = None;
            content = PUZZLE_LINE
                .replace_all(&content, |caps: &regex::Captures| {
                    let level = by_id[&caps[1]];
                    level_markdown(level, page.path, &format!("puzzle-{}", level.id)).unwrap_or_else(|e| {
                        failure = Some(e);
                        String::new()
                    })
                })
                .into_owned();
            if let Some(e) = failure {
                return Err(e);
            }
            has_puzzle = true;
        }
        if found.all_page == Some(i) {
            let mut all = String::new();
            let mut by_page: Vec<(usize, &Level)> =
                levels.iter().map(|l| (found.page_of[&l.id], l)).collect();
            by_page.sort_by_key(|(p, l)| (*p, l.id.clone()));
            let mut last = None;
            for (p, level) in by_page {
                if last != Some(p) {
                    let teaching = &pages[p];
                    // A plain heading: mdBook wraps headings in an anchor
                    // link, and a link inside it is invalid (and nameless to
                    // screen readers).
                    write!(
                        all,
                        "\n## {}\n\nFrom the page [{}]({}{}):\n",
                        teaching.title,
                        teaching.title,
                        to_root(page.path),
                        teaching.path
                    )?;
                    last = Some(p);
                }
                all.push_str(&level_markdown(level, page.path, &format!("puzzles-{}", level.id))?);
            }
            content = ALL_LINE.replace(&content, regex::NoExpand(&all)).into_owned();
            has_puzzle = true;
        }
        if page.path == PROGRESS_PAGE {
            if !content.contains(PROGRESS_MARKER) {
                bail!("puzzles-data: src/{PROGRESS_PAGE} must contain the line\n{PROGRESS_MARKER}");
            }
            let data = script_json(&progress_data(pages, levels, &found));
            let script = format!("<script type=\"application/json\" id=\"fl-puzzle-data\">{data}</script>");
            content = content.replace(PROGRESS_MARKER, &script);
            progress_filled = true;
        }
        if has_puzzle {
            content.push_str(&tail);
        }
        if content != page.content {
            out.insert(page.path.to_string(), content);
        }
    }
    if !progress_filled {
        bail!("puzzles-data: the book has no src/{PROGRESS_PAGE} to list the puzzles on");
    }
    Ok(out)
}

/// `cargo xtask puzzles-data [supports <renderer>]`: the mdBook preprocessor.
pub fn preprocessor(args: &[String]) -> Result<()> {
    preprocessor::run("puzzles-data", args, |input, book| {
        let src = input.src_dir();
        let levels = level::load_all(&src)?;
        let course = Course::from_book(book);
        let pages: Vec<Page> = course.pages().collect();
        let new = expand(&input.root, &pages, &levels)?;
        copy_scripts(&input.root, &src)?;
        book.for_each_chapter_mut(|chapter| {
            let path = chapter.path.as_deref().map(|p| p.to_string_lossy().replace('\\', "/"));
            if let Some(content) = path.and_then(|p| new.get(&p)) {
                chapter.content.clone_from(content);
            }
        });
        eprintln!("puzzles-data: {} levels on {} pages", levels.len(), new.len().saturating_sub(1));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::Entry;

    fn levels() -> Vec<Level> {
        level::load_all(&crate::paths::root().join("src")).unwrap()
    }

    fn page(path: &str, content: &str) -> Entry {
        Entry {
            title: format!("Title of {path}"),
            path: Some(path.into()),
            depth: 0,
            part: None,
            content: content.into(),
        }
    }

    fn pages(entries: &[Entry]) -> Vec<Page<'_>> {
        Course::pages_of(entries).collect()
    }

    /// Every level on its own page, the puzzles page and the progress page.
    fn book(levels: &[Level]) -> Vec<Entry> {
        let mut pages: BTreeMap<String, String> = BTreeMap::new();
        for l in levels {
            let name = l.id.rsplit_once('-').unwrap().0;
            // Page names come from real paths; rebuild them from the levels' fix links.
            let path = l.fix.href.split('#').next().unwrap();
            assert_eq!(
                page_name(path),
                name,
                "{}: fix link and name disagree in this test's assumption",
                l.id
            );
            pages.entry(path.to_string()).or_default().push_str(&format!("\n{{{{#puzzle {}}}}}\n", l.id));
        }
        let mut out = vec![page("progress.md", &format!("# Progress\n\n{PROGRESS_MARKER}\n"))];
        out.extend(pages.into_iter().map(|(p, c)| page(&p, &c)));
        out.push(page("puzzles.md", "# Puzzles\n\n{{#puzzles}}\n"));
        out
    }

    #[test]
    fn every_level_is_expanded_with_its_data_and_the_scripts_load_once_per_page() {
        let levels = levels();
        let entries = book(&levels);
        let new = expand(crate::paths::root(), &pages(&entries), &levels).unwrap();
        let deadlocks = &new["mistakes/deadlocks.md"];
        assert!(deadlocks.contains("<div class=\"fl-puzzle\" id=\"puzzle-mistakes-deadlocks-1\""));
        assert!(
            deadlocks.contains("[One global lock order](../mistakes/deadlocks.md#one-global-lock-order)")
        );
        assert_eq!(
            deadlocks.matches("window.FearlessPuzzleLoader").count(),
            2,
            "one loader (the guard is read and set)"
        );
        assert!(!deadlocks.contains("{{#"));
        let all = &new["puzzles.md"];
        assert_eq!(all.matches("class=\"fl-puzzle-data\"").count(), levels.len());
        assert!(
            all.contains("id=\"puzzles-mistakes-deadlocks-1\""),
            "ids differ from the chapter's, for print.html"
        );
        assert!(all.contains(
            "## Title of mistakes/deadlocks.md\n\nFrom the page [Title of mistakes/deadlocks.md](mistakes/deadlocks.md):"
        ));
        let progress = &new["progress.md"];
        assert!(progress.contains("\"anchor\":\"puzzle-mistakes-deadlocks-1\""));
        assert!(progress.contains("\"page\":\"puzzles.html\""));
    }

    #[test]
    fn the_engine_data_cannot_close_its_script_element() {
        let v = json!({"code": "</script><script>alert(1)"});
        assert!(!script_json(&v).contains('<'));
    }

    fn error(entries: &[Entry]) -> String {
        format!("{:#}", expand(crate::paths::root(), &pages(entries), &levels()).unwrap_err())
    }

    #[test]
    fn a_missing_level_fails_the_build() {
        let mut pages = book(&levels());
        pages[1].content.push_str("\n{{#puzzle shared-state-lost-updates-9}}\n");
        let err = error(&pages);
        assert!(err.contains("embeds the puzzle `shared-state-lost-updates-9`, but there is no src/puzzles/shared-state-lost-updates-9.toml"), "{err}");
    }

    #[test]
    fn a_level_on_another_page_or_nowhere_or_twice_fails_the_build() {
        let levels = levels();
        let mut pages = book(&levels);
        let deadlocks =
            pages.iter().position(|p| p.path.as_deref() == Some("mistakes/deadlocks.md")).unwrap();
        pages[deadlocks].content.push_str("\n{{#puzzle beyond-condvar-1}}\n");
        assert!(error(&pages).contains("a page embeds only its own levels, named `mistakes-deadlocks-<n>`"));

        let mut pages = book(&levels);
        pages[deadlocks].content = pages[deadlocks].content.replace("{{#puzzle mistakes-deadlocks-2}}", "");
        assert!(error(&pages).contains("src/puzzles/mistakes-deadlocks-2.toml is on no page"));

        let mut pages = book(&levels);
        pages[deadlocks].content.push_str("\n{{#puzzle mistakes-deadlocks-2}}\n");
        assert!(error(&pages).contains("the puzzle `mistakes-deadlocks-2` is embedded twice"));

        let mut pages = book(&levels);
        pages[deadlocks].content.push_str("\nsee {{#puzzle mistakes-deadlocks-2}} inline\n");
        assert!(error(&pages).contains("on a line of its own"));
    }
}
