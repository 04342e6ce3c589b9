//! The reader features' build-time and test-time parts:
//!
//! - `cargo xtask progress-data`, an mdBook preprocessor (`[preprocessor.progress]`
//!   in book.toml, run before mdbook-quiz): it reads the `{{#quiz …}}` lines of
//!   every chapter, in SUMMARY.md order, and writes the list of quizzes per
//!   chapter (with their number of questions) into the progress page as JSON,
//!   where `theme/progress.js` reads it. It also puts a "Your progress" link
//!   under every quiz. Nothing generated is committed, so nothing can drift.
//! - the "reader scripts" check of `cargo xtask test`: `node --test theme/tests/`.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::course::quiz::QuizFile;
use crate::course::{Course, QuizEmbed};
use crate::{cmd, preprocessor, tools};

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

/// `cargo xtask progress-data [supports <renderer>]`: the mdBook preprocessor.
pub fn preprocessor(args: &[String]) -> Result<()> {
    preprocessor::run("progress-data", args, |input, book| {
        let load = |in_src: &Path| QuizFile::load(&input.root, &input.src.join(in_src));
        let chapters = collect(&Course::from_book(book), &load)?;
        let quizzes: usize = chapters.iter().map(|c| c.quizzes.len()).sum();
        let data = serde_json::to_string(&chapters)?.replace('<', "\\u003c");
        let mut filled = false;
        book.for_each_chapter_mut(|chapter| {
            let source = chapter.source_path.as_deref().map(|p| p.to_string_lossy().replace('\\', "/"));
            let source = source.unwrap_or_default();
            if source == PROGRESS_PAGE && chapter.content.contains(PROGRESS_MARKER) {
                let script =
                    format!("<script type=\"application/json\" id=\"fl-progress-data\">{data}</script>");
                chapter.content = chapter.content.replace(PROGRESS_MARKER, &script);
                filled = true;
            } else if QuizEmbed::find(&chapter.content).iter().any(|e| e.own_line) {
                chapter.content = with_progress_links(&chapter.content, &source);
            }
        });
        if !filled {
            bail!("progress-data: src/{PROGRESS_PAGE} must contain the line\n{PROGRESS_MARKER}");
        }
        crate::workbench::preprocess(&input.src_dir(), book)?;
        eprintln!(
            "progress-data: {quizzes} quizzes in {} chapters listed on the progress page",
            chapters.len()
        );
        Ok(())
    })
}

/// Adds a "Your progress" link below each `{{#quiz}}` line of a page
/// (`source`, relative to `src/`).
fn with_progress_links(content: &str, source: &str) -> String {
    let depth = Path::new(source).components().count().saturating_sub(1);
    let link = format!("{}{}", "../".repeat(depth), PROGRESS_PAGE.replace(".md", ".html"));
    let quiz_lines: Vec<usize> =
        QuizEmbed::find(content).into_iter().filter(|e| e.own_line).map(|e| e.line).collect();
    let mut out = String::with_capacity(content.len() + quiz_lines.len() * 120);
    for (i, line) in content.split_inclusive('\n').enumerate() {
        if quiz_lines.contains(&(i + 1)) {
            let (text, newline) = line.strip_suffix('\n').map_or((line, ""), |t| (t, "\n"));
            out.push_str(text);
            out.push_str(&format!(
                "\n\n<p class=\"fl-progress-link\"><a href=\"{link}\">Your progress in the course →</a></p>\n"
            ));
            out.push_str(newline);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The quizzes of the book, grouped by top-level chapter, in book order;
/// `load` reads a quiz file (a path relative to `src/`).
fn collect(course: &Course, load: &dyn Fn(&Path) -> Result<QuizFile>) -> Result<Vec<Chapter>> {
    let mut chapters = Vec::new();
    for entries in course.chapters() {
        let mut quizzes = Vec::new();
        for page in Course::pages_of(entries) {
            for embed in page.quiz_embeds() {
                let quiz = load(&embed.resolve(page.path))
                    .with_context(|| format!("progress-data: {} embeds {}", page.path, embed.file))?;
                quizzes.push(Quiz {
                    title: page.title.clone(),
                    page: page.html(),
                    stem: embed.stem(),
                    questions: quiz.questions.len(),
                });
            }
        }
        if !quizzes.is_empty() {
            let top = &entries[0];
            chapters.push(Chapter {
                title: top.title.clone(),
                part: top.part.clone().unwrap_or_default(),
                quizzes,
            });
        }
    }
    Ok(chapters)
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
    use crate::course::Entry;

    fn from_disk(in_src: &Path) -> Result<QuizFile> {
        QuizFile::load(crate::paths::root(), &Path::new("src").join(in_src))
    }

    #[test]
    fn progress_links_point_to_the_root_page() {
        let page = "# Guards\n\ntext\n\n{{#quiz ../quizzes/mutex-guards.toml}}\n";
        let out = with_progress_links(page, "mutex/guards.md");
        assert_eq!(
            out,
            "# Guards\n\ntext\n\n{{#quiz ../quizzes/mutex-guards.toml}}\n\n<p class=\"fl-progress-link\"><a href=\"../progress.html\">Your progress in the course →</a></p>\n\n"
        );
        assert!(
            with_progress_links("{{#quiz quizzes/x.toml}}", "intro.md").contains("href=\"progress.html\"")
        );
        let inline = "see {{#quiz x.toml}} here\n";
        assert_eq!(with_progress_links(inline, "intro.md"), inline, "only a directive on its own line");
    }

    #[test]
    fn quizzes_are_grouped_by_top_level_chapter_in_book_order() {
        let entry = |title: &str, path: &str, depth, part: Option<&str>, content: &str| Entry {
            title: title.into(),
            path: Some(path.into()),
            depth,
            part: part.map(str::to_string),
            content: content.into(),
        };
        let course = Course {
            entries: vec![
                entry("Introduction", "introduction.md", 0, None, "no quiz"),
                entry("Shared", "shared-state/index.md", 0, Some("Part 1"), ""),
                entry(
                    "Counter",
                    "shared-state/counter.md",
                    1,
                    Some("Part 1"),
                    "{{#quiz ../quizzes/shared-state-counter.toml}}\n",
                ),
            ],
        };
        let chapters = collect(&course, &from_disk).unwrap();
        assert_eq!(chapters.len(), 1, "chapters without quizzes are left out");
        assert_eq!(chapters[0].title, "Shared");
        assert_eq!(chapters[0].part, "Part 1");
        assert_eq!(chapters[0].quizzes[0].title, "Counter");
        assert_eq!(chapters[0].quizzes[0].stem, "shared-state-counter");
        assert_eq!(chapters[0].quizzes[0].page, "shared-state/counter.html");
        assert!(chapters[0].quizzes[0].questions > 0);
        let missing = Course { entries: vec![entry("X", "x/y.md", 0, None, "{{#quiz ../nope.toml}}\n")] };
        let err = format!("{:#}", collect(&missing, &from_disk).unwrap_err());
        assert!(err.contains("progress-data: x/y.md embeds ../nope.toml: reading src/nope.toml"), "{err}");
    }
}
