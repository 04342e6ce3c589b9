//! Every Rust code block of the book, compiled with the playground's runner
//! (the same engine that runs a reader's click on Run), and run unless it is
//! marked `no_run`, `ignore` or `compile_fail`.
//!
//! Conventions (see CONTRIBUTING.md):
//! - `{{#include file:anchor}}` / `{{#rustdoc_include file:anchor}}` are
//!   expanded as mdBook does; lines starting with `# ` are hidden but compiled.
//! - A block without `fn main` is wrapped in one, as mdBook does for Run.
//! - `editionXXXX` overrides the book's edition; `compile_fail` blocks must not
//!   compile (and must report each `E0XXX` code listed); `should_panic` blocks
//!   must compile and fail at run time; `deadlocks` blocks must compile and
//!   be stopped by the runner's deadlock detector.
//! - A ```` ```text,output ```` block right after a Rust block is what the page
//!   claims it prints: stdout must equal it; for `compile_fail` and
//!   `should_panic` blocks each shown line must appear in rustc's or the
//!   program's stderr, for `deadlocks` blocks in the detector's report.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use playground::{DepSet, Edition, Limits, Report, Request, Runner};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::problems::Problems;
use crate::{cmd, course, parallel};

/// One fenced code block of a page.
#[derive(Debug, Clone)]
pub struct Block {
    /// The page, relative to the workspace.
    pub page: PathBuf,
    /// Line of the opening fence in the page source.
    pub line: usize,
    /// Words of the info string (`rust`, `no_run`, …).
    pub attrs: Vec<String>,
    /// Text with includes expanded (hidden lines still marked `# `).
    pub text: String,
    /// The block's text came (partly) from an `{{#include}}`-style directive.
    pub included: bool,
}

impl Block {
    /// The block's language.
    pub fn lang(&self) -> &str {
        self.attrs.first().map(String::as_str).unwrap_or("")
    }

    /// Whether the info string has `attr`.
    pub fn has(&self, attr: &str) -> bool {
        self.attrs.iter().any(|a| a == attr)
    }

    /// Where the block is, for messages.
    pub fn location(&self) -> String {
        format!("{}:{}", self.page.display(), self.line)
    }
}

/// A Rust block and the output block the page shows after it, if any.
#[derive(Debug, Clone)]
pub struct Snippet {
    pub block: Block,
    pub shown_output: Option<String>,
}

impl Snippet {
    /// The code rustc sees: hidden lines unmarked, `fn main` added if absent.
    pub fn code(&self) -> String {
        let code = strip_hidden(&self.block.text);
        if code.contains("fn main") { code } else { format!("fn main() {{\n{code}\n}}\n") }
    }

    /// The edition: an `editionXXXX` attribute, else the book's.
    pub fn edition(&self, default: Edition) -> Result<Edition> {
        match self.block.attrs.iter().find_map(|a| a.strip_prefix("edition")) {
            Some(year) => year.parse().map_err(|e: String| anyhow::anyhow!("{}: {e}", self.block.location())),
            None => Ok(default),
        }
    }
}

/// Removes mdBook's hidden-line markers (`# ` prefix, or a lone `#`).
pub fn strip_hidden(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let visible = if trimmed == "#" {
            String::new()
        } else if let Some(rest) = trimmed.strip_prefix("# ") {
            format!("{indent}{rest}")
        } else if let Some(rest) = trimmed.strip_prefix("##") {
            format!("{indent}#{rest}")
        } else {
            line.to_string()
        };
        out.push_str(&visible);
        out.push('\n');
    }
    out
}

/// The fenced code blocks of one page, with includes expanded.
pub fn blocks(page: &Path) -> Result<Vec<Block>> {
    let source = fs::read_to_string(page).with_context(|| format!("reading {}", page.display()))?;
    let rel = page.strip_prefix(crate::paths::root()).unwrap_or(page).to_path_buf();
    let dir = page.parent().expect("a page is in a folder");
    let mut blocks = Vec::new();
    let mut current: Option<(usize, Vec<String>, String)> = None;
    for (event, range) in Parser::new(&source).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let attrs =
                    info.split([',', ' ', '\t']).filter(|s| !s.is_empty()).map(str::to_string).collect();
                let line = source[..range.start].lines().count() + 1;
                current = Some((line, attrs, String::new()));
            }
            Event::Text(text) => {
                if let Some((_, _, body)) = current.as_mut() {
                    body.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((line, attrs, body)) = current.take() {
                    let text =
                        expand_includes(&body, dir).with_context(|| format!("{}:{line}", rel.display()))?;
                    let included = body.contains("{{#");
                    blocks.push(Block { page: rel.clone(), line, attrs, text, included });
                }
            }
            _ => {}
        }
    }
    Ok(blocks)
}

/// Expands mdBook's `{{#include}}` and `{{#rustdoc_include}}` directives.
pub fn expand_includes(text: &str, dir: &Path) -> Result<String> {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let directive = trimmed
            .strip_prefix("{{#include ")
            .map(|r| (r, false))
            .or_else(|| trimmed.strip_prefix("{{#rustdoc_include ").map(|r| (r, true)));
        let Some((rest, rustdoc)) = directive else {
            out.push_str(line);
            continue;
        };
        let spec = rest.strip_suffix("}}").context("unclosed {{#include}}")?.trim();
        let (file, selector) = match spec.split_once(':') {
            Some((f, s)) => (f, Some(s)),
            None => (spec, None),
        };
        let path = dir.join(file);
        let content = fs::read_to_string(&path)
            .with_context(|| format!("included file {} is missing", path.display()))?;
        out.push_str(&select(&content, selector, rustdoc).with_context(|| format!("in {}", path.display()))?);
    }
    Ok(out)
}

/// The part of an included file a selector names: an anchor or a line range.
/// With `rustdoc`, the rest of the file is kept as hidden lines.
fn select(content: &str, selector: Option<&str>, rustdoc: bool) -> Result<String> {
    let lines: Vec<&str> = content.lines().collect();
    let is_marker = |l: &str| l.contains("ANCHOR:") || l.contains("ANCHOR_END:");
    let in_selection: Vec<bool> = match selector {
        None => vec![true; lines.len()],
        Some(sel) if sel.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
            let (a, b) = sel.split_once(':').unwrap_or((sel, sel));
            let start: usize = a.parse().context("bad line range")?;
            let end: usize = if b.is_empty() { lines.len() } else { b.parse().context("bad line range")? };
            (1..=lines.len()).map(|n| n >= start && n <= end).collect()
        }
        Some(anchor) => {
            let mut inside = false;
            let mut found = false;
            let mut flags = Vec::new();
            for l in &lines {
                if l.contains(&format!("ANCHOR: {anchor}")) && l.trim_end().ends_with(anchor) {
                    inside = true;
                    found = true;
                } else if l.contains(&format!("ANCHOR_END: {anchor}")) && l.trim_end().ends_with(anchor) {
                    inside = false;
                }
                flags.push(inside);
            }
            if !found {
                bail!("no `ANCHOR: {anchor}`");
            }
            flags
        }
    };
    let mut out = String::new();
    for (l, selected) in lines.iter().zip(in_selection) {
        if is_marker(l) {
            continue;
        }
        if selected {
            out.push_str(l);
            out.push('\n');
        } else if rustdoc {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
    }
    Ok(out)
}

/// Every Rust snippet of the book with the output shown after it.
pub fn snippets() -> Result<Vec<Snippet>> {
    let mut out = Vec::new();
    for page in course::markdown_files()? {
        out.extend(with_shown_output(&blocks(&page)?));
    }
    Ok(out)
}

/// The Rust blocks of one page, each with the `output` block right after it.
fn with_shown_output(blocks: &[Block]) -> Vec<Snippet> {
    let mut out = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        if block.lang() != "rust" {
            continue;
        }
        let shown_output = blocks.get(i + 1).filter(|next| next.has("output")).map(|next| next.text.clone());
        out.push(Snippet { block: block.clone(), shown_output });
    }
    out
}

/// The book's default edition, from `book.toml`.
pub fn book_edition() -> Result<Edition> {
    let text = fs::read_to_string(crate::paths::root().join("book.toml")).context("reading book.toml")?;
    let value: toml::Table = text.parse().context("parsing book.toml")?;
    let edition = value.get("rust").and_then(|r| r.get("edition")).and_then(|e| e.as_str()).unwrap_or("2015");
    edition.parse().map_err(|e: String| anyhow::anyhow!("book.toml: {e}"))
}

/// A runner over the examples crate's dependencies, caching under `target/`.
pub fn runner(limits: Limits) -> Result<Runner> {
    println!("Preparing the snippet dependencies (the examples crate's; built once)…");
    let deps = DepSet::prebuild(crate::paths::root(), "examples")?;
    let names: Vec<&str> = deps.crates.keys().map(String::as_str).collect();
    println!("snippets may use: {}", names.join(", "));
    Runner::new(deps, limits, crate::paths::target_dir().join("snippet-cache"))
}

/// Checks one snippet; `Err` explains what is wrong.
fn check_one(runner: &Runner, snippet: &Snippet, default: Edition) -> Result<&'static str> {
    let b = &snippet.block;
    if b.has("ignore") {
        return Ok("ignored");
    }
    editable_rules(b)?;
    let compile_fail = b.has("compile_fail");
    let should_panic = b.has("should_panic");
    let run = !(compile_fail || b.has("no_run"));
    let mut req = Request::new(snippet.code(), snippet.edition(default)?);
    req.run = run;
    let report = runner.execute(&req)?;
    if compile_fail {
        if report.compile.exit.success() {
            bail!("marked `compile_fail` but it compiles");
        }
        let stderr = &report.compile.stderr;
        for code in b.attrs.iter().filter(|a| a.len() == 5 && a.starts_with('E')) {
            if !stderr.contains(&format!("[{code}]")) {
                bail!("should fail with {code}, but rustc said:\n{stderr}");
            }
        }
        if let Some(shown) = &snippet.shown_output {
            lines_appear(shown, stderr, "rustc's message")?;
        }
        return Ok("fails to compile, as it should");
    }
    if !report.compile.exit.success() {
        bail!("{}:\n{}", describe(&report), report.compile.stderr);
    }
    let Some(out) = &report.run else { return Ok("compiles") };
    if b.has("deadlocks") {
        let playground::Exit::Deadlock(_) = &out.exit else {
            bail!(
                "marked `deadlocks`, but the deadlock detector did not stop it: the program {}\nstdout:\n{}\nstderr:\n{}",
                out.exit,
                out.stdout,
                out.stderr
            );
        };
        if let Some(shown) = &snippet.shown_output {
            let seen = format!("{}{}", out.stdout, report.explanation());
            lines_appear(shown, &seen, "the program's output and the deadlock report")?;
        }
        return Ok("deadlocks, and the detector says so");
    }
    if should_panic {
        if out.exit.success() || matches!(out.exit, playground::Exit::TimedOut { .. }) {
            bail!("marked `should_panic` but the program {}", out.exit);
        }
        if let Some(shown) = &snippet.shown_output {
            lines_appear(shown, &out.stderr, "the program's stderr")?;
        }
        return Ok("panics, as it should");
    }
    if !out.exit.success() {
        bail!(
            "{}\nstdout:\n{}\nstderr:\n{}\n{}",
            describe(&report),
            out.stdout,
            out.stderr,
            report.explanation()
        );
    }
    if let Some(shown) = &snippet.shown_output
        && normalize(shown) != normalize(&out.stdout)
    {
        bail!("the page shows this output:\n{shown}\nbut the program printed:\n{}", out.stdout);
    }
    Ok("runs")
}

/// mdBook's editor shows hidden lines and does not add `fn main`, so only
/// whole, self-contained programs can be editable — and those must be.
fn editable_rules(b: &Block) -> Result<()> {
    let hidden = b.text.lines().any(|l| {
        let t = l.trim_start();
        t == "#" || t.starts_with("# ")
    });
    let self_contained = !b.included && !hidden;
    if b.has("editable") {
        if !self_contained {
            bail!(
                "marked `editable`, but the editor would show its hidden or included lines; drop `editable`"
            );
        }
        if !b.text.contains("fn main") {
            bail!(
                "marked `editable` without `fn main`: mdBook does not wrap editable blocks in one, so Run would fail"
            );
        }
    } else if self_contained && b.text.contains("fn main") {
        bail!("a self-contained program: mark it `editable` so readers can change it and run it again");
    }
    Ok(())
}

fn describe(report: &Report) -> String {
    report.failure_summary().unwrap_or_else(|| "failed".into())
}

fn normalize(text: &str) -> String {
    text.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_string()
}

fn lines_appear(shown: &str, actual: &str, what: &str) -> Result<()> {
    let actual = normalize(actual);
    for line in shown.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()) {
        if !actual.lines().any(|a| a.trim_end() == line) {
            bail!("the page shows the line\n  {line}\nwhich is not in {what}:\n{actual}");
        }
    }
    Ok(())
}

/// Checks every snippet, [`parallel::workers`] at a time, and reports all
/// failures.
pub fn check() -> Result<()> {
    cmd::step("Compile and run every Rust block of the book");
    let default = book_edition()?;
    let snippets = snippets()?;
    let runner = runner(Limits::default())?;
    let verdicts = parallel::map(&snippets, |snippet| {
        let verdict = check_one(&runner, snippet, default);
        match &verdict {
            Ok(verdict) => println!("ok   {} ({verdict})", snippet.block.location()),
            Err(_) => println!("FAIL {}", snippet.block.location()),
        }
        verdict
    });
    let mut failures = Problems::new();
    for (snippet, verdict) in snippets.iter().zip(verdicts) {
        if let Err(e) = verdict {
            failures.push(format!("{}: {e:#}", snippet.block.location()));
        }
    }
    failures.fail_if_any(|n| format!("{n} of {} Rust blocks failed", snippets.len()))?;
    println!("all {} Rust blocks passed", snippets.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The snippet check reads our own sources: a page captured in
    //! `fixtures/snippets/` (every block shape `src/` uses) and the file it
    //! includes.

    use super::*;

    fn fixture_dir() -> PathBuf {
        crate::paths::root().join("xtask/src/fixtures/snippets")
    }

    fn page_blocks() -> Vec<Block> {
        blocks(&fixture_dir().join("page.md")).unwrap()
    }

    #[test]
    fn a_page_is_read_into_blocks_with_their_line_words_and_includes() {
        let blocks = page_blocks();
        let shapes: Vec<(usize, Vec<&str>, bool)> = blocks
            .iter()
            .map(|b| (b.line, b.attrs.iter().map(String::as_str).collect(), b.included))
            .collect();
        assert_eq!(
            shapes,
            [
                (5, vec!["rust"], true),
                (9, vec!["text", "output"], false),
                (15, vec!["rust", "ignore"], true),
                (19, vec!["rust", "editable"], false),
                (28, vec!["rust", "compile_fail", "E0499"], false),
                (37, vec!["text"], false),
                (41, vec!["rust", "edition2021", "should_panic"], false),
                (51, vec!["text", "output"], false),
                (55, vec!["rust", "no_run", "editable"], true),
            ]
        );
        assert_eq!(blocks[0].page, Path::new("xtask/src/fixtures/snippets/page.md"));
        assert_eq!(blocks[0].location(), "xtask/src/fixtures/snippets/page.md:5");
    }

    #[test]
    fn rustdoc_include_shows_the_anchor_and_keeps_the_rest_as_hidden_lines() {
        let text = &page_blocks()[0].text;
        assert_eq!(
            text,
            "# use std::sync::Mutex;\n# \npub fn main() {\n    let total = Mutex::new(0);\n    \
             *total.lock().unwrap() += 1;\n    *total.lock().unwrap() += 1;\n    \
             println!(\"total: {}\", total.into_inner().unwrap());\n}\n# \n# pub fn twice() {}\n",
            "markers of every anchor dropped, `counter_twice` not taken for `counter`"
        );
    }

    #[test]
    fn include_takes_only_the_anchor_or_the_line_range() {
        let blocks = page_blocks();
        assert_eq!(blocks[2].text, "    *total.lock().unwrap() += 1;\n");
        assert_eq!(blocks[8].text, "pub fn main() {\n", "lines 3 and 4, the anchor marker dropped");
        let file = fs::read_to_string(fixture_dir().join("counter.rs.txt")).unwrap();
        assert_eq!(select(&file, Some("14:"), false).unwrap(), "pub fn twice() {}\n");
        assert_eq!(select(&file, Some("1"), false).unwrap(), "use std::sync::Mutex;\n");
        let missing = select(&file, Some("count"), false).unwrap_err();
        assert_eq!(missing.to_string(), "no `ANCHOR: count`");
        assert!(select(&file, Some("2:x"), false).is_err());
    }

    #[test]
    fn a_missing_included_file_is_named_with_the_block() {
        let dir = std::env::temp_dir().join(format!("xtask-snippets-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let page = dir.join("page.md");
        fs::write(&page, "# P\n\n```rust\n{{#include nowhere.rs:x}}\n```\n").unwrap();
        let err = format!("{:#}", blocks(&page).unwrap_err());
        fs::remove_dir_all(&dir).unwrap();
        assert!(err.contains("page.md:3") && err.contains("nowhere.rs is missing"), "{err}");
    }

    #[test]
    fn hidden_lines_are_unmarked_as_mdbook_does() {
        assert_eq!(
            strip_hidden("# use std::sync::Mutex;\n#\n    # let x = 1;\nkept\n"),
            "use std::sync::Mutex;\n\n    let x = 1;\nkept\n"
        );
        assert_eq!(
            strip_hidden("##[derive(Debug)]\n#[test]\n#![allow(unused)]\n"),
            "#[derive(Debug)]\n#[test]\n#![allow(unused)]\n"
        );
    }

    #[test]
    fn each_rust_block_gets_the_output_block_right_after_it_and_no_other() {
        let snippets = with_shown_output(&page_blocks());
        let shown: Vec<(usize, Option<&str>)> =
            snippets.iter().map(|s| (s.block.line, s.shown_output.as_deref())).collect();
        assert_eq!(
            shown,
            [
                (5, Some("total: 2\n")),
                (15, None),
                (19, None),
                (28, None),
                (41, Some("Poisoned 1\n")),
                (55, None)
            ]
        );
    }

    #[test]
    fn the_code_rustc_sees_has_hidden_lines_and_a_main() {
        let snippets = with_shown_output(&page_blocks());
        let fragment = &snippets[3];
        assert_eq!(
            fragment.code(),
            "fn main() {\nuse std::sync::Mutex;\nlet mut v = vec![1];\nlet a = &mut v;\nlet b = &mut v;\n\
             a.push(2);\nb.push(3);\n\n}\n"
        );
        let with_main = &snippets[4];
        assert!(
            with_main
                .code()
                .starts_with("#[derive(Debug)]\nstruct Poisoned;\n\nfn main() {\n    let hidden = 1;")
        );
        assert_eq!(with_main.edition(Edition::E2024).unwrap(), Edition::E2021);
        assert_eq!(snippets[0].edition(Edition::E2024).unwrap(), Edition::E2024);
    }

    #[test]
    fn only_whole_self_contained_programs_are_editable_and_they_must_be() {
        let blocks = page_blocks();
        editable_rules(&blocks[3]).expect("a whole program marked editable");
        editable_rules(&blocks[0]).expect("an included program, not editable");
        editable_rules(&blocks[4]).expect("a fragment with hidden lines, not editable");
        let included = editable_rules(&blocks[8]).unwrap_err().to_string();
        assert!(included.contains("drop `editable`"), "{included}");
        let mut unmarked = blocks[3].clone();
        unmarked.attrs.retain(|a| a != "editable");
        let err = editable_rules(&unmarked).unwrap_err().to_string();
        assert!(err.contains("mark it `editable`"), "{err}");
        let mut no_main = blocks[3].clone();
        no_main.text = "let x = 1;\n".into();
        let err = editable_rules(&no_main).unwrap_err().to_string();
        assert!(err.contains("without `fn main`"), "{err}");
    }

    #[test]
    fn shown_lines_must_each_appear_in_the_output() {
        let stderr =
            "error[E0499]: cannot borrow `v` as mutable more than once at a time   \n --> src/main.rs:4:9\n";
        lines_appear(
            "error[E0499]: cannot borrow `v` as mutable more than once at a time\n\n",
            stderr,
            "stderr",
        )
        .unwrap();
        let err = lines_appear("error[E0502]: nope", stderr, "rustc's stderr").unwrap_err().to_string();
        assert!(err.contains("error[E0502]: nope") && err.contains("rustc's stderr"), "{err}");
    }
}
