//! The reader features' build-time and test-time parts:
//!
//! - `cargo xtask progress-data`, an mdBook preprocessor (`[preprocessor.progress]`
//!   in book.toml, run before mdbook-quiz): it reads the `{{#quiz …}}` lines of
//!   every chapter, in SUMMARY.md order, and writes the list of quizzes per
//!   chapter (with their number of questions) into the progress page as JSON,
//!   where `theme/progress.js` reads it. It also puts a "Your progress" link
//!   under every quiz. Nothing generated is committed, so nothing can drift.
//! - the "reader scripts" check of `cargo xtask test`: `node --test theme/tests/`.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use regex::Regex;
use serde::Serialize;
use serde_json::Value;

use crate::{cmd, tools};

/// The line of `src/progress.md` that the preprocessor replaces with the data.
pub const PROGRESS_MARKER: &str =
    "<!-- progress-data: filled in at build time by `cargo xtask progress-data` -->";
/// The progress page, relative to `src/`.
const PROGRESS_PAGE: &str = "progress.md";

/// One quiz of the book.
#[derive(Debug, Serialize, PartialEq)]
struct Quiz {
    /// The page's title in SUMMARY.md.
    title: String,
    /// The page, relative to the book's root, as built (`mutex/guards.html`).
    page: String,
    /// The quiz file's stem: mdbook-quiz's localStorage key is `mdbook-quiz:<stem>`.
    stem: String,
    questions: usize,
}

/// A top-level chapter of SUMMARY.md with the quizzes of its pages.
#[derive(Debug, Serialize, PartialEq)]
struct Chapter {
    title: String,
    /// The part it belongs to (`# Part 1: …` in SUMMARY.md), empty before the first.
    part: String,
    quizzes: Vec<Quiz>,
}

/// `cargo xtask progress-data [supports <renderer>]`: the mdBook preprocessor protocol.
pub fn preprocessor(args: &[String]) -> Result<()> {
    if let [supports, renderer] = args
        && supports == "supports"
    {
        // The data is for the HTML book; other renderers would print the marker.
        std::process::exit(if renderer == "html" { 0 } else { 1 });
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).context("reading the book from mdbook")?;
    let [context, mut book]: [Value; 2] =
        serde_json::from_str(&input).context("mdbook sent something other than [context, book]")?;
    let src = Path::new(context["root"].as_str().unwrap_or("."))
        .join(context["config"]["book"]["src"].as_str().unwrap_or("src"));
    let chapters = collect(&book, &src)?;
    let quizzes: usize = chapters.iter().map(|c| c.quizzes.len()).sum();
    let data = serde_json::to_string(&chapters)?.replace('<', "\\u003c");
    let mut filled = false;
    for_each_chapter(&mut book, &mut |chapter| {
        let source = chapter["source_path"].as_str().unwrap_or_default().to_string();
        let content = chapter["content"].as_str().unwrap_or_default().to_string();
        if source == PROGRESS_PAGE && content.contains(PROGRESS_MARKER) {
            let script = format!("<script type=\"application/json\" id=\"fl-progress-data\">{data}</script>");
            chapter["content"] = Value::String(content.replace(PROGRESS_MARKER, &script));
            filled = true;
        } else if quiz_line().is_match(&content) {
            chapter["content"] = Value::String(with_progress_links(&content, &source));
        }
    });
    if !filled {
        bail!("progress-data: src/{PROGRESS_PAGE} must contain the line\n{PROGRESS_MARKER}");
    }
    crate::workbench::preprocess(&src, &mut book)?;
    eprintln!("progress-data: {quizzes} quizzes in {} chapters listed on the progress page", chapters.len());
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &book)?;
    out.flush()?;
    Ok(())
}

fn quiz_line() -> Regex {
    Regex::new(r"(?m)^\{\{#quiz\s+([^\s}]+)\s*\}\}[ \t]*$").expect("valid regex")
}

/// Adds a "Your progress" link after each `{{#quiz}}` line of a chapter.
fn with_progress_links(content: &str, source: &str) -> String {
    let depth = Path::new(source).components().count().saturating_sub(1);
    let link = format!("{}{PROGRESS_PAGE}", "../".repeat(depth));
    quiz_line()
        .replace_all(content, |caps: &regex::Captures| {
            format!(
                "{}\n\n<p class=\"fl-progress-link\"><a href=\"{}\">Your progress in the course →</a></p>\n",
                &caps[0],
                link.replace(".md", ".html")
            )
        })
        .into_owned()
}

/// Calls `f` on every chapter object of mdBook's JSON book, depth first.
fn for_each_chapter(value: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    match value {
        Value::Object(map) => {
            if let Some(chapter) = map.get_mut("Chapter") {
                f(chapter);
            }
            for (_, v) in map.iter_mut() {
                for_each_chapter(v, f);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| for_each_chapter(v, f)),
        _ => {}
    }
}

/// The quizzes of the book, grouped by top-level chapter, in book order.
fn collect(book: &Value, src: &Path) -> Result<Vec<Chapter>> {
    let mut chapters = Vec::new();
    let mut part = String::new();
    for item in book["items"].as_array().map(Vec::as_slice).unwrap_or_default() {
        if let Some(title) = item["PartTitle"].as_str() {
            part = title.to_string();
        } else if item["Chapter"].is_object() {
            let mut quizzes = Vec::new();
            quizzes_in(&item["Chapter"], src, &mut quizzes)?;
            if !quizzes.is_empty() {
                let title = item["Chapter"]["name"].as_str().unwrap_or_default().to_string();
                chapters.push(Chapter { title, part: part.clone(), quizzes });
            }
        }
    }
    Ok(chapters)
}

fn quizzes_in(chapter: &Value, src: &Path, out: &mut Vec<Quiz>) -> Result<()> {
    if let (Some(path), Some(content)) = (chapter["path"].as_str(), chapter["content"].as_str()) {
        let page_dir = Path::new(path).parent().unwrap_or(Path::new(""));
        for caps in quiz_line().captures_iter(content) {
            let file = crate::paths::normalize(&src.join(page_dir).join(&caps[1]));
            let stem = file.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&file).with_context(|| {
                format!("progress-data: {path} embeds {}, which cannot be read", &caps[1])
            })?;
            let toml: toml::Value = toml::from_str(&text)
                .with_context(|| format!("progress-data: {} is not valid TOML", file.display()))?;
            let questions = toml.get("questions").and_then(toml::Value::as_array).map_or(0, Vec::len);
            out.push(Quiz {
                title: chapter["name"].as_str().unwrap_or_default().to_string(),
                page: Path::new(path).with_extension("html").to_string_lossy().replace('\\', "/"),
                stem,
                questions,
            });
        }
    }
    for sub in chapter["sub_items"].as_array().map(Vec::as_slice).unwrap_or_default() {
        if sub["Chapter"].is_object() {
            quizzes_in(&sub["Chapter"], src, out)?;
        }
    }
    Ok(())
}

/// The "reader scripts" check: the JS unit tests of the reader features.
/// Node comes from Debian (installed as root; bookworm's 18 is enough);
/// without it the check fails on CI (`CI=true`) and is skipped, loudly, elsewhere.
pub fn check_scripts() -> Result<()> {
    cmd::step("Reader scripts (node --test theme/tests/)");
    if !tools::ensure_packages(&[&tools::NODE], "the reader scripts' tests")? {
        return Ok(());
    }
    let mut node = cmd::in_root("node");
    node.args(["--test", "theme/tests/"]);
    cmd::run(&mut node, "a reader script test failed (see above; run `node --test theme/tests/`)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_links_point_to_the_root_page() {
        let page = "# Guards\n\ntext\n\n{{#quiz ../quizzes/mutex-guards.toml}}\n";
        let out = with_progress_links(page, "mutex/guards.md");
        assert!(out.contains("{{#quiz ../quizzes/mutex-guards.toml}}\n\n<p class=\"fl-progress-link\"><a href=\"../progress.html\">"));
        assert!(
            with_progress_links("{{#quiz quizzes/x.toml}}", "intro.md").contains("href=\"progress.html\"")
        );
    }

    #[test]
    fn quizzes_are_grouped_by_top_level_chapter_in_book_order() {
        let src = crate::paths::root().join("src");
        let chapter = |name: &str, path: &str, content: &str, sub: Vec<Value>| serde_json::json!({"Chapter": {"name": name, "path": path, "source_path": path, "content": content, "sub_items": sub}});
        let book = serde_json::json!({"items": [
            chapter("Introduction", "introduction.md", "no quiz", vec![]),
            {"PartTitle": "Part 1"},
            chapter("Shared", "shared-state/index.md", "", vec![
                chapter("Counter", "shared-state/counter.md", "{{#quiz ../quizzes/shared-state-counter.toml}}\n", vec![]),
            ]),
        ]});
        let chapters = collect(&book, &src).unwrap();
        assert_eq!(chapters.len(), 1, "chapters without quizzes are left out");
        assert_eq!(chapters[0].part, "Part 1");
        assert_eq!(chapters[0].quizzes[0].stem, "shared-state-counter");
        assert_eq!(chapters[0].quizzes[0].page, "shared-state/counter.html");
        assert!(chapters[0].quizzes[0].questions > 0);
    }
}
