//! One typed model of the course's sources, so that every command reads
//! them the same way:
//!
//! - [`Course`]: the entries of `src/SUMMARY.md` in book order — parts,
//!   drafts, nesting — each with its page's Markdown. Read with mdBook's own
//!   SUMMARY parser ([`Course::load`]), or taken from the book mdBook hands a
//!   preprocessor ([`Course::from_book`]): one shape either way.
//! - [`QuizEmbed`]: a page's `{{#quiz …}}` directives, found with
//!   mdbook-quiz's own grammar.
//! - [`quiz`]: the quiz files as typed questions keyed by file and id, read
//!   by one reader that names every problem with its file and question.
//! - [`markdown_files`]: every Markdown file under `src/`, listed in
//!   SUMMARY.md or not (the snippet and quiz checks read them all).
//!
//! Its users: the quiz, snippet and puzzle checks, the progress and puzzle
//! preprocessors, the browser tests and `bench pages`.

pub mod quiz;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use anyhow::{Context, Result};
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_summary::{Summary, SummaryItem};
use regex::Regex;

/// `src/`, where the book's sources are.
pub fn src() -> PathBuf {
    crate::paths::root().join("src")
}

/// Every Markdown file under `src/`, sorted: the pages, the ones SUMMARY.md
/// does not list, and the generated tables pages include.
pub fn markdown_files() -> Result<Vec<PathBuf>> {
    crate::paths::files_with_extension(&src(), "md")
}

/// The book: every entry of SUMMARY.md, depth first (book order).
#[derive(Debug, Clone, Default)]
pub struct Course {
    pub entries: Vec<Entry>,
}

/// One entry of SUMMARY.md.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its title as mdBook shows it (`Mutex<T>`: code spans lose their backticks).
    pub title: String,
    /// The page's source, relative to `src/`, with `/` between folders
    /// (`mutex/guards.md`); `None` for a draft (`- [Title]()`).
    pub path: Option<String>,
    /// 0 for a top-level entry, 1 for the entries nested below it, …
    pub depth: usize,
    /// The `# Part …` title it belongs to; `None` before the first part.
    pub part: Option<String>,
    /// The page's Markdown (empty for a draft): from disk, or, in a
    /// preprocessor, as mdBook hands it over (includes expanded).
    pub content: String,
}

impl Course {
    /// `src/SUMMARY.md` and every page it lists, from disk.
    pub fn load() -> Result<Course> {
        let summary = std::fs::read_to_string(src().join("SUMMARY.md")).context("reading src/SUMMARY.md")?;
        let mut course = Course::parse_summary(&summary)?;
        for entry in &mut course.entries {
            if let Some(path) = &entry.path {
                entry.content = std::fs::read_to_string(src().join(path))
                    .with_context(|| format!("src/SUMMARY.md lists src/{path}, which cannot be read"))?;
            }
        }
        Ok(course)
    }

    /// The entries of a SUMMARY.md, with mdBook's own parser (contents empty).
    pub fn parse_summary(text: &str) -> Result<Course> {
        let summary: Summary = mdbook_summary::parse_summary(text).context("src/SUMMARY.md")?;
        let mut course = Course::default();
        let mut part = None;
        for items in [&summary.prefix_chapters, &summary.numbered_chapters, &summary.suffix_chapters] {
            course.add_summary_items(items, 0, &mut part);
        }
        Ok(course)
    }

    fn add_summary_items(&mut self, items: &[SummaryItem], depth: usize, part: &mut Option<String>) {
        for item in items {
            match item {
                SummaryItem::Link(link) => {
                    self.entries.push(Entry {
                        title: link.name.clone(),
                        path: link.location.as_deref().map(slashed),
                        depth,
                        part: part.clone(),
                        content: String::new(),
                    });
                    self.add_summary_items(&link.nested_items, depth + 1, part);
                }
                SummaryItem::PartTitle(title) => *part = Some(title.clone()),
                _ => {}
            }
        }
    }

    /// The entries of the book mdBook gives a preprocessor.
    pub fn from_book(book: &Book) -> Course {
        let mut course = Course::default();
        let mut part = None;
        course.add_book_items(&book.items, 0, &mut part);
        course
    }

    fn add_book_items(&mut self, items: &[BookItem], depth: usize, part: &mut Option<String>) {
        for item in items {
            match item {
                BookItem::Chapter(chapter) => {
                    self.entries.push(Entry {
                        title: chapter.name.clone(),
                        path: chapter.path.as_deref().map(slashed),
                        depth,
                        part: part.clone(),
                        content: chapter.content.clone(),
                    });
                    self.add_book_items(&chapter.sub_items, depth + 1, part);
                }
                BookItem::PartTitle(title) => *part = Some(title.clone()),
                BookItem::Separator => {}
            }
        }
    }

    /// The entries that have a page (every one but the drafts), in book order.
    pub fn pages(&self) -> impl Iterator<Item = Page<'_>> {
        Course::pages_of(&self.entries)
    }

    /// The entries of `entries` that have a page (a chapter's, say).
    pub fn pages_of(entries: &[Entry]) -> impl Iterator<Item = Page<'_>> {
        entries.iter().filter_map(|entry| Some(Page { path: entry.path.as_deref()?, entry }))
    }

    /// The pages as the built book names them (`beyond/loom.html`).
    pub fn html_pages(&self) -> Vec<String> {
        self.pages().map(|p| p.html()).collect()
    }

    /// Each top-level entry with every entry nested below it (itself first).
    pub fn chapters(&self) -> Vec<&[Entry]> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, entry) in self.entries.iter().enumerate().skip(1) {
            if entry.depth == 0 {
                out.push(&self.entries[start..i]);
                start = i;
            }
        }
        if start < self.entries.len() {
            out.push(&self.entries[start..]);
        }
        out
    }

    /// Draft entries with written pages nested below them: mdbook-quiz
    /// 0.5.0 does not descend below a draft, so those pages' quizzes would
    /// silently not render.
    pub fn draft_parents(&self) -> Vec<&Entry> {
        let mut out = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            let below = self.entries[i + 1..].iter().take_while(|e| e.depth > entry.depth);
            if entry.path.is_none() && below.into_iter().any(|e| e.path.is_some()) {
                out.push(entry);
            }
        }
        out
    }
}

/// An entry that has a page: its path, and the entry behind it.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    /// Relative to `src/` (`mutex/guards.md`).
    pub path: &'a str,
    pub entry: &'a Entry,
}

impl std::ops::Deref for Page<'_> {
    type Target = Entry;

    fn deref(&self) -> &Entry {
        self.entry
    }
}

impl Page<'_> {
    /// The built page (`mutex/guards.html`; mdBook renders `README.md` as
    /// `index.html`).
    pub fn html(&self) -> String {
        let html = format!("{}.html", self.path.strip_suffix(".md").unwrap_or(self.path));
        match html.strip_suffix("README.html") {
            Some(folder) => format!("{folder}index.html"),
            None => html,
        }
    }

    /// The `{{#quiz …}}` directives of the page.
    pub fn quiz_embeds(&self) -> Vec<QuizEmbed> {
        QuizEmbed::find(&self.content)
    }
}

/// A `{{#quiz <file>}}` directive.
#[derive(Debug, Clone, PartialEq)]
pub struct QuizEmbed {
    /// Its line in the page, from 1.
    pub line: usize,
    /// The quiz file as written, relative to the page's folder.
    pub file: String,
    /// Whether the directive is alone on its line (the course's rule: the
    /// progress link goes below it).
    pub own_line: bool,
}

/// mdbook-quiz 0.5.0's pattern for the directive (its `main.rs`): anywhere
/// in the text, the path up to the first `}`, taken as written.
static QUIZ_DIRECTIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{#quiz ([^}]+)\}\}").expect("valid regex"));

impl QuizEmbed {
    /// Every quiz directive in `content`, as mdbook-quiz finds them.
    pub fn find(content: &str) -> Vec<QuizEmbed> {
        QUIZ_DIRECTIVE
            .captures_iter(content)
            .map(|caps| {
                let whole = caps.get(0).expect("group 0 is the match");
                let line_start = content[..whole.start()].rfind('\n').map_or(0, |i| i + 1);
                let line_end = content[whole.end()..].find('\n').map_or(content.len(), |i| whole.end() + i);
                QuizEmbed {
                    line: content[..whole.start()].matches('\n').count() + 1,
                    file: caps[1].to_string(),
                    own_line: content[line_start..line_end].trim() == whole.as_str(),
                }
            })
            .collect()
    }

    /// The quiz file, relative to `src/`, for the page at `page` (relative to `src/`).
    pub fn resolve(&self, page: &str) -> PathBuf {
        let folder = Path::new(page).parent().unwrap_or(Path::new(""));
        crate::paths::normalize(&folder.join(&self.file))
    }

    /// The quiz file's stem: mdbook-quiz's name for the quiz and its
    /// `localStorage` key (`mdbook-quiz:<stem>`).
    pub fn stem(&self) -> String {
        Path::new(&self.file).file_stem().unwrap_or_default().to_string_lossy().into_owned()
    }
}

/// A path with `/` between its parts, whatever the platform.
fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use mdbook_preprocessor::book::Chapter;

    use super::*;

    /// A summary in the course's shape: prefix chapters, parts, nesting, a
    /// draft with a written page below it, a draft with only drafts below,
    /// HTML comments between the entries (the exercise list's markers).
    const SUMMARY: &str = "# Summary

[Introduction](introduction.md)
[Your progress](progress.md)

# Part 1: Mutex

- [Shared mutable state](shared-state/index.md)
    - [The shared counter](shared-state/counter.md)
- [`Mutex<T>`](mutex/index.md)
    - [Guards](mutex/guards.md)
- [Later]()
    - [Written](later/written.md)
- [Someday]()
    - [Not yet]()

# Practice

- [Be the scheduler](puzzles.md)
<!-- generated-begin -->
- [Exercises](exercises/README.md)
    - [A shared counter](exercises/counter.md)
<!-- generated-end -->
";

    fn course() -> Course {
        Course::parse_summary(SUMMARY).unwrap()
    }

    #[test]
    fn entries_come_in_book_order_with_parts_depths_and_drafts() {
        let c = course();
        let shown: Vec<(String, Option<&str>, usize, Option<&str>)> = c
            .entries
            .iter()
            .map(|e| (e.title.clone(), e.path.as_deref(), e.depth, e.part.as_deref()))
            .collect();
        let part1 = Some("Part 1: Mutex");
        let practice = Some("Practice");
        assert_eq!(
            shown,
            [
                ("Introduction".into(), Some("introduction.md"), 0, None),
                ("Your progress".into(), Some("progress.md"), 0, None),
                ("Shared mutable state".into(), Some("shared-state/index.md"), 0, part1),
                ("The shared counter".into(), Some("shared-state/counter.md"), 1, part1),
                ("Mutex<T>".into(), Some("mutex/index.md"), 0, part1),
                ("Guards".into(), Some("mutex/guards.md"), 1, part1),
                ("Later".into(), None, 0, part1),
                ("Written".into(), Some("later/written.md"), 1, part1),
                ("Someday".into(), None, 0, part1),
                ("Not yet".into(), None, 1, part1),
                ("Be the scheduler".into(), Some("puzzles.md"), 0, practice),
                ("Exercises".into(), Some("exercises/README.md"), 0, practice),
                ("A shared counter".into(), Some("exercises/counter.md"), 1, practice),
            ]
        );
    }

    #[test]
    fn chapters_group_each_top_level_entry_with_what_is_below_it() {
        let c = course();
        let chapters: Vec<Vec<&str>> =
            c.chapters().iter().map(|ch| ch.iter().map(|e| e.title.as_str()).collect()).collect();
        assert_eq!(chapters[2], ["Shared mutable state", "The shared counter"]);
        assert_eq!(chapters.len(), 8);
        assert_eq!(chapters[7], ["Exercises", "A shared counter"]);
    }

    #[test]
    fn only_drafts_with_written_pages_below_are_draft_parents() {
        let c = course();
        let parents: Vec<&str> = c.draft_parents().iter().map(|e| e.title.as_str()).collect();
        assert_eq!(parents, ["Later"]);
    }

    #[test]
    fn pages_are_named_as_the_built_book_names_them() {
        let c = course();
        let html = c.html_pages();
        assert_eq!(html[0], "introduction.html");
        assert!(html.contains(&"exercises/index.html".to_string()), "{html:?}");
        assert!(!html.iter().any(|p| p.contains("README")), "{html:?}");
        assert_eq!(html.len(), 10, "drafts have no page: {html:?}");
        let guards = c.pages().find(|p| p.path == "mutex/guards.md").unwrap();
        assert_eq!((guards.title.as_str(), guards.html()), ("Guards", "mutex/guards.html".to_string()));
    }

    #[test]
    fn the_book_from_mdbook_gives_the_same_entries() {
        // What mdBook would hand a preprocessor for the same SUMMARY.md.
        let chapter = |name: &str, path: Option<&str>, sub: Vec<BookItem>| {
            let mut ch = match path {
                Some(p) => Chapter::new(name, format!("content of {p}"), p, Vec::new()),
                None => Chapter::new_draft(name, Vec::new()),
            };
            ch.sub_items = sub;
            BookItem::Chapter(ch)
        };
        let book = Book::new_with_items(vec![
            chapter("Introduction", Some("introduction.md"), vec![]),
            chapter("Your progress", Some("progress.md"), vec![]),
            BookItem::PartTitle("Part 1: Mutex".into()),
            chapter(
                "Shared mutable state",
                Some("shared-state/index.md"),
                vec![chapter("The shared counter", Some("shared-state/counter.md"), vec![])],
            ),
            chapter(
                "Mutex<T>",
                Some("mutex/index.md"),
                vec![chapter("Guards", Some("mutex/guards.md"), vec![])],
            ),
            chapter("Later", None, vec![chapter("Written", Some("later/written.md"), vec![])]),
            chapter("Someday", None, vec![chapter("Not yet", None, vec![])]),
            BookItem::PartTitle("Practice".into()),
            chapter("Be the scheduler", Some("puzzles.md"), vec![]),
            BookItem::Separator,
            chapter(
                "Exercises",
                Some("exercises/README.md"),
                vec![chapter("A shared counter", Some("exercises/counter.md"), vec![])],
            ),
        ]);
        let from_book = Course::from_book(&book);
        let without_content = |c: &Course| -> Vec<Entry> {
            c.entries.iter().cloned().map(|e| Entry { content: String::new(), ..e }).collect()
        };
        assert_eq!(without_content(&from_book), without_content(&course()));
        let guards = from_book.pages().find(|p| p.path == "mutex/guards.md").unwrap();
        assert_eq!(guards.content, "content of mutex/guards.md");
    }

    #[test]
    fn quiz_directives_are_found_as_mdbook_quiz_finds_them() {
        let page =
            "# Guards\n\ntext\n\n{{#quiz ../quizzes/mutex-guards.toml}}\n\nsee {{#quiz other.toml}} inline\n";
        let embeds = QuizEmbed::find(page);
        assert_eq!(
            embeds,
            [
                QuizEmbed { line: 5, file: "../quizzes/mutex-guards.toml".into(), own_line: true },
                QuizEmbed { line: 7, file: "other.toml".into(), own_line: false },
            ]
        );
        assert_eq!(embeds[0].resolve("mutex/guards.md"), PathBuf::from("quizzes/mutex-guards.toml"));
        assert_eq!(embeds[0].stem(), "mutex-guards");
        assert_eq!(embeds[1].resolve("intro.md"), PathBuf::from("other.toml"));
        // mdbook-quiz takes the path as written, spaces and all: a stray
        // space names another file, and the quiz check says it is missing.
        assert_eq!(QuizEmbed::find("{{#quiz a.toml }}")[0].file, "a.toml ");
        assert!(QuizEmbed::find("{{#quiz}} {{#quizzes}} {{#puzzle x}}").is_empty());
    }

    #[test]
    fn the_course_on_disk_loads() {
        let c = Course::load().unwrap();
        assert!(c.pages().all(|p| !p.content.is_empty()), "every listed page has text");
        assert!(c.draft_parents().is_empty(), "no chapter sits under a draft entry");
        assert_eq!(c.html_pages()[0], "introduction.html");
    }
}
