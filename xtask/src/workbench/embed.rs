//! The workbench's build-time part, run by the `progress-data` preprocessor
//! (`xtask/src/reader.rs`) on the book mdBook hands it:
//!
//! - `{{#workbench <id>}}`, on a line of its own in `exercises/<id>.md`
//!   (`cargo xtask exercises --sync` writes it), becomes the workbench: the
//!   starter's API as a listing (what a reader without JavaScript sees), the
//!   page data ([`super::PageData`]) and the loader of the scripts;
//! - every exercise gets `workbench/<id>.json` ([`super::workbench_data`]),
//!   and `theme/workbench-core.js` and `theme/workbench.js` are copied next
//!   to them, into `src/workbench/` (gitignored), which mdBook publishes;
//! - the progress page's marker becomes the list of exercises.
//!
//! An exercise page without its line, a line on another page, an unknown
//! id: the build fails, saying which.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use mdbook_preprocessor::book::{Book, Chapter};
use playground::exercise::DATA_DIR;
use regex::Regex;
use serde_json::{Value, json};

use crate::exercises::{self, Exercise};

/// The line of `src/progress.md` that becomes the list of exercises.
pub const PROGRESS_MARKER: &str =
    "<!-- exercise-data: filled in at build time by `cargo xtask progress-data` -->";
const PROGRESS_PAGE: &str = "progress.md";
/// The scripts of an exercise page, from `theme/`, in the order they run.
const SCRIPTS: [&str; 2] = ["workbench-core.js", "workbench.js"];

fn workbench_line() -> Regex {
    Regex::new(r"(?m)^\{\{#workbench[ \t]+([^\s}]+)[ \t]*\}\}[ \t]*$").expect("valid regex")
}

/// The line `cargo xtask exercises --sync` writes into `exercise`'s page.
pub fn line(exercise: &Exercise) -> String {
    format!("{{{{#workbench {}}}}}", exercise.id)
}

/// JSON that is safe inside `<script>`: no `<` at all.
fn script_json(value: &impl serde::Serialize) -> Result<String> {
    Ok(serde_json::to_string(value)?.replace('<', "\\u003c"))
}

/// The markup of `exercise`'s workbench on its page.
fn markup(exercise: &Exercise, version: &str) -> Result<String> {
    let page = super::page_data(exercise)?;
    let file = exercises::dir().join(exercise.starter());
    let starter = fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let api = super::anchor(&starter, "api").with_context(|| {
        format!("{} has no `// ANCHOR: api` … `// ANCHOR_END: api`", exercise.starter_label())
    })?;
    let files: Vec<String> = SCRIPTS.iter().map(|s| format!("'{DATA_DIR}/{s}?v={version}'")).collect();
    Ok(format!(
        "<div class=\"fl-workbench\" id=\"workbench-{id}\" data-exercise=\"{id}\">\n\
         <div class=\"fl-workbench-static\">\n\n\
         The starter, `{label}` (the part you write; the checker runs it):\n\n\
         ```rust,ignore\n{api}```\n\n\
         <p class=\"fl-workbench-nojs\">With JavaScript, you edit and check it right here.</p>\n\n\
         </div>\n\
         <script type=\"application/json\" class=\"fl-workbench-data\">{data}</script>\n\
         </div>\n\
         <script>\n(function () {{\n  'use strict';\n  if (window.FearlessWorkbenchLoader) return;\n  \
         window.FearlessWorkbenchLoader = true;\n  var root = typeof path_to_root === 'string' ? path_to_root : '';\n  \
         [{files}].forEach(function (file) {{\n    var script = document.createElement('script');\n    \
         script.src = root + file;\n    script.async = false;\n    document.head.appendChild(script);\n  }});\n}})();\n</script>\n",
        id = exercise.id,
        label = page.label,
        data = script_json(&page)?,
        files = files.join(", "),
    ))
}

/// A version for the scripts' URLs (a browser may keep an old copy): a
/// hash of their text.
fn scripts_version(root: &Path) -> Result<String> {
    let mut version = 0xcbf2_9ce4_8422_2325_u64;
    for script in SCRIPTS {
        let path = root.join("theme").join(script);
        let text = fs::read(&path).with_context(|| format!("reading theme/{script}"))?;
        for byte in text {
            version = (version ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    Ok(format!("{version:x}"))
}

/// Writes `text` to `path` unless it already holds it (a rewrite would wake
/// `mdbook serve`'s watcher).
fn write_if_changed(path: &Path, text: &[u8]) -> Result<()> {
    if fs::read(path).ok().as_deref() != Some(text) {
        fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Writes `src/workbench/`: each exercise's JSON and the scripts.
fn write_assets(root: &Path, src: &Path, list: &[Exercise]) -> Result<()> {
    let dir = src.join(DATA_DIR);
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for exercise in list {
        let data = serde_json::to_string(&super::workbench_data(exercise)?)?;
        write_if_changed(&dir.join(format!("{}.json", exercise.id)), data.as_bytes())?;
    }
    for script in SCRIPTS {
        let text =
            fs::read(root.join("theme").join(script)).with_context(|| format!("reading theme/{script}"))?;
        write_if_changed(&dir.join(script), &text)?;
    }
    Ok(())
}

/// The progress page's list of exercises, in the list's order.
fn progress_data(list: &[Exercise]) -> Value {
    Value::Array(
        list.iter()
            .map(|e| {
                json!({
                    "id": e.id,
                    "title": e.title,
                    "difficulty": e.difficulty.label(),
                    "page": format!("exercises/{}.html", e.id),
                })
            })
            .collect(),
    )
}

/// The new content of each page that changes, by path (relative to `src/`),
/// from `pages` (path, content).
pub fn expand(
    root: &Path,
    pages: &[(String, String)],
    list: &[Exercise],
) -> Result<BTreeMap<String, String>> {
    let version = scripts_version(root)?;
    let mut out = BTreeMap::new();
    let mut embedded: BTreeMap<&str, &str> = BTreeMap::new();
    let mut progress_filled = false;
    for (path, content) in pages {
        let mut new = content.clone();
        if content.contains("{{#workbench") {
            let lines = workbench_line().captures_iter(content).count();
            if content.matches("{{#workbench").count() != lines {
                bail!("src/{path}: write `{{{{#workbench <id>}}}}` on a line of its own");
            }
            let mut failure = None;
            new = workbench_line()
                .replace_all(content, |caps: &regex::Captures| {
                    let id = &caps[1];
                    let Some(exercise) = list.iter().find(|e| e.id == id) else {
                        failure.get_or_insert_with(|| {
                            anyhow::anyhow!("src/{path} embeds the workbench of `{id}`, which exercises/exercises.toml does not list")
                        });
                        return String::new();
                    };
                    if *path != format!("exercises/{id}.md") {
                        failure.get_or_insert_with(|| {
                            anyhow::anyhow!("src/{path} embeds the workbench of `{id}`: it belongs on src/exercises/{id}.md")
                        });
                    }
                    if embedded.insert(&exercise.id, path).is_some() {
                        failure.get_or_insert_with(|| anyhow::anyhow!("the workbench of `{id}` is embedded twice"));
                    }
                    markup(exercise, &version).unwrap_or_else(|e| {
                        failure.get_or_insert(e);
                        String::new()
                    })
                })
                .into_owned();
            if let Some(e) = failure {
                return Err(e);
            }
        }
        if path == PROGRESS_PAGE {
            if !content.contains(PROGRESS_MARKER) {
                bail!("progress-data: src/{PROGRESS_PAGE} must contain the line\n{PROGRESS_MARKER}");
            }
            let script = format!(
                "<script type=\"application/json\" id=\"fl-exercise-data\">{}</script>",
                script_json(&progress_data(list))?
            );
            new = new.replace(PROGRESS_MARKER, &script);
            progress_filled = true;
        }
        if new != *content {
            out.insert(path.clone(), new);
        }
    }
    for exercise in list {
        if !embedded.contains_key(exercise.id.as_str()) {
            bail!(
                "src/{} has no `{}` line: run `cargo xtask exercises --sync`",
                exercise.page().trim_start_matches("src/"),
                line(exercise)
            );
        }
    }
    if !progress_filled {
        bail!("progress-data: the book has no src/{PROGRESS_PAGE} to list the exercises on");
    }
    Ok(out)
}

/// Expands the workbenches and the progress page's list in mdBook's
/// `book` (handed over through [`crate::preprocessor`]), and writes
/// `src/workbench/` under `src`.
pub fn preprocess(src: &Path, book: &mut Book) -> Result<()> {
    let root = crate::paths::root();
    let list = exercises::list()?;
    let pages: Vec<(String, String)> =
        book.chapters().filter_map(|c| Some((source(c)?, c.content.clone()))).collect();
    let new = expand(root, &pages, &list)?;
    write_assets(root, src, &list)?;
    book.for_each_chapter_mut(|chapter| {
        if let Some(content) = source(chapter).and_then(|p| new.get(&p)) {
            chapter.content = content.clone();
        }
    });
    eprintln!("progress-data: {} exercise workbenches", list.len());
    Ok(())
}

/// A chapter's file, relative to `src/`, with `/` (none for a draft).
fn source(chapter: &Chapter) -> Option<String> {
    chapter.source_path.as_deref().map(|p| p.to_string_lossy().replace('\\', "/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(list: &[Exercise]) -> Vec<(String, String)> {
        let mut pages = vec![("progress.md".to_string(), format!("# Progress\n\n{PROGRESS_MARKER}\n"))];
        for e in list {
            pages
                .push((format!("exercises/{}.md", e.id), format!("# {}\n\n{}\n\nafter\n", e.title, line(e))));
        }
        pages
    }

    #[test]
    fn every_exercise_page_gets_its_workbench_and_the_progress_page_the_list() {
        let list = exercises::list().unwrap();
        let new = expand(crate::paths::root(), &pages(&list), &list).unwrap();
        for e in &list {
            let page = &new[&format!("exercises/{}.md", e.id)];
            assert!(
                page.contains(&format!("id=\"workbench-{}\" data-exercise=\"{}\"", e.id, e.id)),
                "{page}"
            );
            assert!(page.contains("class=\"fl-workbench-data\">{\"v\":1"), "{page}");
            assert!(page.contains("```rust,ignore\n"), "the API for readers without JavaScript");
            assert!(page.contains("workbench/workbench.js?v="), "the loader");
            assert!(page.ends_with("after\n"), "the rest of the page is kept");
            let data =
                page.split("class=\"fl-workbench-data\">").nth(1).unwrap().split("</script>").next().unwrap();
            assert!(!data.contains('<'), "no `<` inside the script element");
        }
        let progress = &new["progress.md"];
        assert!(
            progress
                .contains("<script type=\"application/json\" id=\"fl-exercise-data\">[{\"id\":\"counter\""),
            "{progress}"
        );
    }

    #[test]
    fn a_missing_misplaced_or_unknown_workbench_fails_the_build() {
        let list = exercises::list().unwrap();
        let mut missing = pages(&list);
        missing[1].1 = "# no workbench\n".into();
        let err = expand(crate::paths::root(), &missing, &list).unwrap_err().to_string();
        assert!(err.contains("run `cargo xtask exercises --sync`"), "{err}");
        let mut unknown = pages(&list);
        unknown.push(("exercises/index.md".into(), "{{#workbench nope}}\n".into()));
        let err = expand(crate::paths::root(), &unknown, &list).unwrap_err().to_string();
        assert!(err.contains("`nope`, which exercises/exercises.toml does not list"), "{err}");
        let mut elsewhere = pages(&list);
        elsewhere[1].1 = "# x\n".into();
        elsewhere.push(("exercises/index.md".into(), format!("{}\n", line(&list[0]))));
        let err = expand(crate::paths::root(), &elsewhere, &list).unwrap_err().to_string();
        assert!(err.contains("it belongs on src/exercises/"), "{err}");
        let mut inline = pages(&list);
        inline[1].1.push_str("text {{#workbench counter}}\n");
        let err = expand(crate::paths::root(), &inline, &list).unwrap_err().to_string();
        assert!(err.contains("on a line of its own"), "{err}");
    }
}
